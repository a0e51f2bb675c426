"""Ancestry and descent of organizations through formations, splits, defections and branches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.analysis.relations import Relation

LINEAGE_ROLES = ("branch-of",)
"""Affiliation roles that also count as parentage (a province of its parent)."""


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
                "direction": self.direction, "sources": list(rel.sources), "facts": list(rel.facts)}


def lineage_graph(net: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Only the parentage edges, child → parent."""
    out = nx.MultiDiGraph()
    for u, v, key, data in net.edges(keys=True, data=True):
        rel: Relation = data["rel"]
        if rel.kind == "lineage" or (rel.kind == "affiliation" and rel.relation in LINEAGE_ROLES):
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


def _walk(tree: nx.MultiDiGraph, start: str, *, up: bool) -> list[Link]:
    seen, frontier, links, depth = {start}, [start], [], 0
    while frontier:
        depth += 1
        following = []
        for node in frontier:
            edges = tree.out_edges(node, data=True) if up else tree.in_edges(node, data=True)
            for u, v, data in sorted(edges, key=lambda e: (e[0], e[1], e[2]["rel"].facts)):
                links.append(Link(u, v, data["rel"], depth, "up" if up else "down"))
                nxt = v if up else u
                if nxt not in seen:
                    seen.add(nxt)
                    following.append(nxt)
        frontier = sorted(following)
    return links


def to_dot(links: list[Link], labels: dict[str, str]) -> str:
    """Graphviz DOT, parent above child."""
    lines = ["digraph lineage {", "  rankdir=BT;", "  node [shape=box];"]
    for node in sorted({n for link in links for n in (link.child, link.parent)}):
        lines.append(f'  "{node}" [label="{_esc(labels.get(node, node))}"];')
    for link in links:
        d = link.as_dict()
        lines.append(f'  "{link.child}" -> "{link.parent}" [label="{_esc(d["relation"])} {_esc(d["date"])}"];')
    lines.append("}")
    return "\n".join(lines)


def to_mermaid(links: list[Link], labels: dict[str, str]) -> str:
    """A Mermaid flowchart, parent above child."""
    nodes = sorted({n for link in links for n in (link.child, link.parent)})
    ids = {n: f"n{i}" for i, n in enumerate(nodes)}
    lines = ["flowchart BT"]
    for node, short in ids.items():
        lines.append(f'  {short}["{_esc(labels.get(node, node))}"]')
    for link in links:
        d = link.as_dict()
        label = f'{d["relation"]} {d["date"]}'.strip()
        lines.append(f'  {ids[link.child]} -->|"{_esc(label)}"| {ids[link.parent]}')
    return "\n".join(lines)


def _esc(text: str) -> str:
    return text.replace('"', "'")
