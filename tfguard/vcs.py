"""Which commit of which repository was scanned, read from the files under `.git`.

Nothing is run (no `git`): HEAD, loose refs, packed-refs and the configuration's
`remote "origin"` URL are read as files. A work tree whose `.git` is a file
(`git worktree add`, submodules) is followed to its git directory, and a linked
work tree's `commondir` to the shared refs and configuration. Whatever cannot be
read is left out; a URL never keeps the credentials it may hold.

Not followed: `include`/`includeIf` configuration files, `url.<base>.insteadOf`
rewrites and the reftable ref format (the commit is then left out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MAX_FILE = 50_000_000  # bytes; a larger packed-refs or config is not read
_SHA = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")  # SHA-1 or SHA-256 object names
_REF = re.compile(r"^refs/[A-Za-z0-9._/+@-]+$")
_SCHEMES = {"http", "https", "ssh", "git", "git+ssh", "ssh+git"}


@dataclass(frozen=True)
class Repository:
    root: Path  # the work tree's top folder
    url: str | None  # remote "origin", without user name, password, query or fragment
    commit: str | None  # the commit HEAD names
    branch: str | None  # the branch HEAD is on (None when detached, as in most CI checkouts)


def find_repository(start: Path) -> Repository | None:
    """The Git work tree that contains `start`, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        gitdir = _gitdir(folder / ".git")
        if gitdir is not None:
            return _describe(folder, gitdir)
    return None


def _gitdir(dotgit: Path) -> Path | None:
    if dotgit.is_dir():
        return dotgit if (dotgit / "HEAD").is_file() else None
    text = _read(dotgit)
    if text is None or not text.startswith("gitdir:"):
        return None
    target = Path(text[len("gitdir:"):].strip())
    gitdir = target if target.is_absolute() else dotgit.parent / target
    return gitdir if (gitdir / "HEAD").is_file() else None


def _describe(root: Path, gitdir: Path) -> Repository:
    common = gitdir
    pointer = _read(gitdir / "commondir")
    if pointer is not None and pointer.strip():
        common = gitdir / pointer.strip()
    head = (_read(gitdir / "HEAD") or "").strip()
    commit: str | None = None
    branch: str | None = None
    if head.startswith("ref:"):
        ref = head[4:].strip()
        commit = _resolve(ref, gitdir, common)
        if ref.startswith("refs/heads/") and _valid_ref(ref):
            branch = ref[len("refs/heads/"):]
    elif _SHA.match(head):
        commit = head
    config = _read(common / "config")
    url = remote_url(config, "origin") if config is not None else None
    return Repository(root, public_url(url) if url else None, commit, branch)


def _resolve(ref: str, gitdir: Path, common: Path, depth: int = 0) -> str | None:
    if depth > 5 or not _valid_ref(ref):
        return None
    for base in dict.fromkeys((gitdir, common)):
        text = _read(base / ref)
        if text is None:
            continue
        text = text.strip()
        if text.startswith("ref:"):
            return _resolve(text[4:].strip(), gitdir, common, depth + 1)
        return text if _SHA.match(text) else None
    for line in (_read(common / "packed-refs") or "").splitlines():
        if line.startswith(("#", "^")):
            continue
        sha, _, name = line.partition(" ")
        if name.strip() == ref and _SHA.match(sha):
            return sha
    return None


def _valid_ref(ref: str) -> bool:
    return bool(_REF.match(ref)) and ".." not in ref and not ref.endswith((".lock", "/"))


def _read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


_SECTION = re.compile(r'^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]')
_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$")


def remote_url(config: str, remote: str) -> str | None:
    """The first `url` of `[remote "NAME"]` in a Git configuration file's text."""
    section: tuple[str, str | None] | None = None
    for raw in config.splitlines():
        line = raw.strip()
        m = _SECTION.match(line)
        if m:
            name, sub = m.group(1), m.group(2)
            if sub is None and "." in name:  # the old form [remote.origin]
                name, sub = name.split(".", 1)
            section = (name.lower(), sub.replace('\\"', '"').replace("\\\\", "\\") if sub is not None else None)
            line = line[m.end():].strip()
            if not line:
                continue
        if section != ("remote", remote):
            continue
        k = _KEY.match(line)
        if k and k.group(1).lower() == "url" and k.group(2) is not None:
            value = _value(k.group(2))
            if value:
                return value
    return None


def _value(text: str) -> str:
    """A configuration value: quotes removed, escapes read, a trailing # or ; comment dropped."""
    out: list[str] = []
    quoted = False
    chars = iter(text)
    for ch in chars:
        if ch == '"':
            quoted = not quoted
        elif ch == "\\":
            nxt = next(chars, "")
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(nxt, nxt))
        elif ch in "#;" and not quoted:
            break
        else:
            out.append(ch)
    return "".join(out).strip()


def public_url(url: str) -> str | None:
    """A remote URL fit to publish: no user name or password (a token is often one), no query
    or fragment; scp-like `git@host:owner/repo.git` becomes `ssh://host/owner/repo.git`.
    A local path or file: URL is None: it names a folder of the scanning machine, not a repository."""
    url = url.strip()
    if "://" not in url:
        scp = re.match(r"^(?:[^@/:]+@)?([A-Za-z0-9.-]{2,}):(.+)$", url)
        if scp is None:
            return None
        url = f"ssh://{scp.group(1)}/{scp.group(2).lstrip('/')}"
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, "", ""))
