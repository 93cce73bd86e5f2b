"""The one resolver of "which resource does this value name" (ResourceGraph.resolve), row by row.

Each row is one holder argument: its value (an HCL expression), the types asked for, and the
addresses the value names. The rows share one configuration, loaded once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tfguard.arns import arn_key, arn_names, bucket_arn_name, partition_of
from tfguard.graph import ResourceGraph
from tfguard.load.loader import load_directory
from tfguard.model import Resource

TARGETS = """
data "aws_partition" "current" {}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_s3_bucket" "each" {
  for_each = toset(["a", "b"])
  bucket   = "acme-each-${each.key}"
}

resource "aws_s3_bucket" "generated" {
  bucket_prefix = "acme-gen-"
}

resource "random_pet" "name" {}

resource "aws_s3_bucket" "pet" {
  bucket = "acme-${random_pet.name.id}"
}

data "aws_s3_bucket" "existing" {
  bucket = "acme-existing"
}

resource "aws_kms_key" "app" {}

resource "aws_kms_alias" "app" {
  name          = "alias/app"
  target_key_id = aws_kms_key.app.key_id
}

data "aws_kms_key" "china" {
  key_id = "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

resource "aws_db_instance" "primary" {
  identifier     = "acme-primary"
  engine         = "postgres"
  instance_class = "db.t3.micro"
}

resource "aws_dynamodb_table" "orders" {
  name     = "acme-orders"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

module "store" {
  source = "./store"
}

locals {
  logs_id = aws_s3_bucket.logs.id
}

variable "unset" {
  type = string
}
"""

STORE = """
resource "aws_s3_bucket" "this" {
  bucket_prefix = "acme-store-"
}

output "id" {
  value = aws_s3_bucket.this.id
}
"""

BUCKETS = ("aws_s3_bucket",)
KEYS = ("aws_kms_key", "aws_kms_alias")
LOGGING, REPLICATION, VOLUME = "aws_s3_bucket_logging", "aws_s3_bucket_replication_configuration", "aws_ebs_volume"
DB, DBS = "aws_db_instance", ("aws_db_instance",)

# (holder type, argument path, value as written, types asked for, managed only, addresses named)
ROWS: list[tuple[str, str, str, tuple[str, ...], bool, list[str]]] = [
    # references
    (LOGGING, "target_bucket", "aws_s3_bucket.logs.id", BUCKETS, False, ["aws_s3_bucket.logs"]),
    (LOGGING, "target_bucket", "aws_s3_bucket.logs.arn", BUCKETS, False, ["aws_s3_bucket.logs"]),
    (LOGGING, "target_bucket", 'aws_s3_bucket.each["b"].id', BUCKETS, False, ['aws_s3_bucket.each["b"]']),
    (LOGGING, "target_bucket", "aws_s3_bucket.generated.id", BUCKETS, False, ["aws_s3_bucket.generated"]),
    (LOGGING, "target_bucket", "local.logs_id", BUCKETS, False, ["aws_s3_bucket.logs"]),
    (LOGGING, "target_bucket", "module.store.id", BUCKETS, False, ["module.store.aws_s3_bucket.this"]),
    (LOGGING, "target_bucket", "data.aws_s3_bucket.existing.id", BUCKETS, False, ["data.aws_s3_bucket.existing"]),
    (LOGGING, "target_bucket", "data.aws_s3_bucket.existing.id", BUCKETS, True, []),
    (LOGGING, "target_bucket", "aws_s3_bucket.logs.id", KEYS, False, []),
    # literal names
    (LOGGING, "target_bucket", '"acme-logs"', BUCKETS, False, ["aws_s3_bucket.logs"]),
    (LOGGING, "target_bucket", '"acme-each-a"', BUCKETS, False, ['aws_s3_bucket.each["a"]']),
    (LOGGING, "target_bucket", '"acme-existing"', BUCKETS, False, ["data.aws_s3_bucket.existing"]),
    (LOGGING, "target_bucket", '"acme-other"', BUCKETS, False, []),
    (LOGGING, "target_bucket", "var.unset", BUCKETS, False, []),
    # bucket ARNs, in every partition
    (LOGGING, "target_bucket", '"arn:aws:s3:::acme-logs"', BUCKETS, False, ["aws_s3_bucket.logs"]),
    (LOGGING, "target_bucket", '"arn:aws-cn:s3:::acme-logs"', BUCKETS, False, ["aws_s3_bucket.logs"]),
    (LOGGING, "target_bucket", '"arn:aws-us-gov:s3:::acme-logs"', BUCKETS, False, ["aws_s3_bucket.logs"]),
    (LOGGING, "target_bucket", '"arn:${data.aws_partition.current.partition}:s3:::acme-logs"', BUCKETS, False,
     ["aws_s3_bucket.logs"]),
    (LOGGING, "target_bucket", '"arn:aws-cn:s3:::acme-each-b"', BUCKETS, False, ['aws_s3_bucket.each["b"]']),
    (LOGGING, "target_bucket", '"arn:aws:s3:::acme-logs/*"', BUCKETS, False, []),
    (LOGGING, "target_bucket", '"arn:aws:s3:::acme-other"', BUCKETS, False, []),
    (LOGGING, "target_bucket", '"arn:aws-cn:s3:::${aws_s3_bucket.pet.bucket}"', BUCKETS, False, ["aws_s3_bucket.pet"]),
    (LOGGING, "target_bucket", '"arn:aws-us-gov:s3:::acme-${random_pet.name.id}"', BUCKETS, False,
     ["aws_s3_bucket.pet"]),
    # nested arguments: a replication rule's destination
    (REPLICATION, "rule.destination.bucket", '"arn:aws-us-gov:s3:::acme-logs"', BUCKETS, True, ["aws_s3_bucket.logs"]),
    (REPLICATION, "rule.destination.bucket", "aws_s3_bucket.logs.arn", BUCKETS, True, ["aws_s3_bucket.logs"]),
    # keys: by reference, alias name, key ARN in another partition
    (VOLUME, "kms_key_id", "aws_kms_key.app.arn", KEYS, False, ["aws_kms_key.app"]),
    (VOLUME, "kms_key_id", '"alias/app"', KEYS, False, ["aws_kms_alias.app"]),
    (VOLUME, "kms_key_id", "aws_kms_alias.app.arn", KEYS, False, ["aws_kms_alias.app"]),
    (VOLUME, "kms_key_id", '"arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
     KEYS, False, ["data.aws_kms_key.china"]),
    (VOLUME, "kms_key_id", '"arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
     KEYS, True, []),
    (VOLUME, "kms_key_id", '"arn:${data.aws_partition.current.partition}:kms:cn-north-1:111122223333:key/'
     '1234abcd-12ab-34cd-56ef-1234567890ab"', KEYS, False, ["data.aws_kms_key.china"]),
    (VOLUME, "kms_key_id", '"arn:aws-cn:kms:cn-north-1:111122223333:key/ffffffff-12ab-34cd-56ef-1234567890ab"',
     KEYS, False, []),
]


ROWS += [
    # other ARNs by their shape: service, kind and the name argument, in any partition
    (DB, "replicate_source_db", '"acme-primary"', DBS, False, ["aws_db_instance.primary"]),
    (DB, "replicate_source_db", "aws_db_instance.primary.arn", DBS, False, ["aws_db_instance.primary"]),
    (DB, "replicate_source_db", '"arn:aws:rds:us-east-1:111122223333:db:acme-primary"', DBS, False,
     ["aws_db_instance.primary"]),
    (DB, "replicate_source_db", '"arn:aws-cn:rds:cn-north-1:111122223333:db:acme-primary"', DBS, True,
     ["aws_db_instance.primary"]),
    (DB, "replicate_source_db", '"arn:aws-us-gov:rds:us-gov-west-1:111122223333:db:acme-primary"', DBS, False,
     ["aws_db_instance.primary"]),
    (DB, "replicate_source_db", '"arn:aws:rds:us-east-1:111122223333:cluster:acme-primary"', DBS, False, []),
    (DB, "replicate_source_db", '"arn:aws:rds:us-east-1:111122223333:db:acme-other"', DBS, False, []),
    (DB, "replicate_source_db", '"arn:aws:dynamodb:us-east-1:111122223333:table/acme-orders"', DBS, False, []),
]


def _holder(i: int, rtype: str, via: str, expr: str) -> str:
    *blocks, leaf = via.split(".")
    body = f"{leaf} = {expr}"
    for block in reversed(blocks):
        body = f"{block} {{\n{body}\n}}"
    return f'resource "{rtype}" "row{i}" {{\n{body}\n}}\n'


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[ResourceGraph, dict[str, Resource]]:
    root = tmp_path_factory.mktemp("resolver")
    (root / "store").mkdir()
    (root / "store" / "main.tf").write_text(STORE, encoding="utf-8")
    holders = "".join(_holder(i, rtype, via, expr) for i, (rtype, via, expr, *_) in enumerate(ROWS))
    (root / "main.tf").write_text(TARGETS + holders, encoding="utf-8")
    resources, diagnostics = load_directory(root, root)
    assert not diagnostics, diagnostics
    return ResourceGraph(resources), {r.address: r for r in resources}


def _value(res: Resource, via: str) -> object:
    *blocks, leaf = via.split(".")
    values = res.blocks(*blocks) if blocks else [res.values]
    assert len(values) == 1 and isinstance(values[0], dict), values
    return values[0][leaf]


@pytest.mark.parametrize(("row", "rtype", "via", "expr", "types", "managed", "expected"),
                         [(i, *row) for i, row in enumerate(ROWS)], ids=[row[2] for row in ROWS])
def test_resolve(loaded: tuple[ResourceGraph, dict[str, Resource]], row: int, rtype: str, via: str, expr: str,
                 types: tuple[str, ...], managed: bool, expected: list[str]) -> None:
    graph, by_address = loaded
    holder = by_address[f"{rtype}.row{row}"]
    found = graph.resolve(holder, via, _value(holder, via), types, managed=managed)
    assert [r.address for r in found] == expected


def test_one_value_among_several_names_only_its_own_target(tmp_path: Path) -> None:
    """A repeated block's argument has one edge path for all its blocks; each block's value names its own."""
    (tmp_path / "main.tf").write_text("""
resource "aws_s3_bucket" "a" {
  bucket = "acme-a"
}
resource "aws_s3_bucket" "b" {
  bucket = "acme-b"
}
resource "aws_s3_bucket_replication_configuration" "r" {
  role   = "arn:aws:iam::111122223333:role/r"
  bucket = "acme-src"
  rule {
    destination {
      bucket = "arn:aws-cn:s3:::acme-a"
    }
  }
  rule {
    destination {
      bucket = aws_s3_bucket.b.arn
    }
  }
}
""", encoding="utf-8")
    resources, diagnostics = load_directory(tmp_path, tmp_path)
    assert not diagnostics
    graph = ResourceGraph(resources)
    holder = next(r for r in resources if r.type == "aws_s3_bucket_replication_configuration")
    via = "rule.destination.bucket"
    assert [t.address for t in graph.targets(holder, via=via)] == ["aws_s3_bucket.b", "aws_s3_bucket.a"]
    first, second = (rule["destination"][0]["bucket"] for rule in holder.values["rule"])
    assert [t.address for t in graph.resolve(holder, via, first, BUCKETS)] == ["aws_s3_bucket.a"]
    assert [t.address for t in graph.resolve(holder, via, second, BUCKETS)] == ["aws_s3_bucket.b"]


@pytest.mark.parametrize(("text", "name"), [
    ("arn:aws:s3:::logs", "logs"),
    ("arn:aws-cn:s3:::logs", "logs"),
    ("arn:aws-us-gov:s3:::logs", "logs"),
    ("arn:aws-iso-b:s3:::logs", "logs"),
    ("arn:{partition}:s3:::logs", "logs"),
    ("arn:aws:s3:::logs/*", None),
    ("arn:aws:s3:::logs/prefix/key", None),
    ("arn:aws:s3:::", None),
    ("arn:aws:s3:us-east-1:111122223333:accesspoint/ap", None),
    ("arn:aws:sqs:us-east-1:111122223333:logs", None),
    ("arn:gcp:s3:::logs", None),
    ("logs", None),
    (None, None),
])
def test_bucket_arn_name(text: str | None, name: str | None) -> None:
    assert bucket_arn_name(text) == name


@pytest.mark.parametrize(("text", "key"), [
    ("arn:aws:s3:::logs", "arn:aws:s3:::logs"),
    ("arn:aws-cn:s3:::logs", "arn:aws:s3:::logs"),
    ("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k", "arn:aws:kms:us-gov-west-1:111122223333:key/k"),
    ("arn:aws-iso-b:sqs:us-isob-east-1:111122223333:q", "arn:aws:sqs:us-isob-east-1:111122223333:q"),
    ("alias/arn:aws-cn:x", "alias/arn:aws-cn:x"),
    ("acme-logs", "acme-logs"),
])
def test_arn_key(text: str, key: str) -> None:
    assert arn_key(text) == key


@pytest.mark.parametrize(("arn", "rtype", "values", "region", "names"), [
    ("arn:aws:rds:us-east-1:111122223333:db:main", "aws_db_instance", {"identifier": "main"}, "us-east-1", True),
    ("arn:aws-cn:rds:cn-north-1:111122223333:db:main", "aws_db_instance", {"identifier": "main"}, "cn-north-1", True),
    ("arn:aws:rds:us-east-1:111122223333:db:main", "aws_db_instance", {"identifier": "main"}, None, True),
    ("arn:aws:rds:us-west-2:111122223333:db:main", "aws_db_instance", {"identifier": "main"}, "us-east-1", False),
    ("arn:aws:rds:us-east-1:111122223333:db:main", "aws_db_instance", {"identifier": "other"}, "us-east-1", False),
    ("arn:aws:rds:us-east-1:111122223333:db:main", "aws_db_instance", {}, "us-east-1", None),
    ("arn:aws:rds:us-east-1:111122223333:cluster:main", "aws_docdb_cluster", {"cluster_identifier": "main"}, None, True),
    ("arn:aws:rds:us-east-1:111122223333:snapshot:s1", "aws_db_snapshot_copy",
     {"target_db_snapshot_identifier": "s1"}, None, True),
    ("arn:aws-us-gov:dynamodb:us-gov-west-1:111122223333:table/t", "aws_dynamodb_table", {"name": "t"}, None, True),
    ("arn:aws:ec2:us-east-1:111122223333:volume/vol-1", "aws_ebs_volume", {}, None, None),
    ("arn:aws:s3:::main", "aws_db_instance", {"identifier": "main"}, None, False),
    ("arn:aws:rds:us-east-1:111122223333:db:main", "aws_s3_bucket", {"bucket": "main"}, None, False),
    ("arn:gcp:rds:us-east-1:111122223333:db:main", "aws_db_instance", {"identifier": "main"}, None, False),
])
def test_arn_names(arn: str, rtype: str, values: dict[str, str], region: str | None, names: bool | None) -> None:
    assert arn_names(arn, Resource(f"{rtype}.x", rtype, "x", values=dict(values)), region) is names


@pytest.mark.parametrize(("region", "partition"), [
    ("us-east-1", "aws"), ("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("cn-northwest-1", "aws-cn"),
    ("us-gov-west-1", "aws-us-gov"), ("us-iso-east-1", "aws-iso"), ("us-isob-east-1", "aws-iso-b"), (None, None),
])
def test_partition_of(region: str | None, partition: str | None) -> None:
    assert partition_of(region) == partition


def _graph(tmp_path: Path, text: str) -> tuple[ResourceGraph, dict[str, Resource]]:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    resources, diagnostics = load_directory(tmp_path, tmp_path)
    assert not diagnostics, diagnostics
    return ResourceGraph(resources), {r.address: r for r in resources}


@pytest.mark.parametrize(("target", "to_self"), [
    ('"acme-self"', True),
    ('"arn:aws-us-gov:s3:::acme-self"', True),
    ('"arn:aws-cn:s3:::acme-self"', True),
    ('"arn:aws:s3:::acme-self/logs"', False),
    ('"acme-other"', False),
])
def test_a_bucket_logging_to_itself_by_name_or_arn(tmp_path: Path, target: str, to_self: bool) -> None:
    from tfguard.aws.s3 import access_logging

    graph, res = _graph(tmp_path, f"""
resource "aws_s3_bucket" "b" {{
  bucket = "acme-self"
  logging {{
    target_bucket = {target}
  }}
}}
""")
    assert [c.to_self for c in access_logging(graph, res["aws_s3_bucket.b"])] == [to_self]


@pytest.mark.parametrize(("source", "found"), [
    ('"acme-primary"', "aws_db_instance.primary"),
    ('"arn:aws-cn:rds:cn-north-1:111122223333:db:acme-primary"', "aws_db_instance.primary"),
    ('"arn:aws-us-gov:rds:us-gov-west-1:111122223333:db:acme-primary"', "aws_db_instance.primary"),
    ('"arn:aws-cn:rds:cn-north-1:111122223333:cluster:acme-primary"', None),
    ('"arn:aws-cn:rds:cn-north-1:111122223333:db:acme-other"', None),
])
def test_a_replica_names_its_source_by_identifier_or_arn(tmp_path: Path, source: str, found: str | None) -> None:
    from tfguard.aws.rds import source_of

    graph, res = _graph(tmp_path, f"""
resource "aws_db_instance" "primary" {{
  identifier = "acme-primary"
}}
resource "aws_db_instance" "replica" {{
  replicate_source_db = {source}
}}
""")
    value, src = source_of(graph, res["aws_db_instance.replica"])
    assert (src.address if src else None) == found


def test_a_copy_named_by_a_literal_arn_is_a_data_flow(tmp_path: Path) -> None:
    """The graph links a literal ARN by its shape, so the flows that follow graph edges see the copy."""
    from tfguard.aws.flows import upstream

    graph, res = _graph(tmp_path, """
resource "aws_db_instance" "primary" {
  identifier = "acme-primary"
}
resource "aws_db_instance_automated_backups_replication" "copy" {
  source_db_instance_arn = "arn:aws-us-gov:rds:us-gov-west-1:111122223333:db:acme-primary"
}
resource "aws_dynamodb_table" "orders" {
  name = "acme-orders"
}
resource "aws_dynamodb_table_replica" "orders" {
  global_table_arn = "arn:aws-cn:dynamodb:cn-north-1:111122223333:table/acme-orders"
}
""")
    flows = [(f.source.address, f.kind) for name in ("aws_db_instance_automated_backups_replication.copy",
                                                      "aws_dynamodb_table_replica.orders")
             for f in upstream(graph, res[name])]
    assert flows == [("aws_db_instance.primary", "backup replication"), ("aws_dynamodb_table.orders", "table replica")]
