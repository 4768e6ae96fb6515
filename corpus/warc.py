"""Read HTTP responses out of WARC archives, so saved crawls ingest like live fetches.

Record by record, with every read bounded (RELIABILITY.md I6, I13, I14): a header line is read
up to MAX_LINE_BYTES, a record's headers up to MAX_HEADER_LINES, a block up to MAX_RECORD_BYTES
(a bigger one is skipped by reading past it, never held), a body's content coding undone up to
the same cap. Each response record comes out as a `WarcRecord`: the response, or the reason it
cannot be one (too large, not HTTP, truncated). Damage that leaves no way to find the next record
(a Content-Length of "abc" or -5, a header line without end, a broken gzip stream, a file that is
no WARC at all) ends the file with one `WarcDamage` naming the record; the records before it have
already been yielded and are kept.

warcio is not used for reading: its header parser reads lines without a limit (a 1 GB header
line took 6 GB of memory) and raises ArchiveLoadFailed for the whole file. It is still the
writer tests use, and its output is what this reader is tested against.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from .records import RawResponse

# A record larger than this is skipped: the same cap a live fetch applies.
MAX_RECORD_BYTES = 20 * 2**20
# One WARC or HTTP header line; real ones are well under 8 KiB.
MAX_LINE_BYTES = 64 * 1024
MAX_HEADER_LINES = 512
# An HTTP status line and headers inside a response block.
MAX_HTTP_HEADER_BYTES = 256 * 1024
# Record types that carry no document and so make no row.
_NOT_DOCUMENTS = frozenset({"warcinfo", "request", "metadata", "conversion", "continuation"})
_CHUNK = 1 << 16


@dataclass(frozen=True)
class WarcRecord:
    """One document record: `response` when it is usable, else `reason` says why not."""

    number: int  # 1-based position of the record in the file
    target_uri: str
    response: RawResponse | None = None
    reason: str | None = None


@dataclass(frozen=True)
class WarcDamage:
    """The file cannot be read past record `number`; every record before it was yielded."""

    number: int
    reason: str


class _Damaged(Exception):
    pass


class _Reader:
    """Bounded line and block reads over a byte stream (decompressed on the fly for .warc.gz)."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream
        self._buffer = bytearray()
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        try:
            piece = self._stream.read(_CHUNK)
        except (OSError, EOFError, zlib.error) as exc:
            # gzip.BadGzipFile is an OSError; a truncated member raises EOFError.
            raise _Damaged(f"corrupt compressed data ({exc})") from exc
        if not piece:
            self._eof = True
            return False
        self._buffer += piece
        return True

    def readline(self) -> bytes:
        """One line with its newline; b"" at the end of the file. Past MAX_LINE_BYTES: damage."""
        while True:
            end = self._buffer.find(b"\n", 0, MAX_LINE_BYTES + 1)
            if end >= 0:
                line = bytes(self._buffer[:end + 1])
                del self._buffer[:end + 1]
                return line
            if len(self._buffer) > MAX_LINE_BYTES:
                raise _Damaged(f"a header line is longer than {MAX_LINE_BYTES} bytes")
            if not self._fill():
                line = bytes(self._buffer)
                self._buffer.clear()
                return line

    def read(self, size: int) -> bytes:
        """Up to `size` bytes (fewer only at the end of the file)."""
        while len(self._buffer) < size and self._fill():
            pass
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def skip(self, size: int) -> int:
        """Read past `size` bytes without keeping them; return how many there were."""
        skipped = 0
        while skipped < size:
            if not self._buffer and not self._fill():
                break
            step = min(len(self._buffer), size - skipped)
            del self._buffer[:step]
            skipped += step
        return skipped


def _open(handle: IO[bytes]) -> IO[bytes]:
    magic = handle.read(2)
    handle.seek(0)
    # One gzip member per record or one for the whole file: GzipFile reads members one after another.
    # cast: a GzipFile reads like any binary file; typeshed does not call it an IO[bytes].
    return cast(IO[bytes], gzip.GzipFile(fileobj=handle, mode="rb")) if magic == b"\x1f\x8b" else handle


def iter_warc(path: Path) -> Iterator[WarcRecord | WarcDamage]:
    """Every document record of the archive at `path`, in order; then a WarcDamage if the file breaks."""
    with path.open("rb") as handle:
        reader = _Reader(_open(handle))
        number = 0
        try:
            while True:
                headers = _record_headers(reader, number + 1)
                if headers is None:
                    return
                number += 1
                record = _record(reader, number, headers)
                if record is not None:
                    yield record
        except _Damaged as exc:
            yield WarcDamage(number + 1, str(exc))


def iter_warc_responses(path: Path) -> Iterator[RawResponse]:
    """Only the usable responses (the old interface; ingest uses `iter_warc` for the rows)."""
    for item in iter_warc(path):
        if isinstance(item, WarcRecord) and item.response is not None:
            yield item.response


def _record_headers(reader: _Reader, number: int) -> dict[str, str] | None:
    line = reader.readline()
    blank = 0
    while line in (b"\r\n", b"\n"):  # the two CRLFs after each block
        blank += 1
        if blank > 16:
            raise _Damaged(f"record {number}: no WARC header after the previous record")
        line = reader.readline()
    if not line:
        return None
    if not line.startswith(b"WARC/"):
        raise _Damaged(f"record {number} does not start with a WARC/ version line (not a WARC file, or garbage)")
    headers: dict[str, str] = {}
    last = ""
    for _ in range(MAX_HEADER_LINES):
        line = reader.readline()
        if not line:
            raise _Damaged(f"record {number}: the file ends inside the record's headers")
        if line in (b"\r\n", b"\n"):
            return headers
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if text[:1] in (" ", "\t") and last:
            headers[last] += " " + text.strip()
            continue
        name, sep, value = text.partition(":")
        if not sep:
            raise _Damaged(f"record {number}: header line without a colon")
        last = name.strip().lower()
        headers[last] = value.strip()
    raise _Damaged(f"record {number}: more than {MAX_HEADER_LINES} header lines")


def _record(reader: _Reader, number: int, headers: dict[str, str]) -> WarcRecord | None:
    declared = headers.get("content-length", "")
    if not declared.isascii() or not declared.isdigit():
        # Without a length there is no knowing where the next record starts.
        raise _Damaged(f"record {number}: Content-Length {declared[:20]!r} is not a byte count")
    length = int(declared)
    kind = headers.get("warc-type", "").lower()
    uri = headers.get("warc-target-uri", "").strip("<>")
    if kind in _NOT_DOCUMENTS:
        if reader.skip(length) < length:
            raise _Damaged(f"record {number}: the file ends inside the record (Content-Length {length})")
        return None
    if length > MAX_RECORD_BYTES:
        if reader.skip(length) < length:
            raise _Damaged(f"record {number}: the file ends inside the record (Content-Length {length})")
        return WarcRecord(number, uri, reason=f"too_large: record of {length} bytes is over {MAX_RECORD_BYTES}")
    block = reader.read(length)
    if len(block) < length:
        # The records after this one cannot exist; this one is reported, and the file ends here.
        raise _Damaged(f"record {number}: truncated, Content-Length {length} but only {len(block)} bytes left")
    if kind != "response":
        return WarcRecord(number, uri, reason=f"unsupported_record: {kind[:30] or 'untyped'} records carry no "
                                              "HTTP response")
    try:
        response = _http_response(block, uri, headers)
    except ValueError as exc:
        return WarcRecord(number, uri, reason=str(exc))
    return WarcRecord(number, uri, response=response)


def _http_response(block: bytes, uri: str, headers: dict[str, str]) -> RawResponse:
    from .content_checks import content_encodings, decode_content
    from .errors import FetchError

    if not block.startswith(b"HTTP/"):
        raise ValueError("not_http: the record holds no HTTP response (a dns: or other non-HTTP capture)")
    head_end, sep_len = block.find(b"\r\n\r\n", 0, MAX_HTTP_HEADER_BYTES), 4
    if head_end < 0:
        head_end, sep_len = block.find(b"\n\n", 0, MAX_HTTP_HEADER_BYTES), 2
    if head_end < 0:
        raise ValueError(f"bad_http_headers: no end of headers in the first {MAX_HTTP_HEADER_BYTES} bytes")
    lines = block[:head_end].decode("latin-1").replace("\r\n", "\n").split("\n")
    parts = lines[0].split(None, 2)
    if len(parts) < 2 or not parts[1][:3].isdigit():
        raise ValueError(f"bad_http_headers: status line {lines[0][:60]!r}")
    status = int(parts[1][:3])
    http_headers: list[tuple[str, str]] = []
    for text in lines[1:]:
        name, sep, value = text.partition(":")
        if sep and name.strip():
            http_headers.append((name.strip(), value.strip()))
    body = block[head_end + sep_len:]
    names = {name.lower(): value for name, value in http_headers}
    if "chunked" in names.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    encodings = content_encodings([value for name, value in http_headers if name.lower() == "content-encoding"])
    if encodings:
        try:
            body = decode_content(body, encodings, MAX_RECORD_BYTES)
        except FetchError as exc:
            raise ValueError(f"{exc.reason}: {exc}") from exc
    return RawResponse(requested_url=uri, final_url=uri, status=status, headers=tuple(http_headers), body=body,
                       peer_address=headers.get("warc-ip-address"), fetched_at=headers.get("warc-date", ""))


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while True:
        end = data.find(b"\r\n", pos, pos + 1024)
        if end < 0:
            # Many crawlers store the body already de-chunked but keep the header: take it as it is.
            return data if not out else bytes(out)
        size_text = data[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return data if not out else bytes(out)
        if size == 0:
            return bytes(out)
        out += data[end + 2:end + 2 + size]
        pos = end + 2 + size + 2
