"""Parallel parsing: the same blocks and diagnostics as the serial parse, only when it pays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.cli import main
from tfguard.load import parallel
from tfguard.load.cache import ParseCache
from tfguard.load.files import module_dirs, tf_files
from tfguard.load.hcl import parse_file

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "fixtures" / "eval"


def _shape(blocks: list) -> list:  # type: ignore[type-arg]
    return [(b.type, b.labels, b.line, b.end_line, b.attrs, [_shape([c]) for c in b.blocks]) for b in blocks]


def _tree(tmp_path: Path) -> list[Path]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "main.tf").write_text('resource "aws_s3_bucket" "a" {\n  bucket = "x-${var.n}"\n}\n', encoding="utf-8")
    (tmp_path / "a" / "bad.tf").write_text('resource "aws_s3_bucket" "broken" {\n  bucket = \n', encoding="utf-8")
    (tmp_path / "b" / "kms.tf").write_text('resource "aws_kms_key" "k" {\n  policy = jsonencode({ a = [1, 2] })\n}\n',
                                           encoding="utf-8")
    (tmp_path / "b" / "doc.tf.json").write_text('{"resource": {"aws_kms_key": {"j": {}}}}', encoding="utf-8")
    return [p for d in module_dirs(tmp_path) for p in tf_files(d)]


def test_workers_give_the_serial_blocks_and_diagnostics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _tree(tmp_path)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    got = parallel.prefetch(paths, tmp_path, None, workers=2)
    # .tf.json files are left to the serial pass (the C json parser gains nothing from a worker).
    assert sorted(p.name for p in got) == ["bad.tf", "kms.tf", "main.tf"]
    for path, (blocks, diags) in got.items():
        serial_blocks, serial_diags = parse_file(path, tmp_path)
        assert _shape(blocks) == _shape(serial_blocks)
        assert diags == serial_diags
    assert got[tmp_path / "a" / "bad.tf"][1][0].file == "a/bad.tf"


def test_small_trees_and_one_core_stay_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _tree(tmp_path)
    assert parallel.prefetch(paths, tmp_path, None, workers=2) == {}  # far below PARALLEL_MIN_BYTES
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    assert parallel.prefetch(paths, tmp_path, None, workers=1) == {}


def test_cached_files_are_not_parsed_again_and_results_are_cached(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _tree(tmp_path)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    cache = ParseCache(tmp_path / "cache")
    first = parallel.prefetch(paths, tmp_path, cache, workers=2)
    assert sorted(p.name for p in first) == ["bad.tf", "kms.tf", "main.tf"]
    # Files that parsed are cached now; the one with a syntax error never is, and
    # one file alone is not worth a worker.
    assert {p.name for p in paths if cache.has(ParseCache.key(b".tf\0" + p.read_bytes()))} == {"main.tf", "kms.tf"}
    assert parallel.prefetch(paths, tmp_path, cache, workers=2) == {}


def test_a_scan_reports_the_same_with_and_without_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    parsed_by_workers: list[int] = []
    real_prefetch = parallel.prefetch

    def counting(*args: object, **kwargs: object) -> parallel.Parsed:
        out = real_prefetch(*args, **kwargs)  # type: ignore[arg-type]
        parsed_by_workers.append(len(out))
        return out

    monkeypatch.setattr(parallel, "prefetch", counting)
    reports = []
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}.json"
        rc = main(["check", str(EVAL), "--no-cache", "--jobs", jobs, "--format", "json", "--output", str(out)])
        # 2 when a fixture is about an input problem (`# diagnostic:` in its expected.txt)
        problems = any("# diagnostic:" in p.read_text(encoding="utf-8") for p in EVAL.rglob("expected.txt"))
        assert rc == (2 if problems else 1)
        reports.append(json.loads(out.read_text(encoding="utf-8")))
    assert reports[0] == reports[1]
    assert reports[0]["findings"]
    # --jobs 1 never asks for workers; --jobs 2 had every .tf file of the tree parsed by them.
    assert parsed_by_workers == [len(list(EVAL.rglob("*.tf")))]


def test_negative_jobs_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EVAL), "--jobs", "-1"]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_a_pool_that_cannot_start_falls_back_to_the_serial_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    paths = _tree(tmp_path)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)

    class NoFork:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoFork)
    assert parallel.prefetch(paths, tmp_path, None, workers=2) == {}
    out = tmp_path / "report.json"
    assert main(["check", str(tmp_path), "--no-cache", "--jobs", "2", "--format", "json", "--output", str(out)]) == 2
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [(d["file"], d["line"]) for d in report["diagnostics"]] == [("a/bad.tf", 2)]
    assert {f["resource"] for f in report["findings"]} >= {"aws_s3_bucket.a", "aws_kms_key.k"}
