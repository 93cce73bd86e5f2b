"""TG240 transfer-no-ftp.

Reading: fails when `protocols` contains `FTP` (case-insensitive; `FTPS`
and `SFTP` are encrypted, and unset means the default SFTP), or when
`security_policy_name` is unset (the provider's default
TransferSecurityPolicy-2018-11) or `TransferSecurityPolicy-2018-11`. Other
named policies pass. Unknown values give UNKNOWN unless the other setting
already fails; plain FTP is reported first.
"""

from __future__ import annotations

from tfguard.aws.tls import contains_any
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import each
from tfguard.model import Resource, is_unknown

WEAK_POLICY = "TransferSecurityPolicy-2018-11"


def judge(ctx: Context, server: Resource) -> Result:
    ftp = contains_any(server.values.get("protocols"), ("FTP",))
    policy = server.values.get("security_policy_name")
    if ftp:
        return Result(server, FAIL, "the server accepts plain FTP, which sends credentials and files in clear text",
                      attribute="protocols")
    if policy is None:
        return Result(server, FAIL, f"security_policy_name is not set: the default {WEAK_POLICY} allows "
                      "legacy algorithms", attribute="security_policy_name")
    if isinstance(policy, str) and policy.strip().lower() == WEAK_POLICY.lower():
        return Result(server, FAIL, f"security policy {policy} allows legacy algorithms", attribute="security_policy_name")
    if ftp is None:
        return Result(server, UNKNOWN, "the server's protocols are not known statically", attribute="protocols")
    if is_unknown(policy):
        return Result(server, UNKNOWN, "the security policy is not known statically", attribute="security_policy_name")
    return Result(server, PASS, f"no plain FTP; security policy {policy}", attribute="security_policy_name")


CHECK = Check(
    id="TG240",
    slug="transfer-no-ftp",
    title="Transfer Family server does not use plain FTP and has a current security policy",
    severity="high",
    resource_types=("aws_transfer_server",),
    rationale="FTP carries user names, passwords and files unencrypted; the 2018-11 security policy still "
    "allows SHA-1 and other legacy algorithms.",
    remediation="Use protocols = [\"SFTP\"] (or FTPS) and security_policy_name = "
    "\"TransferSecurityPolicy-2024-01\" or another current policy.",
    evaluate=each(judge),
    compliance=controls("TG240"),
    references=("https://docs.aws.amazon.com/transfer/latest/userguide/security-policies.html",),
    bad_example='resource "aws_transfer_server" "files" {\n  protocols = ["FTP"]\n}',
    good_example='resource "aws_transfer_server" "files" {\n  protocols            = ["SFTP"]\n'
    '  security_policy_name = "TransferSecurityPolicy-2024-01"\n}',
)
