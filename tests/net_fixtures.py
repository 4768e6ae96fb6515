"""Loopback-only network fixtures (RELIABILITY.md §3).

Every server binds 127.0.0.1 or 127.0.0.2 on port 0; names are resolved by
`fake_dns`, never by a real resolver; `no_egress` fails a test that tries to
connect anywhere else and records every connect attempt so tests can assert
that a blocked URL caused none.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

LOOPBACK_HOSTS = ("127.0.0.1", "127.0.0.2")


def _start(host: str, ssl_context=None) -> HTTPServer:
    # threaded=True: a handler stuck streaming a huge body must not stall the
    # next test's requests.
    server = HTTPServer(host=host, port=0, ssl_context=ssl_context, threaded=True)
    server.start()
    return server


def _fresh(server: HTTPServer) -> Iterator[HTTPServer]:
    server.clear()
    yield server
    server.clear()


# ------------------------------------------------------------------ http servers


@pytest.fixture(scope="session")
def _http_a() -> Iterator[HTTPServer]:
    server = _start("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _http_b() -> Iterator[HTTPServer]:
    server = _start("127.0.0.2")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _http_c() -> Iterator[HTTPServer]:
    server = _start("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture
def http(_http_c: HTTPServer) -> Iterator[HTTPServer]:
    """A pytest-httpserver on 127.0.0.1, emptied before and after each test."""
    yield from _fresh(_http_c)


@dataclass(frozen=True)
class TwoHosts:
    """A: the "public news site" (127.0.0.1). B: the "internal service" (127.0.0.2)."""

    a: HTTPServer
    b: HTTPServer

    def policy(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int) -> bool:
        """Treat exactly server A as public, everything else as internal."""
        return str(ip) == "127.0.0.1" and port == self.a.port

    def policy_both(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int) -> bool:
        """Treat both servers as public (for cross-host tests that must get through)."""
        return (str(ip), port) in {("127.0.0.1", self.a.port), ("127.0.0.2", self.b.port)}


@pytest.fixture
def two_hosts(_http_a: HTTPServer, _http_b: HTTPServer) -> Iterator[TwoHosts]:
    for server in (_http_a, _http_b):
        server.clear()
    yield TwoHosts(_http_a, _http_b)
    for server in (_http_a, _http_b):
        server.clear()


# --------------------------------------------------------------------- raw server


@dataclass
class RawServer:
    """A socket server that runs `script(conn, stop)` per connection.

    For what HTTP libraries refuse to produce: hangs, drips, short bodies,
    broken chunking, garbage status lines, and a full accept backlog.
    """

    script: Callable[[socket.socket, threading.Event], None] | None
    host: str = "127.0.0.1"
    accept: bool = True
    connections: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    _sock: socket.socket | None = None
    _fillers: list[socket.socket] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def port(self) -> int:
        assert self._sock is not None
        return self._sock.getsockname()[1]

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def start(self) -> RawServer:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.host, 0))
        if self.accept:
            self._sock.listen(16)
            self._sock.settimeout(0.1)
            self._spawn(self._accept_loop)
        else:
            self._fill_backlog()
        return self

    def _fill_backlog(self) -> None:
        # listen(0) and never accept: once the queue holds a connection or
        # two, Linux drops further SYNs, so connects time out (A1).
        assert self._sock is not None
        self._sock.listen(0)
        for _ in range(4):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            filler.connect_ex((self.host, self.port))
            self._fillers.append(filler)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self.stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.script is not None:
                    self.script(conn, self.stop)
            except OSError:
                pass  # the client hung up: that is often the point of the test

    def close(self) -> None:
        self.stop.set()
        for sock in [self._sock, *self._fillers]:
            if sock is not None:
                sock.close()
        for thread in self._threads:
            thread.join(timeout=2)


def read_request(conn: socket.socket, limit: int = 65536) -> bytes:
    """Read one request head (up to the blank line)."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def make(script: Callable[[socket.socket, threading.Event], None] | None = None,
             *, host: str = "127.0.0.1", accept: bool = True) -> RawServer:
        server = RawServer(script, host=host, accept=accept).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


# ------------------------------------------------------------------------ fake DNS


class FakeDNS:
    """Scripted answers for test names; numeric hosts resolve offline; the rest fail.

    `add(name, ["127.0.0.1"], ["127.0.0.2"])` answers the first lookup with the
    first list, the next with the second, and repeats the last one thereafter.
    """

    def __init__(self, real: Callable[..., list]) -> None:
        self._real = real
        self._answers: dict[str, list[list[str]]] = {}
        self._failures: set[str] = set()
        self.calls: list[str] = []

    def add(self, name: str, *answers: list[str]) -> None:
        self._answers[name.lower()] = [list(a) for a in answers]

    def fail(self, name: str) -> None:
        self._failures.add(name.lower())

    def count(self, name: str) -> int:
        return self.calls.count(name.lower())

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        name = (host.decode() if isinstance(host, bytes) else str(host)).lower()
        self.calls.append(name)
        if name in self._failures:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if name in self._answers:
            script = self._answers[name]
            answer = script.pop(0) if len(script) > 1 else script[0]
            return [self._entry(ip, port) for ip in answer]
        # Only numeric forms (127.1, 0x7f.0.0.1, 2130706433 ...) may reach libc,
        # and AI_NUMERICHOST guarantees that no resolver is ever asked.
        return self._real(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    @staticmethod
    def _entry(ip: str, port) -> tuple:
        if ":" in ip:
            return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, int(port or 0), 0, 0))
        return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, int(port or 0)))


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS(socket.getaddrinfo)
    fake.add("localhost", ["127.0.0.1", "::1"])
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake


# ----------------------------------------------------------------------- no egress


class EgressGuard:
    """Records every TCP connect; refuses any that would leave loopback."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []

    def to(self, host: str, port: int | None = None) -> int:
        return sum(1 for h, p in self.attempts if h == host and (port is None or p == port))

    def check(self, address: object) -> None:
        if not (isinstance(address, tuple) and len(address) >= 2):
            return  # AF_UNIX and friends never leave the machine
        host, port = str(address[0]), int(address[1])
        self.attempts.append((host, port))
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            pytest.fail(f"connect to unresolved name {host!r}: tests must use loopback IPs")
        if not ip.is_loopback:
            pytest.fail(f"test tried to leave loopback: connect to {host}:{port}")


@pytest.fixture
def no_egress(monkeypatch: pytest.MonkeyPatch) -> EgressGuard:
    guard = EgressGuard()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: object) -> None:
        guard.check(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        guard.check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return guard


# --------------------------------------------------------------------------- TLS


@dataclass(frozen=True)
class TLSServer:
    server: HTTPServer
    ca_path: str
    hostname: str

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"https://{host or self.hostname}:{self.server.port}{path}"


@pytest.fixture(scope="session")
def _tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TLSServer]:
    import ssl

    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("news.test")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_path = Path(tmp_path_factory.mktemp("tls")) / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    server = _start("127.0.0.1", ssl_context=context)
    yield TLSServer(server, str(ca_path), "news.test")
    server.stop()


@pytest.fixture
def tls_server(_tls: TLSServer, fake_dns: FakeDNS) -> Iterator[TLSServer]:
    """HTTPS on 127.0.0.1 with a trustme cert for news.test (CA not installed anywhere)."""
    fake_dns.add("news.test", ["127.0.0.1"])
    fake_dns.add("wrong.test", ["127.0.0.1"])
    _tls.server.clear()
    yield _tls
    _tls.server.clear()
