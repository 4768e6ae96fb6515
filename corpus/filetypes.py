"""Which local files ingest reads, by name: HTML pages, saved text articles, WARC archives.

A module of its own, importing nothing heavy, so the CLI can decide whether
to start extraction workers early by the same rule ingest applies later.
"""

from __future__ import annotations

from pathlib import Path

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
TEXT_SUFFIXES = (".txt", ".text")
WARC_SUFFIXES = (".warc", ".warc.gz")


def file_kind(path: Path) -> str | None:
    """"html", "text" or "warc" by the file's name; None for a file ingest does not read."""
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    return None
