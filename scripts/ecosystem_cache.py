"""The pinned repository list and the cache of their checkouts (shared by ecosystem.py and oracle.py).

Checkouts live outside the repository, one folder per repository:
``<cache>/<owner>+<name>/``. The cache is ``--cache``, else
``$TFGUARD_ECOSYSTEM_CACHE``, else ``~/.cache/tfguard-ecosystem``. Nothing here
touches the network: a missing checkout is reported with the command that
makes it, and ``prepare_from`` only reads a local git directory.

Standard library only.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REPOS_FILE = REPO_ROOT / "scripts" / "ecosystem_repos.json"
CACHE_ENV = "TFGUARD_ECOSYSTEM_CACHE"
DEFAULT_CACHE = Path("~/.cache/tfguard-ecosystem")


@dataclass(frozen=True)
class Repo:
    name: str  # owner/name
    commit: str
    why: str

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+", 1)

    def clone_command(self, cache: Path) -> str:
        dest = cache / self.folder
        return (f"git clone https://github.com/{self.name}.git {dest} && "
                f"git -C {dest} checkout --detach {self.commit}")


def load_repos(path: Path = REPOS_FILE, only: list[str] | None = None) -> list[Repo]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    repos = [Repo(r["repo"], r["commit"], r.get("why", "")) for r in doc["repositories"]]
    if only:
        wanted = set(only)
        repos = [r for r in repos if r.name in wanted or r.folder in wanted or r.name.split("/")[1] in wanted
                 or r.name.split("/")[1].removeprefix("terraform-aws-") in wanted]
    return repos


def cache_dir(option: str | None) -> Path:
    value = option or os.environ.get(CACHE_ENV) or str(DEFAULT_CACHE)
    return Path(value).expanduser().resolve()


def checkout(repo: Repo, cache: Path) -> Path | None:
    path = cache / repo.folder
    return path if path.is_dir() else None


def _git_dir(source: Path, repo: Repo) -> Path | None:
    for candidate in (source / repo.folder / "repo", source / repo.folder / ".git", source / repo.folder):
        if (candidate / "objects").is_dir() or (candidate / "HEAD").is_file():
            return candidate
    return None


def prepare_from(repo: Repo, source: Path, cache: Path) -> str:
    """Extract the pinned commit from a local git directory into the cache; blobs the
    git directory lacks (a partial clone) are skipped. Returns a one-line account."""
    git_dir = _git_dir(source, repo)
    if git_dir is None:
        return f"{repo.name}: no git directory under {source / repo.folder}"
    dest = cache / repo.folder
    if dest.exists():
        return f"{repo.name}: already in the cache"
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", repo.commit],
                             capture_output=True, check=False)
    if listing.returncode != 0:
        return f"{repo.name}: commit {repo.commit} not in {git_dir}: {listing.stderr.decode(errors='replace').strip()}"
    entries: list[tuple[str, str, str]] = []  # (mode, sha, path)
    for item in listing.stdout.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        if kind == "blob" and mode != "120000":  # symbolic links are not followed into the tree
            entries.append((mode, sha, name.decode(errors="replace")))
    written, missing = _write_blobs(git_dir, entries, dest.with_name(dest.name + ".part"))
    dest.with_name(dest.name + ".part").rename(dest)
    return f"{repo.name}: {written} files extracted at {repo.commit[:12]}, {missing} missing blobs skipped"


def _write_blobs(git_dir: Path, entries: list[tuple[str, str, str]], dest: Path) -> tuple[int, int]:
    request = "".join(f"{sha}\n" for _, sha, _ in entries).encode()
    proc = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                          input=request, capture_output=True, check=False)
    data, pos, written, missing = proc.stdout, 0, 0, 0
    for mode, _, path in entries:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":  # "<sha> missing"
            missing += 1
            continue
        size = int(header[2])
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data[pos:pos + size])
        if mode == "100755":
            target.chmod(0o755)
        pos += size + 1
        written += 1
    return written, missing
