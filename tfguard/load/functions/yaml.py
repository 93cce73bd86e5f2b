"""yamlencode() and yamldecode() as Terraform's YAML library writes and reads them."""

from __future__ import annotations

import json
import re
from typing import Any

from tfguard.load.functions.types import string
from tfguard.model import NotStatic

_BOOLS = {s: True for s in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")}
_BOOLS.update({s: False for s in ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")})
_NULLS = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*|0[0-9]+)\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOATS = {".inf": "+Inf", ".Inf": "+Inf", ".INF": "+Inf", "-.inf": "-Inf", ".nan": "NaN"}


def _scalar(text: str) -> Any:
    """A plain scalar resolved as YAML 1.1 (what Terraform's decoder does)."""
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _NULLS:
        return None
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if text.lstrip("+-").startswith(prefix):
            try:
                return int(text.replace(prefix, "", 1), base)
            except ValueError:
                return text
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        value = float(text)
        return int(value) if value.is_integer() and abs(value) < 2**63 else value
    if text in _SPECIAL_FLOATS or re.match(r"\d{4}-\d\d?-\d\d?([Tt ]|\Z)", text):
        raise NotStatic("YAML infinities, NaN and timestamps are not evaluated")
    return text


def _node(node: Any) -> Any:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        if node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null") and node.tag.startswith("!"):
            raise NotStatic(f"YAML tag {node.tag} is not evaluated")
        return _scalar(node.value) if node.style is None else node.value
    if isinstance(node, yaml.SequenceNode):
        return [_node(n) for n in node.value]
    return {string(_node(k)): _node(v) for k, v in node.value}


def yamldecode(text: Any) -> Any:
    try:
        import yaml
    except ImportError:
        raise NotStatic("yamldecode() needs PyYAML") from None
    try:
        docs = list(yaml.compose_all(string(text), Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {exc}") from None
    if len(docs) > 1:
        raise ValueError("unexpected extra content after value")
    if not docs:
        raise ValueError("missing start of document")
    return _node(docs[0])


def _quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _scalar_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        from tfguard.load.functions.strings import number_text

        return number_text(value)
    return _quote(string(value))


def _literal(s: str, indent: int) -> str:
    body = s[:-1] if s.endswith("\n") else s
    chomp = "" if s.endswith("\n") and not s.endswith("\n\n") else ("-" if not s.endswith("\n") else "+")
    if chomp == "+":
        body = s[:-1]
    pad = " " * indent
    return f"|{chomp}\n" + "\n".join(pad + line if line else "" for line in body.split("\n"))


def _block(value: Any, indent: int) -> str:
    """`value` as block YAML lines, each starting at `indent` spaces."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        lines = []
        for key in sorted(value):
            item = value[key]
            head = f"{pad}{_quote(key)}:"
            if isinstance(item, dict) and item:
                lines.append(head + "\n" + _block(item, indent + 2))
            elif isinstance(item, list) and item:
                lines.append(head + "\n" + _block(item, indent))
            else:
                lines.append(head + " " + _inline(item, indent + 2))
        return "\n".join(lines)
    if isinstance(value, list) and value:
        lines = []
        for item in value:
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}- " + _block(item, indent + 2)[indent + 2:])
            else:
                lines.append(f"{pad}- " + _inline(item, indent + 2))
        return "\n".join(lines)
    return pad + _inline(value, indent + 2)


def _inline(value: Any, indent: int) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, str) and "\n" in value:
        return _literal(value, indent)
    return _scalar_text(value)


def yamlencode(value: Any) -> str:
    # A document that is only null ends with the explicit end marker, as Go's emitter writes it.
    return "null\n...\n" if value is None else _block(value, 0) + "\n"
