"""Data flows (tfguard/aws/flows.py): edges and the upstream index, built once per graph."""

from __future__ import annotations

import gc
import weakref

from tfguard.aws.classification import effective
from tfguard.aws.flows import Flow, flow_edges, upstream
from tfguard.graph import ResourceGraph
from tfguard.model import Ref, Resource


def _chain() -> tuple[ResourceGraph, Resource, Resource, Resource]:
    db = Resource("aws_db_instance.db", "aws_db_instance", "db", values={"tags": {"DataClassification": "restricted"}})
    snap = Resource("aws_db_snapshot.s", "aws_db_snapshot", "s",
                    refs=[Ref("db_instance_identifier", "aws_db_instance.db")])
    copy = Resource("aws_db_snapshot_copy.c", "aws_db_snapshot_copy", "c",
                    refs=[Ref("source_db_snapshot_identifier", "aws_db_snapshot.s")])
    return ResourceGraph([db, snap, copy]), db, snap, copy


def test_flows_and_upstream() -> None:
    graph, db, snap, copy = _chain()
    assert flow_edges(graph) == [Flow(db, snap, "snapshot"), Flow(snap, copy, "snapshot copy")]
    assert upstream(graph, copy) == [Flow(snap, copy, "snapshot copy")]
    assert upstream(graph, db) == []
    classification = effective(graph, copy)
    assert (classification.own, classification.name, classification.path) == (None, "restricted", (db, snap, copy))


def test_the_index_is_built_once_per_graph_and_never_stored_on_it() -> None:
    graph, _, _, _ = _chain()
    before = dict(vars(graph))
    assert flow_edges(graph) is flow_edges(graph)
    assert vars(graph) == before
    other = ResourceGraph([Resource("aws_db_instance.db", "aws_db_instance", "db")])
    assert flow_edges(other) == []


def test_the_index_goes_with_its_graph() -> None:
    graph, _, _, _ = _chain()
    flow_edges(graph)
    gone = weakref.ref(graph)
    del graph
    gc.collect()
    assert gone() is None
