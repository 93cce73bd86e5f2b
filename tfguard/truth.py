"""Is a setting on? One reading of a bool argument for every check.

A string reaches a check in two ways, and both are read as AWS ends up with it:
- a bool-typed argument: Terraform converts it as `tobool` does ("true" and "1"
  are true, "false" and "0" false; `terraform console`: tobool("1") is true). The
  loader already converts these with the provider schema; a plan holds the bool.
- a string-typed "nullable bool" argument of the AWS provider (ElastiCache
  `at_rest_encryption_enabled`, a launch template's `ebs.encrypted`): Terraform
  turns `true` into "true" and the provider parses the text with Go's
  strconv.ParseBool, which also takes "t", "T", "TRUE", "True" (and their false
  forms); "" is unset there.
Any other text (" true", "yes") or a number is rejected by Terraform or the
provider, so the setting is never on. Null is unset (the check decides what
unset means), and a value that is not known statically stays unknown.
"""

from __future__ import annotations

from typing import TypeAlias

from tfguard.model import Status, Unknown, is_unknown

Reading: TypeAlias = "bool | None | Unknown"

_STRINGS: dict[str, bool | None] = {
    **dict.fromkeys(("true", "1", "t", "T", "TRUE", "True"), True),
    **dict.fromkeys(("false", "0", "f", "F", "FALSE", "False"), False),
    "": None,
}


def setting(value: object) -> Reading:
    """True (on), False (off, or a value that can never be on), None (unset) or the Unknown itself."""
    if value is None or isinstance(value, bool) or is_unknown(value):
        return value
    if isinstance(value, str):
        return _STRINGS.get(value, False)
    return False


def is_on(value: object) -> bool:
    """The setting is known to be on."""
    return setting(value) is True


def status_on(value: object) -> Status:
    """The setting must be on: PASS when it is, UNKNOWN when not known statically, else FAIL
    (unset included)."""
    if is_on(value):
        return Status.PASS
    return Status.UNKNOWN if is_unknown(value) else Status.FAIL
