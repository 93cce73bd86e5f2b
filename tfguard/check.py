"""The API a check is written against (built-in checks and --checks-dir alike).

A check module defines `CHECK = Check(...)`: metadata plus an `evaluate`
function that receives a Context and yields one Result per subject resource.

`resource_types` is the truth about a check's subjects: `ctx.subjects()` hands
the check the resources of its declared types, and a Result whose subject is of
a type the check does not declare is an error of the check (UndeclaredSubject).
A declared type is a managed resource type (`aws_s3_bucket`), a data source
(`data.aws_iam_policy_document`), ACCOUNT for account-level results, or
ANY_RESOURCE for a check whose subjects are chosen by an argument, not a type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tfguard.graph import ResourceGraph
from tfguard.model import ACCOUNT as ACCOUNT  # re-exported: a check declares it
from tfguard.model import ANY_RESOURCE as ANY_RESOURCE
from tfguard.model import SEVERITIES, Location, Resource, Status, Verdict

if TYPE_CHECKING:
    from tfguard.aws.classification import Classification


@dataclass(frozen=True)
class Result:
    resource: Resource  # the subject (SARIF logical location)
    status: Status
    message: str
    attribute: str = ""  # the argument that decides, for the location and the fingerprint
    at: Resource | None = None  # where to point when it is not the subject (a linked resource)
    related: tuple[Resource, ...] = ()

    @classmethod
    def of(cls, subject: Resource, verdict: Verdict) -> Result:
        """The result a verdict gives its subject (`at` the subject itself points at the subject)."""
        at = verdict.at if verdict.at is not subject else None
        return cls(subject, verdict.status, verdict.message, verdict.attribute, at, verdict.related)


def subject_type(res: Resource) -> str:
    """The name a declaration uses for the type of `res` (graph.of_type's key)."""
    if res.type == ACCOUNT:
        return ACCOUNT
    return res.type if res.mode == "managed" else f"data.{res.type}"


class UndeclaredSubject(Exception):
    """A check gave a result for a resource of a type its resource_types do not declare."""


# Account-level anchors: their presence says the configuration manages the account.
ANCHOR_TYPES = (
    "aws_organizations_organization", "aws_cloudtrail", "aws_config_configuration_recorder",
    "aws_guardduty_detector", "aws_ebs_encryption_by_default",
)


@dataclass(frozen=True)
class Context:
    graph: ResourceGraph
    classification_tag: str = "DataClassification"
    profile: str = ""  # "baseline" runs the baseline checks without an anchor
    root_location: Location | None = None  # main.tf of the root module, else its first file that parsed
    resource_types: tuple[str, ...] = ()  # the declaration of the check being run (set by Check.run)

    def subjects(self) -> list[Resource]:
        """The resources of the running check's declared types, in declaration order
        (ANY_RESOURCE: every managed resource; ACCOUNT has no resource)."""
        if ANY_RESOURCE in self.resource_types:
            return [r for r in self.graph.resources if r.mode == "managed"]
        return self.graph.of_type(*(t for t in self.resource_types if t != ACCOUNT))

    def anchors(self) -> list[Resource]:
        return self.graph.of_type(*ANCHOR_TYPES)

    @property
    def baseline_active(self) -> bool:
        return self.profile == "baseline" or bool(self.anchors())

    def account_subject(self, anchor: Resource | None = None) -> Resource:
        """The subject of an account-level result (the one way to make it): logical
        location `account`, pointing at `anchor` with its argument locations (so an
        attribute path points at the offending argument), else at the first anchor
        resource, else at the root module's main.tf (or its first file by name that parsed)."""
        if anchor is not None:
            return Resource(address=ACCOUNT, type=ACCOUNT, name=ACCOUNT, location=anchor.location,
                            attr_locations=dict(anchor.attr_locations))
        first = next(iter(self.anchors()), None)
        location = first.location if first is not None else self.root_location
        return Resource(address=ACCOUNT, type=ACCOUNT, name=ACCOUNT, location=location)

    def account(self, anchor: Resource | None = None) -> Resource:
        """The account subject under its earlier name (user checks call it): `account_subject`."""
        return self.account_subject(anchor)

    def classification(self, res: Resource) -> Classification:
        """Effective classification: own tags and every flow into the resource."""
        from tfguard.aws.classification import effective

        return effective(self.graph, res, self.classification_tag)

    def sensitive(self, res: Resource) -> bool:
        return self.classification(res).sensitive


Evaluate = Callable[[Context], Iterable[Result]]


@dataclass(frozen=True)
class Check:
    id: str
    slug: str
    title: str
    severity: str
    resource_types: tuple[str, ...]
    rationale: str
    remediation: str
    evaluate: Evaluate
    escalates: bool = False
    baseline: bool = False
    compliance: dict[str, tuple[str, ...]] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    bad_example: str = ""
    good_example: str = ""
    # What the check does, for its documentation; the loader fills it from the docstring of
    # the check's module, so a check declared through tfguard.declare documents itself too.
    doc: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: severity must be one of {', '.join(SEVERITIES)}")

    def declares(self, res: Resource) -> bool:
        kind = subject_type(res)
        wildcard = ANY_RESOURCE in self.resource_types and res.mode == "managed" and kind != ACCOUNT
        return wildcard or kind in self.resource_types

    def run(self, ctx: Context) -> Iterator[Result]:
        """The check's results on `ctx`, each for a subject of a declared type."""
        for result in self.evaluate(replace(ctx, resource_types=self.resource_types)):
            if not self.declares(result.resource):
                raise UndeclaredSubject(f"{self.id} gave a result for {result.resource.address}, but "
                                        f"{subject_type(result.resource)} is not among its resource_types")
            yield result


PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN
