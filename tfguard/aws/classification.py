"""Data classification: levels, a resource's own label, and the effective level over data flows.

- levels from tags (`DataClassification` by default): public < internal <
  confidential < restricted, with aliases (sensitive, pii -> confidential;
  phi, pci -> restricted); a resource's own label is its tags, else tags_all
  (which includes the provider's default_tags) (`own_level`, `label_unknown`);
- the effective classification of a resource: the highest over itself and
  every upstream data flow (`tfguard.aws.flows`), transitively; CloudTrail's
  audit logs count as confidential (`effective`);
- the flow path behind it, with the resources that make each hop
  (replication configuration, backup selection and plan) (`flow_path`,
  `origin_path`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tfguard.aws.flows import upstream
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, is_unknown
from tfguard.unknowns import cause

LEVELS = ("public", "internal", "confidential", "restricted")

CONFIDENTIAL = LEVELS.index("confidential")

_ALIASES = {"sensitive": "confidential", "pii": "confidential", "phi": "restricted", "pci": "restricted"}


def level_of(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    word = _ALIASES.get(word, word)
    return LEVELS.index(word) if word in LEVELS else None


def own_level(res: Resource, tag: str = "DataClassification") -> int | None:
    """The resource's own label: its tags, else tags_all (which includes default_tags)."""
    for attr in ("tags", "tags_all"):
        tags = res.values.get(attr)
        if isinstance(tags, dict) and tag in tags:
            return level_of(tags.get(tag))
    return None


def label_unknown(res: Resource, tag: str = "DataClassification") -> str:
    """What leaves the resource's own classification label unknown ("" when it is known).

    Checks for sensitive resources give UNKNOWN rather than no result on such a
    resource: the label may make it sensitive once the value is known."""
    for attr in ("tags", "tags_all"):
        tags = res.values.get(attr)
        if is_unknown(tags):
            return cause(tags) or f"{attr} is not known statically"
        if isinstance(tags, dict) and tag in tags:
            label = tags[tag]
            return (cause(label) or f"the {tag} tag is not known statically") if is_unknown(label) else ""
    return ""


@dataclass(frozen=True)
class Classification:
    own: int | None  # the resource's own label
    level: int | None  # effective: the highest of its own and every upstream flow
    path: tuple[Resource, ...] = ()  # the flow path the effective level came through (source first)

    @property
    def sensitive(self) -> bool:
        return self.level is not None and self.level >= CONFIDENTIAL

    @property
    def name(self) -> str:
        return LEVELS[self.level] if self.level is not None else "unclassified"


def _source_level(res: Resource, tag: str) -> int | None:
    level = own_level(res, tag)
    if res.type == "aws_cloudtrail":  # audit logs are confidential whatever the trail says
        level = max(level if level is not None else -1, CONFIDENTIAL)
    return level


def effective(graph: ResourceGraph, res: Resource, tag: str = "DataClassification") -> Classification:
    """Highest classification over the resource and everything that flows into it (transitively)."""
    own = own_level(res, tag)
    best: int | None = _source_level(res, tag)
    best_path: tuple[Resource, ...] = (res,)
    seen = {res.address}
    queue: deque[tuple[Resource, tuple[Resource, ...]]] = deque([(res, (res,))])
    while queue:
        node, path = queue.popleft()
        for flow in upstream(graph, node):
            src = flow.source
            if src.address in seen:
                continue
            seen.add(src.address)
            new_path = (src, *path)
            level = _source_level(src, tag)
            if level is not None and (best is None or level > best):
                best, best_path = level, new_path
            queue.append((src, new_path))
    return Classification(own, best, best_path if best_path != (res,) else ())


def flow_path(graph: ResourceGraph, path: Iterable[Resource]) -> tuple[Resource, ...]:
    """A classification path (source first) with the resources that make each hop inserted
    (`table -> selection -> plan -> vault`)."""
    hops = list(path)
    if not hops:
        return ()
    out: list[Resource] = [hops[0]]
    for prev, nxt in zip(hops, hops[1:]):
        flow = next((f for f in upstream(graph, nxt) if f.source is prev), None)
        out.extend(v for v in (flow.via if flow else ()) if v not in out)
        out.append(nxt)
    return tuple(out)


def origin_path(graph: ResourceGraph, res: Resource, path: Iterable[Resource], tag: str = "DataClassification") -> list[Resource]:
    """The flow chain into `res` from where the data originates: the classification path
    (source first; just `res` when its own label is the highest), extended upstream through
    the most classified source of each hop (`instance -> snapshot -> copy`)."""
    hops = list(path) or [res]
    seen = {r.address for r in hops}
    while True:
        flows = [f for f in upstream(graph, hops[0]) if f.source.address not in seen]
        if not flows:
            return hops
        levels = [effective(graph, f.source, tag).level for f in flows]
        best = flows[levels.index(max(levels, key=lambda lv: -1 if lv is None else lv))]
        hops.insert(0, best.source)
        seen.add(best.source.address)


def describe(path: Iterable[Resource]) -> str:
    return " -> ".join(r.address for r in path)
