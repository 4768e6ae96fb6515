"""Checks on a fetched body: its declared type and length, a binary sniff, and content codings
undone under a size cap (a decompression bomb stops at the cap)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

from .errors import FetchError, PermanentFetchError
from .fetch_options import MiB

ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_MIME_TOKEN = re.compile(r"[a-z0-9!#$&^_.+-]{1,64}/[a-z0-9!#$&^_.+-]{1,64}")
_BINARY_MAGIC = (
    b"\x1f\x8b",  # gzip
    b"%PDF-", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"GIF87a", b"GIF89a", b"\xff\xd8\xff",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"\x7fELF", b"OggS",
    b"ID3", b"wOFF", b"wOF2",
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")



def mime_type(content_type: str | None) -> str:
    """The bare, lowercased media type ('' when absent)."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def check_content_type(content_type: str | None) -> None:
    """Refuse non-text types from the headers alone, before any body byte."""
    mime = mime_type(content_type)
    if not mime or mime in ACCEPTED_TYPES:
        return  # a missing type is decided by sniffing the body
    # The reason code is stored and grouped on, so keep it short and tame.
    shown = mime if _MIME_TOKEN.fullmatch(mime) else "invalid"
    raise PermanentFetchError(f"unsupported_type:{shown}", f"Content-Type {(content_type or '')[:100]!r}")


def refuse_binary(prefix: bytes) -> None:
    if looks_binary(prefix):
        raise PermanentFetchError("binary_body", f"body starts with {prefix[:8]!r}")


def looks_binary(prefix: bytes) -> bool:
    if prefix.startswith(_UTF16_BOMS):
        return False  # UTF-16 text is full of NULs
    return prefix.startswith(_BINARY_MAGIC) or b"\x00" in prefix


def content_length(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.split(",")[0].strip())
    except ValueError:
        raise PermanentFetchError("bad_response", f"Content-Length {value!r}") from None


def content_encodings(values: list[str]) -> list[str]:
    """Content codings in the order they were applied, identity removed."""
    names = [part.strip().lower() for value in values for part in value.split(",")]
    return ["gzip" if name == "x-gzip" else name for name in names if name and name != "identity"]


def decode_content(data: bytes, encodings: list[str], cap: int) -> bytes:
    """Undo every content coding, last applied first, never exceeding `cap`."""
    if not data:
        return data  # an empty body "in gzip" is still just empty
    for name in reversed(encodings):
        decoder = _DECODERS.get(name)
        if decoder is None:
            raise PermanentFetchError("bad_content_encoding", f"unknown coding {name[:32]!r}")
        try:
            data = decoder(data, cap)
        except FetchError:
            raise
        except Exception as exc:  # zlib.error, brotli.error, ZstdError: corrupt input
            raise PermanentFetchError("bad_content_encoding", f"{name}: {exc}") from exc
    return data


def _too_large(cap: int) -> PermanentFetchError:
    return PermanentFetchError("decompressed_too_large", f"decompressed body exceeds {cap} bytes")


def _inflate(data: bytes, wbits: int, cap: int, out: bytearray) -> bytes:
    """Inflate one zlib/gzip stream into `out`; return the bytes after it."""
    inflater = zlib.decompressobj(wbits)
    while data and not inflater.eof:
        # max_length bounds each step, so a bomb never expands past cap + 1.
        out += inflater.decompress(data, cap + 1 - len(out))
        if len(out) > cap:
            raise _too_large(cap)
        data = inflater.unconsumed_tail
    if not inflater.eof:
        raise PermanentFetchError("bad_content_encoding", "compressed stream is truncated")
    return inflater.unused_data


def _gunzip(data: bytes, cap: int) -> bytes:
    out = bytearray()
    rest = _inflate(data, 16 + zlib.MAX_WBITS, cap, out)
    while rest.startswith(b"\x1f\x8b"):  # concatenated gzip members are one body
        rest = _inflate(rest, 16 + zlib.MAX_WBITS, cap, out)
    return bytes(out)


def _inflate_deflate(data: bytes, cap: int) -> bytes:
    # "deflate" should be zlib-wrapped, but many servers send raw deflate.
    wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] * 256 + data[1]) % 31 == 0
    out = bytearray()
    _inflate(data, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS, cap, out)
    return bytes(out)


def _unbrotli(data: bytes, cap: int) -> bytes:
    import brotli

    decompressor = brotli.Decompressor()
    out = bytearray(decompressor.process(data, output_buffer_limit=cap + 1))
    while len(out) <= cap and not decompressor.is_finished():
        piece = decompressor.process(b"", output_buffer_limit=cap + 1 - len(out))
        if not piece:
            break
        out += piece
    if len(out) > cap:
        raise _too_large(cap)
    if not decompressor.is_finished():
        raise PermanentFetchError("bad_content_encoding", "brotli stream is truncated")
    return bytes(out)


def _unzstd(data: bytes, cap: int) -> bytes:
    import zstandard

    # RFC 9659 limits HTTP zstd windows to 8 MiB; refusing bigger ones bounds memory.
    decompressor = zstandard.ZstdDecompressor(max_window_size=8 * MiB)
    out = bytearray()
    while data:
        frame = decompressor.decompressobj()
        pos = 0
        # zstandard has no output limit per call, so feed it small slices: the
        # overshoot past cap is bounded by what a few bytes can expand to.
        while pos < len(data) and not frame.eof:
            out += frame.decompress(data[pos:pos + 64])
            pos += 64
            if len(out) > cap:
                raise _too_large(cap)
        if not frame.eof:
            raise PermanentFetchError("bad_content_encoding", "zstd stream is truncated")
        data = frame.unused_data + data[pos:]  # a following frame continues the body
    return bytes(out)


_DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": _gunzip,
    "deflate": _inflate_deflate,
    "br": _unbrotli,
    "zstd": _unzstd,
}
