"""Export formats: each is a small class that renders the built graph to bytes.

Every renderer is deterministic (sorted, no timestamps, no blank nodes), so a second
build gives byte-identical files and ``kg build --check`` can compare bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from pyld import jsonld
from rdflib import Graph

from kg import graphml, stix, tables, trig
from kg.namespaces import bind_prefixes
from kg.resources import resource_dir


class Exporter:
    """Renders a graph to one file of ``exports/``."""

    name: ClassVar[str]
    filename: ClassVar[str]
    media_type: ClassVar[str]
    opened_by: ClassVar[str] = ""

    def render(self, graph: Graph) -> bytes:
        raise NotImplementedError

    def files(self, graph: Graph) -> dict[str, bytes]:
        """Every file this format writes, by name relative to ``exports/``."""
        return {self.filename: self.render(graph)}


class Turtle(Exporter):
    name, filename, media_type = "turtle", "graph.ttl", "text/turtle"
    opened_by = "any RDF tool (rdflib, Oxigraph, Jena, Protégé, GraphDB)"

    def render(self, graph: Graph) -> bytes:
        # Re-binding on a copy keeps the readable prefixes whatever the input graph had.
        copy = bind_prefixes(Graph())
        for triple in graph:
            copy.add(triple)
        text = copy.serialize(format="turtle")
        return text.encode("utf-8")


class NTriples(Exporter):
    name, filename, media_type = "ntriples", "graph.nt", "application/n-triples"
    opened_by = "any RDF tool; line-oriented, good for diff and grep"

    def render(self, graph: Graph) -> bytes:
        lines = sorted(set(graph.serialize(format="nt").splitlines()) - {""})
        return ("\n".join(lines) + "\n").encode("utf-8")


def no_remote_documents(url: str, options: dict[str, Any] | None = None) -> Any:
    """A JSON-LD document loader that refuses every fetch: contexts ship with the files."""
    raise jsonld.JsonLdError(f"refusing to load remote document {url}", "loading document failed")


def context() -> dict[str, Any]:
    """The published JSON-LD context (``ontology/context.jsonld``)."""
    data: dict[str, Any] = json.loads((resource_dir("ontology") / "context.jsonld").read_text("utf-8"))
    return data


class JsonLdContext(Exporter):
    name, filename, media_type = "context", "context.jsonld", "application/ld+json"
    opened_by = "JSON-LD processors; reference it from your own documents"

    def render(self, graph: Graph) -> bytes:
        return dump_json(context())


class JsonLd(Exporter):
    name, filename, media_type = "jsonld", "graph.jsonld", "application/ld+json"
    opened_by = "pyld, jsonld.js, the JSON-LD Playground; any JSON tool"

    def render(self, graph: Graph) -> bytes:
        return dump_json(compact(graph))


def compact(graph: Graph) -> dict[str, Any]:
    """The graph as compacted JSON-LD 1.1 under the published context, sorted."""
    options = {"documentLoader": no_remote_documents, "useNativeTypes": False}
    expanded = jsonld.from_rdf(graph.serialize(format="nt"), {**options, "format": "application/n-quads"})
    compacted: dict[str, Any] = _sorted(jsonld.compact(expanded, context(), options))
    return compacted


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        items = [_sorted(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def dump_json(value: Any) -> bytes:
    """JSON as the exports write it: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


class TriG(Exporter):
    name, filename, media_type = "trig", "graph.trig", "application/trig"
    opened_by = "rdflib, Oxigraph, Jena, GraphDB: one named graph per source"

    def render(self, graph: Graph) -> bytes:
        return trig.render(graph)


class GraphML(Exporter):
    name, filename, media_type = "graphml", "graph.graphml", "application/graphml+xml"
    opened_by = "Gephi, Cytoscape, yEd, networkx"

    def render(self, graph: Graph) -> bytes:
        return graphml.graphml(graph)


class Gexf(Exporter):
    name, filename, media_type = "gexf", "graph.gexf", "application/gexf+xml"
    opened_by = "Gephi"

    def render(self, graph: Graph) -> bytes:
        return graphml.gexf(graph)


class Csv(Exporter):
    name, filename, media_type = "csv", "csv/", "text/csv"
    opened_by = "spreadsheets, pandas, any CSV reader"

    def render(self, graph: Graph) -> bytes:
        return b"".join(self.files(graph).values())

    def files(self, graph: Graph) -> dict[str, bytes]:
        return tables.all_tables(graph)


class Stix(Exporter):
    name, filename, media_type = "stix", "stix-bundle.json", "application/stix+json"
    opened_by = "OpenCTI, MISP and other STIX 2.1 platforms"

    def render(self, graph: Graph) -> bytes:
        return stix.bundle(graph)


@dataclass(frozen=True)
class ExportSet:
    """The exporters ``kg build`` runs, in order."""

    exporters: tuple[Exporter, ...]

    def render(self, graph: Graph) -> dict[str, bytes]:
        """Every file's bytes, by file name."""
        return {name: data for e in self.exporters for name, data in e.files(graph).items()}


def default_exports() -> ExportSet:
    """What ``kg build`` writes to ``exports/``."""
    return ExportSet((Turtle(), NTriples(), JsonLdContext(), JsonLd(), TriG(), GraphML(), Gexf(), Csv(),
                      Stix()))


def by_name(name: str) -> Exporter:
    """Find an exporter by its format name."""
    for exporter in default_exports().exporters:
        if exporter.name == name:
            return exporter
    known = ", ".join(e.name for e in default_exports().exporters)
    raise KeyError(f"unknown export format {name!r}; known: {known}")
