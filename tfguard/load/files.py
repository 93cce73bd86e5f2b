"""Finding and reading Terraform files safely (no symlinks out of the root, no binaries)."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from pathlib import Path

from tfguard.model import Diagnostic

MAX_FILE_BYTES = 20 * 1024 * 1024
# OpenTofu reads .tofu / .tofu.json as well; Terraform ignores them.
TF_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
_REPLACED_BY = {".tf": ".tofu", ".tf.json": ".tofu.json"}  # foo.tofu hides foo.tf (OpenTofu's rule)


def module_dirs(root: Path) -> list[Path]:
    """Every directory under root (root included) holding configuration files
    (.tf, .tf.json, .tofu, .tofu.json).

    Hidden directories and `.terraform/` are skipped, and so are symlinked
    directories: following them could leave the scan root or loop forever.
    """
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if any(f.endswith(TF_SUFFIXES) for f in filenames):
            found.append(Path(dirpath))
    return found


def tf_files(directory: Path) -> list[Path]:
    """The configuration files of one module, as Terraform/OpenTofu read them: the
    normal files in lexical order, then the override files in lexical order. A
    `.tofu` file replaces the `.tf` file of the same name (`.tofu.json` the `.tf.json`)."""
    # Links are listed too, so that reading them gives a diagnostic instead of silence.
    listed = sorted(
        p for p in directory.iterdir()
        if p.name.endswith(TF_SUFFIXES) and (p.is_symlink() or p.is_file()) and not p.name.startswith(".")
    )
    names = {p.name for p in listed}
    kept = [p for p in listed if not _replaced(p.name, names)]
    return [p for p in kept if not is_override(p.name)] + [p for p in kept if is_override(p.name)]


def _stem_suffix(name: str) -> tuple[str, str]:
    for suffix in (".tofu.json", ".tf.json", ".tofu", ".tf"):
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def _replaced(name: str, names: set[str]) -> bool:
    stem, suffix = _stem_suffix(name)
    other = _REPLACED_BY.get(suffix)
    return other is not None and stem + other in names


def is_override(name: str) -> bool:
    """`override.tf`, `x_override.tf` and their .tf.json / .tofu / .tofu.json forms."""
    stem, suffix = _stem_suffix(name)
    return bool(suffix) and (stem == "override" or stem.endswith("_override"))


# Folders are resolved once per run: a tree has few of them and many findings
# per folder, and each resolve() is a chain of lstat() calls.
@functools.lru_cache(maxsize=4096)
def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: show the path as named
        return path.absolute()


def relative(path: Path, root: Path) -> str:
    # The folder is resolved, the file itself not: a linked file keeps its own name.
    full = _resolved(path.parent) / path.name
    try:
        return full.relative_to(_resolved(root)).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, shown: str) -> tuple[str | None, Diagnostic | None]:
    """The file's text, or a diagnostic saying why it cannot be read as text."""
    data, diag = read_bytes(path, shown)
    if data is None:
        return None, diag
    return decode(data, shown)


# Texts that stand in for files on disk: `tfguard fix` scans its edits before it writes them
# (and `--diff` never writes). Keyed by resolved path; empty outside such a scan.
_OVERLAY: dict[Path, bytes] = {}


@contextlib.contextmanager
def overlay(texts: dict[Path, bytes]) -> Iterator[None]:
    """Read `texts` in place of the files at those (resolved) paths while the block runs."""
    saved = dict(_OVERLAY)
    _OVERLAY.update(texts)
    try:
        yield
    finally:
        _OVERLAY.clear()
        _OVERLAY.update(saved)


def overlaid(path: Path) -> bytes | None:
    """The text standing in for `path`, if any."""
    return _OVERLAY.get(path.resolve()) if _OVERLAY else None


def read_bytes(path: Path, shown: str) -> tuple[bytes | None, Diagnostic | None]:
    """The file's bytes: regular files only, never through a link, bounded in size."""
    if (data := overlaid(path)) is not None:
        return data, None
    try:
        if path.is_symlink() or not path.is_file():  # is_symlink first: never follow one
            return None, Diagnostic(shown, 1, "not a regular file (symbolic links are not followed)")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Diagnostic(shown, 1, f"file is larger than {MAX_FILE_BYTES} bytes; skipped")
        return path.read_bytes(), None
    except OSError as exc:
        return None, Diagnostic(shown, 1, f"cannot read file: {exc.strerror or exc}")


def decode(data: bytes, shown: str) -> tuple[str | None, Diagnostic | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, Diagnostic(shown, 1, "invalid UTF-16 text")
    if b"\x00" in data[:8192]:
        return None, Diagnostic(shown, 1, "binary file (contains NUL bytes); skipped")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, Diagnostic(shown, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})")
