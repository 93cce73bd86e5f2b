"""Repository and commit read from the files under .git, without running git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tfguard.vcs import Repository, find_repository, public_url, remote_url

SHA1 = "0123456789abcdef0123456789abcdef01234567"
SHA2 = "89abcdef0123456789abcdef0123456789abcdef"


def _git_dir(root: Path, head: str, config: str = "") -> Path:
    gitdir = root / ".git"
    (gitdir / "refs" / "heads").mkdir(parents=True)
    (gitdir / "HEAD").write_text(head + "\n", encoding="utf-8")
    (gitdir / "config").write_text(config, encoding="utf-8")
    return gitdir


ORIGIN = '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://example.com/fork.git\n' \
         '[remote "origin"]\n\turl = https://x-access-token:ghs_secret@github.com/acme/infra.git\n' \
         '\tfetch = +refs/heads/*:refs/remotes/origin/*\n'


def test_branch_commit_and_origin_from_a_loose_ref(tmp_path: Path) -> None:
    gitdir = _git_dir(tmp_path, "ref: refs/heads/main", ORIGIN)
    (gitdir / "refs" / "heads" / "main").write_text(SHA1 + "\n", encoding="utf-8")
    (tmp_path / "infra").mkdir()
    assert find_repository(tmp_path / "infra") == Repository(
        tmp_path.resolve(), "https://github.com/acme/infra.git", SHA1, "main")


def test_packed_refs_and_detached_head(tmp_path: Path) -> None:
    gitdir = _git_dir(tmp_path, "ref: refs/heads/feature/x")
    (gitdir / "packed-refs").write_text(f"# pack-refs with: peeled fully-peeled sorted\n{SHA2} refs/heads/feature/x\n"
                                        f"^{SHA1}\n{SHA1} refs/tags/v1\n", encoding="utf-8")
    assert find_repository(tmp_path) == Repository(tmp_path.resolve(), None, SHA2, "feature/x")
    (gitdir / "HEAD").write_text(SHA1 + "\n", encoding="utf-8")
    assert find_repository(tmp_path) == Repository(tmp_path.resolve(), None, SHA1, None)


def test_linked_work_tree_reads_refs_and_config_from_the_common_dir(tmp_path: Path) -> None:
    main = tmp_path / "main"
    gitdir = _git_dir(main, "ref: refs/heads/main", ORIGIN)
    (gitdir / "refs" / "heads" / "topic").write_text(SHA2 + "\n", encoding="utf-8")
    private = gitdir / "worktrees" / "wt"
    private.mkdir(parents=True)
    (private / "HEAD").write_text("ref: refs/heads/topic\n", encoding="utf-8")
    (private / "commondir").write_text("../..\n", encoding="utf-8")
    (tmp_path / "wt").mkdir()
    (tmp_path / "wt" / ".git").write_text("gitdir: ../main/.git/worktrees/wt\n", encoding="utf-8")
    assert find_repository(tmp_path / "wt") == Repository(
        (tmp_path / "wt").resolve(), "https://github.com/acme/infra.git", SHA2, "topic")


def test_no_repository_and_unreadable_parts(tmp_path: Path) -> None:
    assert find_repository(tmp_path) is None
    _git_dir(tmp_path, "ref: refs/heads/../../../etc/passwd")
    assert find_repository(tmp_path) == Repository(tmp_path.resolve(), None, None, None)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".git").write_text("gitdir: /nonexistent/x\n", encoding="utf-8")
    assert find_repository(tmp_path / "sub") == Repository(tmp_path.resolve(), None, None, None)


@pytest.mark.parametrize(("config", "url"), [
    ('[remote "origin"]\n  URL = "https://h/o/r.git" ; a comment\n', "https://h/o/r.git"),
    ("[remote.origin]\n\turl = git@h:o/r.git # comment\n", "git@h:o/r.git"),
    ('[Remote "origin"] url = https://h/a\n', "https://h/a"),
    ('[remote "Origin"]\n\turl = https://h/other\n', None),
    ('[remote "origin"]\n\tpushurl = https://h/push\n', None),
    ('[remote "origin"]\n\turl = "https://h/with \\"quote\\""\n', 'https://h/with "quote"'),
])
def test_remote_url_from_config_text(config: str, url: str | None) -> None:
    assert remote_url(config, "origin") == url


@pytest.mark.parametrize(("url", "public"), [
    ("https://x-access-token:ghs_secret@github.com/acme/infra.git", "https://github.com/acme/infra.git"),
    ("https://github.com/acme/infra", "https://github.com/acme/infra"),
    ("git@github.com:acme/infra.git", "ssh://github.com/acme/infra.git"),
    ("ssh://git@gitlab.example.com:2222/g/r.git", "ssh://gitlab.example.com:2222/g/r.git"),
    ("https://user:pw@dev.azure.com/org/p/_git/r?token=1#frag", "https://dev.azure.com/org/p/_git/r"),
    ("/srv/git/infra.git", None),
    ("../infra", None),
    ("file:///srv/git/infra.git", None),
    ("C:/repos/infra", None),
    ("https://h:notaport/x", None),
])
def test_public_url_drops_credentials_and_local_paths(url: str, public: str | None) -> None:
    assert public_url(url) == public


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to make a real repository")
def test_agrees_with_git_on_a_real_repository(tmp_path: Path) -> None:
    def git(*args: str, cwd: Path = tmp_path / "repo") -> str:
        return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", *args], cwd=cwd, check=True,
                              capture_output=True, text=True).stdout.strip()

    (tmp_path / "repo").mkdir()
    git("init", "-q", "-b", "main")
    (tmp_path / "repo" / "main.tf").write_text("# x\n", encoding="utf-8")
    git("add", "main.tf")
    git("commit", "-q", "-m", "one")
    git("remote", "add", "origin", "https://user:token@git.example.com/acme/infra.git")
    head = git("rev-parse", "HEAD")
    assert find_repository(tmp_path / "repo") == Repository(
        (tmp_path / "repo").resolve(), "https://git.example.com/acme/infra.git", head, "main")
    git("pack-refs", "--all")
    git("worktree", "add", "-q", "-b", "topic", str(tmp_path / "wt"))
    assert find_repository(tmp_path / "wt") == Repository(
        (tmp_path / "wt").resolve(), "https://git.example.com/acme/infra.git", head, "topic")
    git("checkout", "-q", "--detach")
    assert find_repository(tmp_path / "repo") == Repository(
        (tmp_path / "repo").resolve(), "https://git.example.com/acme/infra.git", head, None)
