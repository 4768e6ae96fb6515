"""corpus.decode: RELIABILITY.md D1-D3 (encodings), D8 (control chars), D12 (ReDoS)."""

from __future__ import annotations

import time

import pytest

from newstrace.corpus.decode import Decoded, charset_from_meta, decode_body, lookup_label
from newstrace.corpus.fetch import Fetcher, FetchOptions

pytestmark = [pytest.mark.usefixtures("no_egress"), pytest.mark.timeout(20)]

FRENCH = "Café crème à la française"


# ------------------------------------------------------------------- D1: no label


def test_d1_latin1_without_any_charset_decodes_exactly():
    decoded = decode_body(FRENCH.encode("latin-1"), None)
    assert decoded.text == FRENCH
    assert decoded.encoding == "windows-1252" and decoded.errors == 0
    assert decoded.source in ("detector", "fallback")


def test_d1_latin1_served_over_http_without_charset(http):
    # The whole path: bytes from a server with a bare text/html, then decode.
    page = f"<html><body><p>{FRENCH}</p></body></html>".encode("latin-1")
    http.expect_request("/fr").respond_with_data(page, content_type="text/html")
    with Fetcher(FetchOptions(allow_private=True, respect_robots=False, rate=0)) as fetcher:
        raw = fetcher.fetch(http.url_for("/fr"))
    decoded = decode_body(raw.body, raw.header("content-type"))
    assert FRENCH in decoded.text and decoded.encoding == "windows-1252"


def test_pure_ascii_falls_back_to_windows_1252():
    assert decode_body(b"<p>plain</p>", None) == Decoded("<p>plain</p>", "windows-1252",
                                                         "fallback", 0)


@pytest.mark.parametrize("text,codec,expected", [
    ("Привет, как дела? Это тестовая строка на русском языке.", "cp1251", "cp1251"),
    ("これは日本語のテキストです。東京は日本の首都です。", "shift_jis", "shift_jis"),
    ("Zażółć gęślą jaźń, to jest polski tekst testowy.", "cp1250", "cp1250"),
    ("Grüße aus Köln — “quoted” text", "utf-8", "utf-8"),
], ids=["cyrillic", "japanese", "polish", "undeclared_utf8"])
def test_detector_handles_other_scripts(text, codec, expected):
    decoded = decode_body(text.encode(codec), None)
    assert decoded.text == text and decoded.source == "detector"
    assert decoded.encoding == expected


# -------------------------------------------------------- D2: precedence


@pytest.mark.parametrize("body,content_type,text,encoding,source", [
    # BOM beats a header and a meta that disagree with it.
    (b"\xef\xbb\xbf<meta charset=iso-8859-1>caf\xc3\xa9", "text/html; charset=ISO-8859-1",
     "<meta charset=iso-8859-1>café", "utf-8", "bom"),
    # Header beats meta.
    (b"<meta charset=utf-8>caf\xe9", "text/html; charset=ISO-8859-1",
     "<meta charset=utf-8>café", "windows-1252", "header"),
    # Meta when the header has no charset.
    (b"<meta charset='utf-8'>caf\xc3\xa9", "text/html", "<meta charset='utf-8'>café", "utf-8",
     "meta"),
    # http-equiv form.
    (b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">\xcf\xf0',
     None, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">Пр',
     "cp1251", "meta"),
    # UTF-16 BOMs.
    ("\ufeffhé".encode("utf-16-le"), "text/html; charset=utf-8", "hé", "utf-16le", "bom"),
    ("\ufeffhé".encode("utf-16-be"), None, "hé", "utf-16be", "bom"),
], ids=["bom>header>meta", "header>meta", "meta", "http-equiv", "utf16le-bom", "utf16be-bom"])
def test_d2_precedence(body, content_type, text, encoding, source):
    decoded = decode_body(body, content_type)
    assert (decoded.text, decoded.encoding, decoded.source) == (text, encoding, source)


@pytest.mark.parametrize("label", ["iso-8859-1", "ISO_8859-1", "latin1", "us-ascii", "ascii",
                                   '"iso-8859-1"'])
def test_whatwg_treats_latin1_and_ascii_labels_as_windows_1252(label):
    decoded = decode_body(b"\x93quoted\x94 \x80 5", f"text/html; charset={label}")
    assert decoded.text == "\u201cquoted\u201d \u20ac 5"
    assert decoded.encoding == "windows-1252" and decoded.source == "header"


def test_windows_1252_holes_map_to_c1_not_replacement():
    # WHATWG maps the five undefined bytes to U+0081 etc.; nothing is "invalid".
    decoded = decode_body(b"a\x81b\x9dc", "text/html; charset=windows-1252")
    assert decoded.text == "a\x81b\x9dc" and decoded.errors == 0


def test_meta_saying_utf16_means_utf8():
    decoded = decode_body(b"<meta charset=utf-16>caf\xc3\xa9", None)
    assert decoded.text.endswith("café") and decoded.encoding == "utf-8"


# ------------------------------------------------ D3: invalid bytes, bad labels


def test_d3_invalid_utf8_is_replaced_and_counted():
    decoded = decode_body(b"ok \xff\xfe then \xc3", "text/html; charset=utf-8")
    assert decoded.text == "ok \ufffd\ufffd then \ufffd" and decoded.errors == 3


def test_d3_real_replacement_characters_are_not_counted():
    decoded = decode_body("already \ufffd here".encode() + b" \xff", "text/plain; charset=utf-8")
    assert decoded.errors == 1 and decoded.text.count("\ufffd") == 2


def test_d3_encoded_surrogates_are_replaced():
    decoded = decode_body(b"a\xed\xa0\x80b", "text/html; charset=utf-8")
    assert "\ud800" not in decoded.text and decoded.errors > 0
    decoded.text.encode("utf-8")  # storable: no lone surrogates survive


@pytest.mark.parametrize("label", ["iso-88509-1", "x-unknown", "utf-9", ""])
def test_d3_unknown_header_label_falls_through(label):
    body = b"<meta charset=utf-8><p>caf\xc3\xa9</p>"
    decoded = decode_body(body, f"text/html; charset={label}")
    assert decoded.source == "meta" and decoded.text.endswith("café</p>")


def test_d3_unknown_meta_label_falls_through_to_the_detector():
    decoded = decode_body("<meta charset=bogus-42><p>Grüße</p>".encode(), "text/html")
    assert decoded.source == "detector" and "Grüße" in decoded.text


def test_labels_outside_the_whatwg_table_are_unknown():
    # Python would happily "decode" with rot13 or base64; a page must not choose that.
    assert lookup_label("rot13") is None and lookup_label("base64") is None
    assert lookup_label(" UTF-8 ") == "utf-8"


# ------------------------------------------------------------ D8: control chars


def test_d8_nul_and_c0_controls_are_stripped_but_whitespace_kept():
    decoded = decode_body(b"a\x00b\x01c\x08d\te\nf\rg\x0bh\x0ci\x1bj\x1fk", "text/plain; charset=utf-8")
    assert decoded.text == "abcd\te\nf\rghijk"


def test_d8_utf16_without_bom_but_labelled():
    decoded = decode_body("héllo".encode("utf-16-le"), "text/html; charset=utf-16")
    assert decoded.text == "héllo" and "\x00" not in decoded.text


# --------------------------------------------------------------- D12: no ReDoS


@pytest.mark.parametrize("body,content_type", [
    (b"<meta " * 20_000, None),
    (b"<meta charset=" + b"a" * 200_000, None),
    (b"<meta http-equiv=x content='" + b" " * 200_000, None),
    (b"<p>x</p>", "text/html;" + " " * 100_000 + "charset=" + "=" * 100_000),
    (b"<meta" + b" charset" * 50_000 + b">", None),
], ids=["many_metas", "long_label", "unclosed_content", "hostile_header", "charset_spam"])
def test_d12_hostile_inputs_decode_quickly(body, content_type):
    started = time.monotonic()
    decode_body(body, content_type)
    assert time.monotonic() - started < 1.0


def test_prescan_is_bounded_to_the_first_kilobytes():
    late = b" " * 5000 + b"<meta charset=koi8-r>"
    assert charset_from_meta(late[:4096]) is None
    assert decode_body(late, None).source != "meta"
