"""A hardened HTTP client for analyst-supplied news URLs: the fetcher (hops, retries, robots.txt).

We fetch with our own client rather than trafilatura's because its fetcher
retries without TLS verification, has no total deadline, returns None instead
of a reason, and drops its SSRF check behind a proxy (RELIABILITY.md §0.1).

What this module guarantees for every `Fetcher.fetch` call:

* it connects only to addresses the policy accepts. The check runs inside the
  network backend on the *resolved* address, and the socket is opened to that
  exact vetted IP, so a second DNS answer (rebinding) is never used;
* redirects are followed by hand, each hop passing the same checks;
* one wall-clock deadline covers every hop, retry and body byte;
* bodies are capped on the wire and after decompression;
* every failure is a `FetchError` with a stable `reason` code.

The pieces it stands on have modules of their own: address_guard (which addresses may be
reached), transport (the pinned, deadline-clamped connections), fetch_options (`FetchOptions`,
`HostThrottle`) and content_checks (type, size, binary sniff, content codings).

This is library code: it never prints and never sleeps longer than the caps.
"""


from __future__ import annotations

import re
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import NoReturn
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from .address_guard import (
    AddressPolicy,
    AddressRefused,
    IPAddress,
    ResolveFailed,
    embedded_ipv4,
    public_address_policy,
    resolve,
    vet_host,
)
from .content_checks import (
    ACCEPTED_TYPES,
    check_content_type,
    content_encodings,
    content_length,
    decode_content,
    looks_binary,
    mime_type,
    refuse_binary,
)
from .errors import BlockedError, FetchError, PermanentFetchError, TransientFetchError
from .fetch_options import DEFAULT_USER_AGENT, FetchOptions, HostThrottle, MiB
from .records import RawResponse
from .transport import Deadline, GuardedBackend, GuardedTransport, build_pool, proxy_endpoint

# The names callers have imported from here since before the split.
__all__ = [
    "ACCEPTED_TYPES",
    "CREDENTIAL_HEADERS",
    "DEFAULT_USER_AGENT",
    "REDIRECT_STATUSES",
    "RETRYABLE_REASONS",
    "RETRY_STATUSES",
    "AddressPolicy",
    "FetchError",
    "FetchOptions",
    "Fetcher",
    "HostThrottle",
    "IPAddress",
    "MiB",
    "check_content_type",
    "checked_url",
    "content_encodings",
    "decode_content",
    "embedded_ipv4",
    "looks_binary",
    "mime_type",
    "parse_retry_after",
    "public_address_policy",
    "redirect_target",
    "refuse_binary",
    "resolve",
    "vet_host",
]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Network failures worth another try within this fetch. total_deadline and
# retry_after are deliberately absent: retrying cannot beat either.
RETRYABLE_REASONS = frozenset(
    {"connect_timeout", "connect_error", "read_timeout", "connection_closed", "truncated",
     "dns", "tls_error"} | {f"http_{code}" for code in RETRY_STATUSES}
)
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


# ------------------------------------------------------------------ fetching


@dataclass(frozen=True)
class _Redirect:
    location: httpx.URL


class _FetchState:
    """What one fetch carries from hop to hop."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers
        self.retries = 0
        self.chain: list[str] = []
        # Cookies are kept per exact origin, so nothing a site sets can ride a
        # redirect to another host (cookie Domain= rules would allow siblings).
        self.jars: dict[tuple[str, str, int], httpx.Cookies] = {}


@dataclass(frozen=True)
class _Final:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    peer_address: str | None


class Fetcher:
    """Fetches one URL at a time; not thread-safe (use one per worker thread,
    sharing a `HostThrottle` if the workers may hit the same hosts)."""

    def __init__(self, options: FetchOptions | None = None, *,
                 throttle: HostThrottle | None = None) -> None:
        self.options = options or FetchOptions()
        self._backend = GuardedBackend(self.options.policy, proxy_endpoint(self.options.proxy))
        self._client = httpx.Client(
            transport=GuardedTransport(build_pool(self.options, self._backend)),
            follow_redirects=False,
            trust_env=False,  # never pick up http_proxy & co. behind the caller's back
            headers={"User-Agent": self.options.user_agent,
                     "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1",
                     "Accept-Encoding": "gzip, deflate, br, zstd"},
        )
        self._throttle = throttle or HostThrottle(self.options.rate)
        self._robots: dict[tuple[str, str, int], RobotFileParser | None] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> RawResponse:
        """GET `url`, following redirects, and return the decoded-body response.

        Raises `BlockedError`, `PermanentFetchError` or `TransientFetchError`,
        each with a stable `reason`. `headers` may carry credentials; they are
        dropped as soon as a redirect leaves the original origin.
        """
        target = checked_url(url)
        return self._follow(url, target, dict(headers or {}), page=True)

    # -- the hop loop

    def _follow(self, requested: str, url: httpx.URL, headers: dict[str, str],
                page: bool) -> RawResponse:
        opts = self.options
        outer = self._backend.deadlines[-1] if self._backend.deadlines else None
        self._backend.deadlines.append(Deadline(opts.timeout, outer))
        state = _FetchState(headers)
        try:
            for hop in range(opts.max_redirects + 1):
                if page and opts.respect_robots:
                    self._check_robots(url, hop)
                outcome = self._with_retries(url, hop, page, state)
                if isinstance(outcome, _Final):
                    return RawResponse(
                        requested_url=requested, final_url=str(url), status=outcome.status,
                        headers=outcome.headers, body=outcome.body,
                        peer_address=outcome.peer_address, redirect_chain=tuple(state.chain),
                        attempts=1 + state.retries, fetched_at=_utc_now())
                state.chain.append(str(url))
                if _origin(outcome.location) != _origin(url):
                    state.headers = {k: v for k, v in state.headers.items()
                                     if k.lower() not in CREDENTIAL_HEADERS}
                url = outcome.location
            state.chain.append(str(url))
            looped = len(set(state.chain)) < len(state.chain)
            raise PermanentFetchError("redirect_loop" if looped else "too_many_redirects",
                                      f"gave up after {opts.max_redirects} redirects")
        except FetchError as exc:
            exc.attempts = max(exc.attempts, 1 + state.retries)
            exc.redirect_chain = tuple(state.chain)
            raise
        finally:
            self._backend.deadlines.pop()

    def _with_retries(self, url: httpx.URL, hop: int, page: bool,
                      state: _FetchState) -> _Redirect | _Final:
        opts = self.options
        allowed = opts.retries if page else 0  # robots.txt is best effort
        for attempt in range(allowed + 1):
            try:
                return self._request(url, hop, page, state)
            except TransientFetchError as exc:
                if exc.retry_after is not None and exc.retry_after > opts.retry_after_cap:
                    raise TransientFetchError(
                        "retry_after", f"server asked to wait {exc.retry_after:.0f}s",
                        retry_after=exc.retry_after) from exc
                if exc.reason not in RETRYABLE_REASONS or attempt >= allowed:
                    raise
                delay = max(opts.backoff * 2 ** attempt, exc.retry_after or 0.0)
                if delay >= self._backend.deadlines[-1].left():
                    raise  # the deadline would pass while sleeping: report the real cause
                time.sleep(delay)
                state.retries += 1
        raise AssertionError("unreachable")

    def _request(self, url: httpx.URL, hop: int, page: bool,
                 state: _FetchState) -> _Redirect | _Final:
        if self.options.proxy:
            self._vet_through_proxy(url, hop)
        waited = self._throttle.wait(url.host)
        for deadline in self._backend.deadlines:
            deadline.at += waited  # politeness is not the server's slowness
        origin = _origin(url)
        self._client.cookies = state.jars.get(origin, httpx.Cookies())
        try:
            request = self._client.build_request("GET", url, headers=state.headers,
                                                 timeout=self._timeouts())
            response = self._client.send(request, stream=True)
        except Exception as exc:
            self._raise_translated(exc, hop, in_body=False)
        finally:
            state.jars[origin] = self._client.cookies
        try:
            return self._handle(response, url, page)
        except Exception as exc:
            self._raise_translated(exc, hop, in_body=True)
        finally:
            response.close()

    def _timeouts(self) -> httpx.Timeout:
        opts = self.options
        return httpx.Timeout(connect=opts.connect_timeout, read=opts.read_timeout,
                             write=opts.read_timeout, pool=opts.connect_timeout)

    def _vet_through_proxy(self, url: httpx.URL, hop: int) -> None:
        # Behind a proxy we never see the target's socket, so the best we can
        # do is vet our own resolution of the name (weaker: no pinning).
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            vet_host(url.host, port, self.options.policy,
                     self._backend.clamp(self.options.connect_timeout, httpcore.ConnectTimeout))
        except Exception as exc:
            self._raise_translated(exc, hop, in_body=False)

    # -- one response

    def _handle(self, response: httpx.Response, url: httpx.URL, page: bool) -> _Redirect | _Final:
        status = response.status_code
        if status in REDIRECT_STATUSES:
            return _Redirect(redirect_target(response, url))
        if status in RETRY_STATUSES:
            raise TransientFetchError(f"http_{status}",
                                      retry_after=parse_retry_after(response.headers.get("retry-after")))
        if status >= 500:
            raise TransientFetchError(f"http_{status}")
        if status >= 300:
            raise PermanentFetchError(f"http_{status}")
        if page:
            check_content_type(response.headers.get("content-type"))
        peer = _peer_address(response)
        limit = self.options.max_bytes if page else min(self.options.max_bytes,
                                                        self.options.robots_max_bytes)
        body = self._read_body(response, limit, sniff=page)
        headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw)
        return _Final(status=status, headers=headers, body=body, peer_address=peer)

    def _read_body(self, response: httpx.Response, limit: int, sniff: bool) -> bytes:
        declared = content_length(response.headers.get("content-length"))
        if declared is not None and declared > limit:
            raise PermanentFetchError("too_large", f"Content-Length {declared} > {limit}")
        encodings = content_encodings(response.headers.get_list("content-encoding"))
        sniff_at = self.options.sniff_bytes
        # Without a content coding we can refuse binary from the first bytes
        # instead of downloading the whole thing.
        early = sniff and not encodings
        buf = bytearray()
        for chunk in response.iter_raw():
            buf += chunk
            if len(buf) > limit:
                raise PermanentFetchError("too_large", f"body exceeds {limit} bytes")
            if early and len(buf) >= sniff_at:
                refuse_binary(bytes(buf[:sniff_at]))
                early = False
        body = decode_content(bytes(buf), encodings, self.options.max_decompressed_bytes)
        if sniff:
            refuse_binary(body[:sniff_at])
        return body

    # -- robots.txt

    def _check_robots(self, url: httpx.URL, hop: int) -> None:
        key = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
        if key not in self._robots:
            self._robots[key] = self._load_robots(url, hop)
        rules = self._robots[key]
        if rules is not None and not rules.can_fetch(self.options.robots_agent, str(url)):
            raise BlockedError("robots", f"robots.txt disallows {url}")

    def _load_robots(self, url: httpx.URL, hop: int) -> RobotFileParser | None:
        """Parsed rules, or None for "allow all" (garbage, 4xx/5xx, unreachable)."""
        robots_url = url.copy_with(path="/robots.txt", query=None, fragment=None)
        try:
            raw = self._follow(str(robots_url), robots_url, {}, page=False)
        except BlockedError as exc:
            if exc.reason == "non_public_address":
                # The host itself is off limits: that is the page's verdict too.
                raise BlockedError(_blocked_reason(hop), str(exc)) from exc
            return None
        except FetchError:
            return None
        parser = RobotFileParser()
        parser.parse(raw.body.decode("utf-8", errors="replace").splitlines())
        return parser

    # -- errors

    def _raise_translated(self, exc: Exception, hop: int, in_body: bool) -> NoReturn:
        translated = self._translate(exc, hop, in_body)
        if translated is exc:
            raise exc  # already a FetchError, or a bug we must not disguise
        raise translated from exc

    def _translate(self, exc: Exception, hop: int, in_body: bool) -> Exception:
        """Map transport exceptions to FetchErrors; unknown ones pass through."""
        if isinstance(exc, FetchError):
            return exc
        if isinstance(exc, AddressRefused):
            return BlockedError(_blocked_reason(hop), str(exc))
        if isinstance(exc, ResolveFailed):
            return TransientFetchError("dns", str(exc))
        if isinstance(exc, _NETWORK_ERRORS) and self._backend.deadlines[-1].passed():
            return TransientFetchError("total_deadline",
                                       f"exceeded {self.options.timeout}s for this URL")
        return _translate_transport(exc, in_body)


def _translate_transport(exc: Exception, in_body: bool) -> Exception:
    message = str(exc) or type(exc).__name__
    if isinstance(exc, (httpcore.ConnectTimeout, httpx.ConnectTimeout, httpcore.PoolTimeout,
                        httpx.PoolTimeout)):
        return TransientFetchError("connect_timeout", message)
    if isinstance(exc, (httpcore.ConnectError, httpx.ConnectError)):
        return _translate_connect_error(exc)
    if isinstance(exc, (httpcore.TimeoutException, httpx.TimeoutException)):
        return TransientFetchError("read_timeout", message)
    if isinstance(exc, (httpcore.RemoteProtocolError, httpx.RemoteProtocolError)):
        if in_body:
            return TransientFetchError("truncated", message)
        # httpcore words a peer that closed before any status line this way;
        # every other protocol error before the body is a malformed response.
        if "without sending a response" in message:
            return TransientFetchError("connection_closed", message)
        return PermanentFetchError("bad_response", message)
    if isinstance(exc, (httpcore.ProxyError, httpx.ProxyError)):
        return TransientFetchError("proxy_error", message)
    if isinstance(exc, (httpcore.NetworkError, httpx.NetworkError)):
        return TransientFetchError("truncated" if in_body else "connection_closed", message)
    if isinstance(exc, (httpcore.LocalProtocolError, httpx.LocalProtocolError)):
        return PermanentFetchError("bad_request", message)
    if isinstance(exc, (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol)):
        return BlockedError("scheme", message)
    if isinstance(exc, httpx.InvalidURL):
        return PermanentFetchError("invalid_url", message)
    return exc


def _translate_connect_error(exc: Exception) -> FetchError:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return PermanentFetchError("tls_verify", str(cause))
        if isinstance(cause, ssl.SSLError):
            return TransientFetchError("tls_error", str(cause))
        cause = cause.__cause__ or cause.__context__
    return TransientFetchError("connect_error", str(exc) or type(exc).__name__)


_NETWORK_ERRORS = (httpcore.TimeoutException, httpx.TimeoutException, httpcore.NetworkError,
                   httpx.NetworkError, httpcore.RemoteProtocolError, httpx.RemoteProtocolError)


def _blocked_reason(hop: int) -> str:
    return "non_public_address" if hop == 0 else "redirect_to_non_public"


# ------------------------------------------------------------ small helpers


def checked_url(url: str) -> httpx.URL:
    """Parse an input URL, refusing what must never reach the network."""
    if not isinstance(url, str) or _CONTROL_CHARS.search(url):
        # CR/LF here would be header injection; any control char is suspect.
        raise PermanentFetchError("invalid_url", "URL contains control characters")
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise PermanentFetchError("invalid_url", str(exc)) from exc
    if not scheme:
        raise PermanentFetchError("invalid_url", "URL has no scheme")
    if scheme not in ("http", "https"):
        raise BlockedError("scheme", f"scheme {scheme!r} is not fetched")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise PermanentFetchError("invalid_url", str(exc)) from exc
    _check_host(parsed.host)
    return parsed


def _check_host(host: str) -> None:
    if not host:
        raise PermanentFetchError("invalid_url", "URL has no host")
    if len(host) > 253 or any(len(label) > 63 for label in host.split(".")):
        raise PermanentFetchError("invalid_url", "host name too long")


def redirect_target(response: httpx.Response, url: httpx.URL) -> httpx.URL:
    """The absolute, vetted-for-syntax URL a redirect points to."""
    raw = [value for name, value in response.headers.raw if name.lower() == b"location"]
    if not raw or not raw[0].strip():
        raise PermanentFetchError("bad_redirect", f"{response.status_code} without Location")
    location = _header_text(raw[0]).strip()
    if _CONTROL_CHARS.search(location):
        raise PermanentFetchError("bad_redirect", "control characters in Location")
    try:
        scheme = urlsplit(location).scheme.lower()
        target = url.join(location)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise PermanentFetchError("bad_redirect", str(exc)) from exc
    if (scheme and scheme not in ("http", "https")) or target.scheme not in ("http", "https"):
        raise BlockedError("scheme", f"redirect to {scheme or target.scheme}: refused")
    try:
        _check_host(target.host)
    except PermanentFetchError as exc:
        raise PermanentFetchError("bad_redirect", str(exc)) from exc
    return target


def _header_text(value: bytes) -> str:
    # Servers send Location as UTF-8 or Latin-1; try the stricter one first.
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    return (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())



def _peer_address(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    peer = stream.get_extra_info("server_addr")
    return str(peer[0]) if peer else None


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
