"""The wheel ships every package and data file the source tree has.

The test suite imports tfguard from the source tree, so a subpackage missing
from pyproject.toml's explicit package list would pass every other test and
fail for every user who installs tfguard (`pip install .`)."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # tomli is a dependency of tfguard below 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def test_every_package_of_the_source_tree_is_shipped() -> None:
    setuptools = _project()["tool"]["setuptools"]  # type: ignore[index]
    listed = set(setuptools["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "tfguard").rglob("__init__.py")}
    assert found <= listed, f"packages missing from pyproject.toml: {sorted(found - listed)}"
    assert "tfguard.builtin_checks" in listed


def test_every_data_file_is_shipped() -> None:
    import fnmatch

    patterns = _project()["tool"]["setuptools"]["package-data"]["tfguard"]  # type: ignore[index]
    files = [p.relative_to(ROOT / "tfguard").as_posix() for sub in ("templates", "data")
             for p in (ROOT / "tfguard" / sub).iterdir() if p.is_file()]
    assert files
    assert all(any(fnmatch.fnmatch(f, pat) for pat in patterns) for f in files), files
