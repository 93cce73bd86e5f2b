"""Encoding and hashing functions: base64, JSON, CSV, URL, text encodings, digests."""

from __future__ import annotations

import base64
import codecs
import csv
import hashlib
import io
import json
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any

from tfguard.load.functions.strings import tf_json
from tfguard.load.functions.types import string
from tfguard.load.functions.yaml import yamldecode, yamlencode
from tfguard.load.values import whole_numbers


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON: {name}")


def jsondecode(text: Any) -> Any:
    try:
        return whole_numbers(json.loads(string(text), parse_constant=_refuse_constant))
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None


def base64decode(text: Any) -> str:
    try:
        raw = base64.b64decode(string(text), validate=True)
        return raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"failed to decode base64 data: {exc}") from None


def _codec(name: Any) -> codecs.CodecInfo:
    try:
        return codecs.lookup(string(name).replace("_", "-"))
    except LookupError:
        raise ValueError(f"{name!r} is not a supported IANA encoding name") from None


def textencodebase64(text: Any, encoding: Any) -> str:
    data, _ = _codec(encoding).encode(string(text), "strict")
    return base64.b64encode(data).decode()


def textdecodebase64(text: Any, encoding: Any) -> str:
    data = base64.b64decode(string(text), validate=True)
    decoded, _ = _codec(encoding).decode(data, "strict")
    return str(decoded)


def csvdecode(text: Any) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(string(text)), strict=True))
    if not rows:
        raise ValueError("missing header line")
    header = rows[0]
    out: list[dict[str, str]] = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValueError(f"record on line {n}: wrong number of fields")
        out.append(dict(zip(header, row)))
    return out


def _digest(name: str, b64: bool = False) -> Any:
    def fn(text: Any) -> str:
        h = hashlib.new(name, string(text).encode())
        return base64.b64encode(h.digest()).decode() if b64 else h.hexdigest()
    return fn


_NAMESPACES = {"dns": uuid.NAMESPACE_DNS, "url": uuid.NAMESPACE_URL, "oid": uuid.NAMESPACE_OID,
               "x500": uuid.NAMESPACE_X500}


def uuidv5(namespace: Any, name: Any) -> str:
    ns = _NAMESPACES.get(string(namespace))
    return str(uuid.uuid5(ns if ns is not None else uuid.UUID(string(namespace)), string(name)))


ENCODING_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "base64encode": lambda s: base64.b64encode(string(s).encode()).decode(),
    "base64decode": base64decode, "textencodebase64": textencodebase64, "textdecodebase64": textdecodebase64,
    "jsondecode": jsondecode, "jsonencode": tf_json, "csvdecode": csvdecode,
    "yamlencode": yamlencode, "yamldecode": yamldecode,
    "urlencode": lambda s: urllib.parse.quote_plus(string(s), safe="-_.~"),
    "md5": _digest("md5"), "sha1": _digest("sha1"), "sha256": _digest("sha256"), "sha512": _digest("sha512"),
    "base64sha256": _digest("sha256", True), "base64sha512": _digest("sha512", True),
    "uuidv5": uuidv5,
}
