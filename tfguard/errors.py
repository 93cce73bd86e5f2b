"""The one error type that the CLI maps to exit codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfguard.model import Diagnostic

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class TfguardError(Exception):
    exit_code = EXIT_INTERNAL


class UsageError(TfguardError):
    """Bad options or arguments."""

    exit_code = EXIT_INPUT


class InputError(TfguardError):
    """Input that cannot be read at all (a plan file that is not a plan)."""

    exit_code = EXIT_INPUT

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def internal_error(file: str, line: int, what: str, exc: BaseException, effect: str = "it is left out") -> Diagnostic:
    """An unexpected exception while handling one part of the scan (a resource,
    a module, a check): that part is left out, the rest of the scan goes on and
    its report is written, and the exit code is EXIT_INTERNAL so the bug shows."""
    import traceback
    from pathlib import PurePath

    from tfguard.model import Diagnostic

    frames = traceback.extract_tb(exc.__traceback__)
    at = f" at {PurePath(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return Diagnostic(file, line, f"internal error while {what}: {type(exc).__name__}"
                      f"{': ' + text if text else ''}{at}; {effect}; please report it", internal=True)
