"""What `tfguard fix` does for each fixable check: one rule per check, in one registry.

A rule is safe when its edit is an in-place update that needs no replacement and
cuts off no legitimate use; it is unsafe (applied only with --unsafe-fixes)
when it forces the resource to be replaced, or may cut off access someone
relies on. The arguments that force replacement are in tfguard.fix.replacement,
proven with real plans. Values written are the ones the checks' remediation
names: the strongest setting that every client of today supports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from tfguard.aws.tls import cloudfront_tls_ok, opensearch_policy_ok
from tfguard.fix.site import Setting, Site
from tfguard.fix.text import Refused, aligned, nested
from tfguard.load.hcl_grammar import HclSyntaxError
from tfguard.model import Resource
from tfguard.truth import setting


class Rule(NamedTuple):
    check_id: str
    safe: bool  # as docs/fix.md lists it; each fix is judged by what it writes (hazards)
    does: str  # what the fix writes, for people (docs/fix.md, the fix report)
    apply: Callable[[Site], None]
    unsafe_because: str = ""  # why it waits for --unsafe-fixes
    access: bool = False  # unsafe because it may cut off access, whatever it writes

    def hazards(self, writes: list[tuple[str, str]]) -> list[str]:
        """Why a fix that wrote `writes` waits for --unsafe-fixes ([] when it need not): an
        argument that forces replacement, or that a deployed resource ignores, or that the
        table does not know (treated as unsafe), or the rule's own access hazard."""
        from tfguard.fix.replacement import forces_replacement, reason, takes_effect

        out = [self.unsafe_because] if self.access else []
        for rtype, path in writes:
            what = f"{rtype}.{path}" if path else f"adding {rtype}"
            if forces_replacement(rtype, path) is None:
                out.append(f"{what} is not in the table of arguments that force replacement")
            elif forces_replacement(rtype, path) or takes_effect(rtype, path) is False:
                out.append(f"{what}: {reason(rtype, path)}")
        return list(dict.fromkeys(out))


def _true(v: Any) -> bool:
    return setting(v) is True  # as the checks read it: "true" is true too


def _at_least(n: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= n


def _types(site: Site, *types: str) -> None:
    if site.subject.type not in types:
        raise Refused(f"no automatic fix for {site.subject.type}")


def _held_by(site: Site, rtype: str) -> Resource | None:
    """The resource of `rtype` whose block holds the finding's location (a linked
    configuration resource that decides the finding), if any."""
    loc = site.finding.location
    if loc is None:
        return None
    for res in site.graph.of_type(rtype):
        at = res.location
        if at is not None and at.file == loc.file and at.start_line <= loc.start_line <= at.end_line:
            return res
    return None


def _inline(site: Site, name: str) -> bool:
    _, block = site.block_of(site.subject)
    return any(b.type in (name, "dynamic") and (b.type == name or b.labels[:1] == (name,)) for b in block.blocks)


# -- new resources after a bucket ----------------------------------------------------------
def _declared(site: Site, res: Resource, rtype: str) -> set[str]:
    """The names of the `rtype` blocks in the folder of `res`: the graph lacks those with no
    instance (count = 0), and a new block must not take their name."""
    if res.location is None:
        return set()
    names: set[str] = set()
    for tf in sorted(site.path(res.location.file).parent.glob("*.tf")):
        try:
            body = site.files.source(tf, edit=False).body()
        except (Refused, HclSyntaxError):
            continue
        names |= {b.labels[1] for b in body.blocks if b.type == "resource" and len(b.labels) == 2
                  and b.labels[0] == rtype}
    return names


def _no_instance(site: Site, bucket: Resource, rtype: str) -> None:
    """Refuse to add a `rtype` for a bucket that has one declared with no instance here (a
    module's `count = var.x ? 1 : 0`): another would fight it wherever it is enabled."""
    if bucket.location is None:
        return
    ref = re.compile(rf"\baws_s3_bucket\.{re.escape(bucket.name)}\b")
    live = {r.name for r in site.graph.of_type(rtype) if r.module == bucket.module}
    for tf in sorted(site.path(bucket.location.file).parent.glob("*.tf")):
        try:
            source = site.files.source(tf, edit=False)
            body = source.body()
        except (Refused, HclSyntaxError):
            continue
        for b in body.blocks:
            if b.type == "resource" and b.labels[:1] == (rtype,) and b.labels[-1] not in live and any(
                    ref.search(line) for line in source.lines[b.line - 1:b.end_line]):
                raise Refused(f"{rtype}.{b.labels[-1]} is declared for this bucket in {tf.name} but has no "
                              "instance here: set what enables it (its count, or the module's input) rather "
                              "than add another")


def _bucket_resource(site: Site, rtype: str, body: list[str], what: str) -> None:
    """Add a `rtype` resource for the subject bucket after the bucket's block: one per
    bucket instance when the bucket has count or for_each."""
    bucket = site.subject
    site.own(bucket)  # before anything is recorded as made
    _, block = site.block_of(bucket)
    # Another instance of the bucket (count, for_each), or of the module it is in: the resource
    # added for the first serves them all.
    made = (bucket.location.file if bucket.location else "", rtype, bucket.name)
    if made in site.files.made:
        site.changes.append(f"{what} with the {rtype} added for aws_s3_bucket.{bucket.name}")
        return
    _no_instance(site, bucket, rtype)
    site.files.made.add(made)
    taken = {r.name for r in site.graph.of_type(rtype) if r.module == bucket.module} | _declared(site, bucket, rtype)
    name = next(n for n in (bucket.name, *(f"{bucket.name}_{i}" for i in range(2, 100))) if n not in taken)
    ref = f"aws_s3_bucket.{bucket.name}"
    if "count" in block.attrs:
        head = [f"count  = length({ref})", f"bucket = {ref}[count.index].id"]
    elif "for_each" in block.attrs:
        head = [f"for_each = {ref}", "bucket   = each.value.id"]
    else:
        head = [f"bucket = {ref}.id"]
    inner = [*head, "", *body]
    lines = [f'resource "{rtype}" "{name}" {{', *("  " + x if x else "" for x in inner), "}"]
    site.add_after(bucket, lines, f"added {rtype}.{name} ({what})", rtype)


def tg101(site: Site) -> None:
    sse = "aws_s3_bucket_server_side_encryption_configuration"
    linked = _held_by(site, sse)
    default: list[Setting] = [("sse_algorithm", "AES256", lambda v: isinstance(v, str) and v != "")]
    if linked is not None:
        site.ensure_all("rule.apply_server_side_encryption_by_default", default, linked)
    elif _inline(site, "server_side_encryption_configuration"):
        site.ensure_all("server_side_encryption_configuration.rule.apply_server_side_encryption_by_default", default)
    else:
        body = nested("rule", [], [nested("apply_server_side_encryption_by_default", [("sse_algorithm", "AES256")])])
        _bucket_resource(site, sse, body, "default encryption SSE-S3")


def tg601(site: Site) -> None:
    linked = _held_by(site, "aws_s3_bucket_versioning")
    if linked is not None:
        site.ensure("versioning_configuration.status", "Enabled", lambda v: v == "Enabled", linked)
    elif _inline(site, "versioning"):
        site.ensure("versioning.enabled", True, _true)
    else:
        body = nested("versioning_configuration", [("status", "Enabled")])
        _bucket_resource(site, "aws_s3_bucket_versioning", body, "versioning enabled")


_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def tg403(site: Site) -> None:
    linked = _held_by(site, "aws_s3_bucket_public_access_block")
    if linked is not None:
        site.ensure_all("", [(f, True, _true) for f in _FLAGS], linked)
    else:
        _bucket_resource(site, "aws_s3_bucket_public_access_block", aligned([(f, True) for f in _FLAGS]),
                         "public access blocked")


# -- arguments of the subject ------------------------------------------------------------
def tg110(site: Site) -> None:
    _types(site, "aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster")
    if site.subject.values.get("replicate_source_db") is not None:
        raise Refused("a read replica is encrypted as its source is; encrypt the source")
    site.ensure("storage_encrypted", True, _true)


def tg120(site: Site) -> None:
    """A volume, an instance's block devices, a launch template's or configuration's."""
    kind = site.subject.type
    _types(site, "aws_ebs_volume", "aws_instance", "aws_launch_template", "aws_launch_configuration")
    if kind == "aws_ebs_volume":
        site.ensure("encrypted", True, _true)
    elif kind == "aws_launch_template":
        site.ensure("block_device_mappings.ebs.encrypted", True, _true, create=False)
    else:
        site.ensure("root_block_device.encrypted", True, _true)
        site.ensure("ebs_block_device.encrypted", True, _true, create=False)


def tg211(site: Site) -> None:
    certs = site.subject.values.get("viewer_certificate")
    cert = certs[0] if isinstance(certs, list) and certs else certs
    if isinstance(cert, dict) and cert.get("cloudfront_default_certificate") is True:
        raise Refused("the distribution uses the default *.cloudfront.net certificate, which allows TLSv1: "
                      "a minimum TLS version needs your own ACM certificate")
    site.ensure("viewer_certificate.minimum_protocol_version", "TLSv1.2_2021",
                lambda v: isinstance(v, str) and cloudfront_tls_ok(v), create=False)


def tg210(site: Site) -> None:
    for behavior in ("default_cache_behavior", "ordered_cache_behavior"):
        site.ensure(f"{behavior}.viewer_protocol_policy", "redirect-to-https", lambda v: v != "allow-all",
                    create=False)


_LB_GOOD = re.compile(r"^ELBSecurityPolicy-(TLS13-|TLS-1-2-|FS-1-2-)")


def _policy(v: Any) -> bool:
    return isinstance(v, str) and bool(_LB_GOOD.match(v))


RULES: dict[str, Rule] = {r.check_id: r for r in (
    Rule("TG101", True, "adds aws_s3_bucket_server_side_encryption_configuration (SSE-S3, AES256) after the bucket, "
         "or the missing apply_server_side_encryption_by_default", tg101),
    Rule("TG110", False, "storage_encrypted = true", tg110,
         "encrypting an existing database forces a new one (the data must be restored from a snapshot)"),
    Rule("TG120", False, "encrypted = true on the volume, or on an instance's, launch template's or launch "
         "configuration's block devices", tg120,
         "encrypting an existing volume forces a new, empty one (an instance's: a new instance; a launch "
         "template's is a new template version, applied as safe)"),
    Rule("TG150", False, "encrypted = true", lambda s: s.ensure("encrypted", True, _true),
         "encrypting an existing file system forces a new, empty one"),
    Rule("TG202", True, 'ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"',
         lambda s: s.ensure("ssl_policy", "ELBSecurityPolicy-TLS13-1-2-2021-06", _policy)),
    Rule("TG210", True, 'viewer_protocol_policy = "redirect-to-https" in every cache behavior that allows HTTP',
         tg210),
    Rule("TG211", True, 'viewer_certificate.minimum_protocol_version = "TLSv1.2_2021"', tg211),
    Rule("TG222", True, 'domain_endpoint_options { enforce_https = true, tls_security_policy = '
         '"Policy-Min-TLS-1-2-2019-07" }',
         lambda s: s.ensure_all("domain_endpoint_options", [
             ("enforce_https", True, _true),
             ("tls_security_policy", "Policy-Min-TLS-1-2-2019-07", lambda v: isinstance(v, str) and opensearch_policy_ok(v)),
         ])),
    Rule("TG301", True, "enable_key_rotation = true", lambda s: s.ensure("enable_key_rotation", True, _true)),
    Rule("TG304", True, "deletion_window_in_days = 30 (the AWS default)",
         lambda s: s.ensure("deletion_window_in_days", 30, _at_least(14))),
    Rule("TG403", False, "adds aws_s3_bucket_public_access_block with all four flags after the bucket, or sets "
         "the linked block's flags", tg403,
         "blocking public access takes offline what the bucket serves publicly (a website, public objects)",
         access=True),
    Rule("TG501", True, "is_multi_region_trail = true, enable_log_file_validation = true",
         lambda s: s.ensure_all("", [("is_multi_region_trail", True, _true),
                                     ("enable_log_file_validation", True, _true)])),
    Rule("TG601", True, "adds aws_s3_bucket_versioning (Enabled) after the bucket, or enables the existing "
         "versioning", tg601),
    Rule("TG607", True, "backup_retention_period = 7",
         lambda s: s.ensure("backup_retention_period", 7, _at_least(7))),
    Rule("TG608", True, "point_in_time_recovery { enabled = true }",
         lambda s: s.ensure("point_in_time_recovery.enabled", True, _true)),
)}

# A fix may bring out a finding its check held back: TG102 (which key encrypts a bucket) is
# not evaluated while TG101 (is it encrypted at all) fails, nor TG111 (which key encrypts a
# database) while TG110 fails. Such a finding is not one the
# fix made: the verification lets exactly these through, on the same resource.
UNCOVERS: dict[str, tuple[str, ...]] = {"TG101": ("TG102",), "TG110": ("TG111",)}


def table() -> str:
    """The Markdown table of docs/fix.md: one row per fixable check (scripts/gen_docs.py writes it)."""
    rows = ["| check | applied | what the fix writes | why it waits for --unsafe-fixes |", "|---|---|---|---|"]
    for r in sorted(RULES.values()):
        rows.append(f"| [{r.check_id}](checks/{r.check_id}.md) | {'safe' if r.safe else 'unsafe'} | "
                    f"{r.does.replace('|', '&#124;')} | {r.unsafe_because or '-'} |")
    return "\n".join(rows) + "\n"
