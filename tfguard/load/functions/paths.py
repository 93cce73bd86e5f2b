"""basename(), dirname(), abspath(), pathexpand(): paths as Go's filepath cleans them (Linux)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from tfguard.load.functions.types import string
from tfguard.model import NotStatic


def clean(path: str) -> str:
    """Go's filepath.Clean: "" is ".", a leading "//" is "/"."""
    if path == "":
        return "."
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def basename(path: Any) -> str:
    p = string(path)
    if p == "":
        return "."
    stripped = p.rstrip("/")
    return "/" if stripped == "" else stripped.rsplit("/", 1)[-1]


def dirname(path: Any) -> str:
    p = string(path)
    return clean(p[: p.rfind("/") + 1])


def abspath(path: Any) -> str:
    p = string(path)
    if not p.startswith("/"):
        raise NotStatic("abspath() of a relative path depends on where Terraform runs")
    return clean(p)


def pathexpand(path: Any) -> str:
    p = string(path)
    if p.startswith("~"):
        raise NotStatic("pathexpand() of ~ depends on the user's home directory")
    return p


PATH_FUNCTIONS: dict[str, Callable[..., Any]] = {"basename": basename, "dirname": dirname, "abspath": abspath, "pathexpand": pathexpand}
