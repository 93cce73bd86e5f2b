"""Terraform directories -> Resources (HCL mode).

Every directory under the scan root that holds .tf / .tf.json files is loaded
as a root module. Values are evaluated statically; whatever cannot be known
before apply becomes Unknown, keeping the references it came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfguard.load.evaluate import Scope, evaluate, iter_unknowns
from tfguard.load.files import module_dirs, read_text, relative, tf_files
from tfguard.load.hcl_ast import Attribute, Block, HclSyntaxError, parse_body
from tfguard.load.hcl_json import json_body
from tfguard.load.hcl_resources import instances_of
from tfguard.model import Diagnostic, Resource, Unknown


@dataclass
class Module:
    """The parsed files of one directory: top-level blocks with their file."""

    directory: Path
    rel: str
    blocks: list[tuple[str, Block]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def of_type(self, kind: str) -> list[tuple[str, Block]]:
        return [(f, b) for f, b in self.blocks if b.type == kind]


def parse_file(path: Path, root: Path) -> tuple[list[Block], list[Diagnostic]]:
    shown = relative(path, root)
    text, diag = read_text(path, shown)
    if diag is not None or text is None:
        return [], [diag] if diag else []
    try:
        if path.name.endswith(".json"):
            return json_body(text, shown).blocks, []
        return parse_body(text).blocks, []
    except HclSyntaxError as exc:
        return [], [Diagnostic(shown, exc.line, f"cannot parse: {exc}")]
    except (json.JSONDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", 1)
        return [], [Diagnostic(shown, line, f"cannot parse JSON: {exc}")]


def parse_module(directory: Path, root: Path) -> Module:
    module = Module(directory, relative(directory, root))
    for path in tf_files(directory):
        blocks, diags = parse_file(path, root)
        module.diagnostics.extend(diags)
        shown = relative(path, root)
        module.blocks.extend((shown, b) for b in blocks)
    return module


def load_directory(
    target: Path, root: Path | None = None, variables: dict[str, Any] | None = None,
    recursive: bool = True,
) -> tuple[list[Resource], list[Diagnostic]]:
    """Load every module directory under target; file names are shown relative to root."""
    root = root or target
    resources: list[Resource] = []
    diagnostics: list[Diagnostic] = []
    for directory in module_dirs(target) if recursive else [target]:
        module = parse_module(directory, root)
        diagnostics.extend(module.diagnostics)
        res, diags = module_resources(module, root, variables or {})
        resources.extend(res)
        diagnostics.extend(diags)
    return resources, diagnostics


def _variable_values(module: Module, root: Path, given: dict[str, Any]) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Variables with Terraform's precedence: default < tfvars < auto.tfvars < given."""
    values: dict[str, Any] = {}
    diagnostics: list[Diagnostic] = []
    empty = Scope()
    for _, block in module.of_type("variable"):
        name = block.labels[0] if block.labels else ""
        default = block.attrs.get("default")
        values[name] = (
            evaluate(default.expr, empty) if default else Unknown(f"var.{name} has no value")
        )
    tfvars = [module.directory / "terraform.tfvars", module.directory / "terraform.tfvars.json"]
    tfvars += sorted(module.directory.glob("*.auto.tfvars")) + sorted(module.directory.glob("*.auto.tfvars.json"))
    for path in tfvars:
        if not path.is_file():
            continue
        blocks_or_attrs, diags = _parse_tfvars(path, root)
        diagnostics.extend(diags)
        for name, attr in blocks_or_attrs.items():
            values[name] = evaluate(attr.expr, empty)
    values.update(given)
    return values, diagnostics


def _parse_tfvars(path: Path, root: Path) -> tuple[dict[str, Attribute], list[Diagnostic]]:
    shown = relative(path, root)
    text, diag = read_text(path, shown)
    if text is None:
        return {}, [diag] if diag else []
    try:
        body = json_body(text, shown, tfvars=True) if path.name.endswith(".json") else parse_body(text)
    except HclSyntaxError as exc:
        return {}, [Diagnostic(shown, exc.line, f"cannot parse: {exc}")]
    except ValueError as exc:
        return {}, [Diagnostic(shown, getattr(exc, "lineno", 1), f"cannot parse JSON: {exc}")]
    return body.attrs, []


def _providers(module: Module, scope: Scope) -> dict[str, Any]:
    regions: dict[str, Any] = {}
    for _, block in module.of_type("provider"):
        name = block.labels[0] if block.labels else ""
        alias_attr = block.attrs.get("alias")
        alias = evaluate(alias_attr.expr, scope) if alias_attr else None
        key = f"{name}.{alias}" if isinstance(alias, str) else name
        region_attr = block.attrs.get("region")
        regions[key] = (
            evaluate(region_attr.expr, scope) if region_attr else Unknown(f"provider {key} sets no region")
        )
    return regions


def module_resources(
    module: Module, root: Path, given: dict[str, Any], module_path: str = ""
) -> tuple[list[Resource], list[Diagnostic]]:
    variables, diagnostics = _variable_values(module, root, given)
    local_exprs = {
        name: attr.expr for _, block in module.of_type("locals") for name, attr in block.attrs.items()
    }
    scope = Scope(module=module_path, variables=variables, local_exprs=local_exprs,
                  path_module=module.rel or ".")
    regions = _providers(module, scope)
    resources: list[Resource] = []
    for file, block in module.blocks:
        if block.type in ("resource", "data") and len(block.labels) == 2:
            res, diags = instances_of(block, file, scope, regions)
            resources.extend(res)
            diagnostics.extend(diags)
    for name in sorted(scope.cycles):
        file, line = _local_location(module, name)
        diagnostics.append(Diagnostic(file, line, f"local.{name} is part of a reference cycle; its value is unknown"))
    return resources, diagnostics


def _local_location(module: Module, name: str) -> tuple[str, int]:
    for file, block in module.of_type("locals"):
        if name in block.attrs:
            return file, block.attrs[name].line
    return module.rel or ".", 1


__all__ = ["load_directory", "parse_module", "module_resources", "iter_unknowns"]
