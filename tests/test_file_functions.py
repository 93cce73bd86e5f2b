"""file(), templatefile(), fileset(), the file digests, try() and can(), as `terraform
console` gives them on the same files; nothing outside the scan root is ever read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.functions import files as file_functions
from tfguard.load.hcl_expr import parse_expression
from tfguard.model import EvalError, TfSet, Unknown


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text("a\n")
    (tmp_path / "bin.dat").write_bytes(b"\xff\xfe")
    (tmp_path / "t.tpl").write_text("v=${v}")
    (tmp_path / "bad.tpl").write_text("%{ endif }")
    return tmp_path


def _eval(expr: str, root: Path, **variables: Any) -> Any:
    scope = Scope(variables=variables, root=root, directory=root / "sub", shown_root=root)
    return evaluate(parse_expression(expr), scope)


@pytest.mark.parametrize(("expr", "expected"), [
    ('file("sub/x.txt")', "a\n"),
    ('file("x.txt")', "a\n"),  # a module's own folder, as path.module-less paths in a module
    ('fileexists("sub/x.txt")', True), ('fileexists("nope")', False),
    ('filebase64("bin.dat")', "//4="),
    ('filemd5("sub/x.txt")', "60b725f10c9c85c70d97880dfe8191b3"),
    ('filesha1("sub/x.txt")', "3f786850e387550fdab836ed7e6dc881de23001b"),
    ('filesha256("sub/x.txt")', "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7"),
    ('filesha512("sub/x.txt")', "162b0b32f02482d5aca0a7c93dd03ceac3acd7e410a5f18f3fb990fc958ae0df"
                                "6f32233b91831eaf99ca581a8c4ddf9c8ba315ac482db6d4ea01cc7884a635be"),
    ('filebase64sha256("sub/x.txt")', "h0KPxSKAPTEGXnvOPPA/5HUJZjHl4Hu9eg/eYMTPJcc="),
    ('templatefile("t.tpl", {v = 1})', "v=1"),
    ('templatestring(var.t, {v = "a"})', "a!"),
    ('fileset(".", "sub/*")', TfSet(["sub/x.txt"])), ('fileset("nope", "*")', TfSet([])),
    ('try(file("nope"), "fallback")', "fallback"), ('can(file("nope"))', False), ("can(1)", True),
])
def test_value(root: Path, expr: str, expected: Any) -> None:
    assert _eval(expr, root, t="${v}!") == expected


@pytest.mark.parametrize(("expr", "reason"), [
    ('file("nope.txt")', "file(): no file exists at 'nope.txt'"),
    ('file("bin.dat")', "file(): the contents of bin.dat are not valid UTF-8"),
    ('filemd5("nope")', "filemd5(): no file exists at 'nope'"),
    ('fileexists("sub")', "fileexists(): 'sub' is a directory, not a file"),
    ('templatefile("t.tpl", "x")', "templatefile() variables must be a map"),
    ('templatefile("bad.tpl", {})', "templatefile(): bad.tpl is not a valid template: %{endif} without %{if}"),
    ('templatestring(1, {})', "templatestring() takes a string and a map"),
    ('templatestring(var.bad, {})', "templatestring() is not a valid template: %{endif} without %{if}"),
    # the number of arguments
    ("file()", "file() takes one argument"), ("fileexists()", "fileexists() takes one argument"),
    ('templatefile("t.tpl")', "templatefile() takes two arguments"), ('fileset(".")', "fileset() takes two arguments"),
    ("filemd5()", "filemd5() takes one argument"), ('templatestring("x")', "templatestring() takes two arguments"),
    ("try()", "try() needs at least one argument"), ("can(1, 2)", "can() takes one argument"),
    ('try(file("a"), file("b"))', "try(): no argument could be evaluated without error"),
])
def test_error(root: Path, expr: str, reason: str) -> None:
    value = _eval(expr, root, bad="%{ endif }")
    assert isinstance(value, EvalError) and value.reason == reason


@pytest.mark.parametrize(("expr", "reason"), [
    ('file("/etc/hostname")', "file '/etc/hostname' is not inside the scanned directory"),
    ('file("../../outside")', "file '../../outside' is not inside the scanned directory"),
    ('fileexists("/etc/hostname")', "file '/etc/hostname' is not inside the scanned directory"),
    ('fileset("/etc", "*")', "folder '/etc' is not inside the scanned directory"),
    ("file(var.u)", "file path is not known statically"),
    ("file(1)", "file path is not known statically"),
    ("filesha256(var.u)", "file path is not known statically"),
    ('templatefile("t.tpl", var.u)', "templatefile() variables are not known statically"),
    ('templatestring(var.u, {})', "templatestring() arguments are not known statically"),
    ('fileset(var.u, "*")', "fileset() arguments are not known statically"),
    ("can(var.u)", "not known"),
    ("try(var.u, 1)", "not known"),  # an unknown value is no failure: try() keeps it
])
def test_unknown(root: Path, expr: str, reason: str) -> None:
    value = _eval(expr, root, u=Unknown("not known"))
    assert type(value) is Unknown and value.reason == reason


def test_without_a_scan_root_nothing_is_read(root: Path) -> None:
    value = evaluate(parse_expression('file("sub/x.txt")'), Scope())
    assert type(value) is Unknown and value.reason == "file functions are not evaluated here"


def test_limits(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_functions, "MAX_READ_BYTES", 1)
    assert _eval('file("sub/x.txt")', root).reason == "x.txt is larger than 1 bytes"
    monkeypatch.setattr(file_functions, "MAX_FILESET", 0)
    assert _eval('fileset(".", "**")', root).reason == "fileset() matches more than 0 files"


def test_an_unreadable_file_is_unknown(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    value = _eval('file("sub/x.txt")', root)
    assert type(value) is Unknown and value.reason == "cannot read x.txt: [Errno 13] Permission denied"
