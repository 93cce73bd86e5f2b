"""Audit and monitoring settings shared by the 5xx checks.

- where an account-level result points (`account_subject`);
- the bucket a CloudTrail trail writes to, and whether that bucket is
  protected like TG101 (default encryption) and TG403 (public access block)
  say (`trail_buckets`, `public_access_block`, `bucket_protection`);
- which `aws_config_configuration_recorder_status` belongs to a recorder;
- where an S3 bucket's access logs go (`access_logging`).

The S3 answers come from `tfguard.s3`, so the linking rules exist once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from tfguard.check import Context
from tfguard.graph import ResourceGraph, bucket_arn_name
from tfguard.model import Resource, Status, is_unknown
from tfguard.s3 import all_true, encryption, linked
from tfguard.truth import is_on

PAB_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def account_subject(ctx: Context, anchor: Resource | None = None) -> Resource:
    """`ctx.account(anchor)` (logical location `account`) that also knows the anchor's
    argument locations, so an attribute path points at the offending argument."""
    subject = ctx.account(anchor)
    if anchor is not None:
        subject = replace(subject, attr_locations=dict(anchor.attr_locations))
    return subject


def managed(resources: list[Resource]) -> list[Resource]:
    return [r for r in resources if r.mode == "managed"]


# -- CloudTrail and its bucket ----------------------------------------------------


def trail_buckets(graph: ResourceGraph, trail: Resource) -> list[Resource]:
    """The `aws_s3_bucket`s of this configuration that `s3_bucket_name` names
    (reference, or the same literal bucket name). A data source is not in the configuration."""
    return managed(graph.targets(trail, via="s3_bucket_name", types=("aws_s3_bucket",)))


class Verdict(NamedTuple):
    status: Status
    message: str
    holder: Resource | None  # the resource to edit (None: the subject itself)
    attr: str
    related: tuple[Resource, ...]


def public_access_block(graph: ResourceGraph, bucket: Resource) -> Verdict:
    """TG403's verdict for one bucket: a linked `aws_s3_bucket_public_access_block` or an
    `aws_s3_account_public_access_block` with all four flags true."""
    accounts = graph.of_type("aws_s3_account_public_access_block")
    account_verdicts = [(a, all_true(a, PAB_FLAGS)) for a in accounts]
    blocks = linked(graph, bucket, "aws_s3_bucket_public_access_block")
    verdicts = [(b, all_true(b, PAB_FLAGS)) for b in blocks]
    passing = [b for b, v in verdicts + account_verdicts if v is Status.PASS]
    if passing:
        return Verdict(Status.PASS, f"public access is blocked by {passing[0].address}", None, "", (passing[0],))
    unknown = [b for b, v in verdicts + account_verdicts if v is Status.UNKNOWN]
    if unknown:
        # The first flag not known to be true: the engine names its cause (the variable).
        flag = next(f for f in PAB_FLAGS if unknown[0].values.get(f) is not True)
        return Verdict(Status.UNKNOWN, f"the public access block flag {flag} is not known statically",
                       unknown[0], flag, tuple(blocks))
    if blocks:
        off = [f for f in PAB_FLAGS if not is_on(blocks[0].values.get(f))]
        return Verdict(Status.FAIL, f"the public access block leaves {', '.join(off)} off",
                       blocks[0], off[0], tuple(blocks))
    return Verdict(Status.FAIL, "no public access block with all four flags covers the bucket", None, "", ())


def bucket_protection(graph: ResourceGraph, bucket: Resource) -> Verdict:
    """TG101 and TG403 together: FAIL when either fails, UNKNOWN when either is not
    known and neither fails. `holder`/`attr` name what to edit; `related` the bucket and
    the linked resources that explain the verdict."""
    enc = encryption(graph, bucket)
    pab = public_access_block(graph, bucket)
    related = (bucket, *enc.related, *pab.related)
    related = tuple(dict.fromkeys(related))
    problems: list[str] = []
    if enc.status is Status.FAIL:
        problems.append("has no default encryption (TG101)")
    if pab.status is Status.FAIL:
        problems.append(f"is not blocked from public access: {pab.message} (TG403)")
    if problems:
        holder, attr = (enc.holder, enc.attr) if enc.status is Status.FAIL else (pab.holder or bucket, pab.attr)
        return Verdict(Status.FAIL, f"{bucket.address} " + " and ".join(problems), holder, attr, related)
    if Status.UNKNOWN in (enc.status, pab.status):
        what = "default encryption" if enc.status is Status.UNKNOWN else "public access block"
        return Verdict(Status.UNKNOWN, f"{bucket.address} has a {what} that is not known statically",
                       enc.holder if enc.status is Status.UNKNOWN else pab.holder or bucket, "", related)
    return Verdict(Status.PASS, f"{bucket.address} is encrypted ({enc.algorithm}) and {pab.message}",
                   None, "", related)


# -- AWS Config -------------------------------------------------------------------


def recorder_name(recorder: Resource) -> Any:
    """The recorder's name; unset is the provider's default name "default"."""
    name = recorder.values.get("name")
    return "default" if name is None or name == "" else name


def recorder_statuses(graph: ResourceGraph, recorder: Resource) -> list[Resource]:
    """`aws_config_configuration_recorder_status` resources whose `name` references the
    recorder or equals its (literal) name."""
    found = managed(graph.referrers(recorder, types=("aws_config_configuration_recorder_status",), via="name"))
    name = recorder_name(recorder)
    if isinstance(name, str):
        for status in graph.of_type("aws_config_configuration_recorder_status"):
            if status not in found and status.values.get("name") == name and not graph.has_reference(status, "name"):
                found.append(status)
    return found


# -- S3 server access logging -------------------------------------------------------


class Logging(NamedTuple):
    holder: Resource  # the bucket (inline `logging`) or the linked aws_s3_bucket_logging
    attr: str  # path of target_bucket in holder
    target: Any  # the target_bucket value
    to_self: bool | None  # None: not known statically


def _logs_to_self(graph: ResourceGraph, bucket: Resource, holder: Resource, attr: str, target: Any) -> bool | None:
    resolved = graph.targets(holder, via=attr, types=("aws_s3_bucket",))  # data sources are never the bucket
    if resolved:
        return bucket in resolved
    name = bucket.values.get("bucket")
    if isinstance(target, str):
        if isinstance(name, str):
            return name in (target, bucket_arn_name(target))
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
