"""Edits of Terraform source text that keep everything else as it was.

A fix changes a literal value on its line, adds an argument or a nested block
before a block's closing brace, or adds a resource after a block; every other
byte (comments, blank lines, alignment, line endings) stays. What is added is
laid out as `terraform fmt` lays it out: two spaces per level, the `=` of an
added group aligned, and separated from what was there by a blank line, so that
the alignment of existing groups never has to change. Anything the editor
cannot change this way (a value on several lines, a one-line block with
content, a closing brace that shares its line) is refused with a reason rather
than rewritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tfguard.load.hcl_ast import Attribute, Block, parse_body

Scalar = bool | int | str


class Refused(Exception):
    """A fix that cannot be made by editing a literal or adding an absent argument."""


def render(value: Scalar) -> str:
    """A value as HCL writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # JSON's escapes are HCL's; `${` and `%{` would start a template, so they are doubled.
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def literal(attr: Attribute) -> tuple[bool, Scalar | None]:
    """Whether the argument is a single-line literal (a string without interpolation,
    a number or a bool), and its value."""
    expr = attr.expr
    if attr.line != attr.end_line:
        return False, None
    if expr[0] == "lit" and (expr[1] is None or isinstance(expr[1], bool | int | str)):
        return True, expr[1]  # null too: the argument is as good as absent
    if expr[0] == "tmpl" and all(isinstance(p, str) for p in expr[1]):
        return True, "".join(expr[1])
    return False, None


# A value on its line: a quoted string (escapes kept together) or a bare token.
_VALUE = r'("(?:[^"\\\n]|\\.)*"|[^\s#/,}]+)'


@dataclass
class Source:
    """One file's text as lines (without their endings) and how to write it back."""

    lines: list[str]
    newline: str = "\n"
    bom: bool = False
    final_newline: bool = True

    @classmethod
    def parse_text(cls, text: str) -> Source:
        bom = text.startswith("\ufeff")
        body = text[1:] if bom else text
        final = body.endswith("\n")
        lines = body.split("\n")
        if final:
            lines.pop()
        ended = lines if final else lines[:-1]
        if ended and all(line.endswith("\r") for line in ended):
            return cls([line.removesuffix("\r") for line in ended] + lines[len(ended):], "\r\n", bom, final)
        # LF, or endings mixed: a line keeps its own \r, and what is added ends with \n.
        return cls(lines, "\n", bom, final)

    @property
    def text(self) -> str:
        body = self.newline.join(self.lines) + (self.newline if self.final_newline else "")
        return ("\ufeff" if self.bom else "") + body

    def body(self) -> Block:
        from tfguard.load.hcl_grammar import HclSyntaxError

        try:
            return parse_body(self.newline.join(self.lines) + "\n")
        except HclSyntaxError as exc:  # an earlier edit of the file went wrong: not this fix's to make
            raise Refused(f"the edited file does not parse (line {exc.line}: {exc}); edit it by hand") from None

    def indent(self, line: int) -> str:
        text = self.lines[line - 1]
        return text[: len(text) - len(text.lstrip())]

    # -- edits ---------------------------------------------------------------------
    def set_value(self, line: int, name: str, value: Scalar) -> bool:
        """Replace the literal value of argument `name` on `line`; False when it already has it."""
        text = self.lines[line - 1]
        pattern = re.compile(rf'(?<![\w."-])("?){re.escape(name)}\1(\s*=\s*){_VALUE}')
        found = list(pattern.finditer(text))
        if len(found) != 1:
            raise Refused(f"{name} is not a simple `name = value` on line {line}")
        m = found[0]
        new = render(value)
        if m.group(3) == new:
            return False
        self.lines[line - 1] = text[: m.start(3)] + new + text[m.end(3):]
        return True

    def insert_body(self, block: Block, body: list[str]) -> None:
        """Add `body` (lines relative to the block's own indentation) as the last items of
        `block`, after a blank line unless the block is empty."""
        opening, closing = self.lines[block.line - 1], self.lines[block.end_line - 1]
        inner = self.indent(block.line) + "  "
        added = [inner + b if b else "" for b in body]
        if block.line == block.end_line:
            empty = re.search(r"\{\s*\}(\s*(?:#.*|//.*)?)$", opening)  # the first `{}` (a comment may hold one)
            if empty is None:
                raise Refused(f"the block on line {block.line} is on one line; edit it by hand")
            closing_text = self.indent(block.line) + "}" + empty.group(1)
            self.lines[block.line - 1: block.line] = [opening[: empty.start()] + "{", *added, closing_text]
            return
        if not re.match(r"^\s*\}\s*(#.*|//.*)?$", closing):
            raise Refused(f"the closing brace on line {block.end_line} shares its line; edit it by hand")
        group = self._last_group(block)
        if group and all(_ASSIGN.match(b) for b in body):
            # Join the arguments that end the block, aligned as terraform fmt aligns a group.
            lines = [self.lines[n - 1] for n in group] + added
            self.lines[group[0] - 1: block.end_line - 1] = _align(lines)
            return
        before = self.lines[block.end_line - 2].strip()
        gap = [] if block.end_line - 1 == block.line or before == "" else [""]
        self.lines[block.end_line - 1: block.end_line - 1] = gap + added

    def _last_group(self, block: Block) -> list[int]:
        """The lines of the one-line arguments that end `block` (no comment on them, nothing
        between them), which terraform fmt aligns as one group; [] when another item ends it."""
        single = {a.line for a in block.attrs.values() if a.line == a.end_line}
        group: list[int] = []
        n = block.end_line - 1
        while n > block.line and n in single and _ASSIGN.match(self.lines[n - 1]) and "#" not in self.lines[n - 1] \
                and "//" not in self.lines[n - 1] and "/*" not in self.lines[n - 1]:
            group.insert(0, n)
            n -= 1
        return group

    def insert_after(self, block: Block, text: list[str]) -> None:
        """Add top-level `text` after `block`, set off by one blank line on each side."""
        after = self.lines[block.end_line] if block.end_line < len(self.lines) else ""
        self.lines[block.end_line: block.end_line] = ["", *text, *([""] if after.strip() else [])]


_ASSIGN = re.compile(r'^\s*("?)[\w-]+\1\s*=(?!=)')


def _align(lines: list[str]) -> list[str]:
    """`name = value` lines with their `=` in one column: one space after the longest name."""
    parts = [re.match(r'^(\s*)("?[\w-]+"?)\s*=\s*(.*)$', line) for line in lines]
    width = max(len(m.group(2)) for m in parts if m)
    return [f"{m.group(1)}{m.group(2).ljust(width)} = {m.group(3)}" if m else line for m, line in zip(parts, lines)]


def aligned(items: list[tuple[str, Scalar]]) -> list[str]:
    """`name = value` lines with their `=` aligned, as terraform fmt aligns a group."""
    width = max((len(n) for n, _ in items), default=0)
    return [f"{n.ljust(width)} = {render(v)}" for n, v in items]


def nested(name: str, items: list[tuple[str, Scalar]], children: list[list[str]] | None = None) -> list[str]:
    """A nested block `name { ... }` as lines relative to its own indentation."""
    inner = aligned(items)
    for child in children or []:
        inner += ([""] if inner else []) + child
    return [f"{name} {{", *("  " + line if line else "" for line in inner), "}"]


def blocks_named(block: Block, name: str) -> list[Block]:
    return [b for b in block.blocks if b.type == name]


def has_dynamic(block: Block, name: str) -> bool:
    return any(b.type == "dynamic" and b.labels[:1] == (name,) for b in block.blocks)


def walk(block: Block) -> Iterator[Block]:
    yield block
    for b in block.blocks:
        yield from walk(b)


def resource_block(body: Block, rtype: str, name: str) -> Block | None:
    return next((b for b in body.blocks if b.type == "resource" and b.labels == (rtype, name)), None)


def block_at(body: Block, line: int) -> Block | None:
    """The innermost block whose lines hold `line`."""
    found = None
    for b in walk(body):
        if b is not body and b.line <= line <= b.end_line:
            found = b
    return found


def attribute_at(block: Block, line: int) -> Attribute | None:
    return next((a for a in block.attrs.values() if a.line <= line <= a.end_line), None)
