"""A revision's files, read with git plumbing only: nothing from the repository runs.

`--diff-base REF` needs the configuration as it was at REF. A checkout or `git archive`
would do it, but both run what the repository configures: a checkout runs hooks
(post-checkout) and smudge filters, and `git archive` applies the attributes of the
tree (export-subst rewrites file content, export-ignore drops files, and filters and
`ident` run through the working-tree conversion). So the tree is listed with
`git ls-tree` and each blob is read raw with `git cat-file --batch`, which applies
no attribute, filter or textconv, and written into a temporary folder.

Every git call runs with hooks off (core.hooksPath=/dev/null), no fsmonitor (the
one program a repository's configuration makes plain reads run), no transport
(protocol.allow=never, GIT_NO_LAZY_FETCH: a partial clone must not fetch over the
network), no replace objects, no pager, no prompt, no system or global configuration
and no inherited GIT_* variable (a hook that runs tfguard has GIT_DIR and
GIT_INDEX_FILE set). The `safe.directory` entries of the user's own configuration
are the one setting carried over, so that a repository git accepts is accepted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

from tfguard.errors import UsageError

# Files larger than this are left out of the copy: the loader reads none above 20 MiB.
MAX_BLOB_BYTES = 20 * 1024 * 1024
_SAFE_CONFIG = ("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "protocol.allow=never",
                "-c", "core.untrackedCache=false", "--no-pager", "--no-replace-objects")


def _env(isolated: bool = True) -> dict[str, str]:
    """The environment of a git call: isolated, or (to read the user's safe.directory) with the
    user's own configuration, GIT_CONFIG_GLOBAL and the -c of a git that runs tfguard included."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or (not isolated and k.startswith("GIT_CONFIG"))}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", GIT_NO_LAZY_FETCH="1", GIT_OPTIONAL_LOCKS="0",
               GIT_ATTR_NOSYSTEM="1", GIT_LITERAL_PATHSPECS="1", LC_ALL="C")
    if isolated:
        env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return env


class Git:
    """git, found on PATH once, run with the settings above."""

    def __init__(self) -> None:
        found = shutil.which("git")
        if found is None:
            raise UsageError("--diff-base needs git, and there is no git on PATH")
        self.exe = found
        self._safe: tuple[str, ...] | None = None

    def _safe_directories(self) -> tuple[str, ...]:
        """The user's safe.directory entries (system and global), read outside any repository."""
        if self._safe is None:
            done = subprocess.run([self.exe, "config", "--get-all", "safe.directory"], cwd=os.path.abspath(os.sep),
                                  env=_env(isolated=False), capture_output=True, check=False)
            values = done.stdout.decode("utf-8", "replace").splitlines() if done.returncode == 0 else []
            self._safe = tuple(a for v in values if v for a in ("-c", f"safe.directory={v}"))
        return self._safe

    def args(self, folder: Path, *args: str) -> list[str]:
        return [self.exe, *_SAFE_CONFIG, *self._safe_directories(), "-C", str(folder), *args]

    def run(self, folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(self.args(folder, *args), env=_env(), capture_output=True, stdin=subprocess.DEVNULL,
                              check=False)

    def toplevel(self, folder: Path, shown: Path) -> Path:
        """The work tree that holds `folder`; a usage error outside one."""
        done = self.run(folder, "rev-parse", "--show-toplevel")
        top = done.stdout.decode("utf-8", "surrogateescape").strip()
        if done.returncode != 0 or not top:
            why = done.stderr.decode("utf-8", "replace").strip().splitlines()
            owner = [line.removeprefix("fatal: ") for line in why if "dubious ownership" in line]
            if owner:
                raise UsageError(f"--diff-base: git refuses the repository of {shown}: {owner[0]}; if you trust it, "
                                 "add it to safe.directory in your git configuration")
            raise UsageError(f"--diff-base compares with a git revision, but {shown} is not in a git work tree")
        return Path(top).resolve()

    def commit(self, top: Path, ref: str) -> str:
        """The commit `ref` names in the repository at `top`; a usage error when it names none."""
        if ref.startswith("-") or not ref.strip():
            raise UsageError(f"--diff-base: {ref!r} is not a revision")
        done = self.run(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        oid = done.stdout.decode("ascii", "replace").strip()
        if done.returncode != 0 or not oid:
            raise UsageError(f"--diff-base: unknown revision {ref!r} in the git repository at {top} (is it fetched? "
                             "a CI checkout may need the whole history, e.g. actions/checkout with fetch-depth: 0)")
        return oid

    def extract(self, top: Path, commit: str, into: Path, within: list[str] | None = None) -> list[str]:
        """Write the files of `commit` under `into`, as raw blobs: all of them, or those under the
        folders and files `within` (relative to the top, POSIX). Returns the folders written
        (relative, POSIX, "" for the top) and sets nothing else up."""
        listed = self.run(top, "ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--", *(within or ()))
        if listed.returncode != 0:
            raise UsageError(f"--diff-base: git cannot list {commit} in {top}: "
                             f"{listed.stderr.decode('utf-8', 'replace').strip()}")
        wanted: dict[str, list[tuple[str, str]]] = {}  # blob -> [(path, mode)]
        for entry in listed.stdout.split(b"\0"):
            meta, _, raw_path = entry.partition(b"\t")
            fields = meta.split()
            if len(fields) != 4 or fields[1] != b"blob":
                continue  # submodules (commits) are not in this repository's objects
            path = raw_path.decode("utf-8", "surrogateescape")
            if _safe_path(path) and fields[3] != b"-" and int(fields[3]) <= MAX_BLOB_BYTES:
                wanted.setdefault(fields[2].decode("ascii"), []).append((path, fields[0].decode("ascii")))
        into.mkdir(parents=True, exist_ok=True)
        folders = {""} | {p.rpartition("/")[0] for places in wanted.values() for p, _ in places}
        for blob, data in self._blobs(top, list(wanted)):
            for path, mode in wanted[blob]:
                _write(into, path, mode, data)
        return sorted(folders)

    def _blobs(self, top: Path, blobs: list[str]) -> list[tuple[str, bytes]]:
        """Each blob's raw content (`cat-file --batch` applies no filter), read as git streams them."""
        proc = subprocess.Popen(self.args(top, "cat-file", "--batch"), env=_env(), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdin is not None and proc.stdout is not None
        stdin = proc.stdin

        def feed() -> None:  # a thread: git blocks writing when nobody reads, so write and read at once
            try:
                stdin.write("".join(f"{b}\n" for b in blobs).encode("ascii"))
            except BrokenPipeError:
                pass
            finally:
                stdin.close()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out: list[tuple[str, bytes]] = []
        for _ in blobs:
            header = proc.stdout.readline().split()
            if len(header) == 3:
                data = proc.stdout.read(int(header[2]))
                proc.stdout.read(1)  # the newline after the content
                out.append((header[0].decode("ascii"), data))
            # "<oid> missing": a blob a partial clone never fetched; the file is left out
        writer.join()
        proc.stdout.close()
        proc.wait()
        return out


def _safe_path(path: str) -> bool:
    """A path git could hold but a checkout refuses: never written (.git, .., absolute)."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and all(
        p not in ("", ".", "..") and p.lower() != ".git" and "\\" not in p for p in parts)


def _write(into: Path, path: str, mode: str, data: bytes) -> None:
    target = into / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode == "120000":
        # A link is kept only when it stays inside the copy (the work tree's loader follows
        # the same link; one that leaves the repository would read the user's files).
        link = data.decode("utf-8", "surrogateescape")
        inside = os.path.normpath(os.path.join(os.path.dirname(path), link))
        if not os.path.isabs(link) and not inside.startswith(".."):
            os.symlink(link, target)
        return
    target.write_bytes(data)
