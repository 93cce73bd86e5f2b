"""Checks that share a shape, declared instead of written out.

A check of one of these shapes names the shape and the setting it reads; the
subjects are the resources of its declared `resource_types` (ctx.subjects())
and its documentation is its module's docstring, as for any check:

    CHECK = Check(id="TG150", ..., resource_types=("aws_efs_file_system",),
                  evaluate=flags_on("encrypted"))

The verdicts themselves live with the AWS knowledge they apply (tfguard.aws.stores
for flags, tfguard.aws.kms for "is it a customer-managed key"), so that a check
declared here and a check written out answer the same question alike.

`judge_identity` is the shape of the identity-policy checks (TG401, TG402):
one result per policy, FAIL at the first Allow statement a predicate holds for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tfguard.aws.iam import Statement, describe
from tfguard.aws.iam_policies import PolicySubject, pointer
from tfguard.aws.kms import cmk_verdict
from tfguard.aws.stores import all_flags, flag
from tfguard.check import Context, Evaluate, Result
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, Unknown, Verdict, is_unknown


def flags_on(*paths: str) -> Evaluate:
    """Each subject passes when every boolean argument of `paths` (dotted through nested
    blocks: `encrypt_at_rest.enabled`) is stated true. Unset or false fails, even when
    another flag is not known statically; otherwise a flag not known statically is UNKNOWN.
    The finding points at the first flag that is not true."""
    if not paths:
        raise ValueError("flags_on needs at least one argument path")

    def evaluate(ctx: Context) -> Iterator[Result]:
        for res in ctx.subjects():
            yield Result.of(res, flag(res, paths[0]) if len(paths) == 1 else all_flags(res, paths))

    return evaluate


def customer_managed_key(attr: str, *, unset: str = "", protects: str = "") -> Evaluate:
    """Each subject passes when its argument `attr` names a customer-managed KMS key, as
    tfguard.aws.kms judges it (a key, replica key, alias or external key of the configuration,
    or a literal key/alias ARN that is not `alias/aws/*`); an AWS-managed key or an unset
    argument fails, a key not known statically is UNKNOWN.

    `unset` says what an unset (null or empty) argument means ("the vault uses the
    AWS-managed aws/backup key"): the message is then `no ATTR: UNSET`. `protects` names
    what the key protects ("trail log files") and starts every message.
    """

    def evaluate(ctx: Context) -> Iterator[Result]:
        for res in ctx.subjects():
            yield _key_result(ctx, res, attr, unset, protects)

    return evaluate


def _key_result(ctx: Context, res: Resource, attr: str, unset: str, protects: str) -> Result:
    value = res.values.get(attr)
    verdict = cmk_verdict(ctx.graph, res, attr, value).verdict
    message = f"no {attr}: {unset}" if unset and (value is None or value == "") else verdict.message
    if protects:
        message = f"{protects}: {message}"
    return Result.of(res, verdict._replace(message=message))


Judge = Callable[[Context, Resource], Result]


def each(judge: Judge) -> Evaluate:
    """One result for each subject, as `judge` gives it: for a check whose verdict on a
    resource needs nothing but the resource (and the graph around it)."""

    def evaluate(ctx: Context) -> Iterator[Result]:
        for res in ctx.subjects():
            yield judge(ctx, res)

    return evaluate


def judge_identity(graph: ResourceGraph, subject: PolicySubject, predicate: Callable[[Statement], bool | None],
                   failure: str | Callable[[Statement], str], success: str) -> Result:
    """One result for an identity policy: FAIL at the first Allow statement that
    `predicate` holds for, UNKNOWN when some statement cannot be decided."""
    res, statements, related = subject.resource, subject.statements, subject.related
    if statements is None:
        return Result(res, Status.PASS, "no policy is set", related=related)
    if isinstance(statements, Unknown):
        return Result(res, Status.UNKNOWN, f"the policy is not known statically: {statements.reason}",
                      attribute=subject.attribute, related=related)
    undecided = False
    for st in statements:
        if is_unknown(st.effect):
            undecided = True
            continue
        if not st.allows:
            continue
        verdict = predicate(st)
        if verdict:
            at, attribute = pointer(graph, res, subject.attribute, [], st)
            text = failure(st) if callable(failure) else failure
            return Result(res, Status.FAIL, f"{describe(st)} {text}", attribute=attribute, at=at, related=related)
        if verdict is None:
            undecided = True
    if undecided:
        return Result(res, Status.UNKNOWN, "a statement's effect, actions or resources are not known statically",
                      attribute=subject.attribute, related=related)
    return Result(res, Status.PASS, success, attribute=subject.attribute, related=related)


def judged_by(verdict: Callable[[ResourceGraph, Resource], Verdict]) -> Evaluate:
    """One result for each subject: the verdict the AWS knowledge gives it
    (`judged_by(rds_encrypted)`), for a check that adds nothing to that answer."""

    def evaluate(ctx: Context) -> Iterator[Result]:
        for res in ctx.subjects():
            yield Result.of(res, verdict(ctx.graph, res))

    return evaluate
