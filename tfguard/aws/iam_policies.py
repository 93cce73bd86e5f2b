"""Which policies a configuration holds, and where each is judged.

- identity policies (`identity_policies`): an inline policy on its IAM
  resource, a `data "aws_iam_policy_document"` once on the data source, with
  the IAM resources that use it as related locations; a document used only as
  a resource policy is not one;
- where in a document a statement was written (`statement_origin`), and so
  where a finding about it points (`pointer`);
- a resource's own policy, an empty string read back by a plan taken as none
  (`judged_policy`);
"""

from __future__ import annotations

from dataclasses import dataclass

from tfguard.aws.iam import Statement
from tfguard.aws.iam_documents import document_statements, from_document_resource, statements_of
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Unknown

DOCUMENT = "aws_iam_policy_document"

IDENTITY_POLICY_TYPES = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")


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

