"""`terraform show -json` plan output -> Resources (plan mode).

Values come from `resource_changes[].change.after`. An attribute that is
"known after apply" counts as not set when the configuration gives it no
expression (a provider-computed default), and as Unknown that keeps its
references when it does, so the graph can still trace it (a key created in
the same plan is a customer-managed key).

`load_prior_doc` reads the same plan as it was before the change (the deployed
truth): `change.before` and `prior_state`, which hold no unknowns.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tfguard.errors import InputError, json_problem
from tfguard.load.files import decode
from tfguard.load.plan_config import ConfigIndex, identity_shape
from tfguard.load.providers import own_region
from tfguard.model import Diagnostic, Location, Ref, Resource, Unknown, parse_address

MAX_PLAN_BYTES = 512 * 1024 * 1024


def read_plan(path: Path, shown: str) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise InputError(shown, 1, f"plan file is larger than {MAX_PLAN_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(shown, 1, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(shown, 1, "empty file; expected `terraform show -json` output")
    text, diag = decode(data, shown)
    if text is None:
        raise InputError(shown, diag.line if diag else 1, diag.message if diag else "cannot decode")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(shown, exc.lineno, json_problem(exc)) from None
    except RecursionError:
        raise InputError(shown, 1, "JSON nested too deeply") from None
    if not isinstance(doc, dict) or not (
        "format_version" in doc and ("terraform_version" in doc or "resource_changes" in doc or "planned_values" in doc)
    ):
        raise InputError(shown, 1, "not a Terraform plan (expected the output of `terraform show -json PLANFILE`)")
    if not isinstance(doc.get("resource_changes", []), list):
        raise InputError(shown, 1, "`resource_changes` is not a list")
    if not isinstance(doc.get("configuration", {}), dict):
        raise InputError(shown, 1, "`configuration` is not an object")
    return doc


def format_warning(doc: dict[str, Any], shown: str) -> Diagnostic | None:
    """Plan formats 0.x and 1.x are read; a newer major version may have changed shape."""
    version = str(doc.get("format_version", ""))
    major = version.split(".", 1)[0]
    if major in ("0", "1"):
        return None
    return Diagnostic(shown, 1, f"plan format_version {version!r} is newer than the formats tfguard knows "
                      "(0.1 to 1.2); reading it as 1.x", "warning")


def sensitive_values(doc: dict[str, Any]) -> set[str]:
    """Strings the plan marks sensitive (after_sensitive, sensitive root variables)."""
    found: set[str] = set()
    for rc in doc.get("resource_changes") or []:
        change = rc.get("change") if isinstance(rc, dict) else None
        if isinstance(change, dict):
            _collect(change.get("after"), change.get("after_sensitive"), found, 0)
            _collect(change.get("before"), change.get("before_sensitive"), found, 0)
    declared = ((doc.get("configuration") or {}).get("root_module") or {}).get("variables") or {}
    for name, decl in declared.items() if isinstance(declared, dict) else []:
        if isinstance(decl, dict) and decl.get("sensitive"):
            _collect((doc.get("variables") or {}).get(name, {}).get("value"), True, found, 0)
    return {s for s in found if len(s) >= 3}


def _collect(value: Any, mark: Any, found: set[str], depth: int) -> None:
    if depth > 64:
        return
    if mark is True:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                _collect(v, True, found, depth + 1)
        elif isinstance(value, list):
            for v in value:
                _collect(v, True, found, depth + 1)
    elif isinstance(mark, dict) and isinstance(value, dict):
        for k, m in mark.items():
            _collect(value.get(k), m, found, depth + 1)
    elif isinstance(mark, list) and isinstance(value, list):
        for v, m in zip(value, mark):
            _collect(v, m, found, depth + 1)


def load_plan(path: Path, shown: str) -> tuple[list[Resource], list[Diagnostic]]:
    resources, diagnostics, _ = load_plan_doc(read_plan(path, shown), shown)
    return resources, diagnostics


def config_index(doc: dict[str, Any]) -> ConfigIndex:
    """The plan's configuration, indexed: give the same one to load_plan_doc and load_prior_doc."""
    return ConfigIndex(doc.get("configuration") or {}, doc.get("variables") or {})


def load_plan_doc(doc: dict[str, Any], shown: str,
                  config: ConfigIndex | None = None) -> tuple[list[Resource], list[Diagnostic], set[str]]:
    config = config or config_index(doc)
    resources: list[Resource] = []
    warning = format_warning(doc, shown)
    diagnostics: list[Diagnostic] = [warning] if warning else []
    seen: set[str] = set()
    for rc in doc.get("resource_changes") or []:
        if not isinstance(rc, dict) or not isinstance(rc.get("change"), dict):
            diagnostics.append(Diagnostic(shown, 1, "a resource_changes entry has no change; skipped"))
            continue
        actions = rc["change"].get("actions") or []
        if actions == ["delete"]:
            continue
        res = _resource(rc, config, shown)
        if res is not None:
            resources.append(res)
            seen.add(res.address)
    # Data sources read during planning live in prior_state, not resource_changes.
    resources.extend(_prior_resources(doc, config, shown, ("data",), seen))
    return resources, diagnostics, sensitive_values(doc)


def _resource(rc: dict[str, Any], config: ConfigIndex, shown: str) -> Resource | None:
    try:
        address, rtype, name = str(rc["address"]), str(rc["type"]), str(rc["name"])
    except KeyError:
        return None
    change = rc["change"]
    module = str(rc.get("module_address") or "")
    mode = "data" if rc.get("mode") == "data" else "managed"
    return _make(address, rtype, name, mode, module, rc.get("index"),
                 change.get("after"), change.get("after_unknown"), config, shown)


def _make(address: str, rtype: str, name: str, mode: str, module: str, index: Any,
          after: Any, after_unknown: Any, config: ConfigIndex, shown: str) -> Resource:
    cres = config.resource(module, mode, rtype, name)
    expressions = cres.get("expressions") or {} if cres else {}
    refs = list(_refs(config, expressions, (module, mode, rtype, name)))
    start: dict[str, Any] = after if isinstance(after, dict) else {}
    dropped: list[str] = []
    merged = _merge_unknown(start, after_unknown, expressions, refs, "", dropped, address)
    provider = str(cres.get("provider_config_key", "")) if cres else ""
    provider = provider or rtype.split("_", 1)[0]
    values = merged if isinstance(merged, dict) else {}
    return Resource(address=address, type=rtype, name=name, mode=mode, module=module,
                    values=values, location=Location(shown, 1, 1), refs=refs, provider=provider,
                    region=own_region(rtype, values, config.region(provider)), index=index, origin="plan",
                    computed=dropped)


def _refs(config: ConfigIndex, expressions: Any, key: tuple[str, str, str, str]) -> tuple[Ref, ...]:
    """The references of a resource's configuration, resolved in its module instance."""
    if key in config.refs:
        return config.refs[key]
    refs: list[Ref] = []
    for attr, raw in config.expression_refs(expressions):
        for target in config.resolve(raw, key[0]):
            base, index = parse_address(target)
            ref = Ref(attr, base, index)
            if ref not in refs:
                refs.append(ref)
    config.refs[key] = found = tuple(refs)
    return found


def _merge_unknown(after: Any, unknown: Any, expressions: Any, refs: list[Ref], path: str,
                   dropped: list[str] | None = None, address: str = "") -> Any:
    """Overlay after_unknown on after: Unknown where configured, absent where computed.

    The paths taken as computed are recorded in `dropped`: the plan omits
    dynamic blocks from `configuration`, so the source may still show that
    such a value was configured (see source_map).
    """
    if unknown is True:
        if _has_expression(expressions):
            targets = tuple(dict.fromkeys(r.target for r in refs if r.attr == path or r.attr.startswith(path + ".")))
            # Named as a reference to it (aws_x.y.attr), as the HCL loader names one.
            what = ".".join(p for p in (address, path) if p) or "value"
            return Unknown(f"{what} is known only after apply", targets, shape=identity_shape(expressions))
        if dropped is not None and path not in dropped:
            dropped.append(path)
        return None
    if isinstance(unknown, dict) and isinstance(after, dict | type(None)):
        out = dict(after or {})
        exprs = expressions if isinstance(expressions, dict) else {}
        for key, sub in unknown.items():
            merged = _merge_unknown(out.get(key), sub, exprs.get(key), refs, f"{path}.{key}" if path else key,
                                    dropped, address)
            if merged is None:
                out.pop(key, None)
            else:
                out[key] = merged
        return out
    if isinstance(unknown, list) and isinstance(after, list | type(None)):
        items = list(after or [])
        while len(items) < len(unknown):
            items.append({} if isinstance(unknown[len(items)], dict) else None)
        item_exprs = expressions if isinstance(expressions, list) else [expressions] * len(items)
        for i, sub in enumerate(unknown):
            expr = item_exprs[i] if i < len(item_exprs) else (item_exprs[0] if item_exprs else None)
            items[i] = _merge_unknown(items[i], sub, expr, refs, path, dropped, address)
        return [x for x in items if x is not None]
    return after


def _has_expression(expr: Any) -> bool:
    if isinstance(expr, dict):
        return bool(expr)
    if isinstance(expr, list):
        return any(_has_expression(e) for e in expr)
    return False


def _prior_resources(doc: dict[str, Any], config: ConfigIndex, shown: str, modes: tuple[str, ...],
                     skip: set[str] | None = None) -> list[Resource]:
    """The resources of `prior_state` of these modes ("data", "managed"), once per address,
    but for the addresses in `skip`."""
    seen = set(skip or ())
    prior = ((doc.get("prior_state") or {}).get("values") or {}).get("root_module") or {}
    out: list[Resource] = []
    stack = [prior]
    while stack:
        mod = stack.pop()
        if not isinstance(mod, dict):
            continue
        stack.extend(mod.get("child_modules") or [])
        for r in mod.get("resources") or []:
            mode = r.get("mode") if isinstance(r, dict) else None
            if mode in modes and "address" in r and not r.get("deposed_key") and str(r["address"]) not in seen:
                address = str(r["address"])
                seen.add(address)
                # A data source's module is read off its address (as it always was); a managed
                # resource's is its module's address.
                module = (address.rsplit(".data.", 1)[0] if ".data." in address else "") if mode == "data" \
                    else str(mod.get("address") or "")
                out.append(_make(address, str(r.get("type")), str(r.get("name")), str(mode), module,
                                 r.get("index"), r.get("values"), None, config, shown))
    return out


def changes_nothing(doc: dict[str, Any]) -> bool:
    """Whether the plan leaves every resource as it is (each change a no-op): then the prior
    values are the planned ones, and so are the findings on them."""
    changes = doc.get("resource_changes") or []
    return all(isinstance(rc, dict) and isinstance(rc.get("change"), dict) and rc["change"].get("actions") == ["no-op"]
               for rc in changes)


def load_prior_doc(doc: dict[str, Any], shown: str, config: ConfigIndex | None = None) -> list[Resource]:
    """The resources as deployed before the plan: each change's `before` (resources the
    plan creates are absent, those it deletes or replaces present), and the data sources
    `prior_state` holds (read while planning), as the planned view has them. A managed
    resource the plan lists no change for (one a `-target` plan leaves out) is in neither
    view: in this one only, its findings would read as resolved. References come from the
    configuration, as for the planned values, so both views link alike."""
    config = config or config_index(doc)
    resources: list[Resource] = []
    seen: set[str] = set()
    for rc in doc.get("resource_changes") or []:
        change = rc.get("change") if isinstance(rc, dict) else None
        # A deposed object is an older copy of a replaced resource: the current one stands for it.
        if not isinstance(change, dict) or not isinstance(change.get("before"), dict) or rc.get("deposed"):
            continue
        try:
            address, rtype, name = str(rc["address"]), str(rc["type"]), str(rc["name"])
        except KeyError:
            continue
        if address in seen:
            continue
        mode = "data" if rc.get("mode") == "data" else "managed"
        resources.append(_make(address, rtype, name, mode, str(rc.get("module_address") or ""), rc.get("index"),
                               change["before"], None, config, shown))
        seen.add(address)
    resources.extend(_prior_resources(doc, config, shown, ("data",), seen))
    return resources

