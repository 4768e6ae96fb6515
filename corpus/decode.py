"""Turn fetched bytes into text, and record how the encoding was chosen.

trafilatura ignores `<meta charset>` and guesses with a detector that reads
short Latin-1 text as Central European ("crčme"), so we decode ourselves and
hand it a `str`. The order follows the WHATWG encoding sniffing algorithm:
BOM, then the transport (HTTP header), then a `<meta>` prescan, then a
detector, then windows-1252, the web's default for unlabelled Western pages.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

SOURCES = ("bom", "header", "meta", "detector", "fallback")

# WHATWG reads the first 1024 bytes; 4 KB also catches pages whose <head>
# starts with a long comment or inline script, and is still a bounded scan.
PRESCAN_BYTES = 4096
# The detector is slow on big bodies and gains little beyond a sample.
DETECT_BYTES = 256 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG encoding labels -> Python codec. Labels the standard maps to
# windows-1252 (ascii, latin1, iso-8859-1 ...) are listed there on purpose:
# servers that say "iso-8859-1" routinely send 0x80-0x9F curly quotes.
_LABELS: dict[str, tuple[str, ...]] = {
    "utf-8": ("utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8",
              "x-unicode20utf8"),
    "utf-16-le": ("utf-16", "utf-16le", "ucs-2", "unicode", "csunicode", "iso-10646-ucs-2",
                  "unicodefeff"),
    "utf-16-be": ("utf-16be", "unicodefffe"),
    "windows-1252": ("windows-1252", "cp1252", "x-cp1252", "ascii", "us-ascii",
                     "ansi_x3.4-1968", "iso-8859-1", "iso8859-1", "iso88591", "iso_8859-1",
                     "iso_8859-1:1987", "iso-ir-100", "latin1", "l1", "cp819", "ibm819",
                     "csisolatin1"),
    "iso8859-2": ("iso-8859-2", "iso8859-2", "iso88592", "iso_8859-2", "latin2", "l2",
                  "csisolatin2"),
    "iso8859-3": ("iso-8859-3", "iso8859-3", "latin3", "l3"),
    "iso8859-4": ("iso-8859-4", "iso8859-4", "latin4", "l4"),
    "iso8859-5": ("iso-8859-5", "iso8859-5", "cyrillic", "csisolatincyrillic"),
    "iso8859-6": ("iso-8859-6", "iso8859-6", "arabic", "asmo-708"),
    "iso8859-7": ("iso-8859-7", "iso8859-7", "greek", "greek8"),
    "iso8859-8": ("iso-8859-8", "iso8859-8", "iso-8859-8-i", "hebrew", "visual", "logical"),
    "iso8859-10": ("iso-8859-10", "iso8859-10", "latin6", "l6"),
    "iso8859-13": ("iso-8859-13", "iso8859-13"),
    "iso8859-14": ("iso-8859-14", "iso8859-14"),
    "iso8859-15": ("iso-8859-15", "iso8859-15", "latin9", "l9", "csisolatin9"),
    "iso8859-16": ("iso-8859-16", "iso8859-16"),
    "koi8-r": ("koi8-r", "koi8_r", "koi8", "koi", "cskoi8r"),
    "koi8-u": ("koi8-u", "koi8-ru"),
    "mac-roman": ("macintosh", "mac", "x-mac-roman", "csmacintosh"),
    "mac-cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
    "cp866": ("ibm866", "866", "cp866", "csibm866"),
    "cp874": ("windows-874", "tis-620", "iso-8859-11", "dos-874"),
    "cp1250": ("windows-1250", "cp1250", "x-cp1250"),
    "cp1251": ("windows-1251", "cp1251", "x-cp1251"),
    "cp1253": ("windows-1253", "cp1253", "x-cp1253"),
    # WHATWG folds Latin-5 into windows-1254, as it folds Latin-1 into 1252.
    "cp1254": ("windows-1254", "cp1254", "x-cp1254", "iso-8859-9", "iso8859-9", "latin5", "l5"),
    "cp1255": ("windows-1255", "cp1255", "x-cp1255"),
    "cp1256": ("windows-1256", "cp1256", "x-cp1256"),
    "cp1257": ("windows-1257", "cp1257", "x-cp1257"),
    "cp1258": ("windows-1258", "cp1258", "x-cp1258"),
    "gb18030": ("gbk", "gb2312", "gb_2312", "gb_2312-80", "chinese", "csgb2312", "x-gbk",
                "iso-ir-58", "gb18030"),
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "euc-jp": ("euc-jp", "cseucpkdfmtjapanese", "x-euc-jp"),
    "iso2022-jp": ("iso-2022-jp", "csiso2022jp"),
    "cp932": ("shift_jis", "shift-jis", "sjis", "ms932", "ms_kanji", "windows-31j", "x-sjis",
              "csshiftjis"),
    "cp949": ("euc-kr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "korean",
              "windows-949", "csksc56011987"),
}
_LABEL_TO_CODEC = {label: codec for codec, labels in _LABELS.items() for label in labels}

# Bounded everywhere: these run over untrusted bytes, so no unbounded `.*`
# that could backtrack across a hostile 4 KB prefix.
_HEADER_CHARSET = re.compile(r"""charset\s{0,8}=\s{0,8}["']?\s{0,8}([^\s"';,]{1,64})""", re.I)
_META_TAG = re.compile(rb"<meta\b[^>]{0,1024}>", re.I)
_META_CHARSET = re.compile(rb"""charset\s{0,8}=\s{0,8}["']?\s{0,8}([A-Za-z0-9_.:+-]{1,64})""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# WHATWG windows-1252 maps the five bytes Python's cp1252 leaves undefined
# (0x81, 0x8D, 0x8F, 0x90, 0x9D) to the matching C1 code points instead of
# failing, so the fallback can never introduce replacement characters.
_WINDOWS_1252 = "".join(
    bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)
)


@dataclass(frozen=True)
class Decoded:
    """Text plus the audit trail of how it was decoded."""

    text: str
    encoding: str
    source: str  # 'bom' | 'header' | 'meta' | 'detector' | 'fallback'
    errors: int = 0  # replacement characters introduced by invalid bytes


def decode_body(body: bytes, content_type: str | None) -> Decoded:
    """Decode `body` by BOM > header charset > <meta> > detector > windows-1252."""
    for prefix, bom_codec in _BOMS:
        if body.startswith(prefix):
            return _decode(body[len(prefix):], bom_codec, "bom")
    codec = charset_from_content_type(content_type)
    if codec:
        return _decode(body, codec, "header")
    codec = charset_from_meta(body[:PRESCAN_BYTES])
    if codec:
        return _decode(body, codec, "meta")
    codec = _detect(body)
    if codec:
        return _decode(body, codec, "detector")
    return _decode(body, "windows-1252", "fallback")


def lookup_label(label: str | None) -> str | None:
    """The Python codec for a WHATWG label, or None when the label is unknown."""
    if not label:
        return None
    return _LABEL_TO_CODEC.get(label.strip().strip("\"'").lower())


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type[:1024])
    return lookup_label(match.group(1)) if match else None


def charset_from_meta(prefix: bytes) -> str | None:
    """Find a charset in `<meta charset>` or `<meta http-equiv content=...>`."""
    for tag in _META_TAG.finditer(prefix):
        match = _META_CHARSET.search(tag.group(0))
        if not match:
            continue
        codec = lookup_label(match.group(1).decode("ascii"))
        if codec is None:
            continue  # unknown label: keep looking, then fall through
        # A page whose <meta> we could read as ASCII is not UTF-16 (WHATWG).
        return "utf-8" if codec.startswith("utf-16") else codec
    return None


# How much lower cp1252's coherence may be than the detector's winner and still be preferred.
COHERENCE_SLACK = 0.1


def _detect(body: bytes) -> str | None:
    sample = body[:DETECT_BYTES]
    if sample.isascii():
        return None  # pure ASCII: every candidate agrees, so let the fallback name it
    if _is_utf8(sample, truncated=len(body) > len(sample)):
        return "utf-8"
    from charset_normalizer import from_bytes  # heavy import, only when needed

    matches = list(from_bytes(sample))
    if not matches:
        return None
    best = matches[0]
    # Short Western text scores about the same under cp775/cp1250/cp1257 as
    # under cp1252, and the detector's tie-break picks the wrong one ("crčme",
    # "Cafķ"). Prefer the web default (WHATWG) whenever it decodes cleanly and
    # its language coherence is close to the winner's: a few accented letters
    # cannot separate these code pages, so the prior should decide.
    for match in matches:
        if (match.encoding in ("cp1252", "latin_1", "iso8859_15")
                and match.chaos <= best.chaos + 0.01
                and match.coherence >= best.coherence - COHERENCE_SLACK):
            return "windows-1252"
    return best.encoding


def _is_utf8(sample: bytes, truncated: bool) -> bool:
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # A sample cut mid-character is still UTF-8 if only the tail is short.
        return truncated and exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"


def _decode(body: bytes, codec: str, source: str) -> Decoded:
    if codec == "windows-1252":
        text, errors = body.decode("latin-1").translate(_WINDOWS_1252_TABLE), 0
    else:
        text = body.decode(codec, errors="replace")
        # Count only the U+FFFD we introduced, not ones the page really contains.
        errors = text.count("\ufffd") - body.decode(codec, errors="ignore").count("\ufffd")
    # PostgreSQL cannot store NUL, and stray C0 controls only corrupt output.
    return Decoded(text=_CONTROL.sub("", text), encoding=_canonical(codec), source=source,
                   errors=errors)


def _canonical(codec: str) -> str:
    """A stable, human-facing name for the codec used (recorded per article)."""
    names = {"windows-1252": "windows-1252", "utf-16-le": "utf-16le", "utf-16-be": "utf-16be", "cp932": "shift_jis",
             "cp949": "euc-kr", "big5hkscs": "big5", "gb18030": "gb18030"}
    if codec in names:
        return names[codec]
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return codec


_WINDOWS_1252_TABLE = {i: ch for i, ch in enumerate(_WINDOWS_1252) if ord(ch) != i}
