"""S3: does a bucket policy deny every request that does not use TLS (TG230)?

The policy is the bucket's inline `policy` or a linked `aws_s3_bucket_policy`,
as a JSON string, `jsonencode()` or a `data "aws_iam_policy_document"`. It
must hold a Deny of every S3 action (`s3:*`), for every principal, on a
`Bool` (or `BoolIfExists`) condition `aws:SecureTransport = false`, covering
the bucket ARN and `<arn>/*`. A Resource computed from the bucket's own ARN or
name is rebuilt with that bucket's ARN; one computed from other buckets names
another bucket.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from tfguard.arns import arn_key, bucket_arn
from tfguard.aws.iam import Statement, grants, wildcard_match
from tfguard.aws.iam_documents import statements_of
from tfguard.aws.s3 import linked
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, Unknown, Verdict, is_unknown, parse_address
from tfguard.unknowns import cause

_BUCKET, _OBJECTS = "the bucket ARN", "its objects (<arn>/*)"

_NAME = "\x00bucket-name\x00"  # stands for a bucket name that is not known statically

_SHAPE_SOURCES = ("data.aws_partition.", "data.aws_caller_identity.", "data.aws_region.")

_AFTER_APPLY = " is known only after apply"


class _Bucket(NamedTuple):
    res: Resource
    name: str  # the literal bucket name, or _NAME
    known: bool
    why: str = ""  # what leaves the name unknown

    @property
    def arn(self) -> str:
        return bucket_arn(self.name)


def _refers_to(ref: str, bucket: Resource) -> bool:
    base, index = parse_address(ref)
    if base != bucket.base:
        return False
    if index is None or bucket.index is None:
        return True
    expected = f'"{bucket.index}"' if isinstance(bucket.index, str) else str(bucket.index)
    return index == expected


def _is_bucket_ref(ref: str) -> bool:
    parts = parse_address(ref).base.split(".")
    return len(parts) >= 2 and parts[-2] == "aws_s3_bucket" and (len(parts) < 3 or parts[-3] != "data")


def _reason_attr(value: Unknown, bucket: Resource) -> str | None:
    """The attribute of the subject bucket an unknown value was read from (HCL: `aws_s3_bucket.x.arn is known ...`)."""
    head = f"{bucket.type}.{bucket.name}"
    reason = value.reason
    if reason.startswith(head) and reason.endswith(_AFTER_APPLY):
        rest = reason[len(head):-len(_AFTER_APPLY)]
        attr = re.sub(r"^\[[^\]]*\]", "", rest)  # an instance key: aws_s3_bucket.this[0].arn
        return attr[1:] if attr.startswith(".") and attr[1:].isidentifier() else None
    return None


def _resolve(value: Any, bucket: _Bucket) -> str | None:
    """A Resource entry as text; an entry computed from the subject bucket's ARN or name is rebuilt
    with that bucket's ARN. None when it cannot be told which resource the entry names."""
    if isinstance(value, str):
        return arn_key(value)  # the bucket's ARN is compared in every partition
    if not isinstance(value, Unknown):
        return ""  # not a string: names nothing
    refs = [r for r in value.refs if not any(s in r for s in _SHAPE_SOURCES)]
    if refs and not any(_refers_to(r, bucket.res) for r in refs) and all(_is_bucket_ref(r) for r in refs):
        return ""  # computed from other buckets only: names another bucket
    if not refs or not all(_refers_to(r, bucket.res) for r in refs):
        return None
    text = value.partial if isinstance(value.partial, str) else "{?}"
    text = arn_key(text.replace("{partition}", "aws"))
    if text.count("{?}") != 1 or re.search(r"\{[a-z_]+\}", text.replace("{?}", "")):
        return None
    attr = _reason_attr(value, bucket.res)
    before = text.split("{?}", 1)[0]
    if attr == "arn" and before == "":
        return text.replace("{?}", bucket.arn)
    if before == bucket_arn("") and (attr in ("id", "bucket") or (attr is None and isinstance(value.partial, str))):
        return text.replace("{?}", bucket.name)
    return None


class _Coverage(NamedTuple):
    covered: frozenset[str]
    unknown: str  # why coverage is not known ("" when it is)


def _coverage(st: Statement, bucket: _Bucket) -> _Coverage:
    """Which of the bucket ARN and `<arn>/*` the statement's Resource (or NotResource) covers."""
    negate = bool(st.not_resources)
    patterns = [_resolve(v, bucket) for v in (st.not_resources if negate else st.resources)]
    known = [p for p in patterns if p is not None]
    unknown = "the resources of the bucket policy's Deny statement are not known statically" if None in patterns else ""
    targets = {_BUCKET: [bucket.arn], _OBJECTS: [f"{bucket.arn}/", f"{bucket.arn}/any/object.key"]}
    covered: set[str] = set()
    for part, texts in targets.items():
        hit = any(all(wildcard_match(p, t) for t in texts) for p in known)
        if not bucket.known and not hit and not unknown and any(p and _NAME not in p for p in known):
            # A literal ARN may or may not name a bucket whose name is not known.
            unknown = (f"the bucket's name is not known statically ({bucket.why}), so the policy's literal ARNs "
                       "may or may not name it")
        if hit != negate:
            covered.add(part)
    return _Coverage(frozenset(covered), unknown)


def _everyone(st: Statement) -> bool | None:
    unknown = False
    for ptype, ident in st.principals or ():
        if is_unknown(ptype) or is_unknown(ident):
            unknown = True
        elif ptype in ("*", "AWS") and ident == "*":
            return True
    return None if unknown else False


def _secure_transport_false(st: Statement) -> bool | None:
    """Is there a Bool (or BoolIfExists) condition aws:SecureTransport = false? Other condition keys
    narrow the statement (it denies only some requests without TLS): False."""
    found: bool | None = False
    for op, key, values in st.conditions:
        if key != "aws:securetransport":
            return False
        if str(op).lower() not in ("bool", "boolifexists"):
            return False
        if any(is_unknown(v) for v in values):
            found = None if found is False else found
        elif any(v is False or (isinstance(v, str) and v.strip().lower() == "false") for v in values):
            found = True
    return found


def _qualifies(st: Statement) -> tuple[bool | None, str]:
    """(verdict, why not / why not known): a Deny of every S3 action, for every principal, on
    aws:SecureTransport = false."""
    condition = _secure_transport_false(st)
    if condition is False:
        others = sorted({key for _, key, _ in st.conditions if key != "aws:securetransport"})
        if others and any(key == "aws:securetransport" for _, key, _ in st.conditions):
            return False, f"the Deny statement on aws:SecureTransport is narrowed by {', '.join(others)}"
        return False, ""
    name = f"statement {st.sid!r}" if st.sid else "the statement on aws:SecureTransport"
    effect = st.effect
    if is_unknown(effect):
        return None, f"the effect of {name} is not known statically"
    if not (isinstance(effect, str) and effect.lower() == "deny"):
        return False, ""
    if condition is None:
        return None, f"the aws:SecureTransport condition of {name} is not known statically"
    everyone, all_actions = _everyone(st), grants(st, "s3:*")
    if everyone is None:
        return None, f"the principal of {name} is not known statically"
    if all_actions is None:
        return None, f"the actions of {name} are not known statically"
    if not everyone:
        return False, f"{name} does not apply to every principal (\"*\")"
    if not all_actions:
        return False, f"{name} does not deny every S3 action (\"s3:*\")"
    return True, ""


def _bucket(res: Resource) -> _Bucket:
    name = res.values.get("bucket")
    if isinstance(name, str) and name:
        return _Bucket(res, name, True)
    prefix = res.values.get("bucket_prefix")
    why = (cause(name) if isinstance(name, Unknown) else
           f"AWS generates it from bucket_prefix {prefix!r}" if isinstance(prefix, str) else
           f"bucket_prefix: {cause(prefix)}" if isinstance(prefix, Unknown) else "AWS generates it: bucket is not set")
    return _Bucket(res, _NAME, False, why)


def deny_insecure_transport(graph: ResourceGraph, bucket: Resource) -> Verdict:
    """TG230: a Deny on aws:SecureTransport = false (Bool) covering the bucket ARN and `<arn>/*`."""
    holders = ([bucket] if bucket.values.get("policy") is not None else []) + linked(graph, bucket, "aws_s3_bucket_policy")
    subject = _bucket(bucket)
    related: list[Resource] = [h for h in holders if h is not bucket]
    covered: set[str] = set()
    unknown: tuple[Resource, str, str] | None = None  # (where, attribute, reason)
    near_miss = ""
    first: tuple[Resource, str] | None = None  # where a missing statement belongs
    by: list[str] = []  # the policies whose Deny statements cover it
    for holder in holders:
        statements, docs = statements_of(graph, holder, "policy")
        related += [d for d in docs if d not in related]
        if statements is None:
            continue
        first = first or ((docs[0], "statement") if docs else (holder, "policy"))
        if isinstance(statements, Unknown):
            unknown = unknown or (holder, "policy", f"the bucket policy is not known statically: {statements.reason}")
            continue
        for st in statements:
            verdict, why = _qualifies(st)
            if verdict is False:
                near_miss = near_miss or why
                continue
            cov = _coverage(st, subject)
            if verdict is None:
                if cov.covered or cov.unknown:
                    unknown = unknown or (holder, "policy", why)
                continue
            covered |= cov.covered
            label = "inline policy" if holder is bucket else holder.address
            if cov.covered and label not in by:
                by.append(label)
            if cov.unknown:
                unknown = unknown or (holder, "policy", cov.unknown)
            elif cov.covered != {_BUCKET, _OBJECTS}:
                part = _OBJECTS if _BUCKET in cov.covered else _BUCKET if cov.covered else "the bucket ARN or its objects"
                near_miss = near_miss or f"the Deny statement on aws:SecureTransport does not cover {part}"
    rel = tuple(related)
    if covered == {_BUCKET, _OBJECTS}:
        return Verdict(Status.PASS, f"the bucket's {' and '.join(by)} denies requests without TLS "
                       "(aws:SecureTransport = false) to the bucket and its objects", related=rel)
    if unknown is not None:
        where, attr, reason = unknown
        return Verdict(Status.UNKNOWN, reason, attr, where, rel)
    if first is None:
        return Verdict(Status.FAIL, "no bucket policy denies requests without TLS (aws:SecureTransport = false)",
                       related=rel)
    where, attr = first
    message = near_miss or "the bucket policy has no Deny statement on aws:SecureTransport = false"
    return Verdict(Status.FAIL, f"{message}; requests without TLS are not denied", attr, where, rel)
