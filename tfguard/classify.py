"""Data classification from tags (own tags and the provider's default_tags / tags_all)."""

from __future__ import annotations

from typing import Any

from tfguard.model import Resource

LEVELS = ("public", "internal", "confidential", "restricted")
_ALIASES = {"sensitive": "confidential", "pii": "confidential", "phi": "restricted", "pci": "restricted"}


def level_of(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    word = _ALIASES.get(word, word)
    return LEVELS.index(word) if word in LEVELS else None


def own_level(res: Resource, tag: str = "DataClassification") -> int | None:
    best: int | None = None
    for attr in ("tags_all", "tags"):
        tags = res.values.get(attr)
        if isinstance(tags, dict):
            lvl = level_of(tags.get(tag))
            if lvl is not None and (best is None or lvl > best):
                best = lvl
    return best


def is_sensitive(res: Resource, tag: str = "DataClassification") -> bool:
    lvl = own_level(res, tag)
    return lvl is not None and lvl >= LEVELS.index("confidential")
