"""The address guard: which IP addresses a fetch may connect to, and a name resolution bounded in time.

The policy is asked for every resolved and every connected address (corpus/transport.py pins the
socket to the vetted one), so neither a private address nor a DNS rebinding gets through.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress, int], bool]

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


def allow_all_addresses(ip: IPAddress, port: int) -> bool:
    return True



class AddressRefused(Exception):
    """The policy rejected every address a host resolved to (or connected to)."""


class ResolveFailed(Exception):
    """Name resolution failed or did not finish in time."""



def vet_host(host: str, port: int, policy: AddressPolicy,
             timeout: float | None) -> list[IPAddress]:
    """Resolve `host` and return the addresses the policy allows (raise if none)."""
    addresses = resolve(host, port, timeout)
    allowed = [ip for ip in addresses if policy(ip, port)]
    if not allowed:
        shown = ", ".join(str(ip) for ip in addresses[:4])
        raise AddressRefused(f"{host} resolves only to non-public addresses ({shown})")
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
        raise ResolveFailed(f"{host}: resolver did not answer in {timeout:.1f}s")
    if errors or not answers:
        raise ResolveFailed(f"{host}: {errors[0] if errors else 'no addresses'}")
    found: list[IPAddress] = []
    for family, *_, sockaddr in answers:
        if family in (socket.AF_INET, socket.AF_INET6):
            ip = ipaddress.ip_address(sockaddr[0])
            if ip not in found:
                found.append(ip)
    if not found:
        raise ResolveFailed(f"{host}: no IP addresses")
    return found


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
