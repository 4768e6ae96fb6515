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


# Media types whose body is the article's text itself, not markup: read like a saved .txt file.
TEXT_MEDIA_TYPES = ("text/plain",)


def response_kind(content_type: str | None) -> str:
    """"text" for a fetched body declared plain text, else "html" (what a server usually sends,
    and the safe reading of an undeclared body: markup read as text would keep its tags)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return "text" if media in TEXT_MEDIA_TYPES else "html"


# What a text or HTML file never starts with: archive, image, document and executable signatures.
_BINARY_MAGIC = (b"\x1f\x8b", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"GIF87a", b"GIF89a", b"\xff\xd8\xff",
                 b"\x28\xb5\x2f\xfd", b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"\x7fELF",
                 b"OggS", b"ID3", b"wOFF", b"wOF2", b"\xd0\xcf\x11\xe0")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SNIFF_BYTES = 8192
# Text has almost no C0 control bytes besides tab, LF, FF and CR; random or compressed bytes have
# about one in nine. Two in a hundred is far from both.
_MAX_CONTROL_SHARE = 0.02
_TEXT_CONTROLS = frozenset(b"\t\n\x0c\r\x1b")


def looks_binary(body: bytes) -> bool:
    """True when `body` is no text document whatever its name says (a `.txt` of random bytes, I18)."""
    head = body[:SNIFF_BYTES]
    if not head or head.startswith(_UTF16_BOMS):
        return False  # UTF-16 text is full of NULs
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > _MAX_CONTROL_SHARE * len(head)
