"""Plan JSON that is malformed, oversized or partial: refused with file and line, or
read as far as it goes (tests/test_plan_source.py has real plans)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfguard.errors import InputError
from tfguard.load import plan
from tfguard.load.plan import load_plan_doc, read_plan


def _refusal(path: Path) -> tuple[int, str]:
    with pytest.raises(InputError) as caught:
        read_plan(path, "plan.json")
    return caught.value.line, caught.value.message


def test_unreadable_and_oversized_plans_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _refusal(tmp_path) == (1, "cannot read: Is a directory")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    assert _refusal(deep) == (1, "JSON nested too deeply")
    big = tmp_path / "big.json"
    big.write_text('{"format_version": "1.2", "resource_changes": []}')
    monkeypatch.setattr(plan, "MAX_PLAN_BYTES", 10)
    assert _refusal(big) == (1, "plan file is larger than 10 bytes")


def _change(address: str, after: Any, actions: tuple[str, ...] = ("create",), **change: Any) -> dict[str, Any]:
    rtype, name = address.split(".")
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "change": {"actions": list(actions), "after": after, **change}}


def test_partial_entries_are_skipped_and_said() -> None:
    doc = {"format_version": "1.2", "resource_changes": [
        {"address": "aws_sns_topic.nochange"},
        {"change": {"actions": ["create"], "after": {}}},  # no address: not a resource
        _change("aws_sns_topic.gone", None, ("delete",)),
        _change("aws_sns_topic.kept", {"name": "kept"}),
    ]}
    resources, diagnostics, _ = load_plan_doc(doc, "plan.json")
    assert [r.address for r in resources] == ["aws_sns_topic.kept"]
    assert [(d.file, d.line, d.message) for d in diagnostics] == [
        ("plan.json", 1, "a resource_changes entry has no change; skipped")]


def test_sensitive_values_are_collected_from_marks_and_variables() -> None:
    doc = {
        "format_version": "1.2",
        "resource_changes": [_change(
            "aws_db_instance.db",
            {"password": "hunter22", "tags": {"a": "open", "b": "secret-b"}, "list": ["l-one", "l-two"],
             "whole": {"x": "w-one", "y": ["w-two"]}, "all": ["a-one", {"k": "a-two"}]},
            after_sensitive={"password": True, "tags": {"b": True}, "list": [False, True], "whole": True,
                             "all": True})],
        "configuration": {"root_module": {"variables": {"token": {"sensitive": True}, "open": {}}}},
        "variables": {"token": {"value": {"v": ["tok-en"]}}, "open": {"value": "visible"}},
    }
    _, _, sensitive = load_plan_doc(doc, "plan.json")
    assert sensitive == {"hunter22", "secret-b", "l-two", "w-one", "w-two", "a-one", "a-two", "tok-en"}


def test_a_plan_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.11.0", "resource_changes": [
        _change("aws_sns_topic.t", {"name": "t"})]}))
    resources, diagnostics, _ = load_plan_doc(read_plan(path, "plan.json"), "plan.json")
    assert [(r.address, r.values["name"]) for r in resources] == [("aws_sns_topic.t", "t")]
    assert diagnostics == []
