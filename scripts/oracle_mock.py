"""A local stand-in for the two AWS APIs that published examples read at plan time.

``data "aws_caller_identity"`` (STS GetCallerIdentity) and ``data
"aws_availability_zones"`` (EC2 DescribeAvailabilityZones) are in most
terraform-aws-modules examples; without an answer the offline plan fails. The
oracle points the provider's ``sts`` and ``ec2`` endpoints at this server on
127.0.0.1, which answers with fixed values (account 123456789012, zones a-c of
the region the request is signed for). Any other call gets an error, so the
example is recorded as not plannable. Values read this way are what
Terraform reads from AWS: tfguard leaves them unknown, a documented limit.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT = "123456789012"
_REGION = re.compile(r"Credential=[^/]+/\d+/([a-z0-9-]+)/")

_IDENTITY = f"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/oracle</Arn><UserId>AIDAORACLEORACLE</UserId>
<Account>{ACCOUNT}</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""

_ZONE = """<item><zoneName>{region}{letter}</zoneName><zoneState>available</zoneState><regionName>{region}</regionName>
<zoneId>{short}-az{n}</zoneId><zoneType>availability-zone</zoneType><optInStatus>opt-in-not-required</optInStatus>
<groupName>{region}</groupName><networkBorderGroup>{region}</networkBorderGroup><messages/></item>"""


def _zones(region: str) -> str:
    short = "".join(part[0] if not part.isdigit() else part for part in region.split("-"))
    items = "".join(_ZONE.format(region=region, letter=letter, short=short, n=i + 1) for i, letter in enumerate("abc"))
    return ('<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            f"<requestId>00000000-0000-0000-0000-000000000000</requestId><availabilityZoneInfo>{items}"
            "</availabilityZoneInfo></DescribeAvailabilityZonesResponse>")


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode(errors="replace"))
        action = (form.get("Action") or [""])[0]
        found = _REGION.search(self.headers.get("Authorization") or "")
        region = found.group(1) if found else "us-east-1"
        if action == "GetCallerIdentity":
            self._answer(200, _IDENTITY)
        elif action == "DescribeAvailabilityZones":
            self._answer(200, _zones(region))
        else:
            self._answer(400, f"<ErrorResponse><Error><Type>Sender</Type><Code>OracleOffline</Code>"
                              f"<Message>{action or 'this call'} is not answered offline</Message></Error></ErrorResponse>")

    def _answer(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass


_server: ThreadingHTTPServer | None = None


def endpoint() -> str:
    """http://127.0.0.1:PORT of the server, started on first use (a daemon thread)."""
    global _server
    if _server is None:
        _server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        threading.Thread(target=_server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{_server.server_address[1]}"
