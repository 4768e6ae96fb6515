"""URL validation and canonical form.

The canonical URL is the identity of a fetched article, so two spellings of
one page (tracking parameters, fragment, host case, default port, IDN) must
map to one key, while pages that differ only in a meaningful query parameter
(`?p=7`) must not.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import courlan

from .errors import UsageError, redact

MAX_URL_LENGTH = 4096
# Query parameters that identify a campaign or a click, never a document.
_TRACKING = re.compile(
    r"^(utm_[a-z_]{1,20}|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|"
    r"_hsenc|_hsmi|ref_src|cmpid|ocid|share|src)$",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class InvalidURL(UsageError):
    """An input line is not a usable http(s) URL."""


def looks_like_url(text: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]{0,20}:", text)) and not re.match(r"^[A-Za-z]:[\\/]", text)


def canonical_url(url: str) -> str:
    """Return the canonical form of an http(s) URL or raise InvalidURL naming the problem."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"URL longer than {MAX_URL_LENGTH} characters")
    if _CONTROL.search(url):
        raise InvalidURL("URL contains spaces or control characters; percent-encode them")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidURL(f"unsupported scheme {parts.scheme or '(none)'!r}; use an http:// or https:// URL")
    if not parts.hostname:
        raise InvalidURL("URL has no host name")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidURL(f"host name {parts.hostname!r} is not a valid domain") from exc
    port = parts.port  # raises ValueError for junk ports
    netloc = host
    if port and not (parts.scheme == "http" and port == 80 or parts.scheme == "https" and port == 443):
        netloc = f"{host}:{port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    rebuilt = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))
    # courlan resolves dot segments and other path oddities; it keeps our query.
    normalized = courlan.normalize_url(rebuilt, strict=False)
    return normalized.split("#", 1)[0]


def safe_canonical_url(url: str) -> str | None:
    try:
        return canonical_url(url)
    except (InvalidURL, ValueError):
        return None


def url_id(canonical: str) -> str:
    return "u" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:15]


def content_id(raw: bytes) -> str:
    return "f" + hashlib.sha256(raw).hexdigest()[:15]


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host or None


def strip_userinfo(url: str) -> str:
    """`url` without `user:password@`: credentials in a source URL are never stored or exported (I20)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url)
    if "@" not in parts.netloc:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
