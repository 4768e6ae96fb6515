"""A hardened HTTP client for analyst-supplied news URLs.

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

This is library code: it never prints and never sleeps longer than the caps.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import NoReturn
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from .errors import BlockedError, FetchError, PermanentFetchError, TransientFetchError
from .records import RawResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress, int], bool]

MiB = 1024 * 1024
DEFAULT_USER_AGENT = "newstrace/0.1 (news provenance research; polite crawler)"

ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Network failures worth another try within this fetch. total_deadline and
# retry_after are deliberately absent: retrying cannot beat either.
RETRYABLE_REASONS = frozenset(
    {"connect_timeout", "connect_error", "read_timeout", "connection_closed", "truncated",
     "dns", "tls_error"} | {f"http_{code}" for code in RETRY_STATUSES}
)
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})

# Ranges some Python patch levels still call global (CVE-2024-4032 fixed a
# few), plus documentation and benchmarking nets nobody should publish on.
_NEVER_PUBLIC = tuple(
    ipaddress.ip_network(net)
    for net in ("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
                "172.16.0.0/12", "192.0.0.0/29", "192.0.2.0/24", "192.88.99.0/24",
                "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
                "224.0.0.0/4", "240.0.0.0/4", "::/127", "100::/64", "2001:db8::/32",
                "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
)
# IPv6 ranges that carry an IPv4 address in their low 32 bits: NAT64's well-known prefix (RFC 6052) and
# IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291 but still routed to a.b.c.d by some stacks).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# Never globally reachable whatever it embeds (IANA special-purpose registry), though some Python
# versions call it global: the local-use NAT64 prefix of RFC 8215.
_NEVER_PUBLIC_V6 = (ipaddress.ip_network("64:ff9b:1::/48"),)
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_MIME_TOKEN = re.compile(r"[a-z0-9!#$&^_.+-]{1,64}/[a-z0-9!#$&^_.+-]{1,64}")
_BINARY_MAGIC = (
    b"\x1f\x8b",  # gzip
    b"%PDF-", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"GIF87a", b"GIF89a", b"\xff\xd8\xff",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"\x7fELF", b"OggS",
    b"ID3", b"wOFF", b"wOF2",
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def public_address_policy(ip: IPAddress, port: int) -> bool:
    """Production policy: only globally routable unicast addresses, and an IPv6 address only when every
    IPv4 address it carries (mapped, compatible, 6to4, Teredo, NAT64) is one too (I9)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _IPV4_COMPATIBLE and ip.ipv4_mapped is None:
            return False  # ::a.b.c.d, and :: and ::1: not a routable IPv6 address in any case
        if any(ip in net for net in _NEVER_PUBLIC_V6):
            return False
        embedded = embedded_ipv4(ip)
        if embedded:
            return all(_public_unicast(v4) for v4 in embedded)
    return _public_unicast(ip)


def _public_unicast(ip: IPAddress) -> bool:
    if ip.is_multicast or not ip.is_global:
        return False
    return not any(ip.version == net.version and ip in net for net in _NEVER_PUBLIC)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address an IPv6 address carries, by the `ipaddress` properties (and the NAT64 and
    IPv4-compatible prefixes it has no property for): a connect to one of these may reach that IPv4 host."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)  # (server, client): the client is where the packets go
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _allow_all(ip: IPAddress, port: int) -> bool:
    return True


@dataclass(frozen=True)
class FetchOptions:
    """Limits and policy for one `Fetcher`. Tests shrink these to stay fast."""

    # Wall clock per URL over every hop, retry, backoff and body byte. Time spent
    # waiting for our own politeness slot is added back: it is not the server's.
    timeout: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 15.0  # per socket read
    max_bytes: int = 10 * MiB  # on the wire
    max_decompressed_bytes: int = 20 * MiB
    max_redirects: int = 5
    retries: int = 2  # 3 requests in all
    backoff: float = 1.0  # first retry delay; doubles each time
    retry_after_cap: float = 30.0  # never sleep longer; give up instead
    rate: float = 1.0  # minimum seconds between requests to one host
    user_agent: str = DEFAULT_USER_AGENT
    allow_private: bool = False
    respect_robots: bool = True
    proxy: str | None = None  # explicit only: environment proxies are ignored
    verify: bool | str | ssl.SSLContext = True  # True or a CA bundle path / context
    # (ip, port) -> True if we may connect there; asked for every resolved and
    # every connected address. Tests inject one that trusts a single loopback port.
    address_policy: AddressPolicy = public_address_policy
    robots_max_bytes: int = 512 * 1024
    sniff_bytes: int = 1024

    def __post_init__(self) -> None:
        if self.verify is False:
            # There is no insecure mode: a fallback without verification is the
            # exact trafilatura behaviour this module exists to avoid.
            raise ValueError("TLS verification cannot be disabled; pass a CA bundle instead")
        for name in ("timeout", "connect_timeout", "read_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        for name in ("max_bytes", "max_decompressed_bytes", "robots_max_bytes", "sniff_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("max_redirects", "retries", "backoff", "retry_after_cap", "rate"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    @property
    def policy(self) -> AddressPolicy:
        return _allow_all if self.allow_private else self.address_policy

    @property
    def robots_agent(self) -> str:
        """The product token robots.txt groups are matched against."""
        return (self.user_agent.split("/")[0].split() or ["*"])[0]


class HostThrottle:
    """Spaces requests to one host at least `rate` seconds apart.

    Slots are reserved under a lock and slept on outside it, so one slow host
    never delays requests to another, and a Fetcher per thread can share one.
    """

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str) -> float:
        """Block until `host` may be contacted; return the seconds slept."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self._rate
        delay = start - now
        if delay > 0:
            time.sleep(delay)
        return delay


# ---------------------------------------------------------------- network guard


class _AddressRefused(Exception):
    """The policy rejected every address a host resolved to (or connected to)."""


class _ResolveFailed(Exception):
    """Name resolution failed or did not finish in time."""


class _Deadline:
    """A mutable wall-clock limit; politeness waits push it back."""

    def __init__(self, seconds: float, outer: _Deadline | None = None) -> None:
        self.at = time.monotonic() + seconds
        if outer is not None:
            self.at = min(self.at, outer.at)

    def left(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return self.left() <= 0


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves, vets and pins every TCP connection httpcore opens."""

    def __init__(self, policy: AddressPolicy, trusted: frozenset[tuple[str, int]]) -> None:
        self._inner = httpcore.SyncBackend()
        self._policy = policy
        self._trusted = trusted  # an explicitly configured proxy
        self.deadlines: list[_Deadline] = []  # innermost last

    def clamp(self, timeout: float | None, expired: type[Exception]) -> float | None:
        """Shrink a per-operation timeout so it can't outlive the fetch deadline."""
        if not self.deadlines:
            return timeout
        left = self.deadlines[-1].left()
        if left <= 0:
            raise expired("total deadline reached")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: object = None) -> httpcore.NetworkStream:
        if (host.lower(), port) in self._trusted:
            stream = self._inner.connect_tcp(host, port, self.clamp(timeout, httpcore.ConnectTimeout),
                                             local_address, socket_options)
            return _DeadlineStream(stream, self)
        allowed = vet_host(host, port, self._policy, self.clamp(timeout, httpcore.ConnectTimeout))
        error: Exception | None = None
        for ip in allowed:
            try:
                stream = self._inner.connect_tcp(str(ip), port,
                                                 self.clamp(timeout, httpcore.ConnectTimeout),
                                                 local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _DeadlineStream(self._vet_peer(stream, port), self)
        assert error is not None
        raise error

    def _vet_peer(self, stream: httpcore.NetworkStream, port: int) -> httpcore.NetworkStream:
        # Belt and braces: judge the socket's real peer, not only what we asked for.
        peer = stream.get_extra_info("server_addr")
        if not peer or not self._policy(ipaddress.ip_address(peer[0]), port):
            stream.close()
            raise _AddressRefused(f"connected peer {peer!r} is not allowed")
        return stream

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: object = None) -> httpcore.NetworkStream:
        raise _AddressRefused("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    """Passes I/O through, clamping each timeout to the fetch deadline.

    A server dripping one byte a second satisfies every per-read timeout; this
    is what stops it (RELIABILITY.md A3).
    """

    def __init__(self, inner: httpcore.NetworkStream, backend: _GuardedBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname,
                                      self._backend.clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._backend)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


def vet_host(host: str, port: int, policy: AddressPolicy,
             timeout: float | None) -> list[IPAddress]:
    """Resolve `host` and return the addresses the policy allows (raise if none)."""
    addresses = resolve(host, port, timeout)
    allowed = [ip for ip in addresses if policy(ip, port)]
    if not allowed:
        shown = ", ".join(str(ip) for ip in addresses[:4])
        raise _AddressRefused(f"{host} resolves only to non-public addresses ({shown})")
    return allowed


def resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    """All addresses for `host`, bounded in time (getaddrinfo itself is not)."""
    literal = _ip_literal(host)
    if literal is not None:
        return [literal]
    answers: list[tuple] = []
    errors: list[BaseException] = []

    def lookup() -> None:
        try:
            answers.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            errors.append(exc)

    worker = threading.Thread(target=lookup, name="newstrace-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _ResolveFailed(f"{host}: resolver did not answer in {timeout:.1f}s")
    if errors or not answers:
        raise _ResolveFailed(f"{host}: {errors[0] if errors else 'no addresses'}")
    found: list[IPAddress] = []
    for family, *_, sockaddr in answers:
        if family in (socket.AF_INET, socket.AF_INET6):
            ip = ipaddress.ip_address(sockaddr[0])
            if ip not in found:
                found.append(ip)
    if not found:
        raise _ResolveFailed(f"{host}: no IP addresses")
    return found


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class _CoreStream(httpx.SyncByteStream):
    def __init__(self, stream: object) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream  # type: ignore[misc]

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class _GuardedTransport(httpx.BaseTransport):
    """httpx transport over an httpcore pool that uses our guarded backend.

    httpx's own HTTPTransport offers no way to pass a network backend. httpcore
    exceptions are left unmapped on purpose: `_translate` understands both.
    """

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self._pool = pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host,
                             port=request.url.port, target=request.url.raw_path),
            headers=request.headers.raw,
            content=request.stream,  # type: ignore[arg-type]
            extensions=request.extensions,
        )
        response = self._pool.handle_request(core_request)
        return httpx.Response(status_code=response.status, headers=response.headers,
                              stream=_CoreStream(response.stream),
                              extensions=response.extensions)

    def close(self) -> None:
        self._pool.close()


def _ssl_context(verify: bool | str | ssl.SSLContext) -> ssl.SSLContext:
    if isinstance(verify, ssl.SSLContext):
        return verify
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _build_pool(options: FetchOptions, backend: _GuardedBackend) -> httpcore.ConnectionPool:
    context = _ssl_context(options.verify)
    common = dict(ssl_context=context, max_connections=10, max_keepalive_connections=10,
                  keepalive_expiry=5.0, http1=True, http2=False, retries=0,
                  network_backend=backend)
    if options.proxy:
        return httpcore.HTTPProxy(proxy_url=options.proxy, **common)  # type: ignore[arg-type]
    return httpcore.ConnectionPool(**common)  # type: ignore[arg-type]


def _proxy_endpoint(proxy: str | None) -> frozenset[tuple[str, int]]:
    if not proxy:
        return frozenset()
    url = httpx.URL(proxy)
    if url.scheme not in ("http", "https"):
        raise ValueError("only http(s) proxies are supported")
    default = 443 if url.scheme == "https" else 80
    return frozenset({(url.host.lower(), url.port or default)})


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
        self._backend = _GuardedBackend(self.options.policy, _proxy_endpoint(self.options.proxy))
        self._client = httpx.Client(
            transport=_GuardedTransport(_build_pool(self.options, self._backend)),
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
        self._backend.deadlines.append(_Deadline(opts.timeout, outer))
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
        declared = _content_length(response.headers.get("content-length"))
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
        if isinstance(exc, _AddressRefused):
            return BlockedError(_blocked_reason(hop), str(exc))
        if isinstance(exc, _ResolveFailed):
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
    raise PermanentFetchError(f"unsupported_type:{shown}", f"Content-Type {content_type[:100]!r}")


def refuse_binary(prefix: bytes) -> None:
    if looks_binary(prefix):
        raise PermanentFetchError("binary_body", f"body starts with {prefix[:8]!r}")


def looks_binary(prefix: bytes) -> bool:
    if prefix.startswith(_UTF16_BOMS):
        return False  # UTF-16 text is full of NULs
    return prefix.startswith(_BINARY_MAGIC) or b"\x00" in prefix


def _content_length(value: str | None) -> int | None:
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


def _peer_address(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    peer = stream.get_extra_info("server_addr")
    return str(peer[0]) if peer else None


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
