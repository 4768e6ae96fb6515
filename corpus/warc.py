"""Read HTTP responses out of WARC archives, so saved crawls ingest like live fetches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .records import RawResponse

# A record larger than this is skipped: the same cap a live fetch applies.
MAX_RECORD_BYTES = 20 * 2**20


def iter_warc_responses(path: Path) -> Iterator[RawResponse]:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            body = record.content_stream().read(MAX_RECORD_BYTES + 1)
            if len(body) > MAX_RECORD_BYTES:
                continue
            status = int((record.http_headers.get_statuscode() or "0")[:3] or 0)
            yield RawResponse(
                requested_url=url,
                final_url=url,
                status=status,
                headers=tuple(record.http_headers.headers),
                body=body,
                peer_address=record.rec_headers.get_header("WARC-IP-Address"),
                fetched_at=record.rec_headers.get_header("WARC-Date") or "",
            )
