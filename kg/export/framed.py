"""A per-organization JSON-LD view: what a web developer wants to read.

Each organization carries its labels, aliases and note, and (through ``@reverse``) the
affiliations it is in, as member or as organization, with their intervals embedded; the
responsibility claims that name it; and its designations. It uses the published context,
so any JSON-LD processor expands it back to triples of the built graph.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph

from kg.export.jsonld import compact
from kg.graph.context import context

REVERSE = ("organization", "member", "perpetrator", "designates")
"""Relations embedded under ``@reverse``: the facts that point at the organization."""
EMBEDDED = ("during", "start", "end", "date", "asOf")
"""Links to nodes that only make sense inside their fact (dates and intervals)."""


def framed(graph: Graph) -> dict[str, Any]:
    """The per-organization view, sorted by organization id."""
    nodes = {node["id"]: node for node in compact(graph)["@graph"]}
    orgs = [n for n in nodes.values() if "mkg:Organization" in _list(n.get("type"))]
    entries = []
    for org in sorted(orgs, key=lambda n: n["id"]):
        entry = dict(org)
        reverse: dict[str, list[Any]] = {}
        for key in REVERSE:
            pointing = [n for n in nodes.values() if org["id"] in _list(n.get(key))]
            if pointing:
                reverse[key] = [_embed(n, nodes) for n in sorted(pointing, key=lambda n: n["id"])]
        if reverse:
            entry["@reverse"] = reverse
        entries.append(entry)
    return {"@context": context()["@context"], "@graph": entries}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _embed(node: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out = dict(node)
    for key in EMBEDDED:
        if isinstance(out.get(key), str) and out[key] in nodes:
            out[key] = _embed(nodes[out[key]], nodes)
    return out
