"""`tfguard check PATH --diff-base REF` on a git repository made here: a base commit with one
unencrypted bucket, a branch commit that encrypts it and adds a second unencrypted one."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tfguard.cli import main
from tfguard.model import Report

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

LOGS = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
LOGS_ENCRYPTED = LOGS + """
resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
"""
DATA = 'resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}\n'
CHECKS = ["--checks", "TG101,TG601"]


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                           *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: infra/main.tf with the unencrypted bucket `logs`; feature (checked out): `logs`
    encrypted and a new unencrypted bucket `data`."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    commit(root, {"infra/main.tf": LOGS}, "base")
    git(root, "checkout", "-q", "-b", "feature")
    commit(root, {"infra/main.tf": LOGS_ENCRYPTED + DATA}, "branch")
    return root


@pytest.fixture
def reports(monkeypatch: pytest.MonkeyPatch) -> list[Report]:
    """The reports of the scans main() runs; the last one is the report it renders."""
    import tfguard.run as run_module

    seen: list[Report] = []
    real = run_module.run

    def spy(*args: object, **kwargs: object) -> Report:
        report = real(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(report)
        return report

    monkeypatch.setattr(run_module, "run", spy)
    return seen


def marked(report: Report) -> list[tuple[str, str, str, str]]:
    return sorted((f.check_id, f.address, f.status.value, f.change) for f in report.findings)


def resolved(report: Report) -> list[tuple[str, str, str]]:
    return sorted((f.check_id, f.address, f.status.value) for f in report.resolved)


EXPECTED = [
    ("TG101", "aws_s3_bucket.data", "fail", "introduced"),
    ("TG101", "aws_s3_bucket.logs", "pass", ""),
    ("TG601", "aws_s3_bucket.data", "fail", "introduced"),
    ("TG601", "aws_s3_bucket.logs", "fail", "existing"),
]


@pytest.mark.parametrize("where, target", [("repo", "infra"), ("repo/infra", "."), (".", "repo/infra"),
                                           ("repo", "infra/main.tf")])
def test_branch_findings_are_introduced_existing_or_resolved(
        repo: Path, reports: list[Report], monkeypatch: pytest.MonkeyPatch, where: str, target: str) -> None:
    monkeypatch.chdir(repo.parent / where)
    assert main(["check", target, "--diff-base", "main", *CHECKS]) == 1
    report = reports[-1]
    assert marked(report) == EXPECTED
    assert resolved(report) == [("TG101", "aws_s3_bucket.logs", "fail")]
    assert report.compared_with == "main"
    assert report.diagnostics == []


def test_unchanged_findings_keep_their_root_and_fingerprint(repo: Path, reports: list[Report],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    assert main(["check", "infra", "--diff-base", "HEAD", *CHECKS]) == 1
    assert marked(reports[-1]) == [(c, a, s, "existing" if s == "fail" else "") for c, a, s, _ in EXPECTED]
    assert resolved(reports[-1]) == []
    assert {f.root for f in reports[-1].findings} == {"infra"}


def test_a_resource_moved_to_a_new_named_file_is_existing(repo: Path, reports: list[Report],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # pre-commit names the new file only (the old one still exists, now without the bucket)
    commit(repo, {"infra/main.tf": LOGS_ENCRYPTED, "infra/data.tf": DATA}, "split")
    commit(repo, {"infra/main.tf": LOGS_ENCRYPTED.replace(LOGS, ""), "infra/logs.tf": LOGS}, "move")
    monkeypatch.chdir(repo)
    assert main(["check", "infra/logs.tf", "--diff-base", "HEAD~1", *CHECKS]) == 1  # existing fails too
    assert marked(reports[-1]) == [("TG101", "aws_s3_bucket.logs", "pass", ""),
                                   ("TG601", "aws_s3_bucket.logs", "fail", "existing")]
    assert resolved(reports[-1]) == []


def test_a_folder_the_base_lacks_is_all_introduced(repo: Path, reports: list[Report],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, {"new/main.tf": LOGS}, "new root")
    monkeypatch.chdir(repo)
    assert main(["check", "new", "--diff-base", "main", *CHECKS]) == 1
    assert marked(reports[-1]) == [("TG101", "aws_s3_bucket.logs", "fail", "introduced"),
                                   ("TG601", "aws_s3_bucket.logs", "fail", "introduced")]
    assert resolved(reports[-1]) == []
    assert main(["check", "new/main.tf", "--diff-base", "main", *CHECKS]) == 1
    assert marked(reports[-1]) == [("TG101", "aws_s3_bucket.logs", "fail", "introduced"),
                                   ("TG601", "aws_s3_bucket.logs", "fail", "introduced")]


def test_the_base_uses_the_modules_terraform_init_installed(repo: Path, reports: list[Report],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # .terraform is not committed: without the work tree's copy the base would not have the
    # module's bucket, and its finding would be introduced.
    call = 'module "store" {\n  source = "acme/store/aws"\n}\n'
    commit(repo, {".gitignore": ".terraform/\n", "infra/store.tf": call}, "module")
    commit(repo, {"infra/main.tf": LOGS}, "unencrypt")
    installed = repo / "infra" / ".terraform" / "modules"
    (installed / "store").mkdir(parents=True)
    (installed / "store" / "main.tf").write_text(DATA, encoding="utf-8")
    (installed / "modules.json").write_text('{"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "store", '
                                            '"Source": "acme/store/aws", "Dir": ".terraform/modules/store"}]}')
    monkeypatch.chdir(repo)
    assert main(["check", "infra", "--diff-base", "HEAD~1", "--checks", "TG101"]) == 1
    assert marked(reports[-1]) == [("TG101", "aws_s3_bucket.logs", "fail", "introduced"),
                                   ("TG101", "module.store.aws_s3_bucket.data", "fail", "existing")]


def test_an_unknown_revision_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    assert main(["check", "infra", "--diff-base", "origin/main"]) == 2
    err = capsys.readouterr().err
    assert f"tfguard: error: --diff-base: unknown revision 'origin/main' in the git repository at {repo.resolve()}" in err
    assert main(["check", "infra", "--diff-base", "--help"]) == 2
    assert "tfguard: error: --diff-base: '--help' is not a revision" in capsys.readouterr().err


def test_a_folder_outside_git_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "main.tf").write_text(LOGS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # kept from git by tfguard: no effect
    assert main(["check", "plain", "--diff-base", "main"]) == 2
    assert ("tfguard: error: --diff-base compares with a git revision, but plain is not in a git work tree"
            in capsys.readouterr().err)


def test_git_missing_is_a_usage_error(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["check", "infra", "--diff-base", "main"]) == 2
    assert "tfguard: error: --diff-base needs git, and there is no git on PATH" in capsys.readouterr().err


def test_a_plan_with_diff_base_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "plan.json").write_text('{"format_version": "1.2"}', encoding="utf-8")
    monkeypatch.chdir(repo)
    assert main(["check", "plan.json", "--diff-base", "main"]) == 2
    assert "tfguard: error: --diff-base compares configuration with a git revision; plan.json is a plan" in \
        capsys.readouterr().err


def test_nothing_the_repository_configures_runs(repo: Path, reports: list[Report], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Hooks, fsmonitor and attribute filters of the scanned repository never run, and the
    base is read raw: a smudge filter that would rename the bucket changes nothing."""
    ran = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {ran}\nsed s/logs/evil/\n", encoding="utf-8")
    script.chmod(0o755)
    hooks = repo / ".git" / "hooks"
    for hook in ("post-checkout", "post-merge", "pre-commit", "reference-transaction", "post-index-change"):
        (hooks / hook).write_text(f"#!/bin/sh\necho {hook} >> {ran}\n", encoding="utf-8")
        (hooks / hook).chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(script))
    git(repo, "config", "filter.evil.smudge", str(script))
    git(repo, "config", "filter.evil.clean", "cat")
    (repo / ".gitattributes").write_text("*.tf filter=evil ident export-subst\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    # What a checkout of the base would have run: the hooks and filters are real.
    git(repo, "checkout", "-q", "main", "--", "infra/main.tf")
    assert ran.exists()
    (repo / "infra" / "main.tf").write_text(LOGS_ENCRYPTED + DATA, encoding="utf-8")  # the smudged copy back
    ran.unlink()
    assert main(["check", "infra", "--diff-base", "main", *CHECKS]) == 1
    assert not ran.exists()
    assert marked(reports[-1]) == EXPECTED


def test_the_actions_diff_base_input_reaches_tfguard(repo: Path) -> None:
    from tests.test_options import _action_scan

    assert _action_scan(repo.parent, {"output": "r.json", "fail-on": "", "format": "", "diff-base": "nope"}) == {
        "report": "r.json", "exit-code": "2"}
    assert _action_scan(repo.parent, {"output": "r.json", "fail-on": "", "format": "", "diff-base": "main"}) == {
        "report": "r.json", "exit-code": "1"}


ENCRYPTED_BY_VAR = LOGS + """
variable "encrypt" {
  type = bool
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  count  = var.encrypt ? 1 : 0
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
"""


def test_a_var_file_of_the_repository_is_read_as_the_base_has_it(tmp_path: Path, reports: list[Report],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    commit(root, {"infra/main.tf": ENCRYPTED_BY_VAR, "env/prod.tfvars": "encrypt = true\n"}, "base")
    commit(root, {"env/prod.tfvars": "encrypt = false\n"}, "turn encryption off")
    monkeypatch.chdir(root)
    assert main(["check", "infra", "--diff-base", "HEAD~1", "--var-file", "env/prod.tfvars", "--checks", "TG101"]) == 1
    assert marked(reports[-1]) == [("TG101", "aws_s3_bucket.logs", "fail", "introduced")]
    assert main(["check", "infra", "--diff-base", "HEAD~1", "--var-file", "env/prod.tfvars", "--checks", "TG101",
                 "--var", "encrypt=false"]) == 1  # --var wins in both scans: nothing changed
    assert marked(reports[-1]) == [("TG101", "aws_s3_bucket.logs", "fail", "existing")]


def test_a_base_that_does_not_parse_is_a_warning(repo: Path, reports: list[Report],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, {"infra/main.tf": LOGS + "resource {\n"}, "broken")
    commit(repo, {"infra/main.tf": LOGS}, "fixed")
    monkeypatch.chdir(repo)
    assert main(["check", "infra", "--diff-base", "HEAD~1", "--checks", "TG601"]) == 1
    report = reports[-1]
    assert marked(report) == [("TG601", "aws_s3_bucket.logs", "fail", "introduced")]
    assert [(d.severity, d.message.split(", e.g.")[0]) for d in report.diagnostics] == [
        ("warning", "--diff-base HEAD~1: 1 problem(s) reading the base revision")]


def test_a_resolved_finding_outside_the_reports_folder_names_the_work_trees_file(
        tmp_path: Path, reports: list[Report], monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    call = 'module "store" {\n  source = "../modules/store"\n}\n'
    commit(root, {"infra/main.tf": call, "modules/store/main.tf": LOGS}, "base")
    commit(root, {"modules/store/main.tf": LOGS_ENCRYPTED}, "encrypt")
    monkeypatch.chdir(root / "infra")
    assert main(["check", ".", "--diff-base", "HEAD~1", "--checks", "TG101", "--allow-outside-root"]) == 0
    assert marked(reports[-1]) == [("TG101", "module.store.aws_s3_bucket.logs", "pass", "")]
    [gone] = reports[-1].resolved
    assert gone.location is not None and gone.location.file == (root / "modules/store/main.tf").resolve().as_posix()


def test_new_only_fails_only_on_what_the_branch_introduces(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import json

    monkeypatch.chdir(repo)
    assert main(["check", "infra", "--diff-base", "main", *CHECKS, "--new-only", "-f", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert sorted((f["id"], f["resource"], f["status"], f["change"]) for f in doc["findings"]) == [
        ("TG101", "aws_s3_bucket.data", "fail", "introduced"), ("TG601", "aws_s3_bucket.data", "fail", "introduced"),
        ("TG601", "aws_s3_bucket.logs", "fail", "existing")]
    assert [(f["id"], f["resource"], f["status"]) for f in doc["resolved"]] == [
        ("TG101", "aws_s3_bucket.logs", "fail")]
    # Against the branch itself everything is existing: reported, but nothing fails.
    assert main(["check", "infra", "--diff-base", "HEAD", *CHECKS, "--new-only"]) == 0
    out = capsys.readouterr().out
    assert "0 introduced since HEAD, 3 existing, 0 resolved" in out


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the base revision that tfguard writes into its copy."""
    import tfguard.gitbase as gitbase

    seen: list[str] = []
    real = gitbase._write

    def spy(into: Path, path: str, mode: str, data: bytes) -> None:
        seen.append(path)
        real(into, path, mode, data)

    monkeypatch.setattr(gitbase, "_write", spy)
    return seen


def test_a_scan_of_folders_copies_only_those_folders(repo: Path, reports: list[Report], written: list[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "checkout", "-q", "main")
    commit(repo, {"other/main.tf": DATA, "env/prod.tfvars": "x = 1\n"}, "more")
    monkeypatch.chdir(repo)
    main(["check", "infra", "--diff-base", "HEAD", "--checks", "TG601", "--var-file", "env/prod.tfvars"])
    assert sorted(written) == ["env/prod.tfvars", "infra/main.tf"]
    written.clear()
    # A named file is checked in the roots of the whole repository: all of it is copied.
    main(["check", "infra/main.tf", "--diff-base", "HEAD", "--checks", "TG601"])
    assert sorted(written) == ["env/prod.tfvars", "infra/main.tf", "other/main.tf"]


def test_paths_a_checkout_refuses_are_never_written(repo: Path, reports: list[Report], written: list[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # git mktree accepts what no checkout writes: "..", ".git" and ".GIT" entries.
    def blob(text: str) -> str:
        return subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input=text, capture_output=True,
                              text=True, check=True).stdout.strip()

    def tree(entries: str) -> str:
        return subprocess.run(["git", "mktree"], cwd=repo, input=entries, capture_output=True, text=True,
                              check=True).stdout.strip()

    bucket = tree(f"100644 blob {blob(LOGS)}\tmain.tf\n")
    hook = blob("#!/bin/sh\ntouch ran\n")
    hooks = tree(f"100755 blob {hook}\tpost-checkout\n")
    top = tree(f"040000 tree {bucket}\t..\n040000 tree {hooks}\t.git\n040000 tree {hooks}\t.GIT\n"
               f"040000 tree {bucket}\tinfra\n")
    crafted = git(repo, "commit-tree", top, "-m", "crafted").strip()
    git(repo, "update-ref", "refs/heads/crafted", crafted)
    monkeypatch.chdir(repo)
    assert main(["check", ".", "--diff-base", "crafted", "--checks", "TG601"]) == 1
    assert written == ["infra/main.tf"]
    assert marked(reports[-1]) == [("TG601", "aws_s3_bucket.data", "fail", "introduced"),
                                   ("TG601", "aws_s3_bucket.logs", "fail", "existing")]


def test_links_are_copied_only_inside_the_repository(tmp_path: Path) -> None:
    from tfguard.gitbase import _write

    _write(tmp_path, "infra/shared.tf", "120000", b"../common/shared.tf")
    _write(tmp_path, "infra/passwd.tf", "120000", b"/etc/passwd")
    _write(tmp_path, "infra/up.tf", "120000", b"../../outside.tf")
    assert sorted(p.name for p in (tmp_path / "infra").iterdir()) == ["shared.tf"]
    assert os.readlink(tmp_path / "infra" / "shared.tf") == "../common/shared.tf"


def test_a_repository_git_distrusts_is_a_usage_error_unless_the_user_trusts_it(
        repo: Path, tmp_path: Path, reports: list[Report], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("giving the repository to another user needs root")
    for folder, _, files in os.walk(repo):
        for name in [".", *files]:
            os.chown(Path(folder) / name, 12345, 12345)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("HOME", str(tmp_path))  # no safe.directory in the user's configuration
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    assert main(["check", "infra", "--diff-base", "main", *CHECKS]) == 2
    assert "tfguard: error: --diff-base: git refuses the repository of infra: detected dubious ownership" in \
        capsys.readouterr().err
    # The user's own configuration says it is safe: the one setting tfguard's git calls take from it.
    trusted = tmp_path / "gitconfig"
    trusted.write_text(f"[safe]\n\tdirectory = {repo.resolve()}\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(trusted))
    assert main(["check", "infra", "--diff-base", "main", *CHECKS]) == 1
    assert marked(reports[-1]) == EXPECTED


def test_targets_in_two_repositories_are_each_compared_with_their_own_base(
        repo: Path, tmp_path: Path, reports: list[Report], monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q", "-b", "main")
    commit(other, {"main.tf": DATA}, "base")
    git(other, "checkout", "-q", "-b", "feature")
    commit(other, {"main.tf": DATA + LOGS}, "add logs")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "repo/infra", "other", "--diff-base", "main", "--checks", "TG601"]) == 1
    assert sorted((f.root, f.address, f.change) for f in reports[-1].findings) == [
        ("other", "aws_s3_bucket.data", "existing"), ("other", "aws_s3_bucket.logs", "introduced"),
        ("repo/infra", "aws_s3_bucket.data", "introduced"), ("repo/infra", "aws_s3_bucket.logs", "existing")]
