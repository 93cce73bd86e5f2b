"""Terraform's built-in functions that tfguard evaluates statically.

FUNCTIONS take evaluated arguments; LAZY take their argument expressions
(try, can) or read files inside the scan root. Only functions without side
effects are evaluated: nothing reads the network or runs a program. A
function that is not static (a clock, randomness, a secret) raises
NotStatic and its result is Unknown; a function refusing its arguments
raises and its result is an EvalError, as in Terraform.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tfguard.load.functions.collections import COLLECTION_FUNCTIONS
from tfguard.load.functions.encoding import ENCODING_FUNCTIONS
from tfguard.load.functions.files import LAZY
from tfguard.load.functions.network import NETWORK_FUNCTIONS
from tfguard.load.functions.numeric import NUMERIC_FUNCTIONS
from tfguard.load.functions.paths import PATH_FUNCTIONS
from tfguard.load.functions.providers import PROVIDER_FUNCTIONS
from tfguard.load.functions.regex import REGEX_FUNCTIONS
from tfguard.load.functions.strings import STRING_FUNCTIONS
from tfguard.load.functions.time import TIME_FUNCTIONS
from tfguard.load.functions.types import TYPE_FUNCTIONS
from tfguard.model import NotStatic


def _not_static(reason: str) -> Callable[..., Any]:
    def fn(*args: Any) -> Any:
        raise NotStatic(reason)
    return fn


# Terraform's functions whose result is not a function of their arguments.
NOT_STATIC = {
    "timestamp": "timestamp() is the time of the run",
    "plantimestamp": "plantimestamp() is the time of the plan",
    "uuid": "uuid() is random",
    "bcrypt": "bcrypt() uses a random salt",
    "rsadecrypt": "rsadecrypt() needs a private key: secrets are not evaluated",
    "base64gzip": "base64gzip() output depends on Go's compressor",
    "issensitive": "sensitivity is not tracked",
}

FUNCTIONS: dict[str, Callable[..., Any]] = {
    **COLLECTION_FUNCTIONS, **STRING_FUNCTIONS, **REGEX_FUNCTIONS, **NUMERIC_FUNCTIONS, **ENCODING_FUNCTIONS,
    **NETWORK_FUNCTIONS, **TIME_FUNCTIONS, **TYPE_FUNCTIONS, **PATH_FUNCTIONS, **PROVIDER_FUNCTIONS,
    **{name: _not_static(reason) for name, reason in NOT_STATIC.items()},
}

__all__ = ["FUNCTIONS", "LAZY", "NOT_STATIC"]
