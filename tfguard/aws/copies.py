"""The key that protects each copy of data (TG702).

`destination_key`: the CMK verdict for the data a flow's destination holds,
from its own key argument or the key it inherits from its source (a DB
snapshot from its instance, an EBS snapshot from its volume, a read replica
without `kms_key_id` from its primary); an S3 bucket's is its default
encryption's key (`tfguard.aws.s3`). The flows themselves are
`tfguard.aws.flows`.
"""

from __future__ import annotations

from tfguard.aws.flows import upstream
from tfguard.aws.kms import KeyVerdict, cmk_verdict, key_verdict
from tfguard.aws.rds import is_read_replica
from tfguard.aws.s3 import encryption, uses_cmk
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status

# Destination type -> the argument that holds its KMS key.
KEY_ARGS = {
    "aws_backup_vault": "kms_key_arn",
    "aws_db_snapshot_copy": "kms_key_id",
    "aws_ebs_snapshot_copy": "kms_key_id",
    "aws_dynamodb_table_replica": "kms_key_arn",
    "aws_db_instance_automated_backups_replication": "kms_key_id",
    "aws_db_instance": "kms_key_id",
    "aws_rds_cluster": "kms_key_id",
    "aws_docdb_cluster": "kms_key_id",
    "aws_neptune_cluster": "kms_key_id",
    "aws_ebs_volume": "kms_key_id",
    "aws_efs_file_system": "kms_key_id",
}

# Destinations that have no key argument of their own: they are encrypted with their source's key.
INHERITS = ("aws_db_snapshot", "aws_db_cluster_snapshot", "aws_ebs_snapshot")


def _placed(kv: KeyVerdict, at: Resource, attribute: str, message: str = "") -> KeyVerdict:
    """The key verdict pointing at the argument `attribute` of `at`."""
    return kv._replace(verdict=kv.verdict._replace(at=at, attribute=attribute, message=message or kv.verdict.message))


def destination_key(graph: ResourceGraph, res: Resource, depth: int = 0) -> KeyVerdict:
    """The CMK verdict for the data a destination holds; `at` and `attribute` are where its key is set."""
    if res.type == "aws_s3_bucket":
        encrypted = encryption(graph, res)
        enc = encrypted.verdict
        attr = f"{enc.attribute}.kms_master_key_id" if enc.status is Status.PASS and encrypted.key is not None \
            else enc.attribute
        return _placed(uses_cmk(graph, res), enc.at or res, attr)
    inherits = res.type in INHERITS or (is_read_replica(res) and res.values.get("kms_key_id") is None)
    if inherits and depth < 10:
        sources = [f.source for f in upstream(graph, res) if f.source.mode == "managed"]
        if sources:
            inherited = destination_key(graph, sources[0], depth + 1)
            reason = f"inherits the key of {sources[0].address}: {inherited.verdict.message}"
            if res.type in INHERITS:  # the key can only be set on the source
                return _placed(inherited, inherited.verdict.at or sources[0], inherited.verdict.attribute, reason)
            return _placed(inherited, res, "kms_key_id", reason)
        if res.type in INHERITS:
            return key_verdict(None, None, f"the source of {res.address} is not in the configuration", res)
    attr = KEY_ARGS.get(res.type, "kms_key_id")
    return cmk_verdict(graph, res, attr, res.values.get(attr))
