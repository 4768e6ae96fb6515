"""Limits and policy of a fetch (`FetchOptions`) and the per-host politeness slot (`HostThrottle`)."""

from __future__ import annotations

import ssl
import threading
import time
from dataclasses import dataclass

from .address_guard import AddressPolicy, allow_all_addresses, public_address_policy

MiB = 1024 * 1024
DEFAULT_USER_AGENT = "newstrace/0.1 (news provenance research; polite crawler)"



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
        return allow_all_addresses if self.allow_private else self.address_policy

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
