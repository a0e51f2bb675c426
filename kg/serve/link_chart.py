"""The link chart's data: the neighbourhood of some entities, each relation with its windows and
its status at a date, and the exports of what the chart shows (GraphML, and SVG by Graphviz).

The browser draws it with Cytoscape.js (``static/graph.js``). The time slider re-reads each
relation's status at the chosen month from the two windows sent here: it **may** hold when
the window overlaps the widest span it may have held, and it **surely** holds when the span it
surely held covers the whole window (the rule of :meth:`kg.dates.Interval.status_between`,
which gives ``holds`` for the asked date). The page's table and the exports use ``holds``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import Graph
from rdflib.namespace import RDF

from kg.analysis.relations import Relation
from kg.analysis.resolve import ENTITY_CLASSES
from kg.dates import DateError, parse
from kg.graph.labels import english
from kg.namespaces import ID
from kg.serve.lineage_drawing import dot_escape


@dataclass(frozen=True)
class When:
    """The date asked (an EDTF string) and the days it covers."""

    edtf: str
    first: dt.date
    last: dt.date


def when(text: str | None, fallback: dt.date) -> When:
    """The window of ``?at=`` (any EDTF date); the month of ``fallback`` when none is given.

    Raises :class:`kg.dates.DateError`, with a hint, for a string that is not a date.

    >>> when("2015-10", dt.date(2024, 3, 22))
    When(edtf='2015-10', first=datetime.date(2015, 10, 1), last=datetime.date(2015, 10, 31))
    >>> when(None, dt.date(2024, 3, 22)).edtf
    '2024-03'
    """
    text = (text or "").strip() or fallback.strftime("%Y-%m")
    try:
        span = parse(text)
    except DateError as exc:
        raise DateError(f"at: {exc} (hint: a date like 2015, 2015-10 or 2015-10-28)") from exc
    return When(text, span.earliest, span.latest)


def neighbourhood(net: nx.MultiDiGraph, graph: Graph, foci: Iterable[str], at: When) -> dict[str, Any]:
    """The foci and every entity one relation away, with each relation's windows and status at ``at``."""
    foci = [f for f in dict.fromkeys(foci) if f in net]
    edges: dict[str, dict[str, Any]] = {}
    for focus in foci:
        touching = [*net.out_edges(focus, keys=True, data=True), *net.in_edges(focus, keys=True, data=True)]
        for u, v, key, data in touching:
            edges.setdefault(f"{u}|{v}|{key}", _edge(f"{u}|{v}|{key}", data["rel"], at))
    ids = sorted({*foci, *(n for e in edges.values() for n in (e["source"], e["target"]))})
    nodes = [_node(net, graph, n, n in foci) for n in ids]
    return {"at": at.edtf, "first": at.first.isoformat(), "last": at.last.isoformat(), "foci": foci,
            "nodes": nodes, "edges": sorted(edges.values(), key=lambda e: e["id"])}


def graphml(data: dict[str, Any]) -> bytes:
    """What the chart shows at its date (relations that surely or may have held) as GraphML."""
    out = nx.MultiDiGraph(at=data["at"])
    for node in data["nodes"]:
        out.add_node(node["id"], label_en=node["label"], type=node["type"], focus=str(node["focus"]).lower())
    for e in data["edges"]:
        if e["holds"] != "absent":
            out.add_edge(e["source"], e["target"], key=e["id"], relation=e["relation"], kind=e["kind"],
                         start_edtf=e["start"], end_edtf=e["end"], status=e["status"], holds=e["holds"],
                         sources=" ".join(e["sources"]), fact=" ".join(e["facts"]))
    return ("\n".join(nx.generate_graphml(out)) + "\n").encode("utf-8")


def to_dot(data: dict[str, Any]) -> str:
    """Graphviz DOT of what the chart shows: surely held solid, may have held dashed, the rest left out."""
    shown = [e for e in data["edges"] if e["holds"] != "absent"]
    keep = set(data["foci"]) | {n for e in shown for n in (e["source"], e["target"])}
    lines = [f'digraph "link chart at {data["at"]}" {{',
             '  graph [overlap=false, splines=true, fontname="sans-serif"];',
             '  node [fontname="sans-serif", fontsize=10, style=filled, fillcolor="#f4f4f4"];',
             '  edge [fontname="sans-serif", fontsize=9];']
    for node in data["nodes"]:
        if node["id"] in keep:
            shape = {"Organization": "box", "Person": "ellipse", "Attack": "diamond"}.get(node["type"], "hexagon")
            bold = ", penwidth=2.5" if node["focus"] else ""
            lines.append(f'  "{node["id"]}" [label="{dot_escape(node["label"])}", shape={shape}{bold}];')
    for e in shown:
        style = "solid" if e["holds"] == "certain" else "dashed"
        lines.append(f'  "{e["source"]}" -> "{e["target"]}" [label="{dot_escape(e["relation"])}", style={style}];')
    lines.append("}")
    return "\n".join(lines)


def _edge(key: str, rel: Relation, at: When) -> dict[str, Any]:
    first, last = rel.possible_window()
    surely = rel.certain_window()
    return {"id": key, "source": rel.subject, "target": rel.object, "relation": rel.relation, "kind": rel.kind,
            "start": rel.start, "end": rel.end, "status": rel.status, "sources": list(rel.sources),
            "facts": list(rel.facts),
            "may": [_iso(first), _iso(last)],
            "surely": [surely[0].isoformat(), surely[1].isoformat()] if surely else None,
            "holds": rel.interval.status_between(at.first, at.last)}


def _node(net: nx.MultiDiGraph, graph: Graph, node: str, focus: bool) -> dict[str, Any]:
    kinds = [name for cls, name in ENTITY_CLASSES.items() if (ID[node], RDF.type, cls) in graph]
    return {"id": node, "label": english(graph, node), "type": (sorted(kinds) or ["Other"])[0], "focus": focus,
            "degree": net.degree(node)}


def _iso(day: dt.date) -> str | None:
    return None if day in (dt.date.min, dt.date.max) else day.isoformat()
