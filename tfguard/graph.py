"""The resource graph: built once, queried by checks through a small facade.

Edges point from the referring resource to the one it references and carry
the attribute path in the referrer (`rule.apply_server_side_encryption_by_default.kms_master_key_id`).
Links that are not references (equal literal bucket names, equal resolved
ARNs in a plan) are added here too, so checks never search for them.

Edges are kept in adjacency indexes built once; `ResourceGraph.g` gives the
same graph as a networkx MultiDiGraph on demand. Importing networkx costs
about 0.2 s, most of a small pre-commit run, so a scan only pays it when
something asks for the networkx view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from tfguard.arns import ARN_SHAPES, SHAPE_SERVICES, arn_key, arn_names, bucket_arn
from tfguard.model import EvalError, Ref, Resource, Unknown, nested, parse_address

# Arguments that name another resource by its identity (name, id or ARN).
LINK_ATTRS = (
    "bucket", "load_balancer_arn", "key_id", "target_key_id", "secret_id", "queue_url", "topic_arn",
    "replicate_source_db", "db_instance_identifier", "db_cluster_identifier", "source_db_snapshot_identifier",
    "volume_id", "source_snapshot_id", "s3_bucket_name", "global_table_arn", "source_db_instance_arn",
    "plan_id", "detector_id", "recorder_name", "policy_id", "target_id", "kms_key_id", "kms_key_arn",
    "source_db_cluster_snapshot_identifier",
    "target_bucket",
)
# Nested arguments that name another resource by identity (bucket ARN, vault name...).
NESTED_LINK_ATTRS = (
    "rule.destination.bucket", "replication_configuration.rules.destination.bucket",
    "rule.target_vault_name", "rule.copy_action.destination_vault_arn",
    "logging.target_bucket", "access_logs.bucket",
    "rule.destination.encryption_configuration.replica_kms_key_id", "replication_configuration.rules.destination.replica_kms_key_id",
)
# The one list of arguments that hold a resource's identity: a value equal to one of
# them names the resource (and, for a bucket's `bucket`, its ARN in any partition does).
IDENTITY_ATTRS = ("bucket", "id", "arn", "key_id", "name", "identifier", "cluster_identifier",
                  "db_snapshot_identifier", "target_db_snapshot_identifier", "db_cluster_snapshot_identifier",
                  "target_db_cluster_snapshot_identifier")


_NESTED_PARTS = tuple((path, tuple(path.split("."))) for path in NESTED_LINK_ATTRS)
_ORDER = {attr: i for i, attr in enumerate(dict.fromkeys(LINK_ATTRS + IDENTITY_ATTRS))}


def identities(res: Resource) -> list[str]:
    """The texts that name `res` (arn_key form): its identity arguments, and a bucket's ARN.
    An identity known only after apply has a text when symbolic_text gives it one."""
    out: list[str] = []
    for attr in _present(res.values, IDENTITY_ATTRS):
        text = symbolic_text(res.values[attr])
        if text:
            out.append(arn_key(text))
            if res.type == "aws_s3_bucket" and attr == "bucket":
                out.append(bucket_arn(text))
    return out


def _present(values: dict[str, Any], attrs: tuple[str, ...]) -> list[str]:
    """The attrs that values has, in the order of `attrs` (edge order is output order).
    A set intersection: most resources have none or one of the many link arguments."""
    found = values.keys() & attrs
    return sorted(found, key=_ORDER.__getitem__) if len(found) > 1 else list(found)


_AFTER_APPLY = " is known only after apply"


def symbolic_text(value: Any) -> str | None:
    """A string, or the same text for every string built the same way from the same
    unknown origins: `"replica-${random_pet.this.id}"` as a bucket name and inside
    `"arn:aws:s3:::replica-${random_pet.this.id}"` name the same bucket. Each unknown
    part must be an attribute of a resource in the configuration (one reference,
    known only after apply); anything else (a variable without value, ...) has no
    text, and so has a bare reference (not a template). A partition known only
    to the provider is written "aws", as arn_key writes every partition."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Unknown) or isinstance(value, EvalError) or not value.parts:
        return None  # a bare reference links by reference already
    out: list[str] = []
    for part in value.parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Unknown) and part.shape == "partition":
            out.append("aws")
        elif (isinstance(part, Unknown) and not isinstance(part, EvalError) and len(part.refs) == 1
              and part.partial is None and part.reason.endswith(_AFTER_APPLY)):
            out.append(f"\x00{part.refs[0]}:{part.reason[:-len(_AFTER_APPLY)]}\x00")
        else:
            return None
    return "".join(out)


class ResourceGraph:
    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources: list[Resource] = list(resources)
        self._out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # src -> [(dst, via, by)]
        self._in: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # dst -> [(src, via, by)]
        self._keys: set[tuple[str, str, str]] = set()
        self._nx: Any = None
        self.by_address: dict[str, Resource] = {}
        self._by_base: dict[str, list[Resource]] = defaultdict(list)
        self._by_config: dict[str, list[Resource]] = defaultdict(list)
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        for res in self.resources:
            self.by_address[res.address] = res
            self._by_base[res.base].append(res)
            self._by_config[parse_address(res.base).config].append(res)
            self._by_type[res.type if res.mode == "managed" else f"data.{res.type}"].append(res)
        for res in self.resources:
            for ref in res.refs:
                for target in self._instances(ref, res):
                    if target is not res:
                        self._add(res.address, target.address, ref.attr, "reference")
        self._link_by_value()

    # -- building -------------------------------------------------------------

    def _add(self, src: str, dst: str, via: str, by: str) -> None:
        if (src, dst, via) in self._keys:
            return
        self._keys.add((src, dst, via))
        self._out[src].append((dst, via, by))
        self._in[dst].append((src, via, by))

    def _instances(self, ref: Ref, referrer: Resource) -> list[Resource]:
        found = self._by_base.get(ref.target) or self._by_config.get(parse_address(ref.target).config) or []
        if ref.index is not None:
            return [r for r in found if _index_text(r.index) == ref.index] or found
        if len(found) > 1 and referrer.index is not None:
            same = [r for r in found if r.index == referrer.index]
            if same:
                return same
        return found

    def _link_by_value(self) -> None:
        named: dict[str, list[Resource]] = defaultdict(list)
        for res in self.resources:
            for name in identities(res):
                named[name].append(res)
        shaped = [r for r in self.resources if r.type in ARN_SHAPES and r.mode == "managed"]
        for res in self.resources:
            pairs = [(attr, res.values[attr]) for attr in _present(res.values, LINK_ATTRS)]
            pairs += [(path, v) for path, parts in _NESTED_PARTS if parts[0] in res.values
                      for v in nested(res.values, *parts)]
            for attr, value in pairs:
                text = symbolic_text(value)
                if text is None or (attr == "bucket" and res.type == "aws_s3_bucket"):
                    continue
                for target in named.get(arn_key(text), ()) or self._by_arn_shape(text, shaped):
                    if target is not res:
                        self._add(res.address, target.address, attr, "value")

    def _by_arn_shape(self, text: str, shaped: list[Resource]) -> list[Resource]:
        """The resources a literal ARN names by its shape (arn_names), for an ARN that names
        no resource by identity (an RDS or DynamoDB ARN: its resource's `arn` is computed)."""
        parts = text.split(":", 3)
        if len(parts) < 4 or parts[0] != "arn" or parts[2] not in SHAPE_SERVICES:
            return []
        return [r for r in shaped if arn_names(text, r, self.region(r)) is True]

    # -- queries --------------------------------------------------------------

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self._by_type.get(t, ())]

    def referrers(self, res: Resource, types: Iterable[str] = (), via: str | None = None) -> list[Resource]:
        wanted = set(types)
        out: list[Resource] = []
        for src, edge_via, _ in self._in.get(res.address, ()):
            other = self.by_address[src]
            if (not wanted or other.type in wanted) and (via is None or edge_via == via) and other not in out:
                out.append(other)
        return out

    def targets(self, res: Resource, via: str | None = None, types: Iterable[str] = ()) -> list[Resource]:
        wanted = set(types)
        out: list[Resource] = []
        for dst, edge_via, _ in self._out.get(res.address, ()):
            other = self.by_address[dst]
            if (not wanted or other.type in wanted) and (via is None or edge_via == via) and other not in out:
                out.append(other)
        return out

    def resolve(self, holder: Resource, via: str, value: Any, types: Iterable[str] = (),
                managed: bool = False) -> list[Resource]:
        """The resources of `types` that `value`, given to the argument `via` of `holder`, names.

        `value` is one value of the argument (one block's, when the block repeats: graph
        edges carry paths without block indices), and it names a target of the edge:
        - by reference: the value was computed from the target (its address, or its
          configuration block when module instance keys differ);
        - by identity: its text equals one of the target's identities (IDENTITY_ATTRS or,
          for a bucket, its ARN), an ARN in any partition;
        - by the shape of a literal ARN (arn_names): `arn:aws-cn:rds:cn-north-1:111122223333:db:main`
          names the aws_db_instance whose identifier is `main`;
        - a value computed from references that are not targets (a module output, a local)
          names the edge's only target, when it has one.
        `managed` leaves data sources out.
        """
        candidates = [t for t in self.targets(holder, via=via, types=types) if not managed or t.mode == "managed"]
        refs = value.refs if isinstance(value, Unknown) else ()
        text = symbolic_text(value)
        key = arn_key(text) if text else None
        found = [t for t in candidates if _referenced(refs, t) or (key is not None and key in identities(t))
                 or (isinstance(value, str) and arn_names(value, t, self.region(t)) is True)]
        if not found and refs and len(candidates) == 1:
            return candidates
        return found

    def edges(self) -> list[tuple[str, str, str, dict[str, str]]]:
        """Every edge as (referrer, referenced, attribute path, {"via", "by"})."""
        return [(src, dst, via, {"via": via, "by": by}) for src, items in self._out.items() for dst, via, by in items]

    @property
    def g(self) -> Any:
        """The graph as a networkx MultiDiGraph, built on first use.

        Checks query the indexes above; networkx (about 0.2 s to import) is
        only loaded for graph algorithms and exports that want it.
        """
        if self._nx is None:
            import networkx as nx

            graph = nx.MultiDiGraph()
            for res in self.resources:
                graph.add_node(res.address, resource=res)
            for src, dst, via, data in self.edges():
                graph.add_edge(src, dst, key=via, **data)
            self._nx = graph
        return self._nx

    def has_reference(self, res: Resource, via: str) -> bool:
        """True when the attribute references configuration objects (even unresolved ones)."""
        return any(r.attr == via for r in res.refs)

    def region(self, res: Resource) -> Any:
        if isinstance(res.region, str) and res.region:
            return res.region
        return res.region if isinstance(res.region, Unknown) else Unknown(f"region of {res.address} is not known")


def _referenced(refs: Iterable[str], res: Resource) -> bool:
    """Does one of the references (`module.a["x"].aws_s3_bucket.b[0]`) name this instance?
    A reference without a key names every instance; module keys may be left out."""
    for ref in refs:
        address = parse_address(ref)
        base, key = address
        if base == res.base or address.config == parse_address(res.base).config:
            if key is None or res.index is None or key == _index_text(res.index):
                return True
    return False


def _index_text(index: Any) -> str | None:
    if index is None:
        return None
    return f'"{index}"' if isinstance(index, str) else str(index)
