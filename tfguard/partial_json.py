"""JSON text with holes: a policy heredoc or template whose interpolations are unknown.

Terraform renders `<<POLICY ... ${x} ... POLICY` to text and AWS parses that
text as JSON. When some interpolations are not known statically the text is an
`Unknown` whose `parts` hold the literal text and the unknown values in order.
Parsing those parts as JSON, with each hole an unknown piece, gives the same
structure `jsonencode()` would: only the interpolated leaves are unknown.

- A hole inside a JSON string makes a partly known string leaf: an `Unknown`
  whose `parts` are the decoded literal text and the holes (and whose `partial`
  is that text with `{shape}`/`{?}` markers, as for templates).
- A hole in value position (`"Principal": ${jsonencode(x)}`) is an unknown
  value: the structure `jsonencode()` kept, or an opaque `Unknown`.
- A hole where an object key or member is expected makes the object unknown.

The holes are values, never text, so the literal text of the policy can hold
anything (including `{?}`) without being mistaken for an interpolation.
"""

from __future__ import annotations

import json
from typing import Any

from tfguard.model import Unknown

MAX_NESTING = 64  # JSON depth, as deep as anything AWS accepts
MAX_TEMPLATE_NESTING = 8  # templates interpolating templates
_DELIMITERS = frozenset(',:]}[{"')
_WHITESPACE = frozenset(" \t\r\n")

Atom = str | Unknown  # one character of literal text, or one hole


class _Invalid(Exception):
    """The text is not JSON, whatever its holes hold."""


def parse(text: Unknown) -> Any:
    """The JSON value of a template with unknown parts; Unknown when it cannot be read."""
    if text.parts is None:
        return text
    try:
        parser = _Parser(_atoms(text.parts, 0))
        value = parser.value(0)
        parser.skip_space()
        if parser.i != len(parser.atoms):
            raise _Invalid("text after the JSON value")
    except _Invalid as exc:
        return Unknown(f"the text with its interpolations is not JSON that can be read ({exc})", text.refs)
    return value


def _atoms(parts: tuple[Any, ...], depth: int) -> list[Atom]:
    """Characters and holes; a template interpolated into the text contributes its own parts."""
    out: list[Atom] = []
    for part in parts:
        if isinstance(part, str):
            out.extend(part)
        elif isinstance(part, Unknown) and part.parts is not None and depth < MAX_TEMPLATE_NESTING:
            out.extend(_atoms(part.parts, depth + 1))
        else:
            out.append(part if isinstance(part, Unknown) else Unknown("not known statically"))
    return out


def _decoded(hole: Unknown) -> Any:
    """The JSON value of a hole in value position: a jsonencode()d value keeps its
    structure (its `partial`); any other text could be any JSON value."""
    if isinstance(hole.partial, (dict, list, Unknown)):
        return hole.partial
    return Unknown(hole.reason or "an interpolated JSON value is not known statically")


def _leaf(pieces: list[Any]) -> Any:
    """A JSON string of literal text and holes."""
    merged: list[Any] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        elif piece != "":
            merged.append(piece)
    holes = [p for p in merged if isinstance(p, Unknown)]
    if not holes:
        return "".join(merged)
    if len(merged) == 1:
        return holes[0]
    refs = tuple(dict.fromkeys(r for h in holes for r in h.refs))
    text = "".join(p if isinstance(p, str) else "{%s}" % (p.shape or "?") for p in merged)
    reason = next((h.reason for h in holes if h.reason), "not known statically")
    return Unknown(reason, refs, partial=text, parts=tuple(merged))


def _json_string(raw: str) -> str:
    try:
        value = json.loads(f'"{raw}"')
    except ValueError as exc:
        raise _Invalid("a string is not valid JSON") from exc
    assert isinstance(value, str)
    return value


def _reject_constant(name: str) -> Any:
    raise _Invalid(f"{name} is not JSON")


class _Parser:
    def __init__(self, atoms: list[Atom]) -> None:
        self.atoms = atoms
        self.i = 0

    def skip_space(self) -> None:
        while self.i < len(self.atoms) and self.atoms[self.i] in _WHITESPACE:
            self.i += 1

    def peek(self) -> Atom | None:
        self.skip_space()
        return self.atoms[self.i] if self.i < len(self.atoms) else None

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _Invalid(f"expected {char!r}")
        self.i += 1

    def value(self, depth: int) -> Any:
        if depth > MAX_NESTING:
            raise _Invalid("nested too deeply")
        atom = self.peek()
        if atom is None:
            raise _Invalid("unexpected end")
        if atom == "{":
            return self.object(depth)
        if atom == "[":
            return self.array(depth)
        if atom == '"':
            return self.string()
        return self.bare()

    def bare(self) -> Any:
        """A number, true, false or null; or holes (with any characters beside them): unknown."""
        text: list[str] = []
        holes: list[Unknown] = []
        while self.i < len(self.atoms):
            atom = self.atoms[self.i]
            if isinstance(atom, Unknown):
                holes.append(atom)
            elif atom in _DELIMITERS or atom in _WHITESPACE:
                break
            else:
                text.append(atom)
            self.i += 1
        if holes:
            return _decoded(holes[0]) if len(holes) == 1 and not text else Unknown(
                holes[0].reason or "an interpolated JSON value is not known statically")
        if not text:
            raise _Invalid("expected a value")
        try:
            return json.loads("".join(text), parse_constant=_reject_constant)
        except ValueError as exc:
            raise _Invalid(f"{''.join(text)[:20]!r} is not a JSON value") from exc

    def string(self) -> Any:
        self.i += 1  # the opening quote
        pieces: list[Any] = []
        raw: list[str] = []
        while True:
            if self.i >= len(self.atoms):
                raise _Invalid("unterminated string")
            atom = self.atoms[self.i]
            self.i += 1
            if isinstance(atom, Unknown):
                pieces.extend((_json_string("".join(raw)), atom))
                raw = []
            elif atom == '"':
                break
            elif atom == "\\":
                if self.i >= len(self.atoms) or isinstance(self.atoms[self.i], Unknown):
                    raise _Invalid("an escape sequence is cut by an interpolation")
                raw.extend((atom, str(self.atoms[self.i])))
                self.i += 1
            else:
                raw.append(atom)
        pieces.append(_json_string("".join(raw)))
        return _leaf(pieces)

    def object(self, depth: int) -> Any:
        self.i += 1  # {
        out: dict[str, Any] = {}
        unknown: Unknown | None = None
        if self.peek() == "}":
            self.i += 1
            return out
        while True:
            atom = self.peek()
            if atom == '"':
                key = self.string()
            elif isinstance(atom, Unknown):
                key = self.bare()  # members or a key written by an interpolation
                if self.peek() != ":":
                    unknown = unknown or Unknown("an interpolation adds object members")
                    key = None
            else:
                raise _Invalid("expected an object key")
            if key is not None:
                self.expect(":")
                value = self.value(depth + 1)
                if isinstance(key, str):
                    out[key] = value
                else:
                    unknown = unknown or Unknown("an object key is not known statically")
            atom = self.peek()
            self.i += 1
            if atom == "}":
                return unknown if unknown is not None else out
            if atom != ",":
                raise _Invalid("expected ',' or '}' in an object")

    def array(self, depth: int) -> Any:
        self.i += 1  # [
        out: list[Any] = []
        if self.peek() == "]":
            self.i += 1
            return out
        while True:
            out.append(self.value(depth + 1))
            atom = self.peek()
            self.i += 1
            if atom == "]":
                return out
            if atom != ",":
                raise _Invalid("expected ',' or ']' in an array")
