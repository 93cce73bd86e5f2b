"""Mutated fixtures (truncated, spliced, flipped, nested, duplicated) never crash tfguard.

Bounded: a fixed number of examples per property and no deadline flakiness on a
loaded CI machine; the whole module stays well under two minutes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tfguard.cli import main

TF_SOURCES = sorted(FIXTURES.rglob("*.tf"))[:40]
PLANS = sorted(FIXTURES.rglob("plan.json"))[:10]
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def mutate(data: bytes, kind: str, seed: int, other: bytes) -> bytes:
    rnd = random.Random(seed)
    if not data:
        return data
    cut = rnd.randrange(len(data))
    if kind == "truncate":
        return data[:cut]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(1 + seed % 8):
            out[rnd.randrange(len(out))] = rnd.randrange(256)
        return bytes(out)
    if kind == "splice":
        return data[:cut] + other[rnd.randrange(max(len(other), 1)):]
    if kind == "nest":
        return data[:cut] + b"{[(" * (50 + seed % 400) + data[cut:]
    return data + data  # duplicate: every block declared twice


KINDS = st.sampled_from(["truncate", "flip", "splice", "nest", "duplicate"])


def _check(tmp_path: Path, name: str, content: bytes) -> None:
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    code = main(["check", str(target if name.endswith(".json") else target.parent), "--format", "json",
                 "--output", str(tmp_path / "out.json"), "--no-cache"])
    assert code in (0, 1, 2), f"internal error on {name}"
    if code != 2 or (tmp_path / "out.json").exists():
        json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))


@SETTINGS
@given(index=st.integers(0, len(TF_SOURCES) - 1), other=st.integers(0, len(TF_SOURCES) - 1),
       kind=KINDS, seed=st.integers(0, 2**16))
def test_mutated_hcl(tmp_path_factory, index: int, other: int, kind: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("hcl")
    data = mutate(TF_SOURCES[index].read_bytes(), kind, seed, TF_SOURCES[other].read_bytes())
    _check(tmp, "main.tf", data)


@SETTINGS
@given(index=st.integers(0, len(PLANS) - 1), kind=KINDS, seed=st.integers(0, 2**16))
def test_mutated_plan(tmp_path_factory, index: int, kind: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("plan")
    data = PLANS[index].read_bytes()
    _check(tmp, "plan.json", mutate(data, kind, seed, data))


@SETTINGS
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                    max_leaves=30))
def test_structurally_random_plans(tmp_path_factory, value: object) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("shape")
    doc = {"format_version": "1.2", "terraform_version": "1.11.4",
           "resource_changes": [{"address": "aws_s3_bucket.x", "mode": "managed", "type": "aws_s3_bucket",
                                 "name": "x", "change": {"actions": ["create"], "after": value, "after_unknown": value}}],
           "configuration": {"root_module": {"resources": [{"address": "aws_s3_bucket.x", "mode": "managed",
                                                             "type": "aws_s3_bucket", "name": "x", "expressions": value}]}}}
    _check(tmp, "plan.json", json.dumps(doc).encode())


# Generated Terraform: the constructs of published modules that once crashed a
# scan (dynamic blocks beside literal ones, template strip markers and
# directives, heredocs, policy documents with unknown parts). The text is valid
# Terraform syntax (`terraform validate` accepts samples of it, up to a
# provider's required arguments), so the scan must end with no diagnostic.

GEN = settings(max_examples=25, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PRELUDE = ('variable "free" {}\nresource "aws_sns_topic" "t" {\n  name = "fuzz"\n}\n'
           'locals {\n  later = aws_sns_topic.t.arn != "" ? ["a"] : []\n  words = ["a", "b"]\n}\n')
# for_each values: known, empty, unknown after apply, unknown input
EACH = st.sampled_from(['["x", "y"]', "[]", "local.later", "var.free", '{ k = "v" }', "toset(local.words)"])
# (resource type, block, content of one block)
BLOCKS = [
    ("aws_lb_listener", "default_action", 'type = "redirect"\nredirect {\n  protocol = "HTTPS"\n  status_code = "HTTP_301"\n}'),
    ("aws_security_group", "ingress", 'from_port = 443\nto_port = 443\nprotocol = "tcp"\ncidr_blocks = ["0.0.0.0/0"]'),
    ("aws_s3_bucket_server_side_encryption_configuration", "rule",
     'apply_server_side_encryption_by_default {\n  sse_algorithm = "aws:kms"\n}'),
    ("aws_dynamodb_table", "replica", 'region_name = "eu-west-1"'),
    ("aws_backup_plan", "rule", 'rule_name = "r"\ntarget_vault_name = "vault"'),
    # blocks nested in a block, made only by a dynamic block (known or not)
    ("aws_backup_plan", "rule", 'rule_name = "r"\ntarget_vault_name = "vault"\ndynamic "copy_action" {\n'
     '  for_each = local.later\n  content {\n'
     '    destination_vault_arn = "arn:aws:backup:eu-west-1:123456789012:backup-vault:x"\n  }\n}'),
    ("aws_lb_listener", "default_action", 'type = "redirect"\ndynamic "redirect" {\n  for_each = local.words\n'
     '  content {\n    protocol = "HTTPS"\n    status_code = "HTTP_301"\n  }\n}'),
]
# the provider's required arguments, so that samples pass `terraform validate`
REQUIRED = {
    "aws_lb_listener": 'load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/1"\n'
                       '  port = 80\n  protocol = "HTTP"\n',
    "aws_backup_plan": 'name = "p"\n',
    "aws_s3_bucket_server_side_encryption_configuration": 'bucket = "b"\n',
    "aws_dynamodb_table": 'name = "t"\n  hash_key = "id"\n  billing_mode = "PAY_PER_REQUEST"\n'
                          '  attribute {\n    name = "id"\n    type = "S"\n  }\n',
}


@st.composite
def block_items(draw: st.DrawFn, name: str, content: str) -> str:
    items = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            items.append(f"  {name} {{\n    {content}\n  }}\n")
        else:
            items.append(f'  dynamic "{name}" {{\n    for_each = {draw(EACH)}\n    content {{\n      {content}\n    }}\n  }}\n')
    return "".join(items)


@st.composite
def dynamic_resources(draw: st.DrawFn) -> str:
    out = []
    for i, (rtype, name, content) in enumerate(draw(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=3))):
        extra = REQUIRED.get(rtype, "")
        out.append(f'resource "{rtype}" "r{i}" {{\n  {extra}{draw(block_items(name, content))}}}\n')
    return "".join(out)


def _strip(draw: st.DrawFn) -> tuple[str, str]:
    return ("~" if draw(st.booleans()) else "", "~" if draw(st.booleans()) else "")


@st.composite
def template_text(draw: st.DrawFn, depth: int = 0) -> str:
    """Balanced template text: literals with blanks and newlines, interpolations and
    directives. `@` stands for the prefix of the names v and vs (local. or none)."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "interp", "if", "for"] if depth < 2 else ["text", "interp"]))
        a, b = _strip(draw)
        if kind == "text":
            parts.append(draw(st.sampled_from(["x", " ", "  y  ", "\n", " \n  ", "z\n", "\t"])))
        elif kind == "interp":
            # no quotes inside sequences: a quoted string escapes only its literal text
            expr = draw(st.sampled_from(["@v", "upper(@v)", "length(@vs)", "join(@v, @vs)"]))
            parts.append(f"${{{a} {expr} {b}}}")
        elif kind == "if":
            cond = draw(st.sampled_from(["true", "@v == @v", "length(@vs) > 1"]))
            c, d = _strip(draw)
            other = f"%{{{c} else {d}}}{draw(template_text(depth + 1))}" if draw(st.booleans()) else ""
            parts.append(f"%{{{a} if {cond} {b}}}{draw(template_text(depth + 1))}{other}%{{{c} endif {d}}}")
        else:
            c, d = _strip(draw)
            head = draw(st.sampled_from(["for w in @vs", "for i, w in @vs"]))
            parts.append(f"%{{{a} {head} {b}}}{draw(template_text(depth + 1))}${{w}}%{{{c} endfor {d}}}")
    return "".join(parts)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


@st.composite
def template_configs(draw: st.DrawFn) -> tuple[str, str]:
    """(main.tf, t.tpl): one generated template inline, as a heredoc and as a template file."""
    text = draw(template_text())
    vs = draw(st.sampled_from(['["a", "b"]', "[]", "local.later", "var.free"]))
    trail = draw(st.sampled_from(["", " ", "   ", "\t"]))
    marker = draw(st.sampled_from(["EOT", "POLICY"]))
    here = text.replace("@", "local.")
    if draw(st.booleans()):
        heredoc = f"<<{marker}\n{here}\n{marker}{trail}\n"
    else:
        heredoc = f"<<-{marker}\n  {here}\n  {marker}{trail}\n"
    main_tf = (PRELUDE + f'locals {{\n  v = "a"\n  vs = {vs}\n}}\n'
               f'resource "aws_sns_topic" "quoted" {{\n  name = {_quoted(here)}\n}}\n'
               f'resource "aws_sns_topic" "heredoc" {{\n  name = {heredoc}}}\n'
               'resource "aws_sns_topic" "file" {\n'
               '  name = templatefile("${path.module}/t.tpl", { v = local.v, vs = local.vs })\n}\n')
    return main_tf, text.replace("@", "")


@st.composite
def policy_configs(draw: st.DrawFn) -> str:
    """aws_iam_policy_document with dynamic statements / principals / conditions and
    known or unknown source and override documents, used by resource policies."""
    principal = draw(st.sampled_from(['"*"', '"arn:aws:iam::123456789012:root"', "aws_sns_topic.t.arn"]))
    principals = (f'principals {{\n      type = "AWS"\n      identifiers = [{principal}]\n    }}\n'
                  if draw(st.booleans()) else
                  f'dynamic "principals" {{\n      for_each = {draw(EACH)}\n      content {{\n'
                  f'        type = "AWS"\n        identifiers = [{principal}]\n      }}\n    }}\n')
    condition = ('dynamic "condition" {\n      for_each = ' + draw(EACH) + '\n      content {\n'
                 '        test = "Bool"\n        variable = "aws:SecureTransport"\n        values = ["false"]\n'
                 '      }\n    }\n') if draw(st.booleans()) else ""
    body = f'actions = ["kms:*", "s3:GetObject", "sqs:*"]\n    resources = ["*"]\n    {principals}    {condition}'
    statements = "".join(
        f"  statement {{\n    {body}  }}\n" if draw(st.booleans()) else
        f'  dynamic "statement" {{\n    for_each = {draw(EACH)}\n    content {{\n    {body}    }}\n  }}\n'
        for _ in range(draw(st.integers(0, 3))))
    docs = st.sampled_from(["[]", "[data.aws_iam_policy_document.base.json]", "local.later",
                            "var.free", "[jsonencode({ Statement = [] }), aws_sns_topic.t.policy]",
                            "aws_sns_topic.t.arn != \"\" ? [data.aws_iam_policy_document.base.json] : []"])
    return (PRELUDE + 'data "aws_iam_policy_document" "base" {\n  statement {\n    sid = "Base"\n'
            '    actions = ["kms:*"]\n    resources = ["*"]\n  }\n}\n'
            f'data "aws_iam_policy_document" "doc" {{\n  source_policy_documents = {draw(docs)}\n'
            f'  override_policy_documents = {draw(docs)}\n{statements}}}\n'
            'resource "aws_kms_key" "k" {\n  policy = data.aws_iam_policy_document.doc.json\n}\n'
            'resource "aws_sqs_queue" "q" {\n  policy = data.aws_iam_policy_document.doc.json\n}\n'
            'resource "aws_s3_bucket_policy" "p" {\n  bucket = "b"\n  policy = data.aws_iam_policy_document.doc.json\n}\n'
            'resource "aws_iam_policy" "i" {\n  policy = data.aws_iam_policy_document.doc.json\n}\n')


def _scan_clean(folder: Path) -> None:
    """A scan of valid Terraform: no exception, no internal error, no input problem."""
    from tfguard.run import run
    from tfguard.targets import Options

    report = run([folder], Options(cache=False, jobs=1))
    assert [str(d) for d in report.diagnostics] == []


@GEN
@given(config=dynamic_resources())
def test_generated_dynamic_blocks(tmp_path_factory, config: str) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("dyn")
    (tmp / "main.tf").write_text(PRELUDE + config, encoding="utf-8")
    _scan_clean(tmp)


@GEN
@given(config=template_configs())
def test_generated_templates_and_heredocs(tmp_path_factory, config: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("tmpl")
    (tmp / "main.tf").write_text(config[0], encoding="utf-8")
    (tmp / "t.tpl").write_text(config[1], encoding="utf-8")
    _scan_clean(tmp)


@GEN
@given(config=policy_configs())
def test_generated_policy_documents(tmp_path_factory, config: str) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("policy")
    (tmp / "main.tf").write_text(config, encoding="utf-8")
    _scan_clean(tmp)


def _with_unknowns(value: object, mode: str, depth: int = 0) -> object:
    """The shapes a `dynamic` block with an unknown for_each gives: an Unknown
    beside the known blocks (append / prepend), or instead of them (bare); or
    every leaf value unknown (leaves)."""
    from tfguard.model import Unknown

    if isinstance(value, dict):
        return {k: _with_unknowns(v, mode, depth + 1) for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        blocks = [_with_unknowns(v, mode, depth + 1) for v in value]
        hidden = Unknown("made by a dynamic block")
        return {"append": blocks + [hidden], "prepend": [hidden] + blocks,
                "bare": hidden if depth else blocks}.get(mode, blocks)
    if mode == "leaves" and depth and not isinstance(value, (list, dict)):
        return Unknown("not known")
    return value


def test_every_check_survives_unknown_blocks_in_every_fixture() -> None:
    """Each fixture's resources, with unknown blocks or values put where its
    blocks are: no check raises (an internal error would name it)."""
    from tfguard.check import Context
    from tfguard.engine import load_checks, run_checks
    from tfguard.graph import ResourceGraph
    from tfguard.load.loader import load_directory
    from tfguard.load.modules import LoadOptions

    checks = load_checks()
    errors: list[str] = []
    for folder in sorted({p.parent for p in FIXTURES.rglob("*.tf")}):
        resources, _ = load_directory(folder, folder, LoadOptions(cache=False, jobs=1))
        original = [r.values for r in resources]
        for mode in ("append", "prepend", "bare", "leaves"):
            for res, values in zip(resources, original):
                res.values = _with_unknowns(values, mode)  # type: ignore[assignment]
            diagnostics: list = []  # type: ignore[type-arg]
            run_checks(checks, Context(ResourceGraph(resources)), diagnostics)
            errors += [f"{folder.name} ({mode}): {d.message}" for d in diagnostics]
    assert errors == []
