"""The `configuration` section of a plan: expressions, references, providers.

References in a plan are relative to the module they are written in; this
index resolves them to resource addresses across module boundaries (through
module call arguments and module outputs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfguard.model import Unknown, parse_address

_MODULE_SEGMENT = re.compile(r'module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?')
_RESOURCE_REF = re.compile(r'^(data\.)?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?')
_IGNORED_ROOTS = {"count", "each", "path", "terraform", "self", "local", "ephemeral"}  # ephemeral: never planned
MAX_HOPS = 32


def _parent(module_instance: str) -> tuple[str, str]:
    """`module.a["x"].module.b[0]` -> (`module.a["x"]`, `b`)."""
    segments = [m.group(0) for m in _MODULE_SEGMENT.finditer(module_instance)]
    last = _MODULE_SEGMENT.match(segments[-1]) if segments else None
    return ".".join(segments[:-1]), last.group(1) if last else ""


class ConfigIndex:
    def __init__(self, configuration: dict[str, Any], variables: dict[str, Any]) -> None:
        self.providers: dict[str, Any] = configuration.get("provider_config") or {}
        self.variables = variables if isinstance(variables, dict) else {}
        self.modules: dict[str, dict[str, Any]] = {}
        self._resources: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        # (module instance, mode, type, name) -> the references of its configuration: the same
        # for the planned and the prior values of a resource, so worked out once (tfguard.load.plan).
        self.refs: dict[tuple[str, str, str, str], tuple[Any, ...]] = {}
        self._index(configuration.get("root_module") or {}, "")

    def _index(self, module: dict[str, Any], path: str) -> None:
        if not isinstance(module, dict) or len(path) > 4096:
            return
        self.modules[path] = module
        for r in module.get("resources") or []:
            if isinstance(r, dict):
                key = (path, str(r.get("mode", "managed")), str(r.get("type")), str(r.get("name")))
                self._resources[key] = r
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict):
                self._index(call.get("module") or {}, f"{path}.module.{name}" if path else f"module.{name}")

    def resource(self, module_instance: str, mode: str, rtype: str, name: str) -> dict[str, Any] | None:
        return self._resources.get((parse_address(module_instance).config, mode, rtype, name))

    def expression_refs(self, expressions: Any, path: str = "") -> Iterator[tuple[str, str]]:
        if isinstance(expressions, list):
            for item in expressions:
                yield from self.expression_refs(item, path)
            return
        if not isinstance(expressions, dict):
            return
        if "references" in expressions and isinstance(expressions["references"], list):
            for ref in expressions["references"]:
                yield path, str(ref)
            return
        if "constant_value" in expressions:
            return
        for key, sub in expressions.items():
            yield from self.expression_refs(sub, f"{path}.{key}" if path else key)

    def resolve(self, ref: str, module_instance: str, hops: int = 0) -> list[str]:
        if hops > MAX_HOPS:
            return []
        root = ref.split(".", 1)[0].split("[", 1)[0]
        if root in _IGNORED_ROOTS:
            return []
        if root == "var":
            return self._resolve_var(ref.split(".")[1].split("[")[0], module_instance, hops)
        if root == "module":
            return self._resolve_output(ref, module_instance, hops)
        m = _RESOURCE_REF.match(ref)
        if not m:
            return []
        prefix = f"{module_instance}." if module_instance else ""
        target = f"{prefix}{m.group(1) or ''}{m.group(2)}.{m.group(3)}{m.group(4) or ''}"
        return [target]

    def _resolve_var(self, name: str, module_instance: str, hops: int) -> list[str]:
        if not module_instance:
            return []
        parent, call_name = _parent(module_instance)
        call = (self.modules.get(parse_address(parent).config) or {}).get("module_calls", {}).get(call_name) or {}
        expr = (call.get("expressions") or {}).get(name)
        out: list[str] = []
        for _, raw in self.expression_refs(expr):
            out.extend(self.resolve(raw, parent, hops + 1))
        return list(dict.fromkeys(out))

    def _resolve_output(self, ref: str, module_instance: str, hops: int) -> list[str]:
        parts = ref.split(".")
        if len(parts) < 3:
            return []
        call_name, output = parts[1].split("[")[0], parts[2].split("[")[0]
        child = f"{module_instance}.module.{call_name}" if module_instance else f"module.{call_name}"
        index = re.match(r"module\.[A-Za-z0-9_-]+(\[[^\]]*\])", ref)
        child_instance = child + (index.group(1) if index else "")
        mod = self.modules.get(parse_address(child).config) or {}
        expr = ((mod.get("outputs") or {}).get(output) or {}).get("expression")
        out: list[str] = []
        for _, raw in self.expression_refs(expr):
            out.extend(self.resolve(raw, child_instance, hops + 1))
        return list(dict.fromkeys(out))

    def region(self, provider_key: str) -> Any:
        config = self.providers.get(provider_key)
        if config is None and ":" in provider_key:
            config = self.providers.get(provider_key.split(":", 1)[1])
        if not isinstance(config, dict):
            return Unknown(f"provider configuration {provider_key} is not in the plan")
        expr = (config.get("expressions") or {}).get("region")
        if not isinstance(expr, dict):
            return Unknown(f"provider {provider_key} sets no region")
        if "constant_value" in expr:
            return expr["constant_value"]
        for ref in expr.get("references") or []:
            if str(ref).startswith("var.") and not config.get("module_address"):
                value = (self.variables.get(str(ref)[4:]) or {}).get("value")
                if isinstance(value, str):
                    return value
        return Unknown(f"region of provider {provider_key} is not known statically")



# References whose values name one IAM identity (an ARN) or one account.
_IDENTITY_REF = re.compile(
    r"^(?:(?:data\.)?(?:aws_iam_role|aws_iam_user)\.[\w-]+(?:\[[^\]]*\])?\.arn"
    r"|data\.aws_caller_identity\.[\w-]+(?:\[[^\]]*\])?\.(?:arn|account_id))$")


def identity_shape(expression: Any) -> str:
    """The shape (see Unknown.shape) of a value known only after apply whose expression
    refers to nothing but IAM role/user ARNs and the caller's ARN ("principal"), or
    also to the caller's account id ("account"). In a plan every variable is known,
    so such a value is built from those identities and can never be "*"."""
    raw: list[str] = []
    _raw_refs(expression, raw, 0)
    named = [ref for ref in raw if _IDENTITY_REF.match(ref)]
    objects = {ref.rsplit(".", 1)[0] for ref in named}
    objects |= {re.sub(r"\[[^\]]*\]$", "", obj) for obj in objects}  # Terraform lists `x[0]` and `x`
    if not named or any(ref not in objects and ref not in named for ref in raw):
        return ""
    return "principal" if all(ref.endswith(".arn") for ref in named) else "account"


def _raw_refs(expression: Any, out: list[str], depth: int) -> None:
    if depth > 32:
        return
    if isinstance(expression, list):
        for item in expression:
            _raw_refs(item, out, depth + 1)
    elif isinstance(expression, dict):
        refs = expression.get("references")
        if isinstance(refs, list):
            out.extend(str(r) for r in refs)
        elif "constant_value" not in expression:
            for sub in expression.values():
                _raw_refs(sub, out, depth + 1)
