"""Value types shared by loaders, graph, checks and reports."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeGuard


class Unknown:
    """A value that is not known statically; distinct from None (null).

    `refs` are the configuration objects the value was computed from (so the
    graph can still link it), `partial` is the structure around the unknown
    parts when there is one (a jsonencode() argument, or a template's text
    with `{shape}` / `{?}` in place of the unknown parts). `not_null` is
    Terraform's refinement of an unknown that cannot be null (a template's
    result, most functions' results): `x == null` is then known to be false.

    `parts` is a template's exact structure: its literal text and the values
    it interpolates, in order (strings and Unknowns). Unlike the text in
    `partial` it does not depend on the marker text being unique, which is
    what lets a JSON heredoc be parsed with only its interpolations unknown.
    """

    __slots__ = ("reason", "refs", "partial", "shape", "parts", "not_null")

    def __init__(self, reason: str = "", refs: tuple[str, ...] = (), partial: Any = None, shape: str = "",
                 parts: tuple[Any, ...] | None = None, not_null: bool = False) -> None:
        self.reason = reason
        self.refs = refs
        self.partial = partial
        self.parts = parts
        # A known kind of value (e.g. "account_id" from data.aws_caller_identity):
        # templates keep it as `{account_id}` in their partial text.
        self.shape = shape
        self.not_null = not_null

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


class EvalError(Unknown):
    """An expression that fails in Terraform: a missing attribute or key, an index
    out of range, a failed conversion, a regex without a match...

    Still an Unknown everywhere (nothing decides on it), but `try()` falls back
    on it and `can()` is false, where a value that is merely not known yet
    (a computed attribute) is neither.

    `at` is the file and line of the function call that failed, when a function
    refused its arguments: that failure is reported as a diagnostic if it
    reaches a value Terraform evaluates (no `try()` caught it).
    """

    __slots__ = ("at",)

    def __init__(self, reason: str = "", refs: tuple[str, ...] = (), partial: Any = None, shape: str = "",
                 parts: tuple[Any, ...] | None = None, not_null: bool = False,
                 at: tuple[str, int] | None = None) -> None:
        super().__init__(reason, refs, partial, shape, parts, not_null)
        self.at = at

    def __repr__(self) -> str:
        return f"EvalError({self.reason!r})"


class NotStatic(Exception):
    """A function that cannot be evaluated statically (a clock, randomness, an
    unsupported pattern): its result is Unknown, not an evaluation error."""


class WrongType(TypeError):
    """A function argument of a kind that never converts to the parameter's type (a
    collection for a string): an evaluation error whatever unknown parts it holds."""


class TfSet(list[Any]):
    """A Terraform set: a list of distinct elements in Terraform's order (strings
    lexically, numbers by value). `for k, v in` a set binds k to the element,
    and a set cannot be indexed."""

    __slots__ = ()


class LinkedText(str):
    """A known string that still names the configuration objects it was read from
    (a policy document's rendered `.json`), so that the graph links its users to
    them wherever the text travels: through locals, module outputs and lists."""

    refs: tuple[str, ...] = ()

    def __new__(cls, text: str, refs: tuple[str, ...]) -> LinkedText:
        new = super().__new__(cls, text)
        new.refs = refs
        return new


def is_unknown(value: object) -> TypeGuard[Unknown]:
    return isinstance(value, Unknown)


class Status(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, holds: bool | None) -> Status:
        """The three-valued reading of a yes/no answer: None is "not known statically"."""
        if holds is None:
            return cls.UNKNOWN
        return cls.PASS if holds else cls.FAIL


SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class Location:
    file: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class Origin:
    """Where a value was set outside the block that uses it: a module call's argument,
    a tfvars line, or the command line (`--var`, `TF_VAR_`: no location).

    `what` names the argument or variable for messages, e.g.
    `argument storage_encrypted of module.db`, `var.enc in prod.tfvars`, `--var enc`.
    """

    what: str
    location: Location | None
    address: str = ""  # the module instance whose call sets it ("" for the root module)
    # An argument that passes on its module's own variable at its default: the value
    # was not set by a caller, so the place is explanation, never the primary location.
    default: bool = False


# -- partitions --------------------------------------------------------------------
# Region prefix -> (partition, DNS suffix), as the AWS provider reads them from its
# region table (checked against real plans); every other region is in `aws`.
_PARTITIONS = (
    ("cn-", "aws-cn", "amazonaws.com.cn"),
    ("us-gov-", "aws-us-gov", "amazonaws.com"),
    ("us-isob-", "aws-iso-b", "sc2s.sgov.gov"),
    ("us-isof-", "aws-iso-f", "csp.hci.ic.gov"),
    ("us-iso-", "aws-iso", "c2s.ic.gov"),
    ("eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"),
)


def region_partition(region: str) -> tuple[str, str]:
    """(partition, DNS suffix) of a region: `cn-north-1` -> (`aws-cn`, `amazonaws.com.cn`)."""
    return next(((p, s) for prefix, p, s in _PARTITIONS if region.startswith(prefix)), ("aws", "amazonaws.com"))


# -- addresses ---------------------------------------------------------------------
# One reading of a Terraform address (`module.a["x"].aws_s3_bucket.b[0]`): an instance
# key is a number or a quoted string, after a module call or a resource.
_KEY_TEXT = r'"(?:[^"\\]|\\.)*"|\d+'
_TRAILING_KEY = re.compile(rf"^(.*?)(?:\[({_KEY_TEXT})\])?$", re.DOTALL)
_ANY_KEY = re.compile(rf"\[(?:{_KEY_TEXT})\]")


class Address(NamedTuple):
    """An address split at its trailing instance key:
    `module.a["x"].aws_s3_bucket.b[0]` -> base `module.a["x"].aws_s3_bucket.b`, key `0`."""

    base: str  # the address without its trailing instance key
    key: str | None  # that key as written (`0`, `"k"`); None when there is none

    @property
    def config(self) -> str:
        """Every instance key removed: the block in the configuration
        (`module.a["x"].aws_s3_bucket.b[0]` -> `module.a.aws_s3_bucket.b`)."""
        return _ANY_KEY.sub("", self.base)


def parse_address(text: str) -> Address:
    """The one parser of resource, module and reference addresses."""
    m = _TRAILING_KEY.match(text)
    assert m is not None  # the pattern matches every string
    return Address(m.group(1), m.group(2))


@dataclass(frozen=True)
class Ref:
    """attribute path in the referrer -> resolved target (module instance path + type.name)."""

    attr: str
    target: str
    index: str | None = None  # instance key when the reference names one ("0", '"k"')


@dataclass(eq=False)
class Resource:
    address: str
    type: str
    name: str
    mode: str = "managed"  # or "data"
    module: str = ""  # module instance path, "" for the root module
    values: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None
    attr_locations: dict[str, Location] = field(default_factory=dict)
    refs: list[Ref] = field(default_factory=list)
    provider: str = "aws"  # provider configuration key, e.g. "aws.west" or "module.a:aws"
    region: Any = None
    index: Any = None
    origin: str = "hcl"  # "hcl" or "plan"
    computed: list[str] = field(default_factory=list)  # plan: unknown paths taken as not set
    calls: tuple[Location, ...] = ()  # the module blocks that instantiate it, root first
    # attribute path -> where its value was set by the callers, outermost first
    # (only for an argument that is a plain `var.x` reference given from outside)
    origins: dict[str, tuple[Origin, ...]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        """The address without the instance key: module path + type.name."""
        prefix = f"{self.module}." if self.module else ""
        data = "data." if self.mode == "data" else ""
        return f"{prefix}{data}{self.type}.{self.name}"

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def blocks(self, *path: str) -> list[Any]:
        """Nested blocks along `path` (plan JSON shape: a block is a list of objects).

        An Unknown met on the way is returned in the list as it is, so that a
        caller can tell "no block" from "not known".
        """
        return nested(self.values, *path)

    def location_of(self, attr: str) -> Location | None:
        """The most specific known location for a dotted attribute path."""
        parts = attr.split(".") if attr else []
        while parts:
            loc = self.attr_locations.get(".".join(parts))
            if loc is not None:
                return loc
            parts.pop()
        return self.location

    def origin_of(self, attr: str) -> tuple[Origin, ...]:
        """Where the callers set the value at the location `location_of(attr)` gives."""
        parts = attr.split(".") if attr else []
        while parts:
            path = ".".join(parts)
            if path in self.attr_locations:
                return self.origins.get(path, ())
            parts.pop()
        return ()


def set_nested(obj: Any, parts: list[str], value: Any) -> None:
    """Set `value` at a dotted path through every block instance on the way."""
    if not parts:
        return
    items = obj if isinstance(obj, list) else [obj]
    for item in items:
        if not isinstance(item, dict):
            continue
        if len(parts) == 1:
            item[parts[0]] = value
        elif parts[0] in item:
            set_nested(item[parts[0]], parts[1:], value)


def nested(obj: Any, *path: str) -> list[Any]:
    current: list[Any] = [obj]
    for name in path:
        found: list[Any] = []
        for item in current:
            if isinstance(item, Unknown):
                found.append(item)
                continue
            if not isinstance(item, dict):
                continue
            value = item.get(name)
            found.extend(_as_list(value))
        current = found
    return current


def _as_list(value: Any) -> Iterator[Any]:
    if value is None:
        return iter(())
    if isinstance(value, list):
        return iter([v for v in value if v is not None])
    return iter([value])


class Verdict(NamedTuple):
    """The answer of the AWS knowledge (tfguard.aws) to a question about a subject, in the
    terms of the check API's Result (`Result.of(subject, verdict)` makes one of it)."""

    status: Status
    message: str
    attribute: str = ""  # the deciding argument (dotted path), in `at`
    at: Resource | None = None  # the resource that holds it when it is not the subject
    related: tuple[Resource, ...] = ()  # the resources that explain the verdict


@dataclass(frozen=True)
class Diagnostic:
    """A problem with the input: the scan goes on, the exit code says it happened."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"
    internal: bool = False  # a bug of tfguard's, isolated to one part of the scan (exit code 3)

    @property
    def where(self) -> str:
        """`file:line`, or "" for a problem with no place in a file (a --var option)."""
        return f"{self.file}:{self.line}" if self.file else ""

    def __str__(self) -> str:
        return f"{self.where + ': ' if self.file else ''}{self.severity}: {self.message}"


@dataclass(frozen=True)
class Related:
    address: str
    location: Location | None
    message: str = ""
    # A place the deciding value passed through (a module's line, a caller's argument),
    # not another resource: pre-commit and code scanning treat it as part of the finding.
    provenance: bool = False


@dataclass(frozen=True)
class Finding:
    check_id: str
    slug: str
    title: str
    severity: str
    status: Status
    address: str
    message: str
    location: Location | None
    attribute: str = ""
    related: tuple[Related, ...] = ()
    remediation: str = ""
    fingerprint: str = ""
    suppressed: bool = False
    compliance: dict[str, tuple[str, ...]] = field(default_factory=dict)
    justification: str = ""  # why it is suppressed (inline reason)
    baseline: str = ""  # "", "new" or "unchanged" when a baseline is used (not for passed or suppressed ones)
    root: str = ""  # the root module whose scan produced it: its folder (or plan file) relative to the working directory
    # "", or against the deployed state (a plan's prior state) or a base revision (--diff-base):
    # "introduced" (not there before) or "existing" (there before). FAIL and UNKNOWN only, not suppressed.
    change: str = ""


ACCOUNT = "account"  # the logical subject (and declared type) of an account-level result
ANY_RESOURCE = "*"  # declares every managed resource a possible subject (e.g. any resource with a KMS key argument)


class CheckInfo(Protocol):
    """What reports and docs read about a check: its metadata. tfguard.check.Check is one;
    reports name this, not Check, so that they need nothing above the model."""

    @property
    def id(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def resource_types(self) -> tuple[str, ...]: ...
    @property
    def rationale(self) -> str: ...
    @property
    def remediation(self) -> str: ...
    @property
    def evaluate(self) -> Callable[..., Any]: ...  # docs read its module's docstring
    @property
    def escalates(self) -> bool: ...
    @property
    def baseline(self) -> bool: ...
    @property
    def compliance(self) -> dict[str, tuple[str, ...]]: ...
    @property
    def references(self) -> tuple[str, ...]: ...
    @property
    def bad_example(self) -> str: ...
    @property
    def good_example(self) -> str: ...
    @property
    def doc(self) -> str: ...  # what the check does (its module's docstring)


class Entry(NamedTuple):
    """One accepted finding of a baseline (tfguard.baseline reads and writes them)."""

    root: str
    id: str
    resource: str
    status: str
    fingerprint: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.fingerprint, self.status)


@dataclass
class Report:
    """What a scan found: the one input of every report format."""

    findings: list[Finding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    checks: Sequence[CheckInfo] = field(default_factory=list)
    resources: int = 0
    fixed: list[Entry] = field(default_factory=list)  # baseline entries no longer found
    # What the findings were compared with (tfguard.comparison): "" for nothing, "the prior state"
    # of a plan, or a base revision; and the findings of that base that are gone.
    compared_with: str = ""
    resolved: list[Finding] = field(default_factory=list)
    baseline: Path | None = None  # the baseline the findings were compared with, if any
    roots: list[str] = field(default_factory=list)  # the root modules scanned, as findings name them
    files: int = 0  # distinct source files the findings and resources come from
    seconds: float = 0.0
    targets: list[str] = field(default_factory=list)  # the paths scanned, as given
    started: str = ""  # when the scan started, ISO 8601 UTC to the second
    # The folders that locations' files are relative to (absolute, in order of first use): where
    # reports read source text (SARIF snippets) and find the repository (versionControlProvenance).
    location_roots: list[Path] = field(default_factory=list)
    # Named files (pre-commit): the findings of their root modules that touch none of them. Not
    # reported; a comparison with a base revision needs them (a resource moved to another file).
    untouched: list[Finding] = field(default_factory=list)
