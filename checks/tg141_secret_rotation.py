"""TG141 secret-rotation.

Reading: the secret passes when an `aws_secretsmanager_secret_rotation` whose
`secret_id` names it (reference to `.id`/`.arn`, or the same literal name or
ARN, in any file) has a `rotation_rules` block, or when the secret itself sets
the inline `rotation_lambda_arn` or `rotation_rules` of AWS providers before
v5. A rotation resource that names another secret does not count. A rotation
whose `secret_id` is not known statically (and so may name this secret) makes
an otherwise failing secret UNKNOWN.
"""

from __future__ import annotations

from tfguard.aws.stores import secret_rotation
from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import judged_by

CHECK = Check(
    id="TG141",
    slug="secret-rotation",
    title="Secrets Manager secret is rotated automatically",
    severity="medium",
    resource_types=("aws_secretsmanager_secret",),
    rationale="A credential that never changes stays valid for as long as anyone who ever saw it keeps a copy; "
    "automatic rotation bounds the lifetime of a leaked secret.",
    remediation="Add an aws_secretsmanager_secret_rotation with secret_id = aws_secretsmanager_secret.x.id, "
    "a rotation_lambda_arn (or managed rotation) and rotation_rules { automatically_after_days = 30 }.",
    evaluate=judged_by(secret_rotation),
    compliance=controls("TG141"),
    references=("https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html",),
    bad_example='resource "aws_secretsmanager_secret" "db" {\n  name = "prod/db/password"\n}',
    good_example=(
        'variable "rotation_lambda_arn" {\n'
        '  type        = string\n'
        '  description = "The rotation function for this kind of secret (one of AWS\'s rotation templates)."\n'
        '}\n'
        '\n'
        'resource "aws_secretsmanager_secret" "db" {\n'
        '  name = "prod/db/password"\n'
        '}\n'
        '\n'
        'resource "aws_secretsmanager_secret_rotation" "db" {\n'
        '  secret_id           = aws_secretsmanager_secret.db.id\n'
        '  rotation_lambda_arn = var.rotation_lambda_arn\n'
        '\n'
        '  rotation_rules {\n'
        '    automatically_after_days = 30\n'
        '  }\n'
        '}'
    ),
)
