"""Compliance references per check: the group's controls plus the row's additions.

One table, transcribed from the catalog's mapping, so that every check gets
exactly the controls the catalog assigns.
"""

from __future__ import annotations

# Framework ids (used in tags, --framework and reports) and their full names.
FRAMEWORKS = ("hipaa", "pci-dss", "gdpr", "nist-800-53", "cis-aws")
FRAMEWORK_NAMES = {
    "hipaa": "HIPAA Security Rule",
    "pci-dss": "PCI DSS v4.0",
    "gdpr": "GDPR",
    "nist-800-53": "NIST SP 800-53 Rev. 5",
    "cis-aws": "CIS AWS Foundations Benchmark v3.0.0",
}
_FRAMEWORK_ALIASES = {"pci": "pci-dss", "nist": "nist-800-53", "cis": "cis-aws", "hipaa": "hipaa", "gdpr": "gdpr"}


def framework_id(name: str) -> str | None:
    """Normalise a user's framework name (`HIPAA`, `pci`, `nist-800-53`...) to its id."""
    key = name.strip().lower()
    return key if key in FRAMEWORKS else _FRAMEWORK_ALIASES.get(key)


def tags(compliance: dict[str, tuple[str, ...]]) -> list[str]:
    """Framework-qualified control ids, e.g. `hipaa/164.312(a)(2)(iv)`."""
    return [f"{fw}/{control}" for fw, controls in compliance.items() for control in controls]

Row = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]

_GROUPS: dict[str, Row] = {
    "1": (("164.312(a)(2)(iv)",), ("3.5.1",), ("Art.32(1)(a)",), ("SC-28", "SC-13"), ()),
    "2": (("164.312(e)(1)", "164.312(e)(2)(ii)"), ("4.2.1",), ("Art.32(1)(a)",), ("SC-8", "SC-13"), ()),
    "3": (("164.312(a)(2)(iv)",), ("3.6.1",), ("Art.32(1)(a)",), ("SC-12",), ()),
    "4": (("164.312(a)(1)",), ("7.2.1",), ("Art.32(1)(b)", "Art.25"), ("AC-3", "AC-6"), ()),
    "5": (("164.312(b)",), ("10.2.1",), ("Art.32(1)(b)",), ("AU-2", "AU-12"), ()),
    "6": (("164.308(a)(7)(ii)(A)",), ("12.10.1",), ("Art.32(1)(c)",), ("CP-9",), ()),
    "7": (("164.308(a)(1)(ii)(A)",), (), ("Art.25",), ("RA-2",), ()),
}

_CMK: Row = ((), ("3.6.1",), (), ("SC-12",), ())
_COPIES: Row = (("164.308(a)(7)(ii)(A)",), (), (), ("CP-9",), ())
_EBS: Row = ((), (), (), (), ("2.2.1",))
_MONITOR: Row = (("164.308(a)(1)(ii)(D)",), (), (), ("SI-4",), ())
_REPL: Row = (("164.312(a)(2)(iv)",), ("3.5.1",), ("Art.32(1)(a)",), ("SC-28",), ())
_DR: Row = (("164.308(a)(7)(ii)(B)",), (), (), ("CP-6",), ())
_KEYPOL: Row = (("164.312(a)(1)",), ("7.2.1",), ("Art.32(1)(b)",), ("AC-3", "AC-6"), ())

_ADDITIONS: dict[str, Row] = {
    "TG102": _CMK, "TG111": _CMK, "TG130": _CMK, "TG140": _CMK, "TG155": _CMK,
    "TG110": ((), (), (), (), ("2.3.1",)),
    "TG112": _COPIES, "TG122": _COPIES,
    "TG120": _EBS, "TG121": _EBS,
    "TG141": (("164.312(a)(1)",), ("8.6.3",), (), ("IA-5",), ()),
    "TG150": ((), (), (), (), ("2.4.1",)),
    "TG230": ((), (), (), (), ("2.1.1",)),
    "TG301": ((), ("3.7.4",), (), (), ("3.6",)),
    "TG302": _KEYPOL, "TG303": _KEYPOL,
    "TG401": ((), (), (), (), ("1.16",)),
    "TG403": ((), (), (), (), ("2.1.4",)),
    "TG405": (("164.312(b)",), ("10.3.2",), (), ("AU-9",), ()),
    "TG501": ((), ("10.3.4",), (), ("AU-9",), ("3.1", "3.2")),
    "TG502": (("164.312(a)(2)(iv)",), ("10.3.2",), (), ("AU-9", "SC-28"), ("3.5",)),
    "TG503": ((), ("10.3.2",), (), ("AU-9",), ("3.4",)),
    "TG504": (("164.308(a)(1)(ii)(D)",), (), (), ("SI-4",), ("3.3",)),
    "TG505": _MONITOR,
    "TG506": (("164.308(a)(1)(ii)(D)",), ("11.5.1",), (), ("SI-4",), ()),
    "TG507": (("164.308(a)(1)(ii)(A)",), (), ("Art.25",), ("RA-2", "SI-4"), ("2.1.3",)),
    "TG601": (("164.312(c)(1)",), (), ("Art.32(1)(b)",), (), ()),
    "TG602": _REPL, "TG604": _REPL,
    "TG603": _DR, "TG605": _DR,
    "TG702": _REPL,
}


def controls(check_id: str) -> dict[str, tuple[str, ...]]:
    """{framework id: controls} for a catalog check id (e.g. "TG101")."""
    group = _GROUPS.get(check_id[2:3], ((), (), (), (), ()))
    extra = _ADDITIONS.get(check_id, ((), (), (), (), ()))
    out: dict[str, tuple[str, ...]] = {}
    for name, base, add in zip(FRAMEWORKS, group, extra):
        merged = tuple(dict.fromkeys(base + add))
        if merged:
            out[name] = merged
    return out
