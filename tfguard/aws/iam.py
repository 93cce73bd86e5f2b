"""IAM policy statements: what a statement grants, on what, and to whom.

- `Statement`: one statement of any policy (IAM, KMS key, S3 bucket, SQS, SNS,
  an SCP), as `tfguard.aws.iam_documents` reads it from JSON, `jsonencode()` or a
  `data "aws_iam_policy_document"`;
- actions and resources: IAM action wildcards (`grants`), AWS wildcards in ARNs
  and conditions (`wildcard_match`), Resource "*" (`every_resource`);
- principals: "*" and what cannot be "*" (`could_be_anyone`), the account root
  in each of its spellings (`is_account_root`, `is_root`), who a statement
  grants to (`non_root_grantee`);
- conditions: whether one restricts a public principal (`restricts`), and a
  public grant without such a condition (`public_grant`).

Where a policy comes from and where it is judged is in `tfguard.aws.iam_policies`.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass
from typing import Any

from tfguard.model import Status, Unknown, is_unknown

ANY = "*"


@dataclass(frozen=True)
class Statement:
    sid: str
    effect: Any  # "Allow" / "Deny" / Unknown
    actions: tuple[Any, ...]
    not_actions: tuple[Any, ...]
    resources: tuple[Any, ...]
    not_resources: tuple[Any, ...]
    principals: tuple[tuple[str, Any], ...] | None  # (type, identifier); "*" type means Principal "*"
    not_principals: tuple[tuple[str, Any], ...] | None
    conditions: tuple[tuple[str, str, tuple[Any, ...]], ...]  # (operator, key lower-case, values)
    # False when an interpolation hides (some of) the Condition block: it may restrict.
    conditions_known: bool = True

    @property
    def allows(self) -> bool:
        return isinstance(self.effect, str) and self.effect.lower() == "allow"

    def principal_is_public(self) -> bool | None:
        """True for Principal "*" / {"AWS": "*"} (or an Allow with NotPrincipal); None when unknown."""
        if self.not_principals is not None:
            return True
        if self.principals is None:
            return False
        unknown = False
        for ptype, ident in self.principals:
            if not is_unknown(ptype) and ptype not in ("*", "AWS", "?"):
                continue  # Service, Federated, CanonicalUser: never everyone
            public = could_be_anyone(ident)
            if public and not is_unknown(ptype):
                return True
            if public is not False:
                unknown = True
        return None if unknown else False

    def condition_keys(self) -> set[str]:
        return {key for _, key, values in self.conditions if not _only_wildcards(values)}


# Shapes of values that name one account or identity (see Unknown.shape).
SPECIFIC_SHAPES = frozenset({"account_id", "account", "principal"})

_MARKER = re.compile(r"\{[a-z_?]*\}")


def literal_text(value: Unknown) -> str | None:
    """The literal text of a template with unknown parts (None when it is no template)."""
    if value.parts is not None:
        return "".join(p for p in value.parts if isinstance(p, str))
    if isinstance(value.partial, str):
        return _MARKER.sub("", value.partial)
    return None


def could_be_anyone(ident: Any) -> bool | None:
    """Is a principal identifier "*"? None when it could be.

    An unknown identifier cannot be "*" when it is an account id, an IAM role or
    user ARN or the caller identity's ARN (by its shape), or a template with
    literal text around its unknown parts (`arn:aws:iam::${...}:root`): only a
    value that could be anything (a wholly unknown variable) could be "*"."""
    if not isinstance(ident, Unknown):
        return bool(ident == ANY)
    if ident.shape in SPECIFIC_SHAPES:
        return False
    text = literal_text(ident)
    if text is not None and text not in ("", ANY):
        return False
    return None


def action_matches(pattern: Any, action: str) -> bool | None:
    """IAM action wildcard match (`kms:*`, `kms:De*`, `*`), case-insensitive; None when unknown."""
    if is_unknown(pattern) or not isinstance(pattern, str):
        return None
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def wildcard_match(pattern: str, text: str) -> bool:
    """AWS wildcards, as in ARNs, resource patterns and StringLike: `*` any run of
    characters, `?` one character, nothing else special (unlike fnmatch's `[...]`);
    case-sensitive."""
    if "*" not in pattern and "?" not in pattern:
        return pattern == text
    return _wildcard_regex(pattern).fullmatch(text) is not None


@functools.lru_cache(maxsize=1024)
def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL)


def grants(st: Statement, action: str) -> bool | None:
    """Does the statement's Action (or NotAction) cover `action`? None when not known."""
    if st.actions:
        results = [action_matches(p, action) for p in st.actions]
        return True if any(results) else (None if None in results else False)
    if st.not_actions:  # NotAction: every action except those listed
        results = [action_matches(p, action) for p in st.not_actions]
        return False if any(results) else (None if None in results else True)
    return False


def _only_wildcards(values: tuple[Any, ...]) -> bool:
    return bool(values) and all(v == ANY for v in values)


_ACCOUNT_ROOT = re.compile(
    r"^(arn:(aws[a-z-]*|\{partition\}|\{\?\}):iam::(\d{12}|\{account_id\}):root|\d{12}|\{account_id\})$"
)


def is_account_root(ident: Any) -> bool:
    """`arn:aws:iam::123456789012:root`, a bare account id, or the same built from
    data.aws_caller_identity / data.aws_partition (see Unknown.shape)."""
    if isinstance(ident, Unknown):
        if ident.partial is None:
            return ident.shape == "account_id"  # a bare data.aws_caller_identity.x.account_id
        text = ident.partial
    else:
        text = ident
    return isinstance(text, str) and bool(_ACCOUNT_ROOT.match(text))


_ROOT_SHAPE = re.compile(r"^arn:(aws[a-z-]*|\{[a-z_?]*\}):iam::(\d{12}|\{[a-z_?]*\}):root$")

_ONLY_PLACEHOLDERS = re.compile(r"^(\{[a-z_?]*\})*$")


def is_root(ident: Any) -> bool | None:
    """The account root: `arn:aws:iam::<acct>:root`, a bare account id, or either built
    from data.aws_caller_identity / data.aws_partition (a bare `account_id` included).
    None when not known statically (a template whose account part is unknown but
    whose text is that of a root ARN counts as a root)."""
    if is_account_root(ident):
        return True
    if not isinstance(ident, Unknown):
        return False
    if ident.shape == "principal":
        return False  # an IAM role's or user's ARN, or the caller's: one identity, not the account
    if ident.partial is None:
        return True if ident.shape == "account_id" else None
    if isinstance(ident.partial, str):
        if _ROOT_SHAPE.match(ident.partial):
            return True
        return None if _ONLY_PLACEHOLDERS.match(ident.partial) else False
    return None


def non_root_grantee(st: Statement) -> tuple[bool | None, str]:
    """Does the statement name a principal other than the account root? (answer, who).

    NotPrincipal grants everyone but those named; Principal "*" is everyone.
    A statement without a principal names nobody. None when not known."""
    if st.not_principals is not None:
        return True, "every principal but those in NotPrincipal"
    if st.principals is None:
        return False, ""
    unknown = ""
    for ptype, ident in st.principals:
        if is_unknown(ptype):
            unknown = "a principal type is not known statically"
            continue
        root = is_root(ident) if ptype in ("AWS", "?") else False
        if root:
            continue
        if root is None:
            reason = ident.reason if is_unknown(ident) else ""
            unknown = "a principal is not known statically" + (f" ({reason})" if reason else "")
        elif ptype == "*" or ident == "*":
            return True, "any principal (\"*\")"
        else:
            return True, f"{ptype} principal {_shown(ident)}"
    return (None, unknown) if unknown else (False, "")


def _shown(ident: Any) -> str:
    """A principal as a message names it: an IAM role's, user's or the caller's ARN by its
    reference, since its text is known only after apply."""
    if not isinstance(ident, Unknown):
        return str(ident)
    if isinstance(ident.partial, str):
        return ident.partial
    name = ident.reason.split(" is known only after apply")[0] if " is known only after apply" in ident.reason else ""
    if ident.shape == "principal":
        return f"{name or 'an IAM identity'} (one IAM role, user or caller identity)"
    return name or "(not known statically)"


_OPEN_CIDRS = {"0.0.0.0/0", "::/0"}


def restricts(st: Statement, keys: set[str]) -> bool:
    """Does a condition of the statement limit who may call, on one of `keys` (lower-case)?

    A condition restricts only when it must match: negated operators
    (`StringNotEquals`, `NotIpAddress`...), `...IfExists`, `Null` and
    `ForAllValues:` (true when the key is absent) do not, nor do values that
    are only "*" or an open CIDR for aws:SourceIp."""
    for op, key, values in st.conditions:
        if key not in keys:
            continue
        name = op.lower()
        base = name.split(":", 1)[-1]
        if name.startswith("forallvalues:") or base.endswith("ifexists") or "not" in base or base == "null":
            continue
        if values and all(v == "*" for v in values):
            continue
        if key == "aws:sourceip" and values and all(v in _OPEN_CIDRS for v in values):
            continue
        return True
    return False


def public_grant(statements: list[Statement], keys: set[str]) -> tuple[Status, str, Statement | None]:
    """FAIL for an Allow statement with a public principal and no condition on `keys`."""
    unknown = ""
    for st in statements:
        if is_unknown(st.effect):
            unknown = "a statement's effect is not known statically"
            continue
        if not st.allows:
            continue
        public = st.principal_is_public()
        if public is None:
            unknown = "a statement's principal is not known statically"
        elif public and not restricts(st, keys) and not st.conditions_known:
            unknown = "a statement allows any principal (\"*\") with a condition that is not known statically"
        elif public and not restricts(st, keys):
            return Status.FAIL, f"{describe(st)} allows any principal (\"*\") without a restricting condition", st
    if unknown:
        return Status.UNKNOWN, unknown, None
    return Status.PASS, "no statement allows a public principal without a restricting condition", None


def names_specific(value: Any) -> bool:
    """An unknown Resource entry that cannot be "*": an attribute of a configuration
    object (`aws_kms_key.x.arn`), or a template with literal text around its unknown parts."""
    if not isinstance(value, Unknown):
        return False
    if isinstance(value.partial, str) and _MARKER.sub("", value.partial).strip("*"):
        return True
    return bool(value.refs)


def every_resource(st: Statement) -> bool | None:
    """Resource "*" or a NotResource; None when an entry not known statically could be "*"."""
    if st.not_resources or "*" in st.resources:
        return True
    return None if any(is_unknown(r) and not names_specific(r) for r in st.resources) else False


def describe(st: Statement) -> str:
    return f"statement {st.sid!r}" if st.sid else "a statement"
