"""Fault and attack tests for corpus.fetch (RELIABILITY.md sections A, B and C).

Everything runs on loopback. Limits are shrunk through FetchOptions so the
file runs in seconds; `no_egress` fails any test that tries to leave loopback
and records every connect so blocked URLs can be shown to cause none.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import struct
import threading
import time
import tracemalloc
import zlib

import brotli
import pytest
import zstandard
from werkzeug import Response

from newstrace.corpus.errors import BlockedError, FetchError, PermanentFetchError, TransientFetchError
from newstrace.corpus.fetch import Fetcher, FetchOptions, HostThrottle, public_address_policy
from tests.net_fixtures import read_request

pytestmark = [pytest.mark.usefixtures("no_egress"), pytest.mark.timeout(20)]

HTML = b"<html><head><title>Story</title></head><body><p>Seventeen percent.</p></body></html>"
KIB = 1024
MIB = 1024 * 1024


def options(**overrides: object) -> FetchOptions:
    """Small limits so every fault shows up in well under a second."""
    base: dict[str, object] = dict(
        timeout=3.0, connect_timeout=0.5, read_timeout=0.5, max_bytes=1 * MIB,
        max_decompressed_bytes=2 * MIB, retries=0, backoff=0.01, rate=0.0,
        respect_robots=False, allow_private=True,
    )
    base.update(overrides)
    return FetchOptions(**base)  # type: ignore[arg-type]


def fetch(url: str, **overrides: object):
    with Fetcher(options(**overrides)) as fetcher:
        return fetcher.fetch(url)


def fails(exc_type: type[FetchError], reason: str, url: str, **overrides: object) -> FetchError:
    """Fetch `url` and assert it fails with exactly this class and reason."""
    with pytest.raises(exc_type) as info:
        fetch(url, **overrides)
    assert info.value.reason == reason, info.value
    return info.value


def serve(head: bytes, body: bytes = b"", hold: bool = False):
    """A raw_server script: answer one request with these bytes, then close or hold."""
    def script(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(head + body)
        if hold:
            stop.wait(5)
    return script


# ---------------------------------------------------------------- happy path


def test_success_records_the_audit_trail(http):
    http.expect_request("/story").respond_with_data(HTML, content_type="text/html; charset=utf-8")
    response = fetch(http.url_for("/story"))
    assert response.status == 200 and response.body == HTML
    assert response.requested_url == response.final_url == http.url_for("/story")
    assert response.peer_address == "127.0.0.1"
    assert response.redirect_chain == () and response.attempts == 1
    assert response.fetched_at.endswith("+00:00")
    assert response.header("content-type") == "text/html; charset=utf-8"
    assert http.log[0][0].headers["User-Agent"].startswith("newstrace/")


def test_empty_body_is_returned_for_the_caller_to_judge(http):
    # C6: an empty 200 is not a fetch failure; ingest marks it no_article.
    http.expect_request("/empty").respond_with_data(b"", content_type="text/html")
    assert fetch(http.url_for("/empty")).body == b""
    assert len(http.log) == 1


# ------------------------------------------------------- A: network and HTTP


def test_a1_connect_timeout(raw_server):
    server = raw_server(accept=False)  # full backlog: SYNs are dropped
    started = time.monotonic()
    fails(TransientFetchError, "connect_timeout", server.url())
    assert time.monotonic() - started < 1.5


def test_a2_server_never_sends_headers(raw_server):
    server = raw_server(lambda conn, stop: stop.wait(5))
    started = time.monotonic()
    fails(TransientFetchError, "read_timeout", server.url())
    assert time.monotonic() - started < 1.5


def _drip_headers(conn: socket.socket, stop: threading.Event) -> None:
    read_request(conn)
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" * 100:
        if stop.wait(0.1):
            return
        conn.sendall(bytes([byte]))


def _drip_body(conn: socket.socket, stop: threading.Event) -> None:
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
    while not stop.wait(0.1):
        conn.sendall(b"x")


@pytest.mark.parametrize("script", [_drip_headers, _drip_body], ids=["headers", "body"])
def test_a3_slow_drip_hits_the_total_deadline(raw_server, script):
    # Each byte arrives well inside read_timeout; only the total deadline ends it.
    server = raw_server(script)
    started = time.monotonic()
    fails(TransientFetchError, "total_deadline", server.url(), timeout=1.0, read_timeout=0.5)
    assert time.monotonic() - started < 1.6


def test_a4_500_then_200_is_retried_once(http):
    http.expect_ordered_request("/a").respond_with_data("oops", status=500)
    http.expect_ordered_request("/a").respond_with_data(HTML, content_type="text/html")
    response = fetch(http.url_for("/a"), retries=2)
    assert response.body == HTML and response.attempts == 2
    assert len(http.log) == 2


def test_a5_retry_after_beyond_the_cap_gives_up_at_once(http):
    http.expect_request("/busy").respond_with_data("busy", status=503,
                                                   headers={"Retry-After": "99999"})
    started = time.monotonic()
    error = fails(TransientFetchError, "retry_after", http.url_for("/busy"), retries=2,
                  retry_after_cap=30)
    assert error.retry_after == 99999
    assert time.monotonic() - started < 1 and len(http.log) == 1


def test_a5_short_retry_after_is_honoured(http):
    http.expect_ordered_request("/later").respond_with_data("busy", status=503,
                                                            headers={"Retry-After": "1"})
    http.expect_ordered_request("/later").respond_with_data(HTML, content_type="text/html")
    started = time.monotonic()
    response = fetch(http.url_for("/later"), retries=1)
    assert time.monotonic() - started >= 1.0
    assert response.attempts == 2 and len(http.log) == 2


def test_a6_persistent_429_stops_after_the_retry_budget(http):
    http.expect_request("/limited").respond_with_data("slow down", status=429)
    error = fails(TransientFetchError, "http_429", http.url_for("/limited"), retries=2)
    assert error.attempts == 3 and len(http.log) == 3


def test_backoff_that_would_pass_the_deadline_is_not_slept(http):
    http.expect_request("/down").respond_with_data("down", status=502)
    started = time.monotonic()
    fails(TransientFetchError, "http_502", http.url_for("/down"), retries=3, backoff=5.0,
          timeout=1.0)
    assert time.monotonic() - started < 0.8 and len(http.log) == 1


@pytest.mark.parametrize("status", [404, 410, 451, 403])
def test_a7_client_errors_are_permanent_and_not_retried(http, status):
    http.expect_request("/gone").respond_with_data("no", status=status)
    fails(PermanentFetchError, f"http_{status}", http.url_for("/gone"), retries=2)
    assert len(http.log) == 1


def test_a8_body_shorter_than_content_length(raw_server):
    server = raw_server(serve(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                              b"Content-Length: 10000\r\n\r\n", b"x" * 2000))
    fails(TransientFetchError, "truncated", server.url())


def test_a9_broken_chunked_encoding(raw_server):
    server = raw_server(serve(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                              b"Transfer-Encoding: chunked\r\n\r\n",
                              b"5\r\nhello\r\nZZZ\r\nnot a chunk\r\n"))
    fails(TransientFetchError, "truncated", server.url())


def test_a9_connection_reset_mid_body(raw_server):
    def reset(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                     b"Content-Length: 10000\r\n\r\n" + b"x" * 100)
        time.sleep(0.05)
        # SO_LINGER 0 makes close() send RST instead of FIN.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    server = raw_server(reset)
    fails(TransientFetchError, "truncated", server.url())


def test_a10_redirect_loop_is_capped_and_recorded(http):
    http.expect_request("/a").respond_with_response(Response(status=302, headers={"Location": "/a"}))
    error = fails(PermanentFetchError, "redirect_loop", http.url_for("/a"), max_redirects=5)
    assert len(http.log) == 6
    assert error.redirect_chain[0] == http.url_for("/a") and len(error.redirect_chain) == 7


def test_a11_long_redirect_chain(http):
    for hop in range(30):
        http.expect_request(f"/hop{hop}").respond_with_response(
            Response(status=301, headers={"Location": f"/hop{hop + 1}"}))
    fails(PermanentFetchError, "too_many_redirects", http.url_for("/hop0"), max_redirects=5)
    assert len(http.log) == 6


def test_a12_relative_and_protocol_relative_locations(http):
    port = http.port
    http.expect_request("/one").respond_with_response(
        Response(status=301, headers={"Location": "two"}))
    http.expect_request("/two").respond_with_response(
        Response(status=307, headers={"Location": f"//127.0.0.1:{port}/three?x=1"}))
    http.expect_request("/three").respond_with_response(
        Response(status=308, headers={"Location": "/final"}))
    http.expect_request("/final").respond_with_data(HTML, content_type="text/html")
    response = fetch(http.url_for("/one"))
    assert response.final_url == http.url_for("/final")
    assert response.redirect_chain == (http.url_for("/one"), http.url_for("/two"),
                                       http.url_for("/three?x=1"))


@pytest.mark.parametrize("raw_location", [b"/caf\xc3\xa9", b"/caf\xe9"], ids=["utf8", "latin1"])
def test_a12_non_ascii_location(raw_server, raw_location):
    seen: list[bytes] = []

    def script(conn: socket.socket, stop: threading.Event) -> None:
        line = read_request(conn).split(b"\r\n", 1)[0]
        seen.append(line)
        if line.startswith(b"GET /start"):
            conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + raw_location +
                         b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(HTML) + HTML)
    server = raw_server(script)
    response = fetch(server.url("/start"))
    assert seen[-1] == b"GET /caf%C3%A9 HTTP/1.1"
    assert response.final_url.endswith("/caf%C3%A9")


def test_a12_redirect_without_location(http):
    http.expect_request("/r").respond_with_response(Response(status=302))
    fails(PermanentFetchError, "bad_redirect", http.url_for("/r"))


@pytest.mark.parametrize("head", [
    b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nX: \x00\r\nContent-Length: 0\r\n\r\n",
    b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
], ids=["status_line", "nul_header", "not_http"])
def test_a13_malformed_response(raw_server, head):
    fails(PermanentFetchError, "bad_response", raw_server(serve(head)).url())


def test_a13_peer_closes_without_a_response(raw_server):
    server = raw_server(lambda conn, stop: read_request(conn) and None)
    fails(TransientFetchError, "connection_closed", server.url())


def test_a14_dns_failure(fake_dns, no_egress):
    fake_dns.fail("nxdomain.test")
    fails(TransientFetchError, "dns", "http://nxdomain.test/story")
    assert no_egress.attempts == []


def test_a14_resolver_that_hangs(fake_dns, monkeypatch):
    release = threading.Event()

    def slow(*args: object, **kwargs: object) -> list:
        release.wait(5)
        raise socket.gaierror(socket.EAI_AGAIN, "timed out")
    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()
    try:
        fails(TransientFetchError, "dns", "http://slow.test/")
    finally:
        release.set()
    assert time.monotonic() - started < 1.5


def test_a15_tls_with_the_test_ca(tls_server):
    tls_server.server.expect_request("/s").respond_with_data(HTML, content_type="text/html")
    response = fetch(tls_server.url("/s"), verify=tls_server.ca_path)
    assert response.body == HTML and response.final_url.startswith("https://news.test:")


@pytest.mark.parametrize("case", ["untrusted_ca", "wrong_host"])
def test_a15_tls_verification_failures_are_permanent(tls_server, case):
    tls_server.server.expect_request("/s").respond_with_data(HTML, content_type="text/html")
    if case == "untrusted_ca":
        error = fails(PermanentFetchError, "tls_verify", tls_server.url("/s"), retries=2)
    else:
        error = fails(PermanentFetchError, "tls_verify", tls_server.url("/s", host="wrong.test"),
                      retries=2, verify=tls_server.ca_path)
    assert error.attempts == 1 and tls_server.server.log == []


def test_a15_verification_cannot_be_switched_off():
    with pytest.raises(ValueError):
        FetchOptions(verify=False)


ROBOTS = "User-agent: *\nDisallow: /private\n\nUser-agent: otherbot\nDisallow: /\n"


def test_a16_robots_disallow_blocks_without_fetching_the_page(http):
    http.expect_request("/robots.txt").respond_with_data(ROBOTS, content_type="text/plain")
    http.expect_request("/private/x").respond_with_data(HTML, content_type="text/html")
    http.expect_request("/public").respond_with_data(HTML, content_type="text/html")
    with Fetcher(options(respect_robots=True)) as fetcher:
        with pytest.raises(BlockedError) as info:
            fetcher.fetch(http.url_for("/private/x"))
        assert info.value.reason == "robots"
        assert fetcher.fetch(http.url_for("/public")).body == HTML
    paths = [request.path for request, _ in http.log]
    assert paths == ["/robots.txt", "/public"]  # robots cached, private page never asked for


def test_a16_robots_group_for_our_agent(http):
    http.expect_request("/robots.txt").respond_with_data(
        "User-agent: newstrace\nDisallow: /\n", content_type="text/plain")
    fails(BlockedError, "robots", http.url_for("/story"), respect_robots=True)


@pytest.mark.parametrize("robots", [
    (b"\x89PNG\r\n\x1a\n\x00\x00garbage", 200),
    (b"not found", 404),
    (b"oops", 500),
    (b"", 200),
], ids=["garbage", "404", "500", "empty"])
def test_a16_broken_robots_means_allow(http, robots):
    body, status = robots
    http.expect_request("/robots.txt").respond_with_data(body, status=status)
    http.expect_request("/story").respond_with_data(HTML, content_type="text/html")
    assert fetch(http.url_for("/story"), respect_robots=True).body == HTML


def test_a16_unreachable_robots_means_allow(raw_server):
    def script(conn: socket.socket, stop: threading.Event) -> None:
        if read_request(conn).startswith(b"GET /robots.txt"):
            return  # hang up without answering
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                     b"Connection: close\r\n\r\n" % len(HTML) + HTML)
    assert fetch(raw_server(script).url("/story"), respect_robots=True).body == HTML


def test_a17_unsupported_type_is_refused_on_the_headers(raw_server):
    # 5 MB promised, 8 bytes sent, then silence: waiting for the body would
    # hit the read timeout, so a fast answer proves nothing more was read.
    server = raw_server(serve(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                              b"Content-Length: 5000000\r\n\r\n", b"%PDF-1.7", hold=True))
    started = time.monotonic()
    fails(PermanentFetchError, "unsupported_type:application/pdf", server.url(), read_timeout=2.0)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("mime", ["image/png", "video/mp4", "application/octet-stream",
                                  "application/json"])
def test_a17_other_types(http, mime):
    http.expect_request("/f").respond_with_data(b"\x00" * 4096, content_type=mime)
    fails(PermanentFetchError, f"unsupported_type:{mime}", http.url_for("/f"))


def test_politeness_spaces_one_host_but_not_others(two_hosts):
    for server in (two_hosts.a, two_hosts.b):
        server.expect_request("/p").respond_with_data(HTML, content_type="text/html")
    with Fetcher(options(rate=0.4, allow_private=False,
                         address_policy=two_hosts.policy_both)) as fetcher:
        started = time.monotonic()
        fetcher.fetch(two_hosts.a.url_for("/p"))
        fetcher.fetch(two_hosts.b.url_for("/p"))
        other_host = time.monotonic() - started
        fetcher.fetch(two_hosts.a.url_for("/p"))
        same_host = time.monotonic() - started
    assert other_host < 0.3
    assert same_host >= 0.4


def test_host_throttle_is_per_host():
    throttle = HostThrottle(0.2)
    assert throttle.wait("a.test") == 0 and throttle.wait("b.test") == 0
    assert throttle.wait("a.test") > 0.1


# ----------------------------------------------------------- B: SSRF and schemes


def test_default_policy_classification():
    assert public_address_policy(ipaddress.ip_address("93.184.216.34"), 80)
    assert public_address_policy(ipaddress.ip_address("2606:4700::1111"), 443)
    for internal in ["127.0.0.1", "::1", "0.0.0.0", "10.0.0.1", "100.64.0.1", "169.254.169.254",
                     "172.16.5.4", "192.168.1.1", "224.0.0.1", "240.0.0.1", "fd00::1", "fe80::1",
                     "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::1",
                     "64:ff9b::a00:1", "192.0.2.1"]:
        assert not public_address_policy(ipaddress.ip_address(internal), 80), internal


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}",
                                  "0.0.0.0:{port}"])
def test_b1_loopback_is_blocked_before_any_request(http, fake_dns, no_egress, host):
    url = f"http://{host.format(port=http.port)}/admin"
    fails(BlockedError, "non_public_address", url, allow_private=False)
    assert http.log == [] and no_egress.attempts == []


BLOCKED = (BlockedError, "non_public_address")


@pytest.mark.parametrize("spelling,outcome", [
    ("2130706433", BLOCKED), ("127.1", BLOCKED), ("0x7f.0.0.1", BLOCKED),
    ("[::ffff:127.0.0.1]", BLOCKED), ("[::ffff:7f00:1]", BLOCKED),
    # httpx refuses leading-zero octets outright (libc would read them as octal).
    ("0177.0.0.1", (PermanentFetchError, "invalid_url")),
])
def test_b2_alternate_ip_spellings(http, fake_dns, no_egress, spelling, outcome):
    url = f"http://{spelling}:{http.port}/admin"
    fails(*outcome, url, allow_private=False)
    assert http.log == [] and no_egress.attempts == []


@pytest.mark.parametrize("address", ["169.254.169.254", "100.64.0.1", "10.0.0.1", "192.168.1.1",
                                     "fd00::1", "fe80::1", "224.0.0.1", "240.0.0.1",
                                     "::ffff:127.0.0.1"])
def test_b3_names_resolving_to_internal_ranges(fake_dns, no_egress, address):
    fake_dns.add("meta.test", [address])
    fails(BlockedError, "non_public_address", "http://meta.test/latest/meta-data/",
          allow_private=False)
    assert no_egress.attempts == []


def test_b4_redirect_to_internal_host(two_hosts, no_egress):
    a, b = two_hosts.a, two_hosts.b
    a.expect_request("/story").respond_with_response(
        Response(status=302, headers={"Location": b.url_for("/latest/meta-data/")}))
    error = fails(BlockedError, "redirect_to_non_public", a.url_for("/story"),
                  allow_private=False, address_policy=two_hosts.policy)
    assert b.log == [] and no_egress.to("127.0.0.2") == 0
    assert error.redirect_chain == (a.url_for("/story"),)


def test_b4_robots_on_the_redirect_target_does_not_leak(two_hosts, no_egress):
    # With robots on, the internal host must not even be asked for robots.txt.
    a, b = two_hosts.a, two_hosts.b
    a.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    a.expect_request("/story").respond_with_response(
        Response(status=302, headers={"Location": b.url_for("/x")}))
    fails(BlockedError, "redirect_to_non_public", a.url_for("/story"), allow_private=False,
          address_policy=two_hosts.policy, respect_robots=True)
    assert b.log == [] and no_egress.to("127.0.0.2") == 0


def test_b5_dns_rebinding_uses_only_the_vetted_answer(two_hosts, fake_dns, no_egress):
    a, b = two_hosts.a, two_hosts.b
    a.expect_request("/story").respond_with_data(HTML, content_type="text/html")
    fake_dns.add("rebind.test", ["127.0.0.1"], ["127.0.0.2"])
    url = f"http://rebind.test:{a.port}/story"
    guarded = dict(allow_private=False, address_policy=two_hosts.policy)
    response = fetch(url, **guarded)
    assert response.peer_address == "127.0.0.1" and fake_dns.count("rebind.test") == 1
    # The next resolution rebinds to the internal address: refused before connect.
    fails(BlockedError, "non_public_address", url, **guarded)
    assert b.log == [] and no_egress.to("127.0.0.2") == 0


def test_b6_mixed_answers_connect_only_to_the_allowed_address(two_hosts, fake_dns, no_egress):
    a = two_hosts.a
    a.expect_request("/story").respond_with_data(HTML, content_type="text/html")
    fake_dns.add("multi.test", ["127.0.0.2", "127.0.0.1"])
    response = fetch(f"http://multi.test:{a.port}/story", allow_private=False,
                     address_policy=two_hosts.policy)
    assert response.peer_address == "127.0.0.1" and no_egress.to("127.0.0.2") == 0


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.test/x", "gopher://x.test/",
                                 "data:text/html,<p>hi</p>", "javascript:alert(1)",
                                 "jar:http://x.test/a.jar!/", "dict://x.test:11211/",
                                 "ldap://x.test/"])
def test_b7_schemes_are_blocked(no_egress, url):
    fails(BlockedError, "scheme", url)
    assert no_egress.attempts == []


def test_b7_redirect_to_file_scheme(http):
    http.expect_request("/r").respond_with_response(
        Response(status=302, headers={"Location": "file:///etc/passwd"}))
    error = fails(BlockedError, "scheme", http.url_for("/r"))
    assert "root:" not in str(error)


@pytest.mark.parametrize("template,exc_type,reason", [
    ("http://evil.test@127.0.0.1:{port}/", BlockedError, "non_public_address"),
    ("http://127.0.0.1:{port}\\@evil.test/", BlockedError, "non_public_address"),
    ("http://127.0.0.1:{port}/a\r\nX-Injected: 1", PermanentFetchError, "invalid_url"),
    ("http://127.0.0.1:{port}/a\nb", PermanentFetchError, "invalid_url"),
    ("http://" + "a" * 10_000 + ".test/", PermanentFetchError, "invalid_url"),
    ("example.test/no-scheme", PermanentFetchError, "invalid_url"),
], ids=["userinfo", "backslash", "crlf", "lf", "long_host", "no_scheme"])
def test_b8_parser_differential_urls(http, fake_dns, no_egress, template, exc_type, reason):
    fake_dns.add("evil.test", ["127.0.0.1"])  # the backslash form's host, per urlsplit
    fails(exc_type, reason, template.format(port=http.port), allow_private=False)
    assert http.log == [] and no_egress.attempts == []


def test_b9_environment_proxies_are_ignored(http, two_hosts, monkeypatch):
    proxy = http.url_for("/").rstrip("/")
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                 "ALL_PROXY"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    two_hosts.a.expect_request("/story").respond_with_data(HTML, content_type="text/html")
    assert fetch(two_hosts.a.url_for("/story")).body == HTML
    assert http.log == [] and len(two_hosts.a.log) == 1


def test_b9_explicit_proxy_keeps_the_address_check(http, fake_dns):
    fake_dns.add("internal.test", ["10.0.0.1"])
    fails(BlockedError, "non_public_address", "http://internal.test/x", allow_private=False,
          proxy=http.url_for("/").rstrip("/"))
    assert http.log == []


def test_b9_explicit_proxy_is_used_when_configured(http, fake_dns, no_egress):
    fake_dns.add("news.test", ["93.184.216.34"])  # "public", and never connected to
    http.expect_request("/x").respond_with_data(HTML, content_type="text/html")
    response = fetch("http://news.test/x", allow_private=False, proxy=http.url_for("/").rstrip("/"))
    assert response.body == HTML and http.log[0][0].headers["Host"] == "news.test"
    assert {host for host, _ in no_egress.attempts} == {"127.0.0.1"}


@pytest.mark.parametrize("credential", ["header", "userinfo"])
def test_b10_credentials_do_not_cross_hosts(two_hosts, credential):
    a, b = two_hosts.a, two_hosts.b
    a.expect_request("/start").respond_with_response(Response(
        status=302, headers=[("Set-Cookie", "sid=secret; Path=/"), ("Location", "/again")]))
    a.expect_request("/again").respond_with_response(
        Response(status=302, headers={"Location": b.url_for("/land")}))
    b.expect_request("/land").respond_with_data(HTML, content_type="text/html")
    url, headers = a.url_for("/start"), {"Authorization": "Bearer token"}
    if credential == "userinfo":  # httpx turns user:pw@ into Basic auth
        url, headers = url.replace("http://", "http://user:pw@"), {}
    with Fetcher(options(allow_private=False, address_policy=two_hosts.policy_both)) as fetcher:
        response = fetcher.fetch(url, headers=headers)
    assert response.body == HTML
    same_host = a.log[1][0].headers  # the same origin still gets both
    assert same_host["Authorization"] and "sid=secret" in same_host["Cookie"]
    landed = b.log[0][0].headers
    assert "Authorization" not in landed and "Cookie" not in landed


def test_b11_meta_refresh_is_not_followed(two_hosts):
    a, b = two_hosts.a, two_hosts.b
    page = f'<meta http-equiv="refresh" content="0; url={b.url_for("/internal")}">'.encode()
    a.expect_request("/story").respond_with_data(page, content_type="text/html")
    response = fetch(a.url_for("/story"), allow_private=False, address_policy=two_hosts.policy)
    assert response.body == page and b.log == []


# --------------------------------------------------- C: size, compression, bytes


def test_c1_huge_content_length_is_refused_before_the_body(raw_server):
    # The body never comes: a client that tried to read it would sit in the
    # read timeout, so a quick too_large means ~0 body bytes were read.
    server = raw_server(serve(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                              b"Content-Length: 50000000\r\n\r\n", hold=True))
    started = time.monotonic()
    fails(PermanentFetchError, "too_large", server.url(), read_timeout=2.0)
    assert time.monotonic() - started < 1.0


def test_c2_huge_chunked_body_is_cut_at_max_bytes(raw_server):
    sent = [0]
    chunk = b"10000\r\n" + b"a" * (64 * KIB) + b"\r\n"  # one 64 KiB chunk, reused

    def script(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        for _ in range(800):  # 50 MiB if nobody stops us
            conn.sendall(chunk)
            sent[0] += len(chunk)

    server = raw_server(script)
    tracemalloc.start()
    try:
        fails(PermanentFetchError, "too_large", server.url())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MIB  # the 1 MiB cap plus one read, never the 50 MiB
    time.sleep(0.1)
    assert sent[0] < 10 * MIB  # what the kernel buffered, not the whole body


@pytest.fixture(scope="session")
def gzip_bomb() -> bytes:
    return gzip.compress(b"A" * 200_000_000)  # ~194 KB on the wire


def _bomb(kind: str, gzip_bomb: bytes) -> tuple[bytes, str]:
    if kind == "gzip":
        return gzip_bomb, "gzip"
    if kind == "gzip,gzip":
        return gzip.compress(gzip_bomb), "gzip, gzip"
    if kind == "deflate":  # zlib-wrapped, reusing the gzip member's raw stream
        checksum, block = 1, b"A" * 1_000_000
        for _ in range(200):
            checksum = zlib.adler32(block, checksum)
        return b"\x78\xda" + gzip_bomb[10:-8] + struct.pack(">I", checksum), "deflate"
    if kind == "raw-deflate":
        return gzip_bomb[10:-8], "deflate"
    if kind == "br":
        return brotli.compress(b"A" * 50_000_000, quality=5), "br"
    return zstandard.ZstdCompressor().compress(b"A" * 200_000_000), "zstd"


@pytest.mark.parametrize("kind", ["gzip", "gzip,gzip", "deflate", "raw-deflate", "br", "zstd"])
def test_c3_decompression_bombs(http, gzip_bomb, kind):
    payload, coding = _bomb(kind, gzip_bomb)
    http.expect_request("/bomb").respond_with_data(
        payload, content_type="text/html", headers={"Content-Encoding": coding})
    tracemalloc.start()
    try:
        fails(PermanentFetchError, "decompressed_too_large", http.url_for("/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * MIB  # cap is 2 MiB; the 200 MB expansion never happens


def test_c4_gzip_bytes_served_as_html_without_encoding(http, gzip_bomb):
    http.expect_request("/bin").respond_with_data(gzip_bomb, content_type="text/html")
    fails(PermanentFetchError, "binary_body", http.url_for("/bin"))


@pytest.mark.parametrize("body", [b"%PDF-1.7\n%\xe2\xe3", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                                  b"PK\x03\x04\x14\x00", b"<html>\x00\x00\x00\x01\x02</html>"],
                         ids=["pdf", "png", "zip", "nul"])
def test_c4_binary_sniffing(http, body):
    http.expect_request("/bin").respond_with_data(body, content_type="text/html")
    fails(PermanentFetchError, "binary_body", http.url_for("/bin"))


def test_c4_missing_content_type_is_sniffed(raw_server):
    head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
    html = raw_server(serve(head % len(HTML), HTML))
    assert fetch(html.url()).body == HTML
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    fails(PermanentFetchError, "binary_body", raw_server(serve(head % len(png), png)).url())


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd", "gzip, br"])
def test_content_encodings_are_decoded(http, coding):
    encoders = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress,
                "zstd": zstandard.ZstdCompressor().compress}
    payload = HTML
    for name in coding.split(", "):
        payload = encoders[name](payload)
    http.expect_request("/enc").respond_with_data(
        payload, content_type="text/html", headers={"Content-Encoding": coding})
    assert fetch(http.url_for("/enc")).body == HTML


def _bad_crc() -> bytes:
    data = bytearray(gzip.compress(HTML))
    data[-8] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize("payload,coding", [
    (HTML, "gzip"),
    (_bad_crc(), "gzip"),
    (gzip.compress(HTML * 50)[:-20], "gzip"),
    (b"\x00\x01 definitely not brotli \xff" * 4, "br"),
    (zstandard.ZstdCompressor().compress(HTML * 50)[:-10], "zstd"),
    (HTML, "compress"),
], ids=["says_gzip_is_plain", "bad_crc", "truncated_gzip", "garbage_br", "truncated_zstd",
        "unknown_coding"])
def test_c5_lying_or_corrupt_encodings(http, payload, coding):
    http.expect_request("/lie").respond_with_data(
        payload, content_type="text/html", headers={"Content-Encoding": coding})
    fails(PermanentFetchError, "bad_content_encoding", http.url_for("/lie"))


def test_c6_empty_body_with_a_content_encoding(http):
    http.expect_request("/e").respond_with_data(b"", content_type="text/html",
                                                headers={"Content-Encoding": "gzip"})
    assert fetch(http.url_for("/e")).body == b""
