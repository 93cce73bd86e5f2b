"""Data classification levels from tags (own tags and the provider's default_tags / tags_all)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
