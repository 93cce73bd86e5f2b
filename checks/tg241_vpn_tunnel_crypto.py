"""TG241 vpn-tunnel-crypto.

Reading: for each of tunnel 1 and tunnel 2, `tunnelN_ike_versions` must be
set and not contain `ikev1`, and `tunnelN_phase1_integrity_algorithms` and
`tunnelN_phase2_integrity_algorithms` must be set and not contain `SHA1`
(case-insensitive). Unset fails because AWS's defaults include IKEv1 and
SHA1. One result per connection, pointing at the first failing argument and
naming every one; unknown values give UNKNOWN when nothing fails.
"""

from __future__ import annotations

from tfguard.aws.tls import contains_any
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import each
from tfguard.model import Resource

SETTINGS = (("ike_versions", "ikev1"), ("phase1_integrity_algorithms", "SHA1"), ("phase2_integrity_algorithms", "SHA1"))


def judge(ctx: Context, vpn: Resource) -> Result:
    unset: list[str] = []
    weak: list[str] = []
    unknown: list[str] = []
    for tunnel in (1, 2):
        for setting, bad in SETTINGS:
            attr = f"tunnel{tunnel}_{setting}"
            value = vpn.values.get(attr)
            found = contains_any(value, (bad,))
            if value is None:
                unset.append(attr)
            elif found:
                weak.append(f"{attr} allows {bad}")
            elif found is None:
                unknown.append(attr)
    if weak or unset:
        problems = weak + ([f"not set (AWS's defaults allow ikev1 and SHA1): {', '.join(unset)}"] if unset else [])
        first = next(a for a in (weak[0].split()[0] if weak else "", unset[0] if unset else "") if a)
        return Result(vpn, FAIL, "; ".join(problems), attribute=first)
    if unknown:
        return Result(vpn, UNKNOWN, f"not known statically: {', '.join(unknown)}", attribute=unknown[0])
    return Result(vpn, PASS, "both tunnels require IKEv2 and SHA-2 integrity algorithms", attribute="tunnel1_ike_versions")


CHECK = Check(
    id="TG241",
    slug="vpn-tunnel-crypto",
    title="Site-to-Site VPN tunnels use IKEv2 and SHA-2",
    severity="medium",
    resource_types=("aws_vpn_connection",),
    rationale="AWS's default tunnel options still accept IKEv1 and SHA1, weaker than the strong cryptography "
    "PCI DSS and NIST SC-13 require for data crossing the VPN.",
    remediation="Set tunnel1_/tunnel2_ike_versions = [\"ikev2\"] and the phase 1 and phase 2 integrity "
    "algorithms to [\"SHA2-256\", \"SHA2-384\", \"SHA2-512\"] for both tunnels.",
    evaluate=each(judge),
    compliance=controls("TG241"),
    references=("https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html",),
    bad_example=(
        'resource "aws_customer_gateway" "office" {\n'
        '  bgp_asn    = 65000\n'
        '  ip_address = "203.0.113.10"\n'
        '  type       = "ipsec.1"\n'
        '}\n'
        '\n'
        'resource "aws_vpn_gateway" "main" {}\n'
        '\n'
        'resource "aws_vpn_connection" "office" {\n'
        '  customer_gateway_id = aws_customer_gateway.office.id\n'
        '  vpn_gateway_id      = aws_vpn_gateway.main.id\n'
        '  type                = "ipsec.1"\n'
        '}'
    ),
    good_example=(
        'resource "aws_customer_gateway" "office" {\n'
        '  bgp_asn    = 65000\n'
        '  ip_address = "203.0.113.10"\n'
        '  type       = "ipsec.1"\n'
        '}\n'
        '\n'
        'resource "aws_vpn_gateway" "main" {}\n'
        '\n'
        'resource "aws_vpn_connection" "office" {\n'
        '  customer_gateway_id = aws_customer_gateway.office.id\n'
        '  vpn_gateway_id      = aws_vpn_gateway.main.id\n'
        '  type                = "ipsec.1"\n'
        '\n'
        '  tunnel1_ike_versions                = ["ikev2"]\n'
        '  tunnel1_phase1_integrity_algorithms = ["SHA2-256"]\n'
        '  tunnel1_phase2_integrity_algorithms = ["SHA2-256"]\n'
        '  tunnel2_ike_versions                = ["ikev2"]\n'
        '  tunnel2_phase1_integrity_algorithms = ["SHA2-256"]\n'
        '  tunnel2_phase2_integrity_algorithms = ["SHA2-256"]\n'
        '}'
    ),
)
