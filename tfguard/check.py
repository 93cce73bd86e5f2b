"""The API a check is written against (built-in checks and --checks-dir alike).

A check module defines `CHECK = Check(...)`: metadata plus an `evaluate`
function that receives a Context and yields one Result per subject resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from tfguard.classify import Classification
from tfguard.graph import ResourceGraph
from tfguard.model import SEVERITIES, Location, Resource, Status


@dataclass(frozen=True)
class Result:
    resource: Resource  # the subject (SARIF logical location)
    status: Status
    message: str
    attribute: str = ""  # the argument that decides, for the location and the fingerprint
    at: Resource | None = None  # where to point when it is not the subject (a linked resource)
    related: tuple[Resource, ...] = ()


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

    def anchors(self) -> list[Resource]:
        return self.graph.of_type(*ANCHOR_TYPES)

    @property
    def baseline_active(self) -> bool:
        return self.profile == "baseline" or bool(self.anchors())

    def account(self, anchor: Resource | None = None) -> Resource:
        """The subject of an account-level result: logical location `account`, pointing
        at the anchor resource, else at the root module's main.tf (or its first file by
        name that parsed)."""
        anchor = anchor or next(iter(self.anchors()), None)
        location = anchor.location if anchor is not None else self.root_location
        return Resource(address="account", type="account", name="account", location=location)

    def classification(self, res: Resource) -> Classification:
        """Effective classification: own tags and every flow into the resource."""
        from tfguard.flows import effective

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

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: severity must be one of {', '.join(SEVERITIES)}")

    def run(self, ctx: Context) -> Iterator[Result]:
        yield from self.evaluate(ctx)


PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN
