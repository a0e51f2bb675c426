"""What a store generation keeps for the network commands is what networkx finds at the time of asking.

``kg lineage`` and ``kg connections`` read the lineage walks and the routes the store load
found (:func:`kg.analysis.lineage.kept_lineage`, :func:`kg.analysis.temporal.kept_routes`);
here, on the curated graph, they are compared with :func:`lineage` and :func:`connections`
run on the networkx view, for every organization and for pairs of entities.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from kg.analysis.answers import lineage_of
from kg.analysis.lineage import lineage, lineage_graph
from kg.analysis.relations import network, read_relations, relations
from kg.analysis.answers import connections_of
from kg.analysis.temporal import KEPT_HOPS, connections
from kg.store.precomputed import stored_answer
from kg.store.reader import StoreGraph
from kg.store.store import open_generation
from tests.conftest import REPO


@pytest.fixture(scope="module")
def graph() -> StoreGraph:
    store, folder, _ = open_generation(REPO, keep=False)
    graph = StoreGraph(store, folder)
    lineage_of(graph, "isis-k")  # the first network command keeps the answers (kg build may not have run)
    return StoreGraph(store, folder)


def test_the_generation_keeps_the_relations_lineage_and_routes(graph: StoreGraph) -> None:
    assert relations(graph) == read_relations(StoreGraph(graph.oxigraph))
    assert stored_answer(graph, "lineage") and stored_answer(graph, "routes\tisis-k\ttaliban")


def test_kept_lineage_is_the_walk_networkx_makes_for_every_organization(graph: StoreGraph) -> None:
    net = network(graph)
    orgs = sorted(lineage_graph(net)) + ["no-such-org"]
    assert len(orgs) > 8
    for org, direction in itertools.product(orgs, ("up", "down", "both")):
        assert lineage_of(graph, org, direction) == lineage(net, org, direction), (org, direction)


@pytest.mark.parametrize("window", [None, (dt.date(2015, 10, 1), dt.date(2015, 10, 31)),
                                    (dt.date(2014, 9, 22), dt.date(2014, 9, 22))])
def test_kept_routes_give_the_connections_networkx_finds(graph: StoreGraph,
                                                        window: tuple[dt.date, dt.date] | None) -> None:
    net = network(graph)
    people = ["isis-k", "taliban", "al-qaeda", "hafiz-saeed-khan", "khorasan-group", "isis", "ttp"]
    pairs = [(a, b) for a, b in itertools.permutations(people, 2) if a in net and b in net]
    assert len(pairs) > 20
    answered = 0
    for (a, b), hops in itertools.product(pairs, range(1, KEPT_HOPS + 1)):
        kept = connections_of(graph, a, b, max_hops=hops, window=window)
        assert kept == connections(net, a, b, max_hops=hops, window=window), (a, b, hops)
        answered += bool(kept)
    assert answered > 20  # routes were found, not only agreed on being absent



def test_curated_attacks_listed_from_the_index_are_the_attacks_read_from_the_store(graph: StoreGraph) -> None:
    from kg.analysis.attacks import details, matching
    from kg.store import precomputed

    live = StoreGraph(graph.oxigraph)
    live.precomputed = precomputed.Precomputed.of(precomputed.Summary())  # no listings: every attack read whole
    ids = matching(graph)
    assert len(ids) > 10
    assert [row.as_dict() for row in details(graph, ids)] == [row.as_dict() for row in details(live, ids)]
