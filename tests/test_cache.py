"""The parse cache: hits, corrupt and foreign entries, --no-cache."""

from __future__ import annotations

from pathlib import Path

from tfguard.load.cache import ParseCache
from tfguard.load.hcl import parse_file

TF = 'resource "aws_kms_key" "k" {\n  description = "x ${var.a}"\n  rule {\n    a = [1, 2.5, true, null]\n  }\n}\n'


def _shape(blocks: list) -> list:  # type: ignore[type-arg]
    return [(b.type, b.labels, b.line, b.end_line, b.attrs, [(c.type, c.attrs) for c in b.blocks]) for b in blocks]


def test_hit_gives_the_same_blocks(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF, encoding="utf-8")
    cache = ParseCache(tmp_path / "cache")
    first, _ = parse_file(tmp_path / "main.tf", tmp_path, cache)
    second, _ = parse_file(tmp_path / "main.tf", tmp_path, cache)
    assert (cache.misses, cache.hits) == (1, 1)
    assert _shape(first) == _shape(second)


def test_corrupt_or_foreign_entries_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF, encoding="utf-8")
    cache = ParseCache(tmp_path / "cache")
    expected, _ = parse_file(tmp_path / "main.tf", tmp_path, cache)
    [entry] = [p for p in cache.directory.rglob("*") if p.is_file()]
    for garbage in (b"", b"\x00garbage", entry.read_bytes()[:10]):
        entry.write_bytes(garbage)
        blocks, diags = parse_file(tmp_path / "main.tf", tmp_path, cache)
        assert diags == [] and _shape(blocks) == _shape(expected)
    other = tmp_path / "other.tf"
    other.write_text('resource "aws_kms_key" "other" {}\n', encoding="utf-8")
    # An entry stored under another file's key is never trusted.
    key_main = ParseCache.key(b".tf\0" + TF.encode())
    key_other = ParseCache.key(b".tf\0" + other.read_bytes())
    cache._path(key_other).parent.mkdir(parents=True, exist_ok=True)
    cache._path(key_other).write_bytes(cache._path(key_main).read_bytes())
    blocks, _ = parse_file(other, tmp_path, cache)
    assert blocks[0].labels == ("aws_kms_key", "other")


def test_parse_errors_are_not_cached(tmp_path: Path) -> None:
    (tmp_path / "bad.tf").write_text('resource "x" "y" {\n  a = \n}\n', encoding="utf-8")
    cache = ParseCache(tmp_path / "cache")
    for _ in range(2):
        _, diags = parse_file(tmp_path / "bad.tf", tmp_path, cache)
        assert [(d.file, d.line) for d in diags] == [("bad.tf", 2)]
    assert cache.hits == 0
