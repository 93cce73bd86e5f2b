"""The API a check is written against (built-in checks and --checks-dir alike).

A check module defines `CHECK = Check(...)`: metadata plus an `evaluate`
function that receives a Context and yields one Result per subject resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from tfguard.graph import ResourceGraph
from tfguard.model import SEVERITIES, Resource, Status


@dataclass(frozen=True)
class Result:
    resource: Resource  # the subject (SARIF logical location)
    status: Status
    message: str
    attribute: str = ""  # the argument that decides, for the location and the fingerprint
    at: Resource | None = None  # where to point when it is not the subject (a linked resource)
    related: tuple[Resource, ...] = ()


@dataclass(frozen=True)
class Context:
    graph: ResourceGraph
    classification_tag: str = "DataClassification"

    def result(self, res: Resource, status: Status, message: str, **kw: object) -> Result:
        return Result(res, status, message, **kw)  # type: ignore[arg-type]


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
