"""Mutated fixtures (truncated, spliced, flipped, nested, duplicated) never crash tfguard.

Bounded: a fixed number of examples per property and no deadline flakiness on a
loaded CI machine; the whole module stays well under two minutes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tfguard.cli import main

TF_SOURCES = sorted(FIXTURES.rglob("*.tf"))[:40]
PLANS = sorted(FIXTURES.rglob("plan.json"))[:10]
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def mutate(data: bytes, kind: str, seed: int, other: bytes) -> bytes:
    rnd = random.Random(seed)
    if not data:
        return data
    cut = rnd.randrange(len(data))
    if kind == "truncate":
        return data[:cut]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(1 + seed % 8):
            out[rnd.randrange(len(out))] = rnd.randrange(256)
        return bytes(out)
    if kind == "splice":
        return data[:cut] + other[rnd.randrange(max(len(other), 1)):]
    if kind == "nest":
        return data[:cut] + b"{[(" * (50 + seed % 400) + data[cut:]
    return data + data  # duplicate: every block declared twice


KINDS = st.sampled_from(["truncate", "flip", "splice", "nest", "duplicate"])


def _check(tmp_path: Path, name: str, content: bytes) -> None:
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    code = main(["check", str(target if name.endswith(".json") else target.parent), "--format", "json",
                 "--output", str(tmp_path / "out.json"), "--no-cache"])
    assert code in (0, 1, 2), f"internal error on {name}"
    if code != 2 or (tmp_path / "out.json").exists():
        json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))


@SETTINGS
@given(index=st.integers(0, len(TF_SOURCES) - 1), other=st.integers(0, len(TF_SOURCES) - 1),
       kind=KINDS, seed=st.integers(0, 2**16))
def test_mutated_hcl(tmp_path_factory, index: int, other: int, kind: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("hcl")
    data = mutate(TF_SOURCES[index].read_bytes(), kind, seed, TF_SOURCES[other].read_bytes())
    _check(tmp, "main.tf", data)


@SETTINGS
@given(index=st.integers(0, len(PLANS) - 1), kind=KINDS, seed=st.integers(0, 2**16))
def test_mutated_plan(tmp_path_factory, index: int, kind: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("plan")
    data = PLANS[index].read_bytes()
    _check(tmp, "plan.json", mutate(data, kind, seed, data))


@SETTINGS
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                    max_leaves=30))
def test_structurally_random_plans(tmp_path_factory, value: object) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("shape")
    doc = {"format_version": "1.2", "terraform_version": "1.11.4",
           "resource_changes": [{"address": "aws_s3_bucket.x", "mode": "managed", "type": "aws_s3_bucket",
                                 "name": "x", "change": {"actions": ["create"], "after": value, "after_unknown": value}}],
           "configuration": {"root_module": {"resources": [{"address": "aws_s3_bucket.x", "mode": "managed",
                                                             "type": "aws_s3_bucket", "name": "x", "expressions": value}]}}}
    _check(tmp, "plan.json", json.dumps(doc).encode())
