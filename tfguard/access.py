"""Access to keys and data: shared by the key-policy, IAM and resource-policy checks.

- who a policy statement grants to (`non_root_grantee`: anything but the
  account root, in each of its spellings), whether a condition restricts a
  public principal (`restricts`, `public_grant`);
- which policies are identity policies and where each is judged
  (`identity_policies`): an inline policy on its IAM resource, a
  `data "aws_iam_policy_document"` once on the data source, with the IAM
  resources that use it as related locations; and where in a document a
  statement was written (`statement_origin`);
- where a KMS key is used and in which region (`key_uses`), for the region
  check: every KMS key argument of a resource, the key it resolves to and the
  region that key must be in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tfguard.check import Result
from tfguard.graph import ResourceGraph
from tfguard.keys import literal_is_cmk
from tfguard.model import Resource, Status, Unknown, is_unknown
from tfguard.policy import (
    Statement,
    document_statements,
    from_document_resource,
    is_account_root,
    statements_of,
)

DOCUMENT = "aws_iam_policy_document"
IDENTITY_POLICY_TYPES = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")

# -- principals and conditions -----------------------------------------------------


_ROOT_SHAPE = re.compile(r"^arn:(aws[a-z-]*|\{[a-z_?]*\}):iam::(\d{12}|\{[a-z_?]*\}):root$")
_ONLY_PLACEHOLDERS = re.compile(r"^(\{[a-z_?]*\})*$")


def is_root(ident: Any) -> bool | None:
    """The account root: `arn:aws:iam::<acct>:root`, a bare account id, or either built
    from data.aws_caller_identity / data.aws_partition (a bare `account_id` included).
    None when not known statically (a template whose account part is unknown but
    whose text is that of a root ARN counts as a root)."""
    if is_account_root(ident):
        return True
    if not isinstance(ident, Unknown):
        return False
    if ident.shape == "principal":
        return False  # an IAM role's or user's ARN, or the caller's: one identity, not the account
    if ident.partial is None:
        return True if ident.shape == "account_id" else None
    if isinstance(ident.partial, str):
        if _ROOT_SHAPE.match(ident.partial):
            return True
        return None if _ONLY_PLACEHOLDERS.match(ident.partial) else False
    return None


def non_root_grantee(st: Statement) -> tuple[bool | None, str]:
    """Does the statement name a principal other than the account root? (answer, who).

    NotPrincipal grants everyone but those named; Principal "*" is everyone.
    A statement without a principal names nobody. None when not known."""
    if st.not_principals is not None:
        return True, "every principal but those in NotPrincipal"
    if st.principals is None:
        return False, ""
    unknown = ""
    for ptype, ident in st.principals:
        if is_unknown(ptype):
            unknown = "a principal type is not known statically"
            continue
        root = is_root(ident) if ptype in ("AWS", "?") else False
        if root:
            continue
        if root is None:
            reason = getattr(ident, "reason", "")
            unknown = "a principal is not known statically" + (f" ({reason})" if reason else "")
        elif ptype == "*" or ident == "*":
            return True, "any principal (\"*\")"
        else:
            return True, f"{ptype} principal {_shown(ident)}"
    return (None, unknown) if unknown else (False, "")


def _shown(ident: Any) -> str:
    """A principal as a message names it: an IAM role's, user's or the caller's ARN by its
    reference, since its text is known only after apply."""
    if not isinstance(ident, Unknown):
        return str(ident)
    if isinstance(ident.partial, str):
        return ident.partial
    name = ident.reason.split(" is known only after apply")[0] if " is known only after apply" in ident.reason else ""
    if ident.shape == "principal":
        return f"{name or 'an IAM identity'} (one IAM role, user or caller identity)"
    return name or "(not known statically)"


_OPEN_CIDRS = {"0.0.0.0/0", "::/0"}


def restricts(st: Statement, keys: set[str]) -> bool:
    """Does a condition of the statement limit who may call, on one of `keys` (lower-case)?

    A condition restricts only when it must match: negated operators
    (`StringNotEquals`, `NotIpAddress`...), `...IfExists`, `Null` and
    `ForAllValues:` (true when the key is absent) do not, nor do values that
    are only "*" or an open CIDR for aws:SourceIp."""
    for op, key, values in st.conditions:
        if key not in keys:
            continue
        name = op.lower()
        base = name.split(":", 1)[-1]
        if name.startswith("forallvalues:") or base.endswith("ifexists") or "not" in base or base == "null":
            continue
        if values and all(v == "*" for v in values):
            continue
        if key == "aws:sourceip" and values and all(v in _OPEN_CIDRS for v in values):
            continue
        return True
    return False


def public_grant(statements: list[Statement], keys: set[str]) -> tuple[Status, str, Statement | None]:
    """FAIL for an Allow statement with a public principal and no condition on `keys`."""
    unknown = ""
    for st in statements:
        if is_unknown(st.effect):
            unknown = "a statement's effect is not known statically"
            continue
        if not st.allows:
            continue
        public = st.principal_is_public()
        if public is None:
            unknown = "a statement's principal is not known statically"
        elif public and not restricts(st, keys) and not st.conditions_known:
            unknown = "a statement allows any principal (\"*\") with a condition that is not known statically"
        elif public and not restricts(st, keys):
            return Status.FAIL, f"{describe(st)} allows any principal (\"*\") without a restricting condition", st
    if unknown:
        return Status.UNKNOWN, unknown, None
    return Status.PASS, "no statement allows a public principal without a restricting condition", None


_PLACEHOLDER = re.compile(r"\{[a-z_?]*\}")


def names_specific(value: Any) -> bool:
    """An unknown Resource entry that cannot be "*": an attribute of a configuration
    object (`aws_kms_key.x.arn`), or a template with literal text around its unknown parts."""
    if not isinstance(value, Unknown):
        return False
    if isinstance(value.partial, str) and _PLACEHOLDER.sub("", value.partial).strip("*"):
        return True
    return bool(value.refs)


def every_resource(st: Statement) -> bool | None:
    """Resource "*" or a NotResource; None when an entry not known statically could be "*"."""
    if st.not_resources or "*" in st.resources:
        return True
    return None if any(is_unknown(r) and not names_specific(r) for r in st.resources) else False


def describe(st: Statement) -> str:
    return f"statement {st.sid!r}" if st.sid else "a statement"


# -- where a policy is judged ------------------------------------------------------


@dataclass(frozen=True)
class PolicySubject:
    resource: Resource  # the subject: the IAM policy resource, or the policy document
    statements: list[Statement] | Unknown | None
    attribute: str  # where the statements are written ("policy", or "statement" of a document)
    related: tuple[Resource, ...] = ()  # the IAM resources that use a document


def documents(graph: ResourceGraph, res: Resource, attr: str) -> list[Resource]:
    return [d for d in graph.targets(res, via=attr, types=(DOCUMENT,)) if d.mode == "data"]


def identity_policies(graph: ResourceGraph) -> list[PolicySubject]:
    """Every identity policy once: inline JSON on its IAM resource; a document used by
    IAM resources on the data source (and then not on its users). A document used
    only as a resource policy is not an identity policy."""
    out: list[PolicySubject] = []
    users: dict[str, tuple[Resource, list[Resource]]] = {}
    for res in graph.of_type(*IDENTITY_POLICY_TYPES):
        docs = documents(graph, res, "policy")
        if docs:
            for doc in docs:
                users.setdefault(doc.address, (doc, []))[1].append(res)
            continue
        statements, _ = statements_of(graph, res, "policy")
        if statements is not None or res.values.get("policy") is not None:
            out.append(PolicySubject(res, statements, "policy"))
    for doc, using in users.values():
        out.append(PolicySubject(doc, document_statements(graph, doc), "statement", tuple(using)))
    return out


def statement_origin(graph: ResourceGraph, doc: Resource, st: Statement, depth: int = 0) -> tuple[Resource, str]:
    """Where a statement of a document (merged with its source and override documents)
    is written: (document, "statement"), or the argument that brings it in."""
    own = from_document_resource(doc)
    if not isinstance(own, Unknown) and st in own:
        return doc, "statement"
    if depth < 8:
        for attr in ("override_policy_documents", "source_policy_documents"):
            for other in documents(graph, doc, attr):
                sts = document_statements(graph, other)
                if not isinstance(sts, Unknown) and st in sts:
                    return statement_origin(graph, other, st, depth + 1)
        for attr in ("override_policy_documents", "source_policy_documents"):
            if doc.values.get(attr):
                return doc, attr
    return doc, "statement"


def judged_policy(graph: ResourceGraph, res: Resource, attr: str = "policy") -> tuple[
        list[Statement] | Unknown | None, list[Resource]]:
    """statements_of, with an empty string taken as no policy (a plan's read-back value)."""
    if res.values.get(attr) == "":
        return None, []
    return statements_of(graph, res, attr)


def pointer(graph: ResourceGraph, subject: Resource, attribute: str, docs: list[Resource],
            st: Statement | None) -> tuple[Resource | None, str]:
    """(at, attribute) for a finding about statement `st` of `subject`'s policy."""
    if subject.mode == "data" and subject.type == DOCUMENT and st is not None:
        holder, attr = statement_origin(graph, subject, st)
        return (None if holder is subject else holder), attr
    if docs and st is not None:
        for doc in docs:
            sts = document_statements(graph, doc)
            if not isinstance(sts, Unknown) and st in sts:
                return statement_origin(graph, doc, st)
        return docs[0], "statement"
    return None, attribute


# -- where KMS keys are used ---------------------------------------------------------

KEY_TARGET_TYPES = ("aws_kms_key", "aws_kms_replica_key", "aws_kms_alias", "aws_kms_external_key",
                    "aws_kms_replica_external_key")
# Resources that manage a key rather than use it (a replica key names its primary in
# another region by design).
KEY_MANAGEMENT_TYPES = frozenset(KEY_TARGET_TYPES) | {"aws_kms_key_policy", "aws_kms_grant"}
BUCKET_CONFIG_TYPES = ("aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_replication_configuration")
_KMS_ARN = re.compile(r"^arn:[^:]+:kms:([^:]*):[^:]*:(key|alias)/.+$", re.IGNORECASE)
_REPLICATION = {
    # holder type: (rule path, destination bucket path in a rule, key path in a rule)
    "aws_s3_bucket_replication_configuration": (
        ("rule",), ("destination", "bucket"), ("destination", "encryption_configuration", "replica_kms_key_id")),
    "aws_s3_bucket": (
        ("replication_configuration", "rules"), ("destination", "bucket"), ("destination", "replica_kms_key_id")),
}


def kms_arn_region(value: Any) -> str | None:
    """The region field of a literal KMS key or alias ARN."""
    m = _KMS_ARN.match(value) if isinstance(value, str) else None
    return m.group(1) if m else None


def _is_key_name(name: str) -> bool:
    return "kms" in name and "key" in name


@dataclass(frozen=True)
class KeyUse:
    holder: Resource  # the resource with the key argument
    attribute: str  # dotted path of the argument in the holder
    key: Resource | None  # the key (or alias, or data source) it resolves to
    key_region: Any  # str, Unknown, or None when the key is looked up in the using region
    use_region: Any  # str or Unknown: where the key is used
    where: str  # what the use region belongs to, for messages
    related: tuple[Resource, ...] = ()
    literal: str = ""  # the literal key ARN, id or alias name when no key resource is named
    use_res: Resource | None = None  # the resource whose provider gives use_region (None: a region argument)


def _key_region(graph: ResourceGraph, key: Resource) -> Any:
    if key.mode == "data":
        named = key.values.get("key_id") or key.values.get("name") or key.values.get("arn")
        region = kms_arn_region(named)
        if region:
            return region
    return graph.region(key)


def _walk(values: dict[str, Any], path: str = "") -> list[tuple[str, Any]]:
    """(dotted path, value) of every argument and nested block argument (not map entries)."""
    out: list[tuple[str, Any]] = []
    for name, value in values.items():
        apath = f"{path}{name}"
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                out.extend(_walk(item, apath + "."))
        else:
            out.append((apath, value))
    return out


def _key_use(graph: ResourceGraph, holder: Resource, attr: str, value: Any, use_region: Any, where: str,
             related: tuple[Resource, ...] = (), use_res: Resource | None = None) -> KeyUse | None:
    keys = graph.resolve(holder, attr, value, KEY_TARGET_TYPES)
    if keys:
        # Several keys only when a plan cannot tell which block names which; any mismatch counts.
        uses = [KeyUse(holder, attr, k, _key_region(graph, k), use_region, where, related, use_res=use_res)
                for k in keys]
        return next((u for u in uses if compare(u) is Status.FAIL), uses[0])
    if isinstance(value, str):
        region = kms_arn_region(value)
        if region is not None:
            return KeyUse(holder, attr, None, region, use_region, where, related, value, use_res)
        if literal_is_cmk(value) or value.lower().startswith("alias/"):
            # A key id or alias name is looked up in the region where it is used.
            return KeyUse(holder, attr, None, None, use_region, where, related, value, use_res)
        return None
    if isinstance(value, Unknown) and _is_key_name(attr.rsplit(".", 1)[-1]):
        return KeyUse(holder, attr, None, Unknown(value.reason or f"{attr} is not known statically"),
                      use_region, where, related, use_res=use_res)
    return None


def same_provider(a: Resource, b: Resource) -> bool:
    """Two resources created by the same provider configuration whose region is not known
    statically: they are in the same region all the same. In a plan the configuration key
    is global; in HCL the same (unknown) region value of a configuration is shared, and an
    unconfigured default provider is the same implicit one everywhere."""
    ra, rb = a.region, b.region
    if not (isinstance(ra, Unknown) and isinstance(rb, Unknown)):
        return False
    if ra is rb:
        return True
    if a.origin == b.origin == "plan":
        return a.provider == b.provider
    implicit = f"provider {a.provider} is not configured"
    return a.provider == b.provider and ra.reason == rb.reason == implicit


def compare(use: KeyUse) -> Status:
    if use.key_region is None:
        return Status.PASS
    key_region, use_region = use.key_region, use.use_region
    if isinstance(key_region, str) and isinstance(use_region, str) and key_region and use_region:
        return Status.PASS if key_region == use_region else Status.FAIL
    if use.key is not None and use.use_res is not None and use.key.mode == "managed" \
            and same_provider(use.key, use.use_res):
        return Status.PASS
    return Status.UNKNOWN


def _replication_uses(graph: ResourceGraph, holder: Resource) -> tuple[list[KeyUse], set[str]]:
    spec = _REPLICATION.get(holder.type)
    if spec is None:
        return [], set()
    rules_path, dest_path, key_path = spec
    dest_attr = ".".join(rules_path + dest_path)
    key_attr = ".".join(rules_path + key_path)
    uses: list[KeyUse] = []
    for rule in holder.blocks(*rules_path):
        if not isinstance(rule, dict):
            continue
        dest_value = next(iter(_values(rule, dest_path)), None)
        buckets = [b for b in graph.resolve(holder, dest_attr, dest_value, ("aws_s3_bucket",)) if b.mode == "managed"]
        if buckets:
            region, where = graph.region(buckets[0]), f"destination bucket {buckets[0].address}"
        else:
            named = f" {dest_value}" if isinstance(dest_value, str) else ""
            region = Unknown(f"the destination bucket{named} is not in the configuration")
            where = "the destination bucket"
        for value in _values(rule, key_path):
            use = _key_use(graph, holder, key_attr, value, region, where, tuple(buckets),
                           buckets[0] if buckets else None)
            if use is not None:
                uses.append(use)
    return uses, {key_attr}


def _values(block: dict[str, Any], path: tuple[str, ...]) -> list[Any]:
    current: list[Any] = [block]
    for name in path:
        found: list[Any] = []
        for item in current:
            if isinstance(item, dict):
                value = item.get(name)
                found.extend(value if isinstance(value, list) else [value])
            elif isinstance(item, Unknown):
                found.append(item)
        current = [v for v in found if v is not None]
    return current


def _dynamodb_replica_uses(graph: ResourceGraph, table: Resource) -> tuple[list[KeyUse], set[str]]:
    if table.type != "aws_dynamodb_table":
        return [], set()
    uses: list[KeyUse] = []
    for replica in table.blocks("replica"):
        if not isinstance(replica, dict):
            continue
        value = replica.get("kms_key_arn")
        if value is None or value == "":
            continue
        region = replica.get("region_name")
        if region is None:
            region = Unknown("the replica's region_name is not set")
        use = _key_use(graph, table, "replica.kms_key_arn", value, region, "the replica")
        if use is not None:
            uses.append(use)
    return uses, {"replica.kms_key_arn"}


def key_uses(graph: ResourceGraph, holder: Resource) -> list[KeyUse]:
    """Every KMS key argument of `holder`, with the key's region and the region it is used in."""
    if holder.mode != "managed" or holder.type in KEY_MANAGEMENT_TYPES:
        return []
    uses, done = _replication_uses(graph, holder)
    more, done2 = _dynamodb_replica_uses(graph, holder)
    uses += more
    done |= done2
    own = graph.region(holder)
    for attr, value in _walk(holder.values):
        if attr in done or value is None or value == "":
            continue
        name = attr.rsplit(".", 1)[-1]
        literal = any(kms_arn_region(v) for v in (value if isinstance(value, list) else [value]))
        if "key" not in name or not (_is_key_name(name) or literal
                                      or graph.targets(holder, via=attr, types=KEY_TARGET_TYPES)):
            continue
        for item in value if isinstance(value, list) else [value]:
            use = _key_use(graph, holder, attr, item, own, holder.address, use_res=holder)
            if use is not None:
                uses.append(use)
    return uses


def configured_bucket(graph: ResourceGraph, holder: Resource) -> Resource | None:
    """The bucket a bucket encryption or replication configuration resource configures."""
    if holder.type in BUCKET_CONFIG_TYPES:
        buckets = [b for b in graph.targets(holder, via="bucket", types=("aws_s3_bucket",)) if b.mode == "managed"]
        if buckets:
            return buckets[0]
    return None


# -- identity-policy verdicts ----------------------------------------------------------


def judge_identity(graph: ResourceGraph, subject: PolicySubject, predicate: Callable[[Statement], bool | None],
                   failure: str | Callable[[Statement], str], success: str) -> Result:
    """One result for an identity policy: FAIL at the first Allow statement that
    `predicate` holds for, UNKNOWN when some statement cannot be decided."""
    res, statements, related = subject.resource, subject.statements, subject.related
    if statements is None:
        return Result(res, Status.PASS, "no policy is set", related=related)
    if isinstance(statements, Unknown):
        return Result(res, Status.UNKNOWN, f"the policy is not known statically: {statements.reason}",
                      attribute=subject.attribute, related=related)
    undecided = False
    for st in statements:
        if is_unknown(st.effect):
            undecided = True
            continue
        if not st.allows:
            continue
        verdict = predicate(st)
        if verdict:
            at, attribute = pointer(graph, res, subject.attribute, [], st)
            text = failure(st) if callable(failure) else failure
            return Result(res, Status.FAIL, f"{describe(st)} {text}", attribute=attribute, at=at, related=related)
        if verdict is None:
            undecided = True
    if undecided:
        return Result(res, Status.UNKNOWN, "a statement's effect, actions or resources are not known statically",
                      attribute=subject.attribute, related=related)
    return Result(res, Status.PASS, success, attribute=subject.attribute, related=related)
