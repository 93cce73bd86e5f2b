"""IAM / KMS / S3 / SQS / SNS policy documents normalised to statements.

A policy may be a JSON string (heredoc or literal), `jsonencode({...})` (whose
structure survives even when some leaves are unknown), or a
`data "aws_iam_policy_document"` referenced by `.json`, with its source and
override documents merged in; all of them become the same
`tfguard.aws.iam.Statement` tuples (`statements_of`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tfguard import partial_json
from tfguard.aws.iam import ANY, Statement
from tfguard.model import Resource, Unknown, is_unknown, nested

if TYPE_CHECKING:
    from tfguard.graph import ResourceGraph

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
