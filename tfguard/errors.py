"""The one error type that the CLI maps to exit codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

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


# json's messages are fragments ("Unterminated string starting at"); reports say whole sentences.
_JSON_PROBLEMS = {
    "Expecting value": "a value was expected",
    "Expecting ',' delimiter": "a ',' was expected",
    "Expecting ':' delimiter": "a ':' was expected",
    "Expecting property name enclosed in double quotes": "a property name in double quotes was expected",
    "Unterminated string starting at": "a string is not closed",
    "Invalid control character at": "a string holds a raw control character",
    "Extra data": "more text follows the JSON document",
    "Invalid \\escape": "a string holds an invalid escape",
    "Invalid \\uXXXX escape": "a string holds an invalid \\u escape",
}


def json_problem(exc: ValueError) -> str:
    """A JSON syntax error as one sentence: a document cut short says so."""
    import json

    if not isinstance(exc, json.JSONDecodeError):
        return f"cannot parse JSON: {exc}"  # valid JSON of the wrong shape, said by the reader
    rest = exc.doc[exc.pos:]
    unclosed = exc.msg.startswith("Unterminated string") and '"' not in rest[1:]
    if (not rest.strip() and exc.msg != "Extra data") or unclosed:
        return "not valid JSON: the file ends before the document does (is it truncated?)."
    what = _JSON_PROBLEMS.get(exc.msg, exc.msg[:1].lower() + exc.msg[1:])
    return f"not valid JSON: {what} at column {exc.colno}."


def exit_code(diagnostics: Iterable[Diagnostic], found: bool) -> int:
    """The one mapping to exit codes: an internal error wins, then an input error, then
    whether the command found something (findings that fail, or edits to make)."""
    problems = list(diagnostics)
    if any(d.internal for d in problems):
        return EXIT_INTERNAL
    if any(d.severity == "error" for d in problems):
        return EXIT_INPUT
    return EXIT_FINDINGS if found else EXIT_OK
