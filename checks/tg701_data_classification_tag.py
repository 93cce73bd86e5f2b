"""TG701 data-classification-tag.

Reading: every data store of the catalog's list carries the classification
tag (key `DataClassification` unless configured otherwise) in its own `tags`
or through the provider's `default_tags` (`tags_all`). The key is matched
exactly (AWS tag keys are case-sensitive). A value that is not a known level
(public, internal, confidential, restricted, or the aliases sensitive, pii,
phi, pci) fails too: the data is not classified by it, and flows and
escalation treat the store as unlabelled. Tags that are not known statically
give UNKNOWN.
"""

from __future__ import annotations

from tfguard.aws.classification import LEVELS, level_of
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import each
from tfguard.model import Resource, is_unknown

STORES = (
    "aws_s3_bucket", "aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_ebs_volume",
    "aws_efs_file_system", "aws_secretsmanager_secret", "aws_redshift_cluster", "aws_opensearch_domain",
)


def judge(ctx: Context, res: Resource) -> Result:
    tag = ctx.classification_tag
    unknown = ""
    for attr in ("tags", "tags_all"):
        tags = res.values.get(attr)
        if is_unknown(tags):
            unknown = unknown or f"{attr} is not known statically: {tags.reason}"
            continue
        if not isinstance(tags, dict) or tag not in tags:
            continue
        value = tags[tag]
        where = "tags" if attr == "tags" else "the provider's default_tags"
        path = f"{attr}.{tag}" if attr == "tags" else ""
        if is_unknown(value):
            return Result(res, UNKNOWN, f"the {tag} tag's value is not known statically: {value.reason}", attribute=path)
        level = level_of(value)
        if level is None:
            known = ", ".join(LEVELS)
            return Result(res, FAIL, f"{tag} = {value!r} (from {where}) is not a classification level ({known})",
                          attribute=path)
        shown = f"{value} ({LEVELS[level]})" if str(value).lower() != LEVELS[level] else LEVELS[level]
        return Result(res, PASS, f"classified {shown} by {where}", attribute=path)
    if unknown:
        return Result(res, UNKNOWN, unknown, attribute="tags")
    return Result(res, FAIL, f"the data store has no {tag} tag (in its tags or the provider's default_tags)",
                  attribute="tags" if isinstance(res.values.get("tags"), dict) else "")


CHECK = Check(
    id="TG701",
    slug="data-classification-tag",
    title="Data store carries a data classification tag",
    severity="low",
    resource_types=STORES,
    rationale="Classification tags say which stores hold health, payment or personal data; they drive "
    "risk analysis, escalation of findings and the data-flow checks.",
    remediation="Add a DataClassification tag (public, internal, confidential or restricted) to the resource, "
    "or to the provider's default_tags.",
    evaluate=each(judge),
    compliance=controls("TG701"),
    references=("https://docs.aws.amazon.com/whitepapers/latest/data-classification/data-classification.html",
                "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"),
    bad_example='resource "aws_dynamodb_table" "orders" {\n  name     = "orders"\n  hash_key = "id"\n}',
    good_example='resource "aws_dynamodb_table" "orders" {\n  name     = "orders"\n  hash_key = "id"\n'
    '  tags     = { DataClassification = "confidential" }\n}',
)
