"""What the network commands answer from, kept beside the store generation: relations, lineage walks, routes.

``kg lineage`` and ``kg connections`` run networkx over the relations; loading networkx
alone took 0.15-0.25 s of a 0.4 s answer. So the answers they need are worked out once
per generation of the store, with networkx (:func:`keep_network`: every relation, every
organization's lineage, the routes of up to :data:`~kg.analysis.temporal.KEPT_HOPS` hops
between each two entities), and kept in the generation's folder
(:func:`kg.store.precomputed.keep_answers`). ``kg build`` keeps them; otherwise the first
command that needs them does. A generation is named by the digest of what it holds, so
they never go stale. A graph held in memory, or a store that cannot be written, is
answered by networkx each time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kg.analysis.lineage import Link, kept_lineage, lineage
from kg.analysis.relations import network, network_of, read_relations, relations
from kg.analysis.temporal import KEPT_HOPS, ROUTES, Path, connections, kept_routes, time_respecting
from kg.store.precomputed import keep_answers, stored_answer


def keep_network(graph: Any) -> bool:
    """Work out the network answers of the generation ``graph`` reads, and keep them; whether they were kept."""
    rels = read_relations(graph)
    net = network_of(rels)
    return keep_answers(graph, {"relations": [relation.record() for relation in rels],
                                "lineage": kept_lineage(net, rels), **kept_routes(net, rels)})


def _kept(graph: Any, name: str) -> Any:
    """The kept answer ``name``, kept now if the generation has none yet; ``None`` when none can be."""
    found = stored_answer(graph, name)
    if found is None and stored_answer(graph, "lineage") is None and keep_network(graph):
        found = stored_answer(graph, name)
    return found


def lineage_of(graph: Any, org: str, direction: str = "both") -> list[Link]:
    """:func:`~kg.analysis.lineage.lineage` of ``org`` in the graph, from the kept walks."""
    walks = _kept(graph, "lineage")
    if walks is None:
        return lineage(network(graph), org, direction)
    rels = relations(graph)
    kept = walks.get(org, {})
    return [Link(child, parent, rels[index], depth, way)
            for way in ("up", "down") if direction in (way, "both")
            for child, parent, index, depth in kept.get(way, [])]


def connections_of(graph: Any, a: str, b: str, *, max_hops: int = KEPT_HOPS,
                   window: tuple[dt.date, dt.date] | None = None) -> list[Path]:
    """:func:`~kg.analysis.temporal.connections` between two entities of the graph.

    Up to :data:`~kg.analysis.temporal.KEPT_HOPS` hops, from the kept routes (whether a
    route respects time depends on ``window``: worked out now); longer ones are found now.
    """
    if max_hops <= KEPT_HOPS and _kept(graph, "lineage") is not None:
        rels = relations(graph)
        kept = stored_answer(graph, ROUTES.format(a, b)) or []
        routes = [tuple((node, rels[index]) for node, index in route) for route in kept if len(route) <= max_hops]
        return time_respecting(routes, window)
    return connections(network(graph), a, b, max_hops=max_hops, window=window)
