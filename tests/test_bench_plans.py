"""The benchmark's plans: a real plan replicated into module instances loads as Terraform would have written it."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.conftest import DATA
from tfguard.cli import main
from tfguard.load.plan import load_plan_doc

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
TERRAGOAT = DATA / "plans" / "checkov__terragoat-aws-55-resources.json"


def _gen_plan() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_plan", BENCH / "gen_plan.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_plan = _gen_plan()


def _addresses(doc: dict[str, Any], mode: str) -> set[str]:
    resources, diagnostics, _ = load_plan_doc(doc, "plan.json")
    assert diagnostics == []
    return {r.address for r in resources if r.mode == mode}


def _base_addresses(path: Path, mode: str) -> set[str]:
    return _addresses(gen_plan.load(path), mode)


def test_unit_plan_replicated_into_three_instances() -> None:
    doc = gen_plan.replicate(gen_plan.load(gen_plan.UNIT_PLAN), 3, gen_plan.UNIT_TOKEN)
    base = _base_addresses(gen_plan.UNIT_PLAN, "managed")
    assert len(base) == 25
    assert _addresses(doc, "managed") == {f"module.m[{i}].{a}" for i in range(3) for a in base}
    assert gen_plan.managed_count(doc) == 75
    # Each instance is in every section Terraform writes, under the same address.
    planned = doc["planned_values"]["root_module"]["child_modules"]
    assert [m["address"] for m in planned] == ["module.m[0]", "module.m[1]", "module.m[2]"]
    assert len(planned[2]["resources"]) == 29  # with the 4 data sources read at apply
    call = doc["configuration"]["root_module"]["module_calls"]["m"]
    assert call["count_expression"] == {"constant_value": 3}
    assert {r["address"] for r in call["module"]["resources"]} >= {"aws_s3_bucket.logs", 'aws_kms_key.data'}
    assert doc["relevant_attributes"][0]["resource"].startswith("module.m[0].")
    names = {rc["change"]["after"]["bucket"] for rc in doc["resource_changes"] if rc["address"].endswith(
        'aws_s3_bucket.data["restricted"]')}
    assert names == {"bench-i0-restricted", "bench-i1-restricted", "bench-i2-restricted"}


def test_corpus_plan_keeps_prior_state_data_sources_per_instance() -> None:
    doc = gen_plan.replicate(gen_plan.load(TERRAGOAT), 2, "acme-corp")
    assert gen_plan.managed_count(doc) == 110
    data = _base_addresses(TERRAGOAT, "data")
    assert "data.aws_ami.amazon-linux-2" in data  # read during planning: in prior_state only
    assert _addresses(doc, "data") == {f"module.m[{i}].{a}" for i in range(2) for a in data}
    call = doc["configuration"]["root_module"]["module_calls"]["m"]
    assert call["expressions"]["environment"] == {"constant_value": "corp"}
    assert "variables" not in doc and "output_changes" not in doc


def test_copies_for_rounds_up_to_whole_instances() -> None:
    assert gen_plan.copies_for(1250) == 50
    assert gen_plan.copies_for(1251) == 51
    assert gen_plan.copies_for(1, TERRAGOAT) == 1


def test_replicated_plan_checked_end_to_end(tmp_path: Path, capsys: Any) -> None:
    plan = tmp_path / "plan.json"
    gen_plan.write(plan, 2)
    assert main(["check", str(plan), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["resources"] == 58  # 2 x (25 managed + 4 data sources)
    found = {(f["id"], f["resource"], f["status"]) for f in out["findings"]}
    for i in range(2):
        assert ("TG301", f'module.m[{i}].aws_kms_key.data["confidential"]', "fail") in found
        assert ("TG403", f'module.m[{i}].aws_s3_bucket.data["internal"]', "fail") in found
    assert ("TG301", 'module.m[1].aws_kms_key.data["restricted"]', "fail") not in found


def test_comparison_stops_when_the_tools_scanned_different_resources(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_compare", BENCH / "compare.py")
    assert spec is not None and spec.loader is not None
    compare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compare)
    compare.same_resources("plan 1x", 1250, 1250, 1250)  # agrees: no error
    for ours, theirs, expected in ((1250, 0, 1250), (1100, 1100, 1250), (0, 0, None)):
        try:
            compare.same_resources("plan 1x", ours, theirs, expected)
        except compare.BenchError as exc:
            assert str(exc).startswith(f"plan 1x: tfguard scanned {ours} managed resources, checkov {theirs}")
        else:
            raise AssertionError(f"{ours} / {theirs} / {expected} accepted")
    plan = tmp_path / "plan.json"
    plan.write_text("{}", encoding="utf-8")
    assert compare.checkov_cmd("checkov", plan)[:5] == ["checkov", "-f", str(plan), "--framework", "terraform_plan"]
    assert compare.checkov_cmd("checkov", tmp_path)[:5] == ["checkov", "-d", str(tmp_path), "--framework", "terraform"]
    assert "--skip-download" in compare.checkov_cmd("checkov", tmp_path)
    monkeypatch.delitem(sys.modules, "measure", raising=False)
