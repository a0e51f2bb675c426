"""Ancestry and descent of organizations through formations, splits, defections and branches.

:func:`lineage` walks the networkx view of the relations. Every organization's walk is kept
beside the store generation (:func:`kept_lineage`, :mod:`kg.analysis.answers`), so ``kg lineage``
reads it and does not load networkx (0.15-0.25 s of a 0.4 s command).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.analysis.attacks import Graph
from kg.analysis.relations import Relation
from kg.namespaces import PREFIXES
from kg.store.nodes import Nodes
from kg.store.reader import oxigraph_of

if TYPE_CHECKING:
    import networkx as nx

LINEAGE_ROLES = ("branch-of",)
"""Affiliation roles that also count as parentage (a province of its parent)."""
MOVES = ("defection", "renunciation")
"""Changes that may move people rather than organizations (``ontology/vocab.ttl``). When the
fact names the people who moved (its agents), the organization they went to does not descend
from the one they left: the people's ``left``/``joined`` relations say it, not lineage. Without
agents, the resulting organization is the one that left (a faction), and it is lineage."""


@dataclass(frozen=True)
class Link:
    """One step of lineage: ``child`` came from (or is a branch of) ``parent``."""

    child: str
    parent: str
    relation: Relation
    depth: int
    direction: str  # up (ancestor) or down (descendant)

    def as_dict(self) -> dict[str, Any]:
        rel = self.relation
        until = rel.end if rel.kind == "affiliation" else ""
        return {"child": self.child, "parent": self.parent, "relation": rel.relation,
                "date": rel.start, "until": until, "status": rel.status, "depth": self.depth,
                "direction": self.direction, "sources": list(rel.sources), "facts": list(rel.facts),
                "reading": rel.as_dict()["reading"]}


def lineage_graph(net: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Only the parentage edges, child → parent."""
    import networkx as nx

    out = nx.MultiDiGraph()
    rels: list[Relation] = [data["rel"] for *_, data in net.edges(data=True)]
    moved = {fact for rel in rels if rel.kind in ("left", "joined") for fact in rel.facts}
    for u, v, key, data in net.edges(keys=True, data=True):
        rel = data["rel"]
        people_moved = rel.relation in MOVES and set(rel.facts) <= moved
        if (rel.kind == "lineage" and not people_moved
                or rel.kind == "affiliation" and rel.relation in LINEAGE_ROLES):
            out.add_edge(u, v, key=key, rel=rel)
    return out


def lineage(net: nx.MultiDiGraph, org: str, direction: str = "both") -> list[Link]:
    """Every ancestor (``up``), descendant (``down``) or both, breadth first with depth."""
    tree = lineage_graph(net)
    if org not in tree:
        return []
    links: list[Link] = []
    if direction in ("up", "both"):
        links += _walk(tree, org, up=True)
    if direction in ("down", "both"):
        links += _walk(tree, org, up=False)
    return links


def kept_lineage(net: nx.MultiDiGraph, rels: list[Relation]) -> dict[str, dict[str, list[list[Any]]]]:
    """Every organization's lineage up and down, as a store generation keeps it.

    ``{org: {"up": [[child, parent, relation, depth], ...], "down": [...]}}``, each relation
    by its place in ``rels`` (the relations ``net`` was made of, as :func:`relations` gives them).
    """
    place = {id(rel): i for i, rel in enumerate(rels)}
    return {org: {direction: [[link.child, link.parent, place[id(link.relation)], link.depth]
                              for link in lineage(net, org, direction)] for direction in ("up", "down")}
            for org in sorted(lineage_graph(net))}


def _walk(tree: nx.MultiDiGraph, start: str, *, up: bool) -> list[Link]:
    """Breadth first from ``start``; an edge back to ``start`` (a cycle) is not followed:
    an organization is never its own ancestor or descendant."""
    seen, frontier, links, depth = {start}, [start], [], 0
    while frontier:
        depth += 1
        following = []
        for node in frontier:
            edges = tree.out_edges(node, data=True) if up else tree.in_edges(node, data=True)
            for u, v, data in sorted(edges, key=lambda e: (e[0], e[1], e[2]["rel"].facts)):
                if (v if up else u) == start:
                    continue
                links.append(Link(u, v, data["rel"], depth, "up" if up else "down"))
                nxt = v if up else u
                if nxt not in seen:
                    seen.add(nxt)
                    following.append(nxt)
        frontier = sorted(following)
    return links


def _edges(links: list[Link]) -> list[tuple[str, str, str]]:
    """Each drawn edge once: (child, parent, label), in the order first met.

    Several sources stating the same change, or a link met walking both up and down,
    are one arrow.
    """
    edges = []
    for link in links:
        d = link.as_dict()
        edge = (link.child, link.parent, f'{d["relation"]} {d["date"]}'.strip())
        if edge not in edges:
            edges.append(edge)
    return edges


def to_dot(links: list[Link], labels: dict[str, str]) -> str:
    """Graphviz DOT, parent above child, each edge once."""
    lines = ["digraph lineage {", "  rankdir=BT;", "  node [shape=box];"]
    for node in sorted({n for link in links for n in (link.child, link.parent)}):
        lines.append(f'  "{node}" [label="{_esc(labels.get(node, node))}"];')
    for child, parent, label in _edges(links):
        lines.append(f'  "{child}" -> "{parent}" [label="{_esc(label)}"];')
    lines.append("}")
    return "\n".join(lines)


def to_mermaid(links: list[Link], labels: dict[str, str]) -> str:
    """A Mermaid flowchart, parent above child, each edge once."""
    nodes = sorted({n for link in links for n in (link.child, link.parent)})
    ids = {n: f"n{i}" for i, n in enumerate(nodes)}
    lines = ["flowchart BT"]
    for node, short in ids.items():
        lines.append(f'  {short}["{_esc(labels.get(node, node))}"]')
    for child, parent, label in _edges(links):
        lines.append(f'  {ids[child]} -->|"{_esc(label)}"| {ids[parent]}')
    return "\n".join(lines)


def _esc(text: str) -> str:
    return text.replace('"', "'")


def labels(graph: Graph, links: list[Link]) -> dict[str, str]:
    """The English label of each organization of ``links``, by id (the id itself when it has none)."""
    nodes = Nodes(oxigraph_of(graph))
    ids = {n for link in links for n in (link.child, link.parent)}
    return {n: nodes.labels(PREFIXES["mkgd"] + n, PREFIXES["skos"] + "prefLabel").get("en", n) for n in ids}
