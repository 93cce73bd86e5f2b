"""Everything tfguard knows about an S3 bucket, starting here.

A bucket's settings may live inline or in linked `aws_s3_bucket_*` resources
(whose `bucket` names it by reference or literal name); `linked` finds them,
so the linking rule exists once. This module knows:
- the bucket's ARN: `tfguard.arns.bucket_arn` / `bucket_arn_name`, the one rule,
  which the graph compares in every partition (`arn_key`);
- default encryption (`encryption`, TG101) and whether it uses a
  customer-managed KMS key (`uses_cmk`, TG102);
- the public access block, per bucket or account-wide (`public_access_block`,
  TG403), and both together for a CloudTrail bucket (`bucket_protection`, TG503);
- versioning (`versioning`, TG601);
- where its server access logs go (`access_logging`, TG508).

The rest of the S3 knowledge is in this package, one module per question:
- `tfguard.aws.s3.replication`: replication rules and their destinations;
- `tfguard.aws.s3.transport`: a bucket policy that denies requests without TLS (TG230);
- `tfguard.aws.s3.log_delivery`: buckets that AWS services deliver logs into.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tfguard.arns import bucket_arn_name
from tfguard.aws.kms import KeyVerdict, cmk_verdict, key_verdict
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, Verdict, is_unknown
from tfguard.truth import is_on, setting

_SSE = "apply_server_side_encryption_by_default"
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
PAB_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def linked(graph: ResourceGraph, bucket: Resource, rtype: str) -> list[Resource]:
    """Resources of `rtype` whose `bucket` argument names this bucket (reference or literal)."""
    return graph.referrers(bucket, types=(rtype,), via="bucket")


# -- default encryption ------------------------------------------------------------


class Encryption(NamedTuple):
    verdict: Verdict  # TG101's: `at` holds the rule (or is to edit when missing), `attribute` its default block
    algorithm: Any
    key: Any  # kms_master_key_id value


def _encryption(status: Status, holder: Resource, attr: str, related: tuple[Resource, ...],
                bucket: Resource, algorithm: Any = None, key: Any = None) -> Encryption:
    if status is Status.PASS:
        message = f"default encryption {algorithm} is configured"
    elif status is Status.FAIL:
        message = ("no default encryption is configured for the bucket" if holder is bucket
                   else "the linked encryption configuration has no rule with an sse_algorithm")
    else:
        message = "the bucket's encryption algorithm is not known statically"
    return Encryption(Verdict(status, message, attr, holder, related), algorithm, key)


def encryption(graph: ResourceGraph, bucket: Resource) -> Encryption:
    configs = linked(graph, bucket, "aws_s3_bucket_server_side_encryption_configuration")
    candidates: list[tuple[Resource, str, Any]] = []
    for cfg in configs:  # a separate resource overrides the inline block, so it goes first
        candidates += [(cfg, f"rule.{_SSE}", d) for d in cfg.blocks("rule", _SSE)]
    inline = f"server_side_encryption_configuration.rule.{_SSE}"
    candidates += [(bucket, inline, d) for d in bucket.blocks("server_side_encryption_configuration", "rule", _SSE)]
    related = tuple(configs)
    unknown: tuple[Resource, str] | None = None
    for holder, attr, default in candidates:
        if is_unknown(default) or is_unknown(default.get("sse_algorithm")):
            unknown = unknown or (holder, attr)
            continue
        algorithm = default.get("sse_algorithm")
        if algorithm:
            return _encryption(Status.PASS, holder, attr, related, bucket, algorithm, default.get("kms_master_key_id"))
    for cfg in configs:  # unknown whole rule blocks (dynamic over an unknown list)
        if any(is_unknown(r) for r in cfg.blocks("rule")):
            unknown = unknown or (cfg, "rule")
    if unknown is not None:
        return _encryption(Status.UNKNOWN, unknown[0], f"{unknown[1]}.sse_algorithm", related, bucket)
    if configs:
        return _encryption(Status.FAIL, configs[0], "rule", related, bucket)
    return _encryption(Status.FAIL, bucket, "", related, bucket)


def uses_cmk(graph: ResourceGraph, bucket: Resource) -> KeyVerdict:
    """Is the bucket's default encryption a customer-managed KMS key? (TG102's reading)"""
    enc = encryption(graph, bucket)
    if enc.verdict.status is Status.UNKNOWN:
        return key_verdict(None, None, f"the encryption of {bucket.address} is not known statically")
    if enc.verdict.status is Status.FAIL:
        return key_verdict(False, None, f"{bucket.address} has no default encryption")
    if is_unknown(enc.algorithm):
        return key_verdict(None, None, f"the encryption algorithm of {bucket.address} is not known statically")
    if str(enc.algorithm).lower() not in KMS_ALGORITHMS:
        return key_verdict(False, None, f"{bucket.address} is encrypted with {enc.algorithm}")
    return cmk_verdict(graph, enc.verdict.at or bucket, f"{enc.verdict.attribute}.kms_master_key_id", enc.key)


# -- public access block -----------------------------------------------------------


def all_true(res: Resource, flags: tuple[str, ...]) -> Status:
    values = [setting(res.values.get(f)) for f in flags]
    if all(v is True for v in values):
        return Status.PASS
    if any(v is False or v is None for v in values):
        return Status.FAIL
    return Status.UNKNOWN


def public_access_block(graph: ResourceGraph, bucket: Resource) -> Verdict:
    """TG403's verdict for one bucket: a linked `aws_s3_bucket_public_access_block` or an
    `aws_s3_account_public_access_block` with all four flags true."""
    accounts = graph.of_type("aws_s3_account_public_access_block")
    account_verdicts = [(a, all_true(a, PAB_FLAGS)) for a in accounts]
    blocks = linked(graph, bucket, "aws_s3_bucket_public_access_block")
    verdicts = [(b, all_true(b, PAB_FLAGS)) for b in blocks]
    passing = [b for b, v in verdicts + account_verdicts if v is Status.PASS]
    if passing:
        return Verdict(Status.PASS, f"public access is blocked by {passing[0].address}", related=(passing[0],))
    unknown = [b for b, v in verdicts + account_verdicts if v is Status.UNKNOWN]
    if unknown:
        # The first flag not known to be true: the engine names its cause (the variable).
        flag = next(f for f in PAB_FLAGS if unknown[0].values.get(f) is not True)
        return Verdict(Status.UNKNOWN, f"the public access block flag {flag} is not known statically",
                       flag, unknown[0], tuple(blocks))
    if blocks:
        off = [f for f in PAB_FLAGS if not is_on(blocks[0].values.get(f))]
        return Verdict(Status.FAIL, f"the public access block leaves {', '.join(off)} off",
                       off[0], blocks[0], tuple(blocks))
    return Verdict(Status.FAIL, "no public access block with all four flags covers the bucket")


def bucket_protection(graph: ResourceGraph, bucket: Resource) -> Verdict:
    """TG101 and TG403 together: FAIL when either fails, UNKNOWN when either is not
    known and neither fails. `at`/`attribute` name what to edit; `related` the bucket and
    the linked resources that explain the verdict."""
    encrypted = encryption(graph, bucket)
    enc = encrypted.verdict
    pab = public_access_block(graph, bucket)
    related = (bucket, *enc.related, *pab.related)
    related = tuple(dict.fromkeys(related))
    problems: list[str] = []
    if enc.status is Status.FAIL:
        problems.append("has no default encryption (TG101)")
    if pab.status is Status.FAIL:
        problems.append(f"is not blocked from public access: {pab.message} (TG403)")
    if problems:
        holder, attr = (enc.at, enc.attribute) if enc.status is Status.FAIL else (pab.at or bucket, pab.attribute)
        return Verdict(Status.FAIL, f"{bucket.address} " + " and ".join(problems), attr, holder, related)
    if Status.UNKNOWN in (enc.status, pab.status):
        what = "default encryption" if enc.status is Status.UNKNOWN else "public access block"
        return Verdict(Status.UNKNOWN, f"{bucket.address} has a {what} that is not known statically",
                       "", enc.at if enc.status is Status.UNKNOWN else pab.at or bucket, related)
    return Verdict(Status.PASS, f"{bucket.address} is encrypted ({encrypted.algorithm}) and {pab.message}",
                   related=related)


# -- versioning --------------------------------------------------------------------


def _versioning(status: Status, holder: Resource, attr: str, related: tuple[Resource, ...], bucket: Resource) -> Verdict:
    if status is Status.FAIL:
        message = ("versioning is not enabled for the bucket" if holder is bucket
                   else "the linked versioning configuration does not enable versioning")
    else:
        message = "versioning is enabled" if status is Status.PASS else "the versioning status is not known statically"
    return Verdict(status, message, attr, holder, related)


def versioning(graph: ResourceGraph, bucket: Resource) -> Verdict:
    """TG601's verdict: inline `versioning { enabled = true }` or a linked
    `aws_s3_bucket_versioning` with `versioning_configuration.status = "Enabled"`.
    `at` is where the setting lives (the bucket when it is missing)."""
    configs = linked(graph, bucket, "aws_s3_bucket_versioning")
    states: list[tuple[Resource, str, Any]] = [
        (c, "versioning_configuration.status", s.get("status") if isinstance(s, dict) else s)
        for c in configs for s in c.blocks("versioning_configuration")
    ]
    states += [(bucket, "versioning.enabled", v.get("enabled") if isinstance(v, dict) else v)
               for v in bucket.blocks("versioning")]
    related = tuple(configs)
    if any(is_on(v) or v == "Enabled" for _, _, v in states):
        return _versioning(Status.PASS, bucket, "", related, bucket)
    for holder, attr, value in states:
        if is_unknown(value):
            return _versioning(Status.UNKNOWN, holder, attr, related, bucket)
    if configs:
        return _versioning(Status.FAIL, configs[0], "versioning_configuration.status", related, bucket)
    return _versioning(Status.FAIL, bucket, "versioning.enabled" if states else "", related, bucket)


# -- server access logging ---------------------------------------------------------


class Logging(NamedTuple):
    at: Resource  # the bucket (inline `logging`) or the linked aws_s3_bucket_logging
    attribute: str  # path of target_bucket in `at`
    target: Any  # the target_bucket value
    to_self: bool | None  # None: not known statically


def _logs_to_self(graph: ResourceGraph, bucket: Resource, holder: Resource, attr: str, target: Any) -> bool | None:
    resolved = graph.targets(holder, via=attr, types=("aws_s3_bucket",))  # data sources are never the bucket
    if resolved:
        return bucket in resolved
    name = bucket.values.get("bucket")
    if isinstance(target, str):
        if isinstance(name, str):
            return name in (target, bucket_arn_name(target))  # its name, or its ARN in any partition
        return None if is_unknown(name) else False  # unset: a generated name no literal can equal
    return None


def access_logging(graph: ResourceGraph, bucket: Resource) -> list[Logging]:
    """Every logging configuration of the bucket: linked `aws_s3_bucket_logging` resources
    (which override the inline block) first, then inline `logging` blocks."""
    out: list[Logging] = []
    for cfg in linked(graph, bucket, "aws_s3_bucket_logging"):
        target = cfg.values.get("target_bucket")
        if target is not None:
            out.append(Logging(cfg, "target_bucket", target, _logs_to_self(graph, bucket, cfg, "target_bucket", target)))
    for block in bucket.blocks("logging"):
        target = block if is_unknown(block) else block.get("target_bucket") if isinstance(block, dict) else None
        if target is not None:
            attr = "logging.target_bucket"
            out.append(Logging(bucket, attr, target, _logs_to_self(graph, bucket, bucket, attr, target)))
    return out
