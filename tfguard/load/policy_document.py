"""`data "aws_iam_policy_document"` rendered to the policy JSON the provider would produce.

Rendering is local (the provider computes it without calling AWS), so HCL
mode can know it before apply. Statements with the same Sid are merged the
provider's way: the document's own replace its `source_policy_documents`, and
`override_policy_documents` replace both.
"""

from __future__ import annotations

import json
from typing import Any

from tfguard.model import Unknown, is_unknown


def _one_or_list(values: Any) -> Any:
    """One value, or the list as the provider writes it: its string sets in reverse
    order (the plan's `.json` of a document has `[".../*", "..."]`)."""
    if isinstance(values, list) and len(values) == 1:
        return values[0]
    if isinstance(values, list) and all(type(v) is str for v in values):
        return sorted(set(values), reverse=True)
    return values


def _items(value: Any) -> list[Any]:
    """A list argument or a block list as elements. An unknown one (a `dynamic`
    block or a list argument not known statically) is one Unknown element, which
    makes the rendered document partly unknown rather than wrongly empty."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principals(blocks: Any) -> Any:
    out: dict[str, Any] = {}
    for block in _items(blocks):
        if not isinstance(block, dict):
            return Unknown("principal block not known statically")
        ptype, idents = block.get("type"), block.get("identifiers")
        if is_unknown(ptype):
            return Unknown("principal type not known statically")
        if ptype == "*":
            return "*"
        current = out.setdefault(str(ptype), [])
        current.extend(idents if isinstance(idents, list) else [idents])
    return {k: _one_or_list(v) for k, v in out.items()}


def _statement(st: dict[str, Any]) -> dict[str, Any] | Unknown:
    out: dict[str, Any] = {}
    if st.get("sid"):
        out["Sid"] = st["sid"]
    out["Effect"] = st.get("effect") or "Allow"
    for key, name in (("actions", "Action"), ("not_actions", "NotAction"),
                      ("resources", "Resource"), ("not_resources", "NotResource")):
        if st.get(key):
            out[name] = _one_or_list(st[key])
    for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if st.get(key):
            out[name] = _principals(st[key])
    conditions: dict[str, dict[str, Any]] = {}
    for cond in _items(st.get("condition")):
        if not isinstance(cond, dict):
            # A condition narrows the statement: without it the statement would
            # read broader than it is, so the whole statement is not known.
            return Unknown("a condition of the statement is not known statically", getattr(cond, "refs", ()))
        conditions.setdefault(str(cond.get("test")), {})[str(cond.get("variable"))] = _one_or_list(cond.get("values"))
    if conditions:
        out["Condition"] = conditions
    return out


def _statements_of(doc: Any) -> list[Any] | Unknown:
    if isinstance(doc, Unknown):
        doc = doc.partial if isinstance(doc.partial, dict) else doc
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError:
            return Unknown("a source policy document is not valid JSON")
    if not isinstance(doc, dict):
        return doc if isinstance(doc, Unknown) else Unknown("a source policy document is not an object")
    statements = doc.get("Statement") or []
    return statements if isinstance(statements, list) else [statements]


def _merge(base: list[Any], extra: list[Any]) -> list[Any]:
    sids = {s.get("Sid") for s in extra if isinstance(s, dict) and s.get("Sid")}
    return [s for s in base if not (isinstance(s, dict) and s.get("Sid") in sids)] + extra


def render(values: dict[str, Any]) -> dict[str, Any]:
    """The policy document; leaves that are not known stay Unknown inside it."""
    merged: list[Any] = []
    for doc in _items(values.get("source_policy_documents")):
        part = _statements_of(doc)
        merged += [part] if isinstance(part, Unknown) else part
    own = [_statement(s) if isinstance(s, dict) else s for s in _items(values.get("statement"))]
    merged = _merge(merged, own)
    for doc in _items(values.get("override_policy_documents")):
        part = _statements_of(doc)
        merged = merged + [part] if isinstance(part, Unknown) else _merge(merged, part)
    return {"Version": values.get("version") or "2012-10-17", "Statement": merged}
