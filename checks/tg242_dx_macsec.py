"""TG242 dx-macsec.

Reading: a Direct Connect connection passes only with
`encryption_mode = "must_encrypt"`; unset, `no_encrypt` and `should_encrypt`
(which falls back to unencrypted traffic) fail. Severity is low and rises to
medium through the generic escalation when the connection carries a
classification tag (own `tags` or provider `default_tags`) of confidential
or higher; nothing flows into a connection, so that is its own tag.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown


def evaluate(ctx: Context) -> Iterator[Result]:
    for conn in ctx.subjects():
        mode = conn.values.get("encryption_mode")
        if is_unknown(mode):
            yield Result(conn, UNKNOWN, "encryption_mode is not known statically", attribute="encryption_mode")
        elif isinstance(mode, str) and mode.lower() == "must_encrypt":
            yield Result(conn, PASS, "MACsec encryption is required on the connection", attribute="encryption_mode")
        elif mode is None:
            yield Result(conn, FAIL, "encryption_mode is not set: traffic on the connection is not required to be "
                         "MACsec-encrypted", attribute="encryption_mode")
        else:
            yield Result(conn, FAIL, f"encryption_mode is {mode}: traffic may cross the connection unencrypted",
                         attribute="encryption_mode")


CHECK = Check(
    id="TG242",
    slug="dx-macsec",
    title="Direct Connect connection requires MACsec encryption",
    severity="low",
    escalates=True,
    resource_types=("aws_dx_connection",),
    rationale="Direct Connect is a private link but not an encrypted one; MACsec (must_encrypt) encrypts every "
    "frame between your router and the AWS device.",
    remediation="Use a MACsec-capable dedicated connection and set encryption_mode = \"must_encrypt\" "
    "(with an aws_dx_macsec_key_association).",
    evaluate=evaluate,
    compliance=controls("TG242"),
    references=("https://docs.aws.amazon.com/directconnect/latest/UserGuide/MACsec.html",),
    bad_example='resource "aws_dx_connection" "dc" {\n  name      = "dc"\n  bandwidth = "10Gbps"\n'
    '  location  = "EqDC2"\n}',
    good_example='resource "aws_dx_connection" "dc" {\n  name            = "dc"\n  bandwidth       = "10Gbps"\n'
    '  location        = "EqDC2"\n  request_macsec  = true\n  encryption_mode = "must_encrypt"\n}',
)
