"""Terraform's IP network functions."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from tfguard.load.functions.types import number, string

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _net(prefix: Any) -> Network:
    try:
        return ipaddress.ip_network(string(prefix), strict=False)
    except ValueError as exc:
        raise ValueError(f"invalid CIDR expression: {exc}") from None


def _subnet(net: Network, newbits: int, netnum: int) -> Network:
    new_prefix = net.prefixlen + newbits
    if newbits < 0 or new_prefix > net.max_prefixlen:
        raise ValueError(f"insufficient address space to extend prefix of {net.prefixlen} by {newbits}")
    if netnum < 0 or netnum >= 2**newbits:
        raise ValueError(f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}")
    size = 2 ** (net.max_prefixlen - new_prefix)
    return ipaddress.ip_network((int(net.network_address) + netnum * size, new_prefix))


def cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    return str(_subnet(_net(prefix), int(number(newbits)), int(number(netnum))))


def cidrhost(prefix: Any, hostnum: Any) -> str:
    net, n = _net(prefix), int(number(hostnum))
    if n < 0:
        n += net.num_addresses
    if not 0 <= n < net.num_addresses:
        raise ValueError(f"prefix of {net.prefixlen} does not accommodate a host numbered {number(hostnum)}")
    return str(ipaddress.ip_address(int(net.network_address) + n))


def cidrnetmask(prefix: Any) -> str:
    net = _net(prefix)
    if net.version != 4:
        raise ValueError("only IPv4 networks have a netmask")
    return str(net.netmask)


def cidrsubnets(prefix: Any, *newbits: Any) -> list[str]:
    """Consecutive subnets of the given sizes, each aligned after the previous one."""
    net = _net(prefix)
    out: list[str] = []
    current = int(net.network_address)
    for bits_arg in newbits:
        bits = int(number(bits_arg))
        new_prefix = net.prefixlen + bits
        if bits < 1 or new_prefix > net.max_prefixlen:
            raise ValueError(f"would extend prefix to {new_prefix} bits, which is too long for this network")
        size = 2 ** (net.max_prefixlen - new_prefix)
        current = -(-current // size) * size
        if current + size > int(net.network_address) + net.num_addresses:
            raise ValueError("not enough remaining address space for a subnet")
        out.append(str(ipaddress.ip_network((current, new_prefix))))
        current += size
    return out


NETWORK_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "cidrsubnet": cidrsubnet, "cidrhost": cidrhost, "cidrnetmask": cidrnetmask, "cidrsubnets": cidrsubnets,
}
