"""Configuration: `.tfguard.toml` at the scan root or `[tool.tfguard]` in its pyproject.toml.

Command-line options override it. A configuration file inside a scanned tree
comes from whoever wrote that tree, so it can never make tfguard load code:
`checks-dir` in it is refused unless the user passes --trust-config.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tfguard.errors import UsageError

# key in the file -> (option name, expected type)
KEYS: dict[str, tuple[str, type | tuple[type, ...]]] = {
    "checks": ("only", list), "skip-checks": ("skip", list), "severity": ("severity", dict),
    "fail-on": ("fail_on", str), "classification-tag": ("classification_tag", str),
    "frameworks": ("framework", list), "var-files": ("var_file", list), "exclude": ("exclude", list),
    "profile": ("profile", str), "checks-dir": ("checks_dir", list), "strict": ("strict", bool),
    "format": ("fmt", str), "max-instances": ("max_instances", int), "jobs": ("jobs", int),
    "new-only": ("new_only", bool),
}


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
        return data
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None


def _mentions_tfguard(path: Path) -> bool:
    try:
        return b"tfguard" in path.read_bytes()
    except OSError:
        return True  # let _toml report the error


def find(targets: list[Path]) -> tuple[Path | None, dict[str, Any]]:
    """The configuration for a run: beside the first target, else in the working directory."""
    first = targets[0] if targets else Path(".")
    base = first if first.is_dir() else first.parent
    for folder in dict.fromkeys([base, Path(".")]):
        own = folder / ".tfguard.toml"
        if own.is_file():
            return own, _toml(own)
        pyproject = folder / "pyproject.toml"
        # Most projects' pyproject.toml has no tfguard section; a byte search
        # spares them the TOML parser's import and parse on every run.
        if pyproject.is_file() and _mentions_tfguard(pyproject):
            section = _toml(pyproject).get("tool", {}).get("tfguard")
            if isinstance(section, dict):
                return pyproject, section
    return None, {}


def options_from(path: Path | None, data: dict[str, Any], trust: bool) -> dict[str, Any]:
    """The file's settings as check-command options; relative paths are relative to the file."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in KEYS:
            raise UsageError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(KEYS))})")
        name, kind = KEYS[key]
        if not isinstance(value, kind):
            raise UsageError(f"{path}: {key} must be a {getattr(kind, '__name__', kind)}")
        if name in ("var_file", "checks_dir") and path is not None and isinstance(value, list):
            value = [path.parent / str(v) for v in value]
        out[name] = value
    if "checks_dir" in out and not trust:
        raise UsageError(f"{path}: checks-dir would load code from the scanned tree; pass --trust-config to allow it")
    return out
