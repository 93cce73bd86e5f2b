"""What an ARN says, in every partition: the bucket an S3 ARN names, the text under which
names and ARNs are compared (arn_key), each region's partition, and how the ARN of an
RDS instance, cluster or snapshot, a DynamoDB table, an EBS volume or an EFS file system
carries its name (ARN_SHAPES, arn_names). The graph links and resolves values with them.
"""

from __future__ import annotations

import re
from typing import Any

from tfguard.model import Resource, region_partition

# The partition of an ARN: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, ...
_PARTITION = r"aws(?:-[a-z]+)*"
_ARN_PARTITION = re.compile(rf"^arn:{_PARTITION}:")
# An S3 bucket ARN (no object key). `{partition}` is a partition not known statically
# in the text of a partly known value (Unknown.partial).
_BUCKET_ARN = re.compile(rf"^arn:(?:{_PARTITION}|\{{partition\}}):s3:::([^/]+)$")


def bucket_arn_name(text: Any) -> str | None:
    """The bucket an S3 bucket ARN names, in any partition (`arn:aws-cn:s3:::logs` -> `logs`);
    None for any other value (an object ARN `arn:aws:s3:::logs/*` names no bucket)."""
    m = _BUCKET_ARN.match(text) if isinstance(text, str) else None
    return m.group(1) if m else None


def bucket_arn(name: str) -> str:
    """The ARN of a bucket as the graph compares ARNs (see arn_key)."""
    return f"arn:aws:s3:::{name}"


def arn_key(text: str) -> str:
    """The text under which a name or ARN is compared: an ARN's partition is written `aws`,
    so the same resource matches whether its ARN says `aws`, `aws-cn`, `aws-us-gov` or a
    partition known only to the provider (symbolic_text writes that one `aws` too).
    Regions, and so ARNs other than S3's, do not repeat across partitions; a bucket
    name could, but one configuration's buckets live in one partition."""
    m = _ARN_PARTITION.match(text)
    return f"arn:aws:{text[m.end():]}" if m else text


# How a resource's ARN carries its identity: type -> (service, resource part before the
# name, the argument that holds the name; None when the name is an id assigned on create).
ARN_SHAPES: dict[str, tuple[str, str, str | None]] = {
    "aws_db_instance": ("rds", "db:", "identifier"),
    "aws_rds_cluster": ("rds", "cluster:", "cluster_identifier"),
    "aws_docdb_cluster": ("rds", "cluster:", "cluster_identifier"),
    "aws_neptune_cluster": ("rds", "cluster:", "cluster_identifier"),
    "aws_db_snapshot": ("rds", "snapshot:", "db_snapshot_identifier"),
    "aws_db_snapshot_copy": ("rds", "snapshot:", "target_db_snapshot_identifier"),
    "aws_db_cluster_snapshot": ("rds", "cluster-snapshot:", "db_cluster_snapshot_identifier"),
    "aws_rds_cluster_snapshot_copy": ("rds", "cluster-snapshot:", "target_db_cluster_snapshot_identifier"),
    "aws_dynamodb_table": ("dynamodb", "table/", "name"),
    "aws_ebs_volume": ("ec2", "volume/", None),
    "aws_efs_file_system": ("elasticfilesystem", "file-system/", None),
}
SHAPE_SERVICES = frozenset(service for service, _, _ in ARN_SHAPES.values())


def partition_of(region: str | None) -> str | None:
    """The partition of a region (`cn-north-1` -> `aws-cn`); None when the region is not known."""
    if region is None:
        return None
    return region_partition(region)[0]


def arn_names(arn: str, res: Resource, region: Any) -> bool | None:
    """Does a literal ARN (no wildcards) name `res` by its shape (ARN_SHAPES): the service
    and kind of its type, in its region when both are known, and its name? Any partition.
    None when the name is not known statically; False for a type with no shape."""
    shape = ARN_SHAPES.get(res.type)
    parts = arn.split(":", 5)
    if shape is None or len(parts) < 6 or not _ARN_PARTITION.match(arn) or parts[2] != shape[0] \
            or not parts[5].startswith(shape[1]):
        return False
    if isinstance(region, str) and region and parts[3] and parts[3] != region:
        return False  # a resource of another region
    name = res.values.get(shape[2]) if shape[2] else None
    if not isinstance(name, str):
        return None
    return parts[5][len(shape[1]):] == name
