"""Functions that read files inside the scan root, try(), can() and templatestring():
they see their arguments as expressions (LAZY), or the scan's directories.

file functions never read outside the scan root, whatever the path says.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tfguard.load.eval_core import Scope, evaluate
from tfguard.load.hcl_expr import Node, parse_expression
from tfguard.load.hcl_grammar import HclSyntaxError
from tfguard.load.hcl_template import TemplateError, parse_template
from tfguard.load.values import has_error, has_unknown, unknown_from
from tfguard.model import EvalError, Unknown, is_unknown


def _try(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    # Terraform falls back only when an argument fails, never because it is
    # (partly) unknown: that value is the result, with its unknown parts.
    if not args:
        return EvalError("try() needs at least one argument")
    errors: list[Any] = []
    for arg in args:
        value = evaluate(arg, scope, depth)
        if not has_error(value):
            return value
        errors.append(value)
    return unknown_from(errors, "try(): no argument could be evaluated without error")


def _can(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    if len(args) != 1:
        return EvalError("can() takes one argument")
    value = evaluate(args[0], scope, depth)
    if has_error(value):
        return False
    if is_unknown(value):
        return unknown_from([value])
    return True


MAX_READ_BYTES = 4 * 1024 * 1024


def _scan_file(scope: Scope, value: Any) -> Path | Unknown:
    """A path for file()/templatefile(): resolved like Terraform, refused outside the scan root."""
    if is_unknown(value) or not isinstance(value, str):
        return unknown_from([value], "file path is not known statically")
    if scope.root is None:
        return Unknown("file functions are not evaluated here")
    candidates = [Path(value)] if Path(value).is_absolute() else [
        base / value for base in (scope.shown_root, scope.root, scope.directory) if base is not None
    ]
    inside = False
    for path in candidates:
        resolved = path.resolve()
        try:
            resolved.relative_to(scope.root)
        except ValueError:
            continue  # never read outside the scan root, whatever the path says
        if resolved.is_file():
            return resolved
        inside = True
    if inside:  # Terraform reads only files that exist when it plans
        return EvalError(f"no file exists at {value!r}")
    return Unknown(f"file {value!r} is not inside the scanned directory")


def _read(path: Path) -> str | Unknown:
    data = _bytes(path)
    if isinstance(data, Unknown):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # Terraform refuses it too (filebase64() reads it)
        return EvalError(f"the contents of {path.name} are not valid UTF-8")


def _bytes(path: Path) -> bytes | Unknown:
    try:
        if path.stat().st_size > MAX_READ_BYTES:
            return Unknown(f"{path.name} is larger than {MAX_READ_BYTES} bytes")
        return path.read_bytes()
    except OSError as exc:
        return Unknown(f"cannot read {path.name}: {exc}")


def _file(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    if len(args) != 1:
        return EvalError("file() takes one argument")
    path = _scan_file(scope, evaluate(args[0], scope, depth))
    return path if isinstance(path, Unknown) else _read(path)


def _fileexists(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    if len(args) != 1:
        return EvalError("fileexists() takes one argument")
    value = evaluate(args[0], scope, depth)
    path = _scan_file(scope, value)
    if not isinstance(path, Unknown):
        return True
    if isinstance(value, str) and scope.root is not None:
        base = scope.shown_root or scope.root
        resolved = (Path(value) if Path(value).is_absolute() else base / value).resolve()
        if resolved.is_relative_to(scope.root):  # inside the scanned directory
            return EvalError(f"{value!r} is a directory, not a file") if resolved.is_dir() else False
    return Unknown(path.reason)


def _parsed_template(text: str, what: str) -> Node | EvalError:
    try:
        return parse_template(text, parse_expression)
    except (HclSyntaxError, TemplateError) as exc:  # Terraform fails here too
        return EvalError(f"{what} is not a valid template: {exc}")


def _templatefile(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    if len(args) != 2:
        return EvalError("templatefile() takes two arguments")
    path = _scan_file(scope, evaluate(args[0], scope, depth))
    names = evaluate(args[1], scope, depth)
    if isinstance(path, Unknown):
        return path
    if not isinstance(names, dict):
        return unknown_from([names], "templatefile() variables are not known statically") if is_unknown(names) \
            else EvalError("templatefile() variables must be a map")
    text = _read(path)
    if isinstance(text, Unknown):
        return text
    # The template sees only its own variables, as in Terraform.
    inner = Scope(iteration=dict(names), root=scope.root, directory=path.parent, shown_root=scope.shown_root)
    node = _parsed_template(text, f"templatefile(): {path.name}")
    return node if isinstance(node, EvalError) else evaluate(node, inner, depth)


def _bytes_of(scope: Scope, arg: Node, depth: int) -> bytes | Unknown:
    path = _scan_file(scope, evaluate(arg, scope, depth))
    return path if isinstance(path, Unknown) else _bytes(path)


def _file_digest(kind: str) -> Callable[[tuple[Node, ...], Scope, int], Any]:
    """filebase64(), filemd5(), filesha256(), filebase64sha256()...: the file's bytes, encoded."""
    def fn(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
        if len(args) != 1:
            return EvalError(f"file{kind}() takes one argument")
        data = _bytes_of(scope, args[0], depth)
        if isinstance(data, Unknown):
            return data
        if kind == "base64":
            return base64.b64encode(data).decode()
        if kind.startswith("base64"):
            return base64.b64encode(hashlib.new(kind[6:], data).digest()).decode()
        return hashlib.new(kind, data).hexdigest()
    return fn


MAX_FILESET = 10_000


def _fileset(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    from tfguard.model import TfSet

    if len(args) != 2:
        return EvalError("fileset() takes two arguments")
    base, pattern = (evaluate(a, scope, depth) for a in args)
    if not isinstance(base, str) or not isinstance(pattern, str) or scope.root is None:
        return unknown_from([base, pattern], "fileset() arguments are not known statically")
    folder = Path(base) if Path(base).is_absolute() else (scope.shown_root or scope.root) / base
    folder = folder.resolve()
    try:
        folder.relative_to(scope.root)
    except ValueError:
        return Unknown(f"folder {base!r} is not inside the scanned directory")
    found: list[str] = []
    for path in folder.glob(pattern):
        if len(found) >= MAX_FILESET:
            return Unknown(f"fileset() matches more than {MAX_FILESET} files")
        if path.is_file() and path.resolve().is_relative_to(scope.root):
            found.append(path.relative_to(folder).as_posix())
    return TfSet(sorted(found))


def _templatestring(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    if len(args) != 2:
        return EvalError("templatestring() takes two arguments")
    text, names = (evaluate(a, scope, depth) for a in args)
    if has_unknown(text) or has_unknown(names):
        return unknown_from([text, names], "templatestring() arguments are not known statically")
    if not isinstance(text, str) or not isinstance(names, dict):
        return EvalError("templatestring() takes a string and a map")
    inner = Scope(iteration=dict(names), root=scope.root, directory=scope.directory, shown_root=scope.shown_root)
    node = _parsed_template(text, "templatestring()")
    return node if isinstance(node, EvalError) else evaluate(node, inner, depth)


LAZY: dict[str, Callable[[tuple[Node, ...], Scope, int], Any]] = {
    "try": _try, "can": _can, "file": _file, "fileexists": _fileexists, "templatefile": _templatefile,
    "fileset": _fileset, "templatestring": _templatestring,
    **{f"file{k}": _file_digest(k) for k in ("base64", "md5", "sha1", "sha256", "sha512",
                                              "base64sha256", "base64sha512")},
}
