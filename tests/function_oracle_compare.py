"""tfguard's value of an expression against the result `terraform console` printed.

The console prints values in HCL syntax (`tomap({...})`, `toset([...])`,
heredocs), so the recorded text is read back with tfguard's own parser:
`toset([...])` becomes a set, `tomap`/`tolist` are plain maps and lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.hcl_expr import parse_expression
from tfguard.load.hcl_grammar import HclSyntaxError
from tfguard.model import EvalError, TfSet, Unknown


def same(actual: Any, expected: Any) -> bool:
    """Equal values of the same Terraform kind: a bool is not a number, a set is not a list."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float)) and float(actual) == float(expected)
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and actual.keys() == expected.keys()
                and all(same(actual[k], expected[k]) for k in expected))
    if isinstance(expected, list):
        return (isinstance(actual, list) and isinstance(actual, TfSet) == isinstance(expected, TfSet)
                and len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected)))
    return type(actual) is type(expected) and bool(actual == expected)


def compare(expr: str, recorded: dict[str, str], files: Path) -> tuple[str, str]:
    """("agree" | "differ" | "unknown", detail). "unknown": tfguard does not evaluate it."""
    scope = Scope(root=files, directory=files, shown_root=files)
    try:
        actual = evaluate(parse_expression(expr), scope)
    except HclSyntaxError as exc:
        return "differ", f"tfguard cannot parse the expression: {exc}"
    if "error" in recorded:
        if isinstance(actual, EvalError):
            return "agree", "both fail"
        if isinstance(actual, Unknown):
            return "unknown", f"terraform fails ({recorded['error'][:120]}); tfguard: {actual.reason}"
        return "differ", f"terraform fails ({recorded['error'][:120]}); tfguard gives {actual!r}"
    if recorded["output"] == "(known after apply)":
        if isinstance(actual, Unknown) and not isinstance(actual, EvalError):
            return "agree", "both unknown"
        return "differ", f"terraform's result is unknown; tfguard gives {actual!r}"
    if isinstance(actual, Unknown):
        kind = "differ" if isinstance(actual, EvalError) else "unknown"
        return kind, f"terraform gives {recorded['output']!r}; tfguard: {actual!r}"
    try:
        expected = evaluate(parse_expression(recorded["output"]), Scope())
    except HclSyntaxError:
        expected = Unknown("not HCL")
    if recorded["output"].startswith("<<") and isinstance(expected, str):
        expected = expected[:-1]  # the console ends a heredoc with one more newline than the value has
    if isinstance(expected, Unknown):
        return "differ", f"terraform's output {recorded['output']!r} is not readable: {expected!r}"
    if same(actual, expected):
        return "agree", ""
    return "differ", f"terraform gives {expected!r}; tfguard gives {actual!r}"


def compare_all(cases: dict[str, dict[str, str]], files: Path) -> dict[str, tuple[str, str]]:
    return {expr: compare(expr, recorded, files) for expr, recorded in cases.items()}
