"""Every fixture's JSON report, pinned: where and why, not only what.

tests/test_fixtures.py asserts (check id, address, status). This pins the rest of each
finding as `tfguard check --format json` reports it (line, attribute, message, related
locations, root, suppression), in HCL mode and, where the fixture has a plan.json, plan mode:
one file per fixture in tests/__snapshots__/test_snapshots/, so a diff names the fixture that
moved. After a deliberate change, regenerate them and say why in the commit:

    python -m pytest tests/test_snapshots.py --snapshot-update

A fixture without a snapshot fails, and so does a snapshot whose fixture is gone (syrupy
reports it unused; test_every_snapshot_has_its_fixture also holds when other tests run with
it); --snapshot-update deletes it.

Left out, so that a snapshot is the same on every machine and from every working directory:
the tool version; each check's own metadata (slug, title, remediation, compliance), the same
in every fixture and pinned by the check docs; the fingerprint, whose root module is named
relative to the working directory (paths here are relative to the fixture instead).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import FIXTURES, ROOT
from tests.expected import read_expected
from tests.scans import scan
from tfguard.model import Report
from tfguard.report.json_format import render

CASES = sorted(p.parent for p in FIXTURES.rglob("expected.txt"))
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"
CHECK_METADATA = ("slug", "title", "remediation", "compliance", "fingerprint")


class FixtureJSON(JSONSnapshotExtension):
    """Keys in the report's order (the default sorts them), UTF-8 text, one file per test."""

    def serialize(self, data: Any, **_: Any) -> str:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def matches_test_location(cls, *, test_location: Any, snapshot_location: str) -> bool:
        # Whether the file is in this test file's snapshot folder (syrupy then matches names).
        # syrupy's own version resolves both paths on disk, for every snapshot against every
        # test that ran: with 533 snapshots, 10 s at the end of each run. Names here are never
        # truncated (the longest is far below 255 characters), so comparing folders is enough.
        return os.path.dirname(snapshot_location) == cls.dirname(test_location=test_location)


def _id(case: Path) -> str:
    # syrupy drops '/' from file names: `checks__TG101__bad_x` keeps the path readable.
    return "__".join(case.relative_to(FIXTURES).parts)


class _Paths:
    """Report paths are relative to the working directory when the fixture is inside it, else
    to the fixture (tfguard.run): here they are always relative to the fixture, POSIX."""

    def __init__(self, case: Path) -> None:
        cwd = Path(os.getcwd()).resolve()
        self.case = case.resolve()
        self.base = cwd if self.case.is_relative_to(cwd) else self.case

    def rel(self, file: str | None) -> str | None:
        if not file:
            return file
        return Path(os.path.relpath((self.base / file).resolve(), self.case)).as_posix()

    def text(self, message: str) -> str:
        # A message may name a file (a tfvars file, a module) by its absolute or
        # working-directory-relative path: here it is relative to the fixture.
        for path, shown in ((f"{self.case}/", ""), (str(self.case), "."), (str(ROOT.resolve()), "<repo>")):
            message = message.replace(path, shown)
        prefix = os.path.relpath(self.case, self.base)
        return message if prefix == "." else message.replace(Path(prefix).as_posix() + "/", "")


def _finding(f: dict[str, Any], paths: _Paths) -> dict[str, Any]:
    out = {k: v for k, v in f.items() if k not in CHECK_METADATA}
    out["file"] = paths.rel(f["file"])
    out["root"] = paths.rel(f["root"])
    out["message"] = paths.text(f["message"])
    out["related"] = [{**r, "file": paths.rel(r["file"]), "type": paths.text(r["type"])} for r in f["related"]]
    return out


def _order(f: dict[str, Any]) -> tuple[Any, ...]:
    # The report orders by (id, resource, FAIL first); ties keep the engine's order, which a
    # restructuring may change without changing any result.
    return (f["id"], f["resource"], f["status"], f["file"] or "", f["start_line"] or 0, f["attribute"], f["message"])


def pinned(report: Report, case: Path) -> dict[str, Any]:
    """What the snapshot holds of one scan."""
    doc = json.loads(render(report, include_passed=True))
    paths = _Paths(case)
    return {
        "summary": doc["summary"],
        "findings": sorted((_finding(f, paths) for f in doc["findings"]), key=_order),
        "resolved": sorted((_finding(f, paths) for f in doc["resolved"]), key=_order),
        "diagnostics": sorted(({**d, "file": paths.rel(d["file"]), "message": paths.text(d["message"])}
                               for d in doc["diagnostics"]), key=lambda d: (d["file"] or "", d["line"] or 0, d["message"])),
    }


@pytest.fixture
def snapshot_json(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(FixtureJSON)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_fixture_json(case: Path, snapshot_json) -> None:  # type: ignore[no-untyped-def]
    checks = read_expected(case / "expected.txt").checks
    modes = {"hcl": case} | ({"plan": case / "plan.json"} if (case / "plan.json").exists() else {})
    assert {mode: pinned(scan(target, checks), case) for mode, target in modes.items()} == snapshot_json


def test_every_snapshot_has_its_fixture(request: pytest.FixtureRequest) -> None:
    """A renamed or deleted fixture leaves no snapshot behind."""
    names = {f"test_fixture_json[{_id(case)}].json" for case in CASES}
    have = {p.name for p in SNAPSHOTS.iterdir()}
    assert sorted(names - have) == []
    if not request.config.getoption("update_snapshots"):  # --snapshot-update deletes them at the end
        assert sorted(have - names) == []
