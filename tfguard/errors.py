"""The one error type that the CLI maps to exit codes."""

from __future__ import annotations

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
