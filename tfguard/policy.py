"""IAM / KMS / S3 / SQS / SNS policy documents normalised to statements.

A policy may be a JSON string (heredoc or literal), `jsonencode({...})` (whose
structure survives even when some leaves are unknown), or a
`data "aws_iam_policy_document"` referenced by `.json`; all three become the
same `Statement` tuples.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tfguard import partial_json
from tfguard.model import Resource, Unknown, is_unknown, nested

if TYPE_CHECKING:
    from tfguard.graph import ResourceGraph

ANY = "*"


@dataclass(frozen=True)
class Statement:
    sid: str
    effect: Any  # "Allow" / "Deny" / Unknown
    actions: tuple[Any, ...]
    not_actions: tuple[Any, ...]
    resources: tuple[Any, ...]
    not_resources: tuple[Any, ...]
    principals: tuple[tuple[str, Any], ...] | None  # (type, identifier); "*" type means Principal "*"
    not_principals: tuple[tuple[str, Any], ...] | None
    conditions: tuple[tuple[str, str, tuple[Any, ...]], ...]  # (operator, key lower-case, values)
    # False when an interpolation hides (some of) the Condition block: it may restrict.
    conditions_known: bool = True

    @property
    def allows(self) -> bool:
        return isinstance(self.effect, str) and self.effect.lower() == "allow"

    def principal_is_public(self) -> bool | None:
        """True for Principal "*" / {"AWS": "*"} (or an Allow with NotPrincipal); None when unknown."""
        if self.not_principals is not None:
            return True
        if self.principals is None:
            return False
        unknown = False
        for ptype, ident in self.principals:
            if not is_unknown(ptype) and ptype not in ("*", "AWS", "?"):
                continue  # Service, Federated, CanonicalUser: never everyone
            public = could_be_anyone(ident)
            if public and not is_unknown(ptype):
                return True
            if public is not False:
                unknown = True
        return None if unknown else False

    def condition_keys(self) -> set[str]:
        return {key for _, key, values in self.conditions if not _only_wildcards(values)}


# Shapes of values that name one account or identity (see Unknown.shape).
SPECIFIC_SHAPES = frozenset({"account_id", "account", "principal"})
_MARKER = re.compile(r"\{[a-z_?]*\}")


def literal_text(value: Unknown) -> str | None:
    """The literal text of a template with unknown parts (None when it is no template)."""
    if value.parts is not None:
        return "".join(p for p in value.parts if isinstance(p, str))
    if isinstance(value.partial, str):
        return _MARKER.sub("", value.partial)
    return None


def could_be_anyone(ident: Any) -> bool | None:
    """Is a principal identifier "*"? None when it could be.

    An unknown identifier cannot be "*" when it is an account id, an IAM role or
    user ARN or the caller identity's ARN (by its shape), or a template with
    literal text around its unknown parts (`arn:aws:iam::${...}:root`): only a
    value that could be anything (a wholly unknown variable) could be "*"."""
    if not isinstance(ident, Unknown):
        return bool(ident == ANY)
    if ident.shape in SPECIFIC_SHAPES:
        return False
    text = literal_text(ident)
    if text is not None and text not in ("", ANY):
        return False
    return None


def action_matches(pattern: Any, action: str) -> bool | None:
    """IAM action wildcard match (`kms:*`, `kms:De*`, `*`), case-insensitive; None when unknown."""
    if is_unknown(pattern) or not isinstance(pattern, str):
        return None
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def wildcard_match(pattern: str, text: str) -> bool:
    """AWS wildcards, as in ARNs, resource patterns and StringLike: `*` any run of
    characters, `?` one character, nothing else special (unlike fnmatch's `[...]`);
    case-sensitive."""
    if "*" not in pattern and "?" not in pattern:
        return pattern == text
    return _wildcard_regex(pattern).fullmatch(text) is not None


@functools.lru_cache(maxsize=1024)
def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL)


def grants(st: Statement, action: str) -> bool | None:
    """Does the statement's Action (or NotAction) cover `action`? None when not known."""
    if st.actions:
        results = [action_matches(p, action) for p in st.actions]
        return True if any(results) else (None if None in results else False)
    if st.not_actions:  # NotAction: every action except those listed
        results = [action_matches(p, action) for p in st.not_actions]
        return False if any(results) else (None if None in results else True)
    return False


def all_resources(st: Statement) -> bool | None:
    """Resource "*" (or NotResource, which leaves everything else): None when not known."""
    if st.not_resources or ANY in st.resources:
        return True
    return None if any(_could_be_any(r) for r in st.resources) else False


def _could_be_any(resource: Any) -> bool:
    """An unknown resource could be "*" unless it is a reference (an ARN of something in
    the configuration) or a template with literal text around its unknown parts."""
    if not isinstance(resource, Unknown):
        return False
    if isinstance(resource.partial, str) and re.sub(r"\{[a-z_?]*\}", "", resource.partial).strip("*"):
        return False
    return not resource.refs


def _only_wildcards(values: tuple[Any, ...]) -> bool:
    return bool(values) and all(v == ANY for v in values)


def _tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(value)
    return (value,)


def _principals(value: Any) -> tuple[tuple[str, Any], ...] | None:
    if value is None:
        return None
    if value == ANY:
        return (("*", ANY),)
    if isinstance(value, dict):
        return tuple((str(k), ident) for k, v in value.items() for ident in _tuple(v))
    return (("?", value),)


def from_json_doc(doc: Any) -> list[Statement] | Unknown:
    if isinstance(doc, Unknown):
        return doc
    if not isinstance(doc, dict):
        return Unknown("policy is not a JSON object")
    raw = doc.get("Statement")
    if isinstance(raw, Unknown):
        return raw
    out: list[Statement] = []
    for st in _tuple(raw):
        if isinstance(st, Unknown):
            return st
        if not isinstance(st, dict):
            continue
        conditions: list[tuple[str, str, tuple[Any, ...]]] = []
        cond = st.get("Condition") or {}
        known = not isinstance(cond, Unknown)
        if isinstance(cond, dict):
            for op, kv in cond.items():
                if isinstance(kv, dict):
                    conditions.extend((str(op), str(k).lower(), _tuple(v)) for k, v in kv.items())
                known = known and not isinstance(kv, Unknown)
        out.append(Statement(
            str(st.get("Sid", "")), st.get("Effect"), _tuple(st.get("Action")), _tuple(st.get("NotAction")),
            _tuple(st.get("Resource")), _tuple(st.get("NotResource")),
            _principals(st.get("Principal")), _principals(st.get("NotPrincipal")), tuple(conditions), known,
        ))
    return out


def parse_policy_text(text: Any) -> list[Statement] | Unknown:
    if is_unknown(text):
        partial = text.partial
        if isinstance(partial, dict):
            return from_json_doc(partial)
        # A heredoc or template: JSON with only its interpolations unknown.
        return from_json_doc(partial_json.parse(text)) if text.parts is not None else text
    if not isinstance(text, str):
        return Unknown("policy is not a string")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return Unknown(f"policy is not valid JSON ({exc.msg})")
    return from_json_doc(doc)


def from_document_resource(res: Resource) -> list[Statement] | Unknown:
    """A `data "aws_iam_policy_document"`, from its statement blocks."""
    out: list[Statement] = []
    for st in res.blocks("statement"):
        if isinstance(st, Unknown):
            return st
        # principals / condition blocks that an unknown `dynamic` may add
        hidden = next((u for k in ("principals", "not_principals", "condition")
                       for u in nested(st, k) if isinstance(u, Unknown)), None)
        if hidden is not None:
            return hidden
        out.append(Statement(
            str(st.get("sid") or ""), st.get("effect") or "Allow",
            _tuple(st.get("actions")), _tuple(st.get("not_actions")),
            _tuple(st.get("resources")), _tuple(st.get("not_resources")),
            _doc_principals(st, "principals"), _doc_principals(st, "not_principals"),
            tuple((str(c.get("test")), str(c.get("variable")).lower(), _tuple(c.get("values")))
                  for c in st.get("condition") or [] if isinstance(c, dict)),
        ))
    return out


def _doc_principals(st: dict[str, Any], name: str) -> tuple[tuple[str, Any], ...] | None:
    blocks = [b for b in st.get(name) or [] if isinstance(b, dict)]
    if not blocks:
        return None
    return tuple((str(b.get("type")), ident) for b in blocks for ident in _tuple(b.get("identifiers")))


_ACCOUNT_ROOT = re.compile(
    r"^(arn:(aws[a-z-]*|\{partition\}|\{\?\}):iam::(\d{12}|\{account_id\}):root|\d{12}|\{account_id\})$"
)


def is_account_root(ident: Any) -> bool:
    """`arn:aws:iam::123456789012:root`, a bare account id, or the same built from
    data.aws_caller_identity / data.aws_partition (see Unknown.shape)."""
    if isinstance(ident, Unknown):
        if ident.partial is None:
            return ident.shape == "account_id"  # a bare data.aws_caller_identity.x.account_id
        text = ident.partial
    else:
        text = ident
    return isinstance(text, str) and bool(_ACCOUNT_ROOT.match(text))


def _by_sid(base: list[Statement], extra: list[Statement]) -> list[Statement]:
    """Statements of `extra` replace those of `base` with the same non-empty Sid."""
    sids = {st.sid for st in extra if st.sid}
    return [st for st in base if not st.sid or st.sid not in sids] + extra


def document_statements(graph: ResourceGraph, doc: Resource, depth: int = 0) -> list[Statement] | Unknown:
    """An aws_iam_policy_document with its source and override documents merged in."""
    if depth > 8:
        return Unknown("policy documents nest too deeply")
    merged: list[Statement] = []
    for attr in ("source_policy_documents", "statement", "override_policy_documents"):
        if attr == "statement":
            part: list[Statement] | Unknown = from_document_resource(doc)
        else:
            part = _documents(graph, doc, attr, depth)
        if isinstance(part, Unknown):
            return part
        merged = merged + part if attr == "source_policy_documents" else _by_sid(merged, part)
    return merged


def _documents(graph: ResourceGraph, doc: Resource, attr: str, depth: int) -> list[Statement] | Unknown:
    value = doc.values.get(attr)
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value  # which documents (if any) is not known: linked ones may not be in it
    out: list[Statement] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            parsed = parse_policy_text(item)
            if isinstance(parsed, Unknown):
                return parsed
            out.extend(parsed)
    linked = [d for d in graph.targets(doc, via=attr, types=("aws_iam_policy_document",)) if d.mode == "data"]
    for other in linked:
        parsed = document_statements(graph, other, depth + 1)
        if isinstance(parsed, Unknown):
            return parsed
        out.extend(parsed)
    unresolved = [i for i in (value if isinstance(value, list) else [value]) if isinstance(i, Unknown)]
    if unresolved and not linked:
        return unresolved[0]
    return out


def statements_of(
    graph: ResourceGraph, res: Resource, attr: str = "policy"
) -> tuple[list[Statement] | Unknown | None, list[Resource]]:
    """The statements of `res.attr`, None when the attribute is unset or a known empty
    string (no policy, as a plan reads it back), plus the documents used."""
    value = res.values.get(attr)
    if value is None or value == "":
        return None, []
    docs = graph.targets(res, via=attr, types=("aws_iam_policy_document",))
    docs = [d for d in docs if d.mode == "data"]
    if is_unknown(value) and docs:
        combined: list[Statement] = []
        for doc in docs:
            sts = document_statements(graph, doc)
            if isinstance(sts, Unknown):
                return sts, docs
            combined.extend(sts)
        return combined, docs
    return parse_policy_text(value), docs
