"""Override files (`override.tf`, `*_override.tf`, their JSON and OpenTofu forms),
merged into a module's blocks as Terraform merges them.

Each top-level block of an override file, in file order after every normal
file, changes the block with the same header: its arguments replace the
arguments of the same name, and its nested blocks replace every nested block
of the same type (a `dynamic "x"` counts as type x, as in Terraform). `locals`
are replaced value by value. Replaced arguments and blocks carry the override
file's name, so findings point at the line that set the value.
"""

from __future__ import annotations

from dataclasses import replace

from tfguard.load.hcl_ast import Block
from tfguard.model import Diagnostic

Located = tuple[str, Block]

_MERGED = {"resource", "data", "ephemeral", "module", "variable", "output", "provider"}
_NOT_OVERRIDABLE = {"moved", "import"}
_OWN_BLOCKS_KEPT = {"variable", "output"}  # Terraform merges only their arguments


def merge_overrides(primary: list[Located], overrides: list[Located]) -> tuple[list[Located], list[Diagnostic]]:
    blocks = list(primary)
    diags: list[Diagnostic] = []
    index: dict[tuple[str, ...], int] = {}
    owners: dict[str, int] = {}  # local name -> position of the locals block that declares it
    for i, (_, block) in enumerate(blocks):
        if block.type in _MERGED:
            index.setdefault(_key(block), i)
        elif block.type == "locals":
            for name in block.attrs:
                owners.setdefault(name, i)
    for file, over in overrides:
        if over.type == "locals":
            _merge_locals(blocks, owners, file, over, diags)
        elif over.type in _MERGED:
            pos = index.get(_key(over))
            if pos is None and over.type == "provider" and "alias" not in over.attrs:
                index[_key(over)] = len(blocks)  # an absent default provider is an empty one
                blocks.append((file, over))
            elif pos is None:
                diags.append(Diagnostic(file, over.line, f"override of {_name(over)}: no such block in the "
                                        "module's other files; ignored"))
            else:
                base_file, base = blocks[pos]
                blocks[pos] = (base_file, _merge_block(base, over, file, diags))
        elif over.type in _NOT_OVERRIDABLE:
            diags.append(Diagnostic(file, over.line, f"{over.type} blocks cannot be in an override file; ignored"))
        else:
            blocks.append((file, over))
    return blocks, diags


def _key(block: Block) -> tuple[str, ...]:
    if block.type == "provider":
        alias = block.attrs.get("alias")
        name = str(alias.expr[1]) if alias is not None and alias.expr[0] == "lit" else ""
        return ("provider", *block.labels, name)
    return (block.type, *block.labels)


def _name(block: Block) -> str:
    return " ".join([block.type, *(f'"{label}"' for label in block.labels)])


def _merge_locals(blocks: list[Located], owners: dict[str, int], file: str, over: Block,
                  diags: list[Diagnostic]) -> None:
    for name, attr in over.attrs.items():
        pos = owners.get(name)
        if pos is None:
            diags.append(Diagnostic(file, attr.line, f"override of local.{name}: no such local value in "
                                    "the module's other files; ignored"))
            continue
        base_file, base = blocks[pos]
        attrs = dict(base.attrs)
        attrs[name] = replace(attr, file=file)
        blocks[pos] = (base_file, replace(base, attrs=attrs))


def _merge_block(base: Block, over: Block, file: str, diags: list[Diagnostic]) -> Block:
    attrs = dict(base.attrs)
    for name, attr in over.attrs.items():
        if name == "depends_on":
            diags.append(Diagnostic(file, attr.line, "depends_on cannot be overridden; ignored"))
            continue
        attrs[name] = replace(attr, file=file)
    if base.type in _OWN_BLOCKS_KEPT:
        return replace(base, attrs=attrs)
    nested = list(base.blocks)
    lifecycle = next((b for b in over.blocks if b.type == "lifecycle"), None)
    if lifecycle is not None and base.type == "resource":
        # lifecycle settings merge one by one; only then the general rule for the rest
        old = next((b for b in base.blocks if b.type == "lifecycle"), None)
        merged = replace(lifecycle, attrs={**(old.attrs if old else {}), **lifecycle.attrs})
        over = replace(over, blocks=[merged if b is lifecycle else b for b in over.blocks])
    replaced = {_nested_type(b) for b in over.blocks}
    nested = [b for b in nested if _nested_type(b) not in replaced]
    nested.extend(replace(b, file=file) for b in over.blocks)
    return replace(base, attrs=attrs, blocks=nested)


def _nested_type(block: Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type
