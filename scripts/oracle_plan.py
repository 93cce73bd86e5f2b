"""Offline ``terraform plan`` of an ecosystem example (a working copy in the cache).

The repository checkout is copied to ``<cache>/oracle/<hash>/work`` (the hash
covers the checkout's files, the remote modules wired in and this file), and
the example is planned there as scripts/gen_plans.py plans a fixture: an
offline provider block, ``init -backend=false -plugin-dir``, ``plan
-refresh=false``, ``show -json``. To plan offline:

- version constraints on providers are dropped (only hashicorp/aws 5.100 is
  installed; modules written for 6.x ask for ``>= 6.0``);
- remote modules whose repository is in the cache are copied next to the
  example and recorded in a generated ``.terraform/modules/modules.json``
  (``init -get=false`` uses it); any other remote module makes the example
  not plannable;
- a single-line argument the provider rejects (``Unsupported argument``, 6.x
  arguments such as ``region``) is removed and the plan retried, up to
  MAX_STRIPS times; each removal is recorded.

tfguard is then run over the same working copy, so both see the same text.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import oracle_mock
from ecosystem_cache import Repo, checkout
from gen_plans import PROVIDER_BLOCK, PROVIDER_FILE_NAME, StageError, build_env, has_aws_provider, run

MAX_STRIPS = 40
# The cache key holds CACHE_FORMAT; RULES only makes examples that could not be planned be tried again.
CACHE_FORMAT = "3"
RULES = "9"
_MODULE = re.compile(r'^\s*module\s+"([^"]+)"\s*\{', re.MULTILINE)
_ATTR = re.compile(r'^\s*(source|version)\s*=\s*"([^"]*)"', re.MULTILINE)
_REGISTRY = re.compile(r"^(?:registry\.terraform\.io/)?([\w-]+)/([\w-]+)/(aws|null)(//.*)?$")
# 6.x arguments 5.x does not have, or has as computed-only attributes.
_UNSUPPORTED = re.compile(r'on (\S+?) line (\d+).*?(?:An argument named|Can\'t configure a value for|Blocks of type) "([^"]+)"', re.DOTALL)
_VERSION_NUMBER = re.compile(r"\d+(?:\.\d+){0,2}")


def tree_hash(root: Path, extra: str = "") -> str:
    digest = hashlib.sha256(f"{CACHE_FORMAT}:{extra}".encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts and ".terraform" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:20]


def module_calls(directory: Path) -> list[tuple[str, str, str]]:
    """(name, source, version) of the module blocks of a folder (literal sources only)."""
    calls = []
    for tf in sorted(directory.glob("*.tf")):
        text = tf.read_text(encoding="utf-8", errors="replace")
        for m in _MODULE.finditer(text):
            body = _block_body(text, m.end())
            attrs = dict((k, v) for k, v in _ATTR.findall(body))
            calls.append((m.group(1), attrs.get("source", ""), attrs.get("version", "")))
    return calls


def _block_body(text: str, start: int) -> str:
    """The text of a block up to its closing brace (strings are not special: good enough for module blocks)."""
    depth, i = 1, start
    while i < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    # Only the block's own top level: nested objects (providers = {...}) never set source.
    return text[start:i]


def cached_module(source: str, repos: list[Repo], cache: Path) -> tuple[Repo, str] | None:
    m = _REGISTRY.match(source)
    if not m:
        return None
    owner, name, system, sub = m.groups()
    wanted = f"{owner}/terraform-{system}-{name}"
    for repo in repos:
        if repo.name == wanted and checkout(repo, cache) is not None:
            return repo, (sub or "//").lstrip("/")
    return None


class Unplannable(Exception):
    pass


def wire_modules(example: Path, work_root: Path, repos: list[Repo], cache: Path) -> list[dict[str, Any]]:
    """The modules.json entries of every module call under the example; remote ones are copied in."""
    entries: list[dict[str, Any]] = [{"Key": "", "Source": "", "Dir": "."}]
    vendored = example / ".terraform" / "modules"

    def walk(directory: Path, prefix: str) -> None:
        for name, source, version in module_calls(directory):
            key = f"{prefix}{name}"
            if source.startswith(("./", "../")):
                child = (directory / source).resolve()
                entry = {"Key": key, "Source": source, "Dir": _rel(child, example)}
            else:
                found = cached_module(source, repos, cache)
                if found is None:
                    raise Unplannable(f"remote module {source!r} is not in the cache")
                repo, sub = found
                copy = vendored / repo.folder
                if not copy.exists():
                    shutil.copytree(checkout(repo, cache) or cache, copy, ignore=shutil.ignore_patterns(".git", ".terraform"))
                    relax_provider_versions(copy)
                child = (copy / sub).resolve()
                entry = {"Key": key, "Source": "registry.terraform.io/" + source.removeprefix("registry.terraform.io/"),
                         "Version": _version(version), "Dir": _rel(child, example)}
            if not inside(child, work_root):
                raise Unplannable(f"module {key} leaves the repository")
            entries.append(entry)
            walk(child, key + ".")

    walk(example, "")
    return entries


def inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _rel(path: Path, base: Path) -> str:
    import os

    return os.path.relpath(path, base)


def _version(constraint: str) -> str:
    m = _VERSION_NUMBER.search(constraint)
    parts = (m.group(0) if m else "0.0.0").split(".")
    return ".".join((parts + ["0", "0"])[:3])


_REQUIRED = re.compile(r"required_providers\s*\{")
_REGION_ATTR = re.compile(r"(data\.aws_region\.\w+(?:\[\d+\])?)\.region\b")


def relax_provider_versions(root: Path) -> None:
    """Drop `version = ...` lines inside required_providers blocks (only aws 5.100 is installed offline),
    and stand terraform_data in for the resources of the utility providers (see stub_utility_resources)."""
    for tf in root.rglob("*.tf"):
        original = tf.read_text(encoding="utf-8", errors="replace")
        text = stub_utility_resources(original)
        out, pos = [], 0
        for m in _REQUIRED.finditer(text):
            body = _block_body(text, m.end())
            out.append(text[pos:m.end()])
            out.append(re.sub(r'(?m)^\s*version\s*=\s*"[^"]*"\s*,?\s*(?:(?:#|//).*)?$', "", body))
            pos = m.end() + len(body)
        out.append(text[pos:])
        # data.aws_region's `region` attribute is 6.x's name for 5.x's `name`.
        new = _REGION_ATTR.sub(r"\1.name", "".join(out))
        if new != original:
            tf.write_text(new, encoding="utf-8")


# Resources of providers that are not installed offline and whose attributes are all unknown at plan
# time anyway (random values, null_resource ids, sleeps): each becomes a built-in terraform_data
# resource with the same count / for_each, and every reference to an attribute of it becomes its
# (equally unknown) id. tfguard reads the same rewritten text.
_STUB_TYPES = r"random_pet|random_password|random_string|random_id|random_integer|random_uuid|null_resource|time_sleep"
_STUB_BLOCK = re.compile(rf'^(\s*)resource\s+"({_STUB_TYPES})"\s+"([\w-]+)"\s*\{{', re.MULTILINE)
_STUB_REF = re.compile(rf"\b({_STUB_TYPES})\.([A-Za-z_][\w-]*)((?:\[[^\]]*\])*)(\.\w+)?")
_STUB_PROVIDER = re.compile(r"^\s*(random|null|time)\s*=\s*\{", re.MULTILINE)
_META = re.compile(r"^\s*(count|for_each)\s*=.*$", re.MULTILINE)


def stub_utility_resources(text: str) -> str:
    out, pos = [], 0
    for m in _STUB_BLOCK.finditer(text):
        body = _block_body(text, m.end())
        meta = [ln.group(0).strip() for ln in _META.finditer(body) if ln.group(0).count("(") == ln.group(0).count(")")
                and not ln.group(0).rstrip().endswith(("{", "[", "("))]
        out.append(text[pos:m.start()])
        out.append(f'{m.group(1)}resource "terraform_data" "{m.group(2)}__{m.group(3)}" {{\n'
                   + "".join(f"  {line}\n" for line in meta) + "}")
        pos = m.end() + len(body)
    out.append(text[pos:])
    text = "".join(out)
    text = _STUB_REF.sub(lambda r: f"terraform_data.{r.group(1)}__{r.group(2)}{r.group(3)}" + (".id" if r.group(4) else ""), text)
    out, pos = [], 0
    for m in _STUB_PROVIDER.finditer(text):
        out.append(text[pos:m.start()])
        pos = m.end() + len(_block_body(text, m.end()))
    out.append(text[pos:])
    return "".join(out)


def strip_arguments(example: Path, message: str) -> list[str]:
    """Remove every argument or block the errors name as unsupported or unconfigurable; Unplannable (naming
    that error) when one cannot be."""
    done: list[str] = []
    seen: set[tuple[str, str]] = set()
    for chunk in message.split("Error: ")[1:]:
        whole = _WHOLE_BLOCK.search(chunk) or _OUTPUT_ATTRIBUTE.search(chunk)
        if whole is not None:
            if (whole.group(1), whole.group(2)) not in seen:
                seen.add((whole.group(1), whole.group(2)))
                kinds = ("output",) if whole.re is _OUTPUT_ATTRIBUTE else ("resource", "output")
                done.append(blank_block(example, whole.group(1), int(whole.group(2)), whole.group(0).split("\n")[0], kinds))
            continue
        m = _UNSUPPORTED.search(chunk)
        if m and (m.group(1), m.group(2)) in seen:
            continue  # the same line, through another instance of its module
        seen.add((m.group(1), m.group(2)) if m else ("", ""))
        stripped = strip_argument(example, m) if m else None
        if stripped is None:
            raise Unplannable(f"plan: {_first_error('Error: ' + chunk)}")
        done.append(stripped)
    return done


# A resource type 5.x does not have is removed with its block, and an output that names a removed
# resource with it (5.x cannot plan them; tfguard reads the same text).
_WHOLE_BLOCK = re.compile(r'^(?:Invalid resource type|Reference to undeclared resource)\s+on (\S+?) line (\d+)')


# An output reading a 6.x-only attribute (try(aws_s3_bucket.this[0].bucket_namespace, null)) is removed.
_OUTPUT_ATTRIBUTE = re.compile(r'^Unsupported attribute\s+on (\S+?) line (\d+), in output')


def blank_block(example: Path, name: str, line: int, what: str, kinds: tuple[str, ...] = ("resource", "output")) -> str:
    """Blank the top-level block (of one of `kinds`) holding `line`; Unplannable if it is in another kind."""
    file = (example / name).resolve()
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    start = line - 1
    while start > 0 and not re.match(r"[a-z]", lines[start]):
        start -= 1
    if not re.match(rf'({"|".join(kinds)})\s+"', lines[start]):
        raise Unplannable(f"plan: {what} in {name}:{line}")
    end, depth = start, 0
    while end < len(lines):
        depth += _STRING.sub('""', lines[end]).count("{") - _STRING.sub('""', lines[end]).count("}")
        if depth <= 0 and "{" in "".join(lines[start:end + 1]):
            break
        end += 1
    lines[start:end + 1] = ["\n"] * (end + 1 - start)
    file.write_text("".join(lines), encoding="utf-8")
    return f"{_rel(file, example)}:{start + 1}: block removed ({what})"


def strip_argument(example: Path, m: re.Match[str]) -> str | None:
    """Blank the lines of one argument (the line count stays, so the other errors' lines stay right)."""
    file, line, name = (example / m.group(1)).resolve(), int(m.group(2)), m.group(3)
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if not re.match(rf'\s*(?:{re.escape(name)}\s*[={{]|dynamic\s+"{re.escape(name)}"\s*{{)', text):
        return None
    end, depth = line - 1, 0
    while end < len(lines):
        code = _STRING.sub('""', lines[end])
        if "<<" in code:
            return None  # heredocs are left alone
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if depth <= 0:
            break
        end += 1
    if depth > 0:
        return None
    lines[line - 1:end + 1] = ["\n"] * (end + 2 - line)
    file.write_text("".join(lines), encoding="utf-8")
    return f"{_rel(file, example)}:{line}: {name}"


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def plan_example(repo: Repo, root: Path, target: str, repos: list[Repo], cache: Path, terraform: str,
                 plugin_dir: Path, cached_only: bool = False) -> dict[str, Any]:
    """{status: planned|unplannable|not planned, reason, stripped, work}; the plan is in work/<target>/plan.json.
    With cached_only, an example without a cached result is not planned now."""
    key = tree_hash(root, f"{repo.commit}:{target}:" + ",".join(r.commit for r in repos))
    base = cache / "oracle" / key
    done = base / "result.json"
    if done.is_file():
        cached = dict(json.loads(done.read_text(encoding="utf-8")))
        if cached["status"] == "planned" or cached.get("rules") == RULES:
            return cached
    if cached_only:
        return {"status": "not planned", "reason": "no cached plan (--cached-only)", "stripped": [], "work": ""}
    if base.exists():
        shutil.rmtree(base)
    work = base / "work"
    shutil.copytree(root, work, ignore=shutil.ignore_patterns(".git", ".terraform", "*.tfstate", "plan.json"))
    relax_provider_versions(work)
    example = work / target
    result: dict[str, Any] = {"status": "planned", "reason": "", "stripped": [], "work": str(example), "rules": RULES}
    try:
        _plan(example, work, repos, cache, terraform, plugin_dir, result)
    except Unplannable as exc:
        result.update(status="unplannable", reason=str(exc))
    base.mkdir(parents=True, exist_ok=True)
    done.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def _plan(example: Path, work: Path, repos: list[Repo], cache: Path, terraform: str, plugin_dir: Path,
          result: dict[str, Any]) -> None:
    entries = wire_modules(example, work, repos, cache)
    manifest = example / ".terraform" / "modules" / "modules.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"Modules": entries}), encoding="utf-8")
    if not has_aws_provider(example):
        (example / PROVIDER_FILE_NAME).write_text(PROVIDER_BLOCK, encoding="utf-8")
    (example / OVERRIDE_FILE_NAME).write_text(offline_overrides(example), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="tfguard-oracle-") as scratch:
        env = build_env(Path(scratch), plugin_dir)
        env.update(NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")  # the local stand-in for STS and EC2
        try:
            run("init", [terraform, "init", "-backend=false", "-get=false", f"-plugin-dir={plugin_dir}", "-input=false",
                         "-no-color"], example, env)
        except StageError as exc:
            raise Unplannable(f"init: {_first_error(exc.output)}") from exc
        for _ in range(MAX_STRIPS):
            try:
                run("plan", [terraform, "plan", "-refresh=false", "-input=false", "-lock=false", "-no-color",
                             "-out=plan.out"], example, env)
                break
            except StageError as exc:
                stripped = strip_arguments(example, exc.output)
                if not stripped:
                    raise Unplannable(f"plan: {_first_error(exc.output)}") from exc
                result["stripped"].extend(stripped)
        else:
            raise Unplannable(f"more than {MAX_STRIPS} arguments to strip")
        try:
            out = run("show", [terraform, "show", "-json", "-no-color", "plan.out"], example, env)
        except StageError as exc:
            raise Unplannable(f"show: {_first_error(exc.output)}") from exc
    (example / "plan.json").write_text(out, encoding="utf-8")
    (example / "plan.out").unlink(missing_ok=True)


OVERRIDE_FILE_NAME = "zz_oracle_override.tf"
_ALIAS = re.compile(r'^\s*alias\s*=\s*"([^"]+)"', re.MULTILINE)
_PROVIDER_AWS = re.compile(r'^\s*provider\s+"?aws"?\s*\{', re.MULTILINE)


def offline_overrides(example: Path) -> str:
    """An override file giving every `provider "aws"` block of the example (and the default one) fake
    credentials, skip flags and the local STS / EC2 endpoints of oracle_mock."""
    aliases: set[str] = {""}
    for tf in example.glob("*.tf"):
        text = tf.read_text(encoding="utf-8", errors="replace")
        for m in _PROVIDER_AWS.finditer(text):
            body = _block_body(text, m.end())
            found = _ALIAS.search(body)
            aliases.add(found.group(1) if found else "")
    settings = [line for line in PROVIDER_BLOCK.splitlines()[1:-1] if "region" not in line]
    url = oracle_mock.endpoint()
    settings += ["  endpoints {", f'    sts = "{url}"', f'    ec2 = "{url}"', "  }"]
    blocks = []
    for alias in sorted(aliases):
        head = [f'  alias = "{alias}"'] if alias else []
        blocks.append("provider \"aws\" {\n" + "\n".join(head + settings) + "\n}\n")
    return "\n".join(blocks)


def _first_error(output: str) -> str:
    lines = [ln.strip("│ ").strip() for ln in output.splitlines()]
    for i, line in enumerate(lines):
        if line.startswith("Error:"):
            detail = " ".join(x for x in lines[i + 1:i + 6] if x and not x.startswith("on "))
            return f"{line[6:].strip()} {detail}"[:300]
    return (output.strip().splitlines() or ["?"])[-1][:300]
