"""formatdate(), timeadd() and timecmp(): RFC 3339 timestamps, Go durations."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from tfguard.load.functions.types import string

_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[-+]\d\d:\d\d)\Z")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
_DURATION = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)")
_FORMAT_TOKENS = re.compile(r"'(?:[^']|'')*'|YYYY|YY|MMMM|MMM|MM|M|DD|D|EEEE|EEE|hh|h|HH|H|AA|aa|mm|m|ss|s|ZZZZZ|ZZZZ|ZZZ|Z|.",
                            re.DOTALL)


def parse(ts: Any) -> datetime:
    m = _RFC3339.match(string(ts))
    if not m:
        raise ValueError(f"not a valid RFC3339 timestamp: {ts!r}")
    y, mo, d, h, mi, s, frac, zone = m.groups()
    tz = timezone.utc if zone in "Zz" else timezone(
        (1 if zone[0] == "+" else -1) * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    micro = int((frac or ".0")[1:7].ljust(6, "0"))
    return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=tz)


def _offset(dt: datetime, colon: bool) -> str:
    off = dt.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}{':' if colon else ''}{m:02d}"


def rfc3339(dt: datetime) -> str:
    off = dt.utcoffset()
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if not off else _offset(dt, True))


def duration(text: Any) -> timedelta:
    s = string(text)
    sign, body = (-1, s[1:]) if s.startswith("-") else (1, s.lstrip("+"))
    if body == "0":
        return timedelta(0)
    parts = _DURATION.findall(body)
    if not parts or "".join(n + u for n, u in parts) != body:
        raise ValueError(f"invalid duration {s!r}")
    return sign * timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in parts))


def _token(tok: str, dt: datetime) -> str:
    table = {
        "YYYY": f"{dt.year:04d}", "YY": f"{dt.year % 100:02d}", "MMMM": dt.strftime("%B"), "MMM": dt.strftime("%b"),
        "MM": f"{dt.month:02d}", "M": str(dt.month), "DD": f"{dt.day:02d}", "D": str(dt.day),
        "EEEE": dt.strftime("%A"), "EEE": dt.strftime("%a"), "hh": f"{dt.hour:02d}", "h": str(dt.hour),
        "HH": f"{(dt.hour % 12) or 12:02d}", "H": str((dt.hour % 12) or 12),
        "AA": "AM" if dt.hour < 12 else "PM", "aa": "am" if dt.hour < 12 else "pm",
        "mm": f"{dt.minute:02d}", "m": str(dt.minute), "ss": f"{dt.second:02d}", "s": str(dt.second),
        "ZZZZZ": _offset(dt, True), "ZZZZ": _offset(dt, False),
        "ZZZ": "UTC" if not dt.utcoffset() else _offset(dt, False),
        "Z": "Z" if not dt.utcoffset() else _offset(dt, True),
    }
    if tok.startswith("'") and len(tok) > 1:
        return tok[1:-1].replace("''", "'")
    if tok in table:
        return table[tok]
    if tok.isalpha():
        raise ValueError(f"invalid date format verb {tok!r}")
    return tok


def formatdate(spec: Any, ts: Any) -> str:
    dt = parse(ts)
    return "".join(_token(tok, dt) for tok in _FORMAT_TOKENS.findall(string(spec)))


def timecmp(a: Any, b: Any) -> int:
    x, y = parse(a), parse(b)
    return (x > y) - (x < y)


TIME_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "formatdate": formatdate, "timecmp": timecmp,
    "timeadd": lambda ts, d: rfc3339(parse(ts) + duration(d)),
}
