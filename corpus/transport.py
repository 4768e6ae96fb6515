"""The guarded transport: an httpx transport over an httpcore pool whose network backend resolves,
vets (corpus/address_guard.py) and pins every TCP connection, and clamps every socket timeout to
the fetch's wall-clock deadline.
"""

from __future__ import annotations

import ipaddress
import ssl
import time
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx

from .address_guard import AddressPolicy, AddressRefused, vet_host
from .fetch_options import FetchOptions


class Deadline:
    """A mutable wall-clock limit; politeness waits push it back."""

    def __init__(self, seconds: float, outer: Deadline | None = None) -> None:
        self.at = time.monotonic() + seconds
        if outer is not None:
            self.at = min(self.at, outer.at)

    def left(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return self.left() <= 0


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves, vets and pins every TCP connection httpcore opens."""

    def __init__(self, policy: AddressPolicy, trusted: frozenset[tuple[str, int]]) -> None:
        self._inner = httpcore.SyncBackend()
        self._policy = policy
        self._trusted = trusted  # an explicitly configured proxy
        self.deadlines: list[Deadline] = []  # innermost last

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
                    socket_options: Any = None) -> httpcore.NetworkStream:
        # Any: httpcore's own annotation names a type it keeps private.
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
            raise AddressRefused(f"connected peer {peer!r} is not allowed")
        return stream

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: object = None) -> httpcore.NetworkStream:
        raise AddressRefused("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    """Passes I/O through, clamping each timeout to the fetch deadline.

    A server dripping one byte a second satisfies every per-read timeout; this
    is what stops it (RELIABILITY.md A3).
    """

    def __init__(self, inner: httpcore.NetworkStream, backend: GuardedBackend) -> None:
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



class _CoreStream(httpx.SyncByteStream):
    def __init__(self, stream: object) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream  # type: ignore[misc]

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class GuardedTransport(httpx.BaseTransport):
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
            content=request.stream,
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


def build_pool(options: FetchOptions, backend: GuardedBackend) -> httpcore.ConnectionPool:
    context = _ssl_context(options.verify)
    common = dict(ssl_context=context, max_connections=10, max_keepalive_connections=10,
                  keepalive_expiry=5.0, http1=True, http2=False, retries=0,
                  network_backend=backend)
    if options.proxy:
        return httpcore.HTTPProxy(proxy_url=options.proxy, **common)  # type: ignore[arg-type]
    return httpcore.ConnectionPool(**common)  # type: ignore[arg-type]


def proxy_endpoint(proxy: str | None) -> frozenset[tuple[str, int]]:
    if not proxy:
        return frozenset()
    url = httpx.URL(proxy)
    if url.scheme not in ("http", "https"):
        raise ValueError("only http(s) proxies are supported")
    default = 443 if url.scheme == "https" else 80
    return frozenset({(url.host.lower(), url.port or default)})
