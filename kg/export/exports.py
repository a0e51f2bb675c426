"""Export formats: each is a small class that renders the built graph to bytes.

Every renderer is deterministic (sorted, no timestamps, no blank nodes), so a second
build gives byte-identical files and ``kg build --check`` can compare bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rdflib import Graph

from kg.export import graphml, stix, tables, trig
from kg.export.framed import framed
from kg.export.jsonld import compact, dump_json
from kg.graph.context import context
from kg.namespaces import bind_prefixes


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


class Framed(Exporter):
    name, filename, media_type = "framed", "organizations.jsonld", "application/ld+json"
    opened_by = "any JSON tool (nested, one object per organization); JSON-LD processors"

    def render(self, graph: Graph) -> bytes:
        return dump_json(framed(graph))


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
    """The STIX bundle; ``folder`` holds the bundle it replaces, whose dates it carries on (``kg.export.stix_meta``)."""

    name, filename, media_type = "stix", "stix-bundle.json", "application/stix+json"
    opened_by = "OpenCTI, MISP and other STIX 2.1 platforms"

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    def render(self, graph: Graph) -> bytes:
        previous = self.folder / self.filename if self.folder is not None else None
        return stix.bundle(graph, previous.read_bytes() if previous is not None and previous.is_file() else None)


@dataclass(frozen=True)
class ExportSet:
    """The exporters ``kg build`` runs, in order."""

    exporters: tuple[Exporter, ...]

    def render(self, graph: Graph) -> dict[str, bytes]:
        """Every file's bytes, by file name."""
        return {name: data for e in self.exporters for name, data in e.files(graph).items()}


def default_exports(folder: Path | None = None) -> ExportSet:
    """What ``kg build`` writes to ``exports/`` (``folder``: the exports written before, if any)."""
    return ExportSet((Turtle(), NTriples(), JsonLdContext(), JsonLd(), Framed(), TriG(), GraphML(), Gexf(),
                      Csv(), Stix(folder)))


def by_name(name: str, folder: Path | None = None) -> Exporter:
    """Find an exporter by its format name."""
    for exporter in default_exports(folder).exporters:
        if exporter.name == name:
            return exporter
    known = ", ".join(e.name for e in default_exports().exporters)
    raise KeyError(f"unknown export format {name!r}; known: {known}")
