"""scripts/fix_ecosystem.py judges a fix run by what the fix changed, not by what the
repository already had wrong: the rules of that judgement, on records of our own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from fix_ecosystem import _init_reason, _problems, summarize  # noqa: E402


def _record(**safe: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"fixed": ["TG301 aws_kms_key.a"], "fixed_by_check": {"TG301": 1}, "refused": [],
                            "refused_kinds": {}, "needs_unsafe": {}, "rejected": [], "internal": [],
                            "files": ["main.tf"], "still_failing": [], "new_open": [], "second_run_edits": []}
    return {"repo": "o/r", "target": ".", "seconds": 1.0, "safe": base | safe}


def test_a_clean_run_has_no_problem() -> None:
    rec = _record(fmt_before={"main.tf": 0}, fmt_after={"main.tf": 0},
                  validate={".": {"before": {"status": "valid", "errors": []},
                                  "after": {"status": "valid", "errors": []}}})
    assert _problems(rec) == []
    s = summarize([rec])
    assert s["safe"]["validate"] == {"valid -> valid (no new errors)": 1}
    assert s["safe"]["fmt"] == {"formatted -> formatted": 1}


def test_what_the_fix_broke_is_a_problem_and_what_was_broken_is_not() -> None:
    before = {"status": "invalid", "errors": ["Unsupported argument: region"]}
    rec = _record(fmt_before={"main.tf": 0, "odd.tf": 3}, fmt_after={"main.tf": 2, "odd.tf": 4},
                  validate={".": {"before": before,
                                  "after": {"status": "invalid",
                                            "errors": ["Unsupported argument: region", "Duplicate resource: x"]}}},
                  new_open=["TG102 aws_s3_bucket.b (.)"], second_run_edits=["main.tf"])
    assert _problems(rec) == [
        "safe: new finding: TG102 aws_s3_bucket.b (.)",
        "safe: second run edits main.tf",
        "safe: terraform fmt would change 2 lines of main.tf, formatted before",
        "safe: terraform validate of .: invalid before, invalid after: ['Duplicate resource: x']",
    ]


def test_why_a_root_cannot_be_initialised_offline() -> None:
    assert _init_reason("Error: Failed to download module\n") == "needs a remote module"
    assert _init_reason("Error: Failed to query available provider packages\nprovider registry.terraform.io/"
                        "hashicorp/random: could not connect") == \
        "needs a provider not available offline: hashicorp/random"
    assert _init_reason("Error: Terraform encountered problems during initialisation, including problems\n"
                        "Error: Invalid quoted type constraints\n") == \
        "the configuration is invalid for this Terraform: Error: Invalid quoted type constraints"


def test_a_remote_module_not_in_the_cache_is_stood_in_for(tmp_path: Path) -> None:
    from fix_ecosystem import stub_remote_modules

    (tmp_path / "main.tf").write_text('module "net" {\n  source  = "example/net/aws"\n  version = "~> 5.0"\n'
                                      '  cidr    = "10.0.0.0/16"\n}\n\n'
                                      'output "id" {\n  value = module.net.vpc_id\n}\n')
    assert stub_remote_modules(tmp_path, [], tmp_path) == 1
    assert (tmp_path / "main.tf").read_text() == ('module "net" {\n  source  = "./.stub-net"\n\n'
                                                  '  cidr    = "10.0.0.0/16"\n}\n\n'
                                                  'output "id" {\n  value = module.net.vpc_id\n}\n')
    assert (tmp_path / ".stub-net" / "main.tf").read_text() == (
        'variable "cidr" {\n  default = null\n}\n\n'
        'resource "terraform_data" "stub" {}\n\n'
        'output "vpc_id" {\n  value = terraform_data.stub.output\n}\n\n')
