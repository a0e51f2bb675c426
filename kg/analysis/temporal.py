"""Who is affiliated with whom, when: point and window queries, and time-respecting paths.

A relation's status over a window is **certain** when every reading of its bounds
covers the whole window, **possible** when only some readings overlap it, and it is
left out when none does (see :meth:`kg.dates.Interval.status_between`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.analysis.relations import Relation

if TYPE_CHECKING:
    import networkx as nx

AFFILIATION_KINDS = ("affiliation", "left", "joined")


@dataclass(frozen=True)
class Held:
    """A relation and its status over the asked window."""

    relation: Relation
    status: str  # certain | possible | unknown (no window asked)
    direction: str  # "out" when the entity is the subject, "in" when it is the object

    def as_dict(self) -> dict[str, Any]:
        other = self.relation.object if self.direction == "out" else self.relation.subject
        return {"entity": other, "direction": self.direction, **self.relation.as_dict(),
                "holds": self.status}


def affiliations(net: nx.MultiDiGraph | Iterable[Relation], entity: str, *,
                 window: tuple[dt.date, dt.date] | None = None, role: str | None = None) -> list[Held]:
    """The entity's affiliations (members, leaders, parents, allies...) over a window.

    ``net`` is the relations' networkx view or the relations themselves: no graph
    algorithm runs here, so ``kg affiliations`` reads the relations and never imports networkx.

    >>> from kg.dates import Interval, parse
    >>> rel = Relation("amir", "group", "leader", "affiliation",
    ...                Interval(parse("2014"), parse("2015-10")), "reported", ("s",), ("f",))
    >>> [h.status for h in affiliations([rel], "group", window=(dt.date(2015, 3, 1), dt.date(2015, 3, 31)))]
    ['certain']
    >>> affiliations([rel], "group", window=(dt.date(2016, 1, 1), dt.date(2016, 1, 31)))
    []
    """
    if hasattr(net, "out_edges"):  # the networkx view: only the entity's own edges
        if entity not in net:
            return []
        net = [d["rel"] for *_, d in net.out_edges(entity, data=True)] + [
            d["rel"] for *_, d in net.in_edges(entity, data=True)]
    found = []
    for rel in net:
        if entity not in (rel.subject, rel.object):
            continue
        direction = "out" if rel.subject == entity else "in"
        if rel.kind not in AFFILIATION_KINDS or (role and rel.relation != role):
            continue
        if window is None:
            found.append(Held(rel, "unknown", direction))
            continue
        status = rel.interval.status_between(*window)
        if status != "absent":
            found.append(Held(rel, status, direction))
    order = {"certain": 0, "possible": 1, "unknown": 2}
    return sorted(found, key=lambda h: (order[h.status], h.relation.relation, h.relation.subject,
                                        h.relation.object, h.relation.facts))


@dataclass(frozen=True)
class Path:
    """A chain of relations from A to B that could all have held at once."""

    hops: tuple[tuple[str, Relation], ...]  # (entity reached, relation used)
    first: dt.date
    last: dt.date
    certain: bool

    def as_dict(self) -> dict[str, Any]:
        return {"via": [e for e, _ in self.hops[:-1]],
                "hops": [{"to": e, **r.as_dict()} for e, r in self.hops],
                "window": [_iso(self.first), _iso(self.last)],
                "holds": "certain" if self.certain else "possible"}


def _iso(day: dt.date) -> str:
    return "" if day in (dt.date.min, dt.date.max) else day.isoformat()


def connections(net: nx.MultiDiGraph, a: str, b: str, *, max_hops: int = 3,
                window: tuple[dt.date, dt.date] | None = None) -> list[Path]:
    """Time-respecting paths between two entities, shortest first.

    A path counts only when the intervals of all its relations overlap: there is a
    moment at which every link could hold. Its window is that overlap; it is certain
    when the links' certain spans overlap too. With ``window``, the overlap must also
    meet the window.
    """
    if a not in net or b not in net:
        return []
    return time_respecting(_routes(_undirected(net), a, {b}, max_hops), window)


KEPT_HOPS = 3
"""The longest routes kept beside a store generation (``kg connections``' default ``--max-hops``)."""
ROUTES = "routes\t{}\t{}"
"""The name the routes from one entity to another are kept under (:mod:`kg.analysis.answers`)."""


def kept_routes(net: nx.MultiDiGraph, rels: list[Relation]) -> dict[str, list[list[list[Any]]]]:
    """Every route of up to :data:`KEPT_HOPS` hops between each two entities, as a store generation keeps them.

    By name (:data:`ROUTES`): ``[[entity reached, relation], ...]`` for each route, each
    relation by its place in ``rels`` (the relations ``net`` was made of). Whether a route
    is time-respecting depends on the window asked: it is worked out when asked.
    """
    place = {id(rel): i for i, rel in enumerate(rels)}
    undirected = _undirected(net)
    kept: dict[str, list[list[list[Any]]]] = {}
    nodes = sorted(undirected)
    for a in nodes:
        for route in _routes(undirected, a, set(nodes) - {a}, KEPT_HOPS):
            kept.setdefault(ROUTES.format(a, route[-1][0]), []).append(
                [[node, place[id(rel)]] for node, rel in route])
    return kept


def _undirected(net: nx.MultiDiGraph) -> nx.MultiGraph:
    import networkx as nx  # here, not at the top: kg affiliations needs no graph algorithm

    undirected = nx.MultiGraph()
    for u, v, key, data in net.edges(keys=True, data=True):
        undirected.add_edge(u, v, key=key, rel=data["rel"])
    return undirected


def _routes(undirected: nx.MultiGraph, a: str, targets: set[str],
            max_hops: int) -> Iterator[tuple[tuple[str, Relation], ...]]:
    """Each simple route from ``a`` to any of ``targets``, as (entity reached, relation) hops."""
    import networkx as nx

    for edge_path in nx.all_simple_edge_paths(undirected, a, targets, cutoff=max_hops):
        hops, node = [], a
        for u, v, key in edge_path:
            node = v if u == node else u
            hops.append((node, undirected.edges[u, v, key]["rel"]))
        yield tuple(hops)


def time_respecting(routes: Iterable[tuple[tuple[str, Relation], ...]],
                     window: tuple[dt.date, dt.date] | None) -> list[Path]:
    """The routes whose relations could all hold at once (and in ``window``), shortest first."""
    found = [path for hops in routes if (path := _overlap(hops, window)) is not None]
    return sorted(found, key=lambda p: (len(p.hops), not p.certain, [(e, r.facts) for e, r in p.hops]))


def _overlap(hops: tuple[tuple[str, Relation], ...], window: tuple[dt.date, dt.date] | None) -> Path | None:
    bounds = [r.possible_window() for _, r in hops]
    if window:
        bounds.append(window)
    first, last = max(b[0] for b in bounds), min(b[1] for b in bounds)
    if first > last:
        return None
    certain_spans = [r.certain_window() for _, r in hops]
    certain = all(certain_spans)
    if certain:
        spans = [s for s in certain_spans if s] + ([window] if window else [])
        certain = max(s[0] for s in spans) <= min(s[1] for s in spans)
    return Path(hops, first, last, certain)
