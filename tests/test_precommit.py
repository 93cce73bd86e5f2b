"""pre-commit integration: the hooks of .pre-commit-hooks.yaml, installed by the real
`pre-commit` tool from this checkout, block a commit that adds an unencrypted bucket.

pre-commit clones the hook repository at a commit, so the hooks run the code of this
checkout's HEAD (uncommitted changes are not seen). Installing the hook environment
(a virtualenv with tfguard and its dependencies from PyPI) needs network access; it
is built once, in a PRE_COMMIT_HOME under the test's temporary directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("pre_commit")
yaml = pytest.importorskip("yaml")  # a dependency of pre-commit

# The first commit builds the hook environment (pip installs tfguard and its
# dependencies): minutes, not seconds.
pytestmark = pytest.mark.slow

INSTALL_TIMEOUT = 1800  # seconds for one commit, including building the hook environment

BUCKET = 'resource "aws_s3_bucket" "records" {\n  bucket = "patient-records"\n}\n'
LEGACY_BUCKET = 'resource "aws_s3_bucket" "legacy" {\n  bucket = "legacy-records"\n}\n'
ENCRYPTION = """
resource "aws_s3_bucket_server_side_encryption_configuration" "records" {
  bucket = aws_s3_bucket.records.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
"""


@dataclass(frozen=True)
class HookSource:
    root: Path
    rev: str
    hook_ids: frozenset[str]
    env: dict[str, str]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> HookSource:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if rev.returncode != 0:
        pytest.skip(f"{ROOT} is not a git checkout with a commit")
    manifest = subprocess.run(["git", "-C", str(ROOT), "show", "HEAD:.pre-commit-hooks.yaml"],
                              capture_output=True, text=True)
    if manifest.returncode != 0:
        pytest.skip("HEAD has no .pre-commit-hooks.yaml")
    hook_ids = frozenset(str(hook.get("id")) for hook in yaml.safe_load(manifest.stdout) or [])

    base = tmp_path_factory.mktemp("pre-commit")
    # Git and pre-commit see none of the user's settings: no global or system git
    # configuration (core.hooksPath would make `pre-commit install` refuse), no
    # GIT_DIR & co. from an enclosing git hook, no SKIP list.
    gitconfig = base / "gitconfig"
    gitconfig.write_text(f"[safe]\n\tdirectory = {ROOT.as_posix()}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT")) and k != "SKIP"}
    env.update(PRE_COMMIT_HOME=str(base / "home"), GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1",
               PRE_COMMIT_COLOR="never")
    return HookSource(ROOT, rev.stdout.strip(), hook_ids, env)


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=timeout)


def _git(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return _run(["git", *args], repo, env)


def _commit(repo: Path, env: dict[str, str], message: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false",
                 "commit", "-m", message, *extra], repo, env, timeout=INSTALL_TIMEOUT)


def _commits(repo: Path, env: dict[str, str]) -> int:
    out = _git(repo, env, "rev-list", "--count", "HEAD")
    return int(out.stdout) if out.returncode == 0 else 0


def _repo(tmp_path: Path, src: HookSource, hook_id: str, args: list[str]) -> Path:
    """A new git repository whose pre-commit hook runs `hook_id` from this checkout's HEAD."""
    if hook_id not in src.hook_ids:
        pytest.skip(f"HEAD's .pre-commit-hooks.yaml has no hook {hook_id!r} (commit it first)")
    repo = tmp_path / "repo"
    repo.mkdir()
    assert _git(repo, src.env, "-c", "init.defaultBranch=main", "init", "-q").returncode == 0
    # JSON strings are YAML strings: paths with spaces or colons stay one value.
    config = (
        "repos:\n"
        f"  - repo: {json.dumps(src.root.as_posix())}\n"
        f"    rev: {json.dumps(src.rev)}\n"
        "    hooks:\n"
        f"      - id: {hook_id}\n"
        f"        args: {json.dumps(args)}\n"
    )
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    installed = _run([sys.executable, "-m", "pre_commit", "install"], repo, src.env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return repo


def test_commit_with_unencrypted_bucket_is_blocked_until_fixed(tmp_path: Path, source: HookSource) -> None:
    repo = _repo(tmp_path, source, "tfguard", ["--checks", "TG101"])
    (repo / "main.tf").write_text(BUCKET, encoding="utf-8")
    _git(repo, source.env, "add", ".pre-commit-config.yaml", "main.tf")

    blocked = _commit(repo, source.env, "add a bucket")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "TG101" in output and "aws_s3_bucket.records" in output, output
    assert _commits(repo, source.env) == 0

    (repo / "main.tf").write_text(BUCKET + ENCRYPTION, encoding="utf-8")
    _git(repo, source.env, "add", "main.tf")
    allowed = _commit(repo, source.env, "add an encrypted bucket")
    output = allowed.stdout + allowed.stderr
    assert allowed.returncode == 0, output
    assert "Passed" in output, output  # the hook ran; it was not skipped
    assert _commits(repo, source.env) == 1


def test_directory_hook_scans_the_whole_repository(tmp_path: Path, source: HookSource) -> None:
    repo = _repo(tmp_path, source, "tfguard-dir", ["--checks", "TG101"])
    (repo / "legacy").mkdir()
    (repo / "legacy" / "main.tf").write_text(LEGACY_BUCKET, encoding="utf-8")
    _git(repo, source.env, "add", ".")
    assert _commit(repo, source.env, "legacy bucket", "--no-verify").returncode == 0

    # No Terraform file staged: the hook does not run.
    (repo / "README.md").write_text("infra\n", encoding="utf-8")
    _git(repo, source.env, "add", "README.md")
    docs = _commit(repo, source.env, "readme")
    assert docs.returncode == 0, docs.stdout + docs.stderr
    assert "Skipped" in docs.stdout + docs.stderr

    # A clean new module is staged, but the whole tree is scanned: the legacy bucket blocks it.
    (repo / "new").mkdir()
    (repo / "new" / "main.tf").write_text(BUCKET + ENCRYPTION, encoding="utf-8")
    _git(repo, source.env, "add", "new/main.tf")
    blocked = _commit(repo, source.env, "new module")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "TG101" in output and "legacy/main.tf" in output and "aws_s3_bucket.legacy" in output, output
    assert _commits(repo, source.env) == 2


BUCKET_IN_MODULE = "module.bucket.aws_s3_bucket.this"


def _failures(report: Path) -> list[tuple[str, str, str, str, int, str]]:
    doc = json.loads(report.read_text(encoding="utf-8"))
    return [(f["id"], f["resource"], f["status"], f["file"], f["start_line"], f["root"]) for f in doc["findings"]]


def test_module_files_are_checked_through_their_callers(tmp_path: Path, source: HookSource) -> None:
    """A module with two callers: the module's file is checked with the callers' arguments
    (its default alone would fail), and each finding is reported once."""
    from tests.test_changed import MODULE, UNENCRYPTED_MODULE, caller

    report = tmp_path / "report.json"
    repo = _repo(tmp_path, source, "tfguard", ["--checks", "TG101", "--format", "json", "--output", str(report)])
    files = {"modules/bucket/main.tf": MODULE, "envs/dev/main.tf": caller("dev", True),
             "envs/prod/main.tf": caller("prod", True)}
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    _git(repo, source.env, "add", ".")

    correct = _commit(repo, source.env, "a module and its callers, all encrypted")
    assert correct.returncode == 0, correct.stdout + correct.stderr
    assert _failures(report) == []  # the module's default (no encryption) is not a finding

    # A caller turns encryption off: blocked, once, for that caller only.
    (repo / "envs/prod/main.tf").write_text(caller("prod", False), encoding="utf-8")
    _git(repo, source.env, "add", "envs/prod/main.tf")
    blocked = _commit(repo, source.env, "prod without encryption")
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert _failures(report) == [("TG101", BUCKET_IN_MODULE, "fail", "modules/bucket/main.tf", 10, "envs/prod")]
    assert _commits(repo, source.env) == 1
    _git(repo, source.env, "checkout", "HEAD", "--", "envs/prod/main.tf")

    # The module drops its encryption: blocked, one finding per root that calls it, and
    # none for the module as a configuration of its own (address aws_s3_bucket.this).
    (repo / "modules/bucket/main.tf").write_text(UNENCRYPTED_MODULE, encoding="utf-8")
    _git(repo, source.env, "add", "modules/bucket/main.tf")
    blocked = _commit(repo, source.env, "module without encryption")
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert sorted(_failures(report)) == [("TG101", BUCKET_IN_MODULE, "fail", "modules/bucket/main.tf", 10, "envs/dev"),
                                         ("TG101", BUCKET_IN_MODULE, "fail", "modules/bucket/main.tf", 10, "envs/prod")]
    assert _commits(repo, source.env) == 1


def test_with_diff_base_only_what_the_branch_introduces_blocks(tmp_path: Path, source: HookSource) -> None:
    """`args: [--diff-base, main, --new-only]`: inside a real git hook (GIT_INDEX_FILE and
    friends set), the base is read and an unencrypted bucket that main has already does
    not block a commit on a branch; a new one does."""
    repo = _repo(tmp_path, source, "tfguard", ["--diff-base", "main", "--new-only", "--checks", "TG101"])
    (repo / "main.tf").write_text(LEGACY_BUCKET, encoding="utf-8")
    _git(repo, source.env, "add", ".")
    assert _commit(repo, source.env, "legacy bucket", "--no-verify").returncode == 0
    _git(repo, source.env, "checkout", "-q", "-b", "feature")

    (repo / "main.tf").write_text(LEGACY_BUCKET.replace('"legacy-records"', '"legacy-records-v2"'), encoding="utf-8")
    _git(repo, source.env, "add", "main.tf")
    allowed = _commit(repo, source.env, "rename the legacy bucket")
    output = allowed.stdout + allowed.stderr
    assert allowed.returncode == 0, output
    assert "Passed" in output, output

    (repo / "main.tf").write_text(LEGACY_BUCKET + BUCKET, encoding="utf-8")
    _git(repo, source.env, "add", "main.tf")
    blocked = _commit(repo, source.env, "a new bucket")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "TG101 aws_s3_bucket.records [introduced]" in output, output
    assert "TG101 aws_s3_bucket.legacy [existing]" in output, output
    assert _commits(repo, source.env) == 2


def test_fix_hook_fixes_the_staged_file_and_the_next_commit_passes(tmp_path: Path, source: HookSource) -> None:
    repo = _repo(tmp_path, source, "tfguard-fix", [])
    key = 'resource "aws_kms_key" "app" {\n  description = "app"\n}\n'
    (repo / "main.tf").write_text(key, encoding="utf-8")
    _git(repo, source.env, "add", ".pre-commit-config.yaml", "main.tf")

    first = _commit(repo, source.env, "add a key")
    output = first.stdout + first.stderr
    assert first.returncode != 0, output  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in output, output
    assert (repo / "main.tf").read_text(encoding="utf-8") == (
        'resource "aws_kms_key" "app" {\n  description         = "app"\n  enable_key_rotation = true\n}\n')
    assert _commits(repo, source.env) == 0

    _git(repo, source.env, "add", "main.tf")
    second = _commit(repo, source.env, "add a rotating key")
    assert second.returncode == 0, second.stdout + second.stderr
    assert _commits(repo, source.env) == 1
