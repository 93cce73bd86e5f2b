"""Where a fix may edit, and the edits it makes there.

A fix edits only files of the scanned tree: never a file under `.terraform/`
(modules `terraform init` installed), never one outside the paths given, never
a JSON configuration. Within a file it changes a literal or adds what is
absent (tfguard.fix.text). A value that a plain `var.x` brings from outside
is changed where provenance says it was set: the caller's literal argument or
the tfvars line, which is the finding's primary location. An expression, or a
variable's default that every caller shares, is never edited: the fix is
refused with the reason.

Locations come from the last scan, but several fixes edit one file before the
next scan: so blocks are found again by what they are (a resource by type and
name, a caller's argument by its module block and name), never by line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfguard.fix.text import (
    Refused,
    Scalar,
    Source,
    aligned,
    attribute_at,
    block_at,
    blocks_named,
    has_dynamic,
    literal,
    nested,
    render,
    resource_block,
)
from tfguard.graph import ResourceGraph
from tfguard.load.hcl_ast import Block
from tfguard.model import Finding, Resource

VAR_FILES = (".tfvars",)


def _hcl(path: Path) -> bool:
    return path.name.endswith((".tf", ".tofu", *VAR_FILES))


@dataclass
class Files:
    """The texts a fix run reads and edits: what the last scan saw and what the edits made."""

    roots: list[Path]  # the scanned paths (resolved): edits stay inside them
    scanned: dict[Path, str] = field(default_factory=dict)  # as the last scan read them
    current: dict[Path, Source] = field(default_factory=dict)
    original: dict[Path, str] = field(default_factory=dict)  # as on disk before any edit
    made: set[tuple[str, str, str]] = field(default_factory=set)  # (file, type, bucket name) added this round

    def editable(self, path: Path) -> str | None:
        """Why `path` may not be edited, or None."""
        if ".terraform" in path.parts:
            return f"{path.name} is under .terraform/ (installed by terraform init, not part of the repository)"
        if not _hcl(path):
            return f"{path.name} is not an HCL file this fixer edits (JSON configuration is left as it is)"
        if not any(path == r or r in path.parents for r in self.roots):
            return f"{path} is outside the scanned paths"
        return None

    def source(self, path: Path, edit: bool = True) -> Source:
        """The file's text to edit, or with `edit=False` only to read (a module's block outside
        the scanned paths, to follow its argument to the caller's literal; Site.own refuses
        to edit such a file)."""
        path = path.resolve()
        why = self.editable(path) if edit or not _hcl(path) else None
        if why is not None:
            raise Refused(why)
        if path not in self.current:
            try:
                text = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise Refused(f"cannot read {path.name}: {exc}") from None
            self.original.setdefault(path, text)
            self.scanned.setdefault(path, text)
            self.current[path] = Source.parse_text(text)
        return self.current[path]

    def scanned_body(self, path: Path) -> Block:
        self.source(path, edit=False)
        return Source.parse_text(self.scanned[path.resolve()]).body()

    def changed(self) -> dict[Path, str]:
        """Every edited file's text now, for the files whose text differs from the disk."""
        out = {p: s.text for p, s in self.current.items()}
        return {p: t for p, t in out.items() if t != self.original.get(p)}

    def rescanned(self) -> None:
        """The next scan reads the current texts: lines are theirs from now on (and the graph
        knows what was added)."""
        self.scanned = {p: s.text for p, s in self.current.items()}
        self.made.clear()


Ok = Callable[[Any], bool]
Setting = tuple[str, Scalar, Ok]  # argument name, the value a fix writes, what already passes


@dataclass
class Site:
    """One finding to fix: its subject in the graph and the files it may edit."""

    finding: Finding
    subject: Resource
    graph: ResourceGraph
    base: Path  # what the scan's locations are relative to
    files: Files
    changes: list[str] = field(default_factory=list)  # what was done, for people
    # What was written: (resource type, argument path), ("type", "") for a resource added.
    # The engine reads in tfguard.fix.replacement whether any of it makes the fix unsafe.
    writes: list[tuple[str, str]] = field(default_factory=list)
    _type: str = ""  # the type of the resource being edited

    def path(self, file: str) -> Path:
        return (self.base / file).resolve()

    def block_of(self, res: Resource) -> tuple[Source, Block]:
        """The `resource` block that declares `res`, in the current text."""
        if res.origin != "hcl" or res.location is None:
            raise Refused("the resource was not read from HCL")
        source = self.files.source(self.path(res.location.file), edit=False)
        block = resource_block(source.body(), res.type, res.name)
        if block is None:
            raise Refused(f"the block of {res.address} was not found in {res.location.file}")
        over = _override_of(self.path(res.location.file), res)
        if over is not None:
            raise Refused(f"{over} overrides the block of {res.type}.{res.name}; edit it by hand")
        return source, block

    def own(self, res: Resource) -> None:
        """Refuse to edit the block of `res` where its file may not be edited (blocks are read
        wherever they are, to follow an argument to the caller's literal: _at_origin)."""
        why = self.files.editable(self.path(res.location.file)) if res.location else "the resource has no location"
        if why is not None:
            raise Refused(why)

    def ensure(self, path: str, value: Scalar, ok: Ok, res: Resource | None = None, create: bool = True) -> None:
        """Make the argument at the dotted `path` of `res` (the subject by default) hold `value`
        unless what it holds is already `ok`: set a literal, add what is absent, or follow a
        plain variable to the caller's literal. `create`: add the nested blocks on the way
        when there are none (else only the existing ones are fixed)."""
        prefix, _, leaf = path.rpartition(".")
        self.ensure_all(prefix, [(leaf, value, ok)], res, create)

    def ensure_all(self, prefix: str, leaves: list[Setting], res: Resource | None = None, create: bool = True) -> None:
        """`ensure` for several arguments of one nested block (`prefix`, "" for the resource's
        own arguments): what is absent is added together, aligned."""
        res = res or self.subject
        source, block = self.block_of(res)
        self._type = res.type
        parts = prefix.split(".") if prefix else []
        self._descend(source, key_of(source.body(), block), parts, leaves, prefix, create, res)

    def _descend(self, source: Source, key: Key, parts: list[str], leaves: list[Setting], prefix: str,
                 create: bool, res: Resource) -> None:
        block = resolve(source.body(), key)
        if not parts:
            self._leaves(source, key, leaves, prefix, res)
            return
        head, rest = parts[0], parts[1:]
        if has_dynamic(block, head):
            raise Refused(f"{head} is a dynamic block: its content comes from an expression")
        found = blocks_named(block, head)
        if not found:
            if create:
                self.own(res)
                source.insert_body(block, _structure(head, rest, leaves))
                self._wrote(*(f"{prefix}.{n}" for n, _, _ in leaves))
                self.changes.append(f"added {prefix} {{ {', '.join(f'{n} = {render(v)}' for n, v, _ in leaves)} }}")
            return
        for i in range(len(found)):  # e.g. every ordered_cache_behavior
            self._descend(source, (*key, (head, (), i)), rest, leaves, prefix, create, res)

    def _leaves(self, source: Source, key: Key, leaves: list[Setting], prefix: str, res: Resource) -> None:
        block = resolve(source.body(), key)
        absent: list[tuple[str, Scalar]] = []
        for name, value, ok in leaves:
            full = f"{prefix}.{name}" if prefix else name
            attr = block.attrs.get(name)
            if attr is None:
                absent.append((name, value))
                continue
            is_literal, current = literal(attr)
            if not is_literal:
                if full == self.finding.attribute or len(leaves) == 1:
                    written = source.lines[attr.line - 1].strip()
                    where = f"{res.location.file}:{attr.line}" if res.location else f"line {attr.line}"
                    self._at_origin(full, value, ok, f" (`{written}` at {where})")
                # else: another argument decides this finding; an expression here may be fine
            elif not ok(current):
                self.own(res)
                if source.set_value(attr.line, name, value):
                    self._wrote(full)
                    self.changes.append(f"set {full} = {render(value)}")
        if absent:
            self.own(res)
            source.insert_body(resolve(source.body(), key), aligned(absent))
            self._wrote(*(f"{prefix}.{n}" if prefix else n for n, _ in absent))
            self.changes.extend(f"added {prefix + '.' if prefix else ''}{n} = {render(v)}" for n, v in absent)

    def _at_origin(self, full: str, value: Scalar, ok: Ok, written: str = "") -> None:
        """The value comes from an expression (`written`: as the block has it, and where):
        fixable only where provenance put the finding on a caller's literal argument or a
        tfvars line."""
        loc = self.finding.location
        given = any(r.provenance for r in self.finding.related)
        if loc is None or not given or self.finding.attribute != full:
            raise Refused(f"{full} is set by an expression{written}; change it by hand")  # e.g. a dynamic value
        path = self.path(loc.file)
        body = self.files.scanned_body(path)
        holder = block_at(body, loc.start_line) or body
        attr = attribute_at(holder, loc.start_line)
        if attr is None:
            raise Refused(f"{full} is set at {loc.file}:{loc.start_line}, which is not a `name = value` argument")
        is_literal, current = literal(attr)
        if not is_literal:
            default = next((r.message for r in self.finding.related if r.message.startswith("the default of ")), "")
            if default:
                raise Refused(f"{full} comes from {default}, which a fix never edits (other callers share it): "
                              "set the value in the module call or a .tfvars file")
            text = Source.parse_text(self.files.scanned[path]).lines[attr.line - 1].strip()
            raise Refused(f"{full} is set by an expression (`{text}` at {loc.file}:{attr.line}); change it by hand")
        if ok(current):
            return
        source = self.files.source(path)
        again = resolve(source.body(), key_of(body, holder)).attrs.get(attr.name)
        if again is None:
            raise Refused(f"{attr.name} was not found again in {loc.file}")
        if source.set_value(again.line, attr.name, value):
            self._wrote(full)
            self.changes.append(f"set {attr.name} = {render(value)} at {loc.file}:{loc.start_line} "
                                f"(it sets {full})")

    def add_after(self, res: Resource, lines: list[str], what: str, rtype: str) -> None:
        """Add a top-level block (a resource of `rtype`) after the block of `res`."""
        self.own(res)
        source, block = self.block_of(res)
        source.insert_after(block, lines)
        self.writes.append((rtype, ""))
        self.changes.append(what)

    def _wrote(self, *paths: str) -> None:
        self.writes.extend((self._type, p) for p in paths if (self._type, p) not in self.writes)


def _override_of(path: Path, res: Resource) -> str | None:
    """The override file (override.tf, *_override.tf) beside `path` that also declares `res`:
    what Terraform merges from it wins over the block a fix would edit."""
    from tfguard.load.hcl_grammar import HclSyntaxError

    for other in sorted(path.parent.glob("*.tf")):
        if other == path or not (other.name == "override.tf" or other.name.endswith("_override.tf")):
            continue
        try:
            body = Source.parse_text(other.read_text(encoding="utf-8")).body()
        except (OSError, UnicodeDecodeError, HclSyntaxError, Refused):
            continue
        if resource_block(body, res.type, res.name) is not None:
            return other.name
    return None


def _structure(head: str, rest: list[str], leaves: list[Setting]) -> list[str]:
    """Nested block `head` (then the blocks in `rest`) holding the `leaves`."""
    if not rest:
        return nested(head, [(n, v) for n, v, _ in leaves])
    return nested(head, [], [_structure(rest[0], rest[1:], leaves)])


# A block's identity in a file, which survives edits that move it: from the top, each
# step's kind, labels and position among its siblings of that kind and labels.
Key = tuple[tuple[str, tuple[str, ...], int], ...]


def key_of(body: Block, block: Block) -> Key:
    if block is body:
        return ()
    for b in body.blocks:
        if b.line <= block.line <= b.end_line:
            same = [x for x in body.blocks if x.type == b.type and x.labels == b.labels]
            step = (b.type, b.labels, next(i for i, x in enumerate(same) if x is b))
            found = b.line == block.line and b.type == block.type and b.labels == block.labels
            return (step, *([] if found else key_of(b, block)))
    raise Refused(f"no block at line {block.line}")


def resolve(body: Block, key: Key) -> Block:
    node = body
    for kind, labels, index in key:
        same = [b for b in node.blocks if b.type == kind and b.labels == labels]
        if index >= len(same):
            raise Refused(f"the {kind} block was not found again after an edit")
        node = same[index]
    return node
