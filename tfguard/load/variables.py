"""Input variables: declarations, Terraform's value precedence, type conversion.

Root module precedence (lowest first): default, TF_VAR_ environment,
terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in name order,
--var-file in order, --var in order. A variable with no value is Unknown.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfguard.errors import json_problem
from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.files import read_text, relative
from tfguard.load.hcl_ast import Attribute, parse_body
from tfguard.load.hcl_expr import Node, parse_expression
from tfguard.load.hcl_grammar import HclSyntaxError
from tfguard.load.hcl_json import json_body
from tfguard.model import Diagnostic, Location, Origin, Unknown, is_unknown


@dataclass(frozen=True)
class VarInputs:
    """Values the user gives on the command line (root module only)."""

    var_files: tuple[Path, ...] = ()
    assignments: tuple[str, ...] = ()  # "name=value"
    environ: dict[str, str] | None = None  # None: os.environ


@dataclass(frozen=True)
class Declaration:
    name: str
    default: Node | None
    type: Node | None
    sensitive: bool
    file: str
    line: int
    nullable: bool = True  # `nullable = false`: a null value given takes the default
    default_at: Location | None = None  # the `default` argument's lines (provenance)


@dataclass
class Values:
    values: dict[str, Any] = field(default_factory=dict)
    sensitive: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)  # what set each given value (provenance)


def declarations(blocks: list[tuple[str, Any]]) -> dict[str, Declaration]:
    out: dict[str, Declaration] = {}
    for file, block in blocks:
        if block.type != "variable" or not block.labels:
            continue
        attrs = block.attrs
        sens = attrs.get("sensitive")
        nullable = attrs.get("nullable")
        default = attrs.get("default")
        out[block.labels[0]] = Declaration(
            block.labels[0], attrs["default"].expr if "default" in attrs else None,
            attrs["type"].expr if "type" in attrs else None,
            bool(sens is not None and sens.expr == ("lit", True)), file, block.line,
            not (nullable is not None and nullable.expr == ("lit", False)),
            Location(default.file or file, default.line, default.end_line) if default is not None else None,
        )
    return out


# cty's string conversions (Terraform): "1"/"0" are bools too; a number is decimal only.
_BOOLS = {"true": True, "1": True, "false": False, "0": False}
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?[Ii]nf$")


def convert(value: Any, type_node: Node | None, depth: int = 0, problems: list[str] | None = None) -> Any:
    """Convert a value to its declared type as Terraform does on input: primitive
    conversions, and `optional(type, default)` attributes of object types filled in.
    A value that does not convert is Unknown, and `problems` gets Terraform's reason."""
    if type_node is None or is_unknown(value) or value is None or depth > 16:
        return value
    if type_node[0] == "call":
        return _convert_collection(value, type_node, depth, problems)
    if type_node[0] != "trav" or type_node[1] not in ("bool", "number", "string"):
        return value
    kind = type_node[1]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(value, (list, dict)) or (kind == "bool" and number) or (kind == "number" and isinstance(value, bool)):
        return _unsuitable(value, kind, problems)
    if kind == "bool" and isinstance(value, str):
        return _BOOLS[value] if value in _BOOLS else _unsuitable(value, kind, problems)
    if kind == "number" and isinstance(value, str):
        if not _NUMBER.match(value):
            return _unsuitable(value, kind, problems)
        return float(value) if any(c in value for c in ".eEnN") else int(value)
    if kind == "string" and isinstance(value, (bool, int, float)):
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    return value


def _unsuitable(value: Any, kind: str, problems: list[str] | None) -> Unknown:
    hint = f'; to convert from string, use lowercase "{value.lower()}"' if (
        kind == "bool" and isinstance(value, str) and value.lower() in _BOOLS) else ""
    if problems is not None:
        problems.append(f"a {kind} is required{hint}")
    return Unknown(f"value {value!r} is not a valid {kind}")


def _convert_collection(value: Any, type_node: Node, depth: int, problems: list[str] | None = None) -> Any:
    name, args = type_node[1], type_node[2]
    if not args:
        return value
    if name in ("list", "set") and isinstance(value, list):
        return [convert(v, args[0], depth + 1, problems) for v in value]
    if name == "map" and isinstance(value, dict):
        return {k: convert(v, args[0], depth + 1, problems) for k, v in value.items()}
    if name == "object" and isinstance(value, dict) and args[0][0] == "object":
        out = dict(value)
        for key_node, attr_type in args[0][1]:
            key = key_node[1] if key_node[0] == "lit" else None
            if not isinstance(key, str):
                continue
            if attr_type[0] == "call" and attr_type[1] == "optional" and attr_type[2]:
                inner = attr_type[2][0]
                if out.get(key) is None:
                    out[key] = evaluate(attr_type[2][1], Scope()) if len(attr_type[2]) > 1 else None
                attr_type = inner
            if key in out:
                out[key] = convert(out[key], attr_type, depth + 1, problems)
        return out
    return value


def _raw_value(text: str, decl: Declaration | None) -> Any:
    """-var / TF_VAR_ text: the text itself for a primitive type (Terraform converts it: `1`
    is a true bool) and for a variable with no type (Terraform keeps it a string: `true` is
    "true"), else (a collection type, `any`) parsed as an HCL expression."""
    if decl is None or decl.type is None:
        return text
    if decl.type[0] == "trav" and decl.type[1] in ("string", "bool", "number"):
        return text
    try:
        value = evaluate(parse_expression(text), Scope())
    except HclSyntaxError:
        return text
    return text if is_unknown(value) else value


def parse_tfvars(path: Path, root: Path) -> tuple[dict[str, Attribute], list[Diagnostic]]:
    shown = relative(path, root)
    text, diag = read_text(path, shown)
    if text is None:
        return {}, [diag] if diag else []
    try:
        body = json_body(text, shown, tfvars=True) if path.name.endswith(".json") else parse_body(text)
    except HclSyntaxError as exc:
        return {}, [Diagnostic(shown, exc.line, f"cannot parse: {exc}")]
    except ValueError as exc:
        return {}, [Diagnostic(shown, getattr(exc, "lineno", 1), json_problem(exc))]
    return body.attrs, []


def root_values(directory: Path, root: Path, decls: dict[str, Declaration], inputs: VarInputs) -> Values:
    out = Values()
    given: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    env = os.environ if inputs.environ is None else inputs.environ
    for name, decl in decls.items():
        if f"TF_VAR_{name}" in env:
            given[name] = _raw_value(env[f"TF_VAR_{name}"], decl)
            origins[name] = Origin(f"TF_VAR_{name}", None)
    files = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
    # *.auto.tfvars and *.auto.tfvars.json together, in lexical order of their names.
    files += sorted([*directory.glob("*.auto.tfvars"), *directory.glob("*.auto.tfvars.json")], key=lambda p: p.name)
    files += list(inputs.var_files)
    for path in files:
        if not path.is_file():
            if path in inputs.var_files:
                out.diagnostics.append(Diagnostic(str(path), 1, "--var-file not found"))
            continue
        attrs, diags = parse_tfvars(path, root)
        out.diagnostics.extend(diags)
        shown = relative(path, root)
        for name, attr in attrs.items():
            given[name] = evaluate(attr.expr, Scope())
            # A var file outside the scanned folder is named, but is no location in the report.
            where = None if shown.startswith(("/", "../")) else Location(shown, attr.line, attr.end_line)
            origins[name] = Origin(f"var.{name} in {shown}", where)
    for assignment in inputs.assignments:
        name, sep, text = assignment.partition("=")
        if not sep or not name.strip():
            out.diagnostics.append(Diagnostic("", 0, f"--var expects NAME=VALUE, got {assignment!r}"))
            continue
        given[name.strip()] = _raw_value(text, decls.get(name.strip()))
        origins[name.strip()] = Origin(f"--var {name.strip()}", None)
    out.diagnostics.extend(_unsuitable_values(decls, given, origins))
    resolved = module_values(decls, given)
    out.values, out.sensitive = resolved.values, resolved.sensitive
    out.origins = {n: o for n, o in origins.items() if n in decls}
    return out


def undeclared(inputs: VarInputs, declared: set[str], roots: int) -> list[Diagnostic]:
    """`--var` names no variable of the scanned root modules: a typo would otherwise
    leave the variable it meant at its default without a word (Terraform stops)."""
    names = dict.fromkeys(a.partition("=")[0].strip() for a in inputs.assignments if "=" in a)
    scope = "the scanned root module declares no" if roots == 1 else "none of the scanned root modules declares a"
    return [Diagnostic("", 0, f"--var {name}: {scope} variable named {name!r}; the value is not used", "warning")
            for name in names if name and name not in declared]


def _unsuitable_values(decls: dict[str, Declaration], given: dict[str, Any], origins: dict[str, Origin]) -> list[Diagnostic]:
    """A value that does not convert to its variable's type: where Terraform stops with
    "Invalid value for input variable", at the declaration, the variable is unknown."""
    out: list[Diagnostic] = []
    for name, value in given.items():
        decl = decls.get(name)
        problems: list[str] = []
        if decl is None or decl.type is None:
            continue
        convert(value, decl.type, 0, problems)
        if problems:
            origin = origins[name].what if name in origins else f"var.{name}"
            out.append(Diagnostic(decl.file, decl.line, f"unsuitable value for var.{name} set by {origin}: "
                                  f"{problems[0]}; the variable's value is unknown"))
    return out


def module_values(decls: dict[str, Declaration], given: dict[str, Any]) -> Values:
    """Values for one module instance: given arguments over declared defaults."""
    out = Values()
    for name, decl in decls.items():
        out.values[name] = variable_value(decl, name in given, given.get(name))
        if decl.sensitive:
            out.sensitive.add(name)
    return out


def variable_value(decl: Declaration, present: bool, given: Any) -> Any:
    """One variable's value: the given one over the declared default, converted to its type."""
    # Terraform: a null given to a `nullable = false` variable is replaced by its default.
    if present and not (given is None and not decl.nullable and decl.default is not None):
        value = given
    elif decl.default is not None:
        value = evaluate(decl.default, Scope())
    else:
        value = Unknown(f"var.{decl.name} has no value")
    return convert(value, decl.type)
