"""tfguard.fix.text: edits that keep every other byte, laid out as terraform fmt lays them out.

Where terraform is installed, each edited text is also held to `terraform fmt` (it must
leave the text as it is), so the alignment asserted here is Terraform's, not ours.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tfguard.cli import main
from tfguard.fix.text import Refused, Source, aligned, literal, nested, render, resource_block
from tfguard.load.hcl_ast import Block


def _fmt_keeps(text: str) -> None:
    """terraform fmt leaves `text` as it is (skipped without terraform)."""
    if shutil.which("terraform") is None:
        return
    done = subprocess.run(["terraform", "fmt", "-"], input=text, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == text


def _key(src: Source, name: str = "app") -> Block:
    block = resource_block(src.body(), "aws_kms_key", name)
    assert block is not None
    return block


def _add(text: str, *items: tuple[str, bool | int | str]) -> str:
    src = Source.parse_text(text)
    src.insert_body(_key(src), aligned(list(items)))
    return src.text


def test_crlf_and_bom_are_kept() -> None:
    text = '\ufeff# key\r\nresource "aws_kms_key" "app" {\r\n  description = "k"\r\n}\r\n'
    src = Source.parse_text(text)
    assert (src.newline, src.bom, src.final_newline) == ("\r\n", True, True)
    assert src.text == text  # nothing edited: the same text back
    src.insert_body(_key(src), aligned([("enable_key_rotation", True)]))
    assert src.text == ('\ufeff# key\r\nresource "aws_kms_key" "app" {\r\n  description         = "k"\r\n'
                        '  enable_key_rotation = true\r\n}\r\n')


def test_a_file_without_a_final_newline_keeps_none() -> None:
    text = 'resource "aws_kms_key" "app" {\n  description = "k"\n}'
    assert _add(text, ("enable_key_rotation", True)).endswith("= true\n}")


def test_crlf_and_bom_survive_a_fix_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_bytes(
        b'\xef\xbb\xbf# key\r\nresource "aws_kms_key" "app" {\r\n  description = "k" # why\r\n}\r\n')
    assert main(["fix", str(tmp_path)]) == 0
    assert (tmp_path / "main.tf").read_bytes() == (
        b'\xef\xbb\xbf# key\r\nresource "aws_kms_key" "app" {\r\n  description = "k" # why\r\n\r\n'
        b'  enable_key_rotation = true\r\n}\r\n')


def test_comments_are_kept() -> None:
    text = ('# The application key.\n'
            'resource "aws_kms_key" "app" {\n'
            '  /* who uses it */\n'
            '  description = "k"\n'
            '  // alone on its line\n'
            '}\n')
    out = _add(text, ("enable_key_rotation", True))
    assert out == text.replace("  // alone on its line\n", "  // alone on its line\n\n  enable_key_rotation = true\n")
    _fmt_keeps(out)


def test_an_empty_block_gets_the_argument_inside() -> None:
    out = _add('resource "aws_kms_key" "app" {}\n', ("enable_key_rotation", True))
    assert out == 'resource "aws_kms_key" "app" {\n  enable_key_rotation = true\n}\n'
    _fmt_keeps(out)


def test_an_empty_block_with_a_comment_after_it_keeps_the_comment() -> None:
    out = _add('resource "aws_kms_key" "app" {} # empty for now\n', ("enable_key_rotation", True))
    assert out == 'resource "aws_kms_key" "app" {\n  enable_key_rotation = true\n} # empty for now\n'
    _fmt_keeps(out)


def test_a_one_line_block_with_content_is_refused() -> None:
    src = Source.parse_text('resource "aws_kms_key" "app" { description = "k" }\n')
    with pytest.raises(Refused, match=r"^the block on line 1 is on one line; edit it by hand$"):
        src.insert_body(_key(src), aligned([("enable_key_rotation", True)]))


def test_a_closing_brace_sharing_its_line_is_refused() -> None:
    src = Source.parse_text('resource "aws_kms_key" "app" {\n  description = "k" }\n')
    with pytest.raises(Refused, match=r"^the closing brace on line 2 shares its line; edit it by hand$"):
        src.insert_body(_key(src), aligned([("enable_key_rotation", True)]))


def test_the_last_group_is_realigned_as_terraform_fmt_aligns_it() -> None:
    text = ('resource "aws_kms_key" "app" {\n'
            '  is_enabled = true\n'
            '\n'
            '  tags = {\n'
            '    team = "data"\n'
            '  }\n'
            '  description = "k"\n'
            '  multi       = false\n'
            '}\n')
    out = _add(text, ("enable_key_rotation", True), ("deletion_window_in_days", 30))
    assert out == ('resource "aws_kms_key" "app" {\n'
                   '  is_enabled = true\n'
                   '\n'
                   '  tags = {\n'
                   '    team = "data"\n'
                   '  }\n'
                   '  description             = "k"\n'
                   '  multi                   = false\n'
                   '  enable_key_rotation     = true\n'
                   '  deletion_window_in_days = 30\n'
                   '}\n')
    _fmt_keeps(out)


def test_a_longer_existing_name_sets_the_column() -> None:
    text = 'resource "aws_kms_key" "app" {\n  customer_master_key_spec = "SYMMETRIC_DEFAULT"\n}\n'
    out = _add(text, ("enable_key_rotation", True))
    assert out == ('resource "aws_kms_key" "app" {\n  customer_master_key_spec = "SYMMETRIC_DEFAULT"\n'
                   '  enable_key_rotation      = true\n}\n')
    _fmt_keeps(out)


def test_a_trailing_comment_in_the_last_group_starts_a_separate_group() -> None:
    text = 'resource "aws_kms_key" "app" {\n  description = "k" # shown in the console\n}\n'
    out = _add(text, ("enable_key_rotation", True))
    assert out == ('resource "aws_kms_key" "app" {\n  description = "k" # shown in the console\n\n'
                   '  enable_key_rotation = true\n}\n')
    _fmt_keeps(out)


def test_a_nested_block_is_added_after_a_blank_line() -> None:
    text = 'resource "aws_kms_key" "app" {\n  description = "k"\n}\n'
    src = Source.parse_text(text)
    src.insert_body(_key(src), nested("point_in_time_recovery", [("enabled", True)]))
    assert src.text == ('resource "aws_kms_key" "app" {\n  description = "k"\n\n'
                        '  point_in_time_recovery {\n    enabled = true\n  }\n}\n')
    _fmt_keeps(src.text)


def test_set_value_keeps_the_rest_of_the_line() -> None:
    text = 'resource "aws_kms_key" "app" {\n  description = "a \\"quoted\\" \\\\ path" # keep me\n}\n'
    src = Source.parse_text(text)
    assert src.set_value(2, "description", 'new "one" \\ ${not} %{here}') is True
    assert src.lines[1] == '  description = "new \\"one\\" \\\\ $${not} %%{here}" # keep me'
    _fmt_keeps(src.text)
    attr = _key(src).attrs["description"]
    assert literal(attr) == (True, 'new "one" \\ ${not} %{here}')  # read back as written
    assert src.set_value(2, "description", 'new "one" \\ ${not} %{here}') is False  # already so: no edit


def test_set_value_of_a_quoted_name_and_a_bare_token() -> None:
    src = Source.parse_text('locals {\n  "enabled" = false\n  days = 7\n}\n')
    assert src.set_value(2, "enabled", True) and src.set_value(3, "days", 30)
    assert src.lines[1:3] == ['  "enabled" = true', "  days = 30"]


def test_set_value_refuses_what_is_not_one_simple_argument() -> None:
    src = Source.parse_text('resource "aws_kms_key" "app" {\n  description = "k"\n}\n')
    with pytest.raises(Refused, match=r"^enable_key_rotation is not a simple `name = value` on line 2$"):
        src.set_value(2, "enable_key_rotation", True)


def test_render() -> None:
    assert [render(True), render(False), render(30), render("TLSv1.2_2021")] == ["true", "false", "30", '"TLSv1.2_2021"']
    assert render("${a} %{b}") == '"$${a} %%{b}"'  # written as a literal, never a template


def test_literal_is_a_one_line_constant_only() -> None:
    body = Source.parse_text('resource "aws_kms_key" "app" {\n  a = "x"\n  b = "${var.x}"\n  c = [\n    1,\n  ]\n'
                             '  d = 7\n  e = var.x\n  f = null\n}\n').body()
    attrs = body.blocks[0].attrs
    assert {n: literal(a) for n, a in attrs.items()} == {
        "a": (True, "x"), "b": (False, None), "c": (False, None), "d": (True, 7), "e": (False, None), "f": (True, None)}


def test_mixed_line_endings_keep_each_line_s_own() -> None:
    text = 'resource "aws_kms_key" "app" {\r\n  description = "k"\n}\n\n# last\r\n'
    src = Source.parse_text(text)
    assert (src.newline, src.text) == ("\n", text)
    src.insert_body(_key(src), aligned([("enable_key_rotation", True)]))
    assert src.text == ('resource "aws_kms_key" "app" {\r\n  description         = "k"\n'
                        '  enable_key_rotation = true\n}\n\n# last\r\n')


def test_an_empty_block_whose_comment_holds_braces() -> None:
    out = _add('resource "aws_kms_key" "app" {} # {x}\n', ("enable_key_rotation", True))
    assert out == 'resource "aws_kms_key" "app" {\n  enable_key_rotation = true\n} # {x}\n'


def test_a_text_that_does_not_parse_is_refused_not_raised() -> None:
    with pytest.raises(Refused, match=r"^the edited file does not parse \(line \d+: .*\); edit it by hand$"):
        Source.parse_text('resource "aws_kms_key" "app" {\n').body()


def test_a_resource_added_after_a_block_is_set_off_on_both_sides() -> None:
    src = Source.parse_text('resource "aws_kms_key" "app" {\n}\nresource "aws_kms_key" "next" {\n}\n')
    src.insert_after(_key(src), ['resource "aws_kms_alias" "app" {', "}"])
    assert src.text == ('resource "aws_kms_key" "app" {\n}\n\nresource "aws_kms_alias" "app" {\n}\n\n'
                        'resource "aws_kms_key" "next" {\n}\n')
    src.insert_after(_key(src, "next"), ['resource "aws_kms_alias" "next" {', "}"])
    assert src.text.endswith('resource "aws_kms_key" "next" {\n}\n\nresource "aws_kms_alias" "next" {\n}\n')
