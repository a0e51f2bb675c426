"""Every export checked by a tool we did not write: rdflib, pyoxigraph, pyld, networkx, stix2-validator."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
from pyld import jsonld
from rdflib import Dataset, Graph, Literal
from rdflib.compare import isomorphic
from stix2validator import validate_string

from kg.build import build
from kg.export.exports import default_exports
from kg.graph.context import no_remote_documents
from tests.test_build import run


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph]:
    import shutil

    from tests.conftest import KITCHEN

    root = tmp_path_factory.mktemp("exports") / "kitchen"
    shutil.copytree(KITCHEN, root, ignore=shutil.ignore_patterns("exports"))
    result = build(root)
    return root / "exports", result.compiled.graph


def same_graph(a: Graph, b: Graph) -> bool:
    """Isomorphic, with language tags compared case-insensitively as RDF 1.1 allows
    (Oxigraph and pyld lower-case ``ar-Latn``)."""
    return isomorphic(_lower_tags(a), _lower_tags(b))


def _lower_tags(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language:
            o = Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


def oxigraph_graph(path: Path, fmt: pyoxigraph.RdfFormat) -> Graph:
    quads = pyoxigraph.parse(path=str(path), format=fmt)
    triples = [pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads]
    text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert text is not None
    return Graph().parse(data=text.decode("utf-8"), format="nt")


@pytest.mark.parametrize(("name", "rdflib_format", "ox_format"), [
    ("graph.ttl", "turtle", pyoxigraph.RdfFormat.TURTLE),
    ("graph.nt", "nt", pyoxigraph.RdfFormat.N_TRIPLES),
])
def test_rdflib_and_oxigraph_read_back_the_same_graph(built: tuple[Path, Graph], name: str,
                                                      rdflib_format: str, ox_format: pyoxigraph.RdfFormat) -> None:
    folder, graph = built
    assert same_graph(Graph().parse(folder / name, format=rdflib_format), graph)
    assert same_graph(oxigraph_graph(folder / name, ox_format), graph)


def test_trig_has_one_named_graph_per_source_and_the_whole_graph(built: tuple[Path, Graph]) -> None:
    folder, graph = built
    dataset = Dataset().parse(folder / "graph.trig", format="trig")
    union = Graph()
    names = set()
    for context in dataset.graphs():
        names.add(str(context.identifier))
        for triple in context:
            union.add(triple)
    assert "https://w3id.org/mkg/id/src-fixture" in names
    assert same_graph(union, graph)
    assert same_graph(oxigraph_graph(folder / "graph.trig", pyoxigraph.RdfFormat.TRIG), graph)


def test_pyld_expands_the_json_ld_to_the_same_graph(built: tuple[Path, Graph]) -> None:
    folder, graph = built
    document = json.loads((folder / "graph.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document["@context"], dict)  # no remote context to fetch
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": no_remote_documents})
    assert same_graph(Graph().parse(data=nquads, format="nquads"), graph)


def test_networkx_reads_the_graphml_back_with_attributes(built: tuple[Path, Graph]) -> None:
    folder, _ = built
    net = nx.read_graphml(folder / "graph.graphml")
    assert net.nodes["test-group"]["label_ar"] == "جماعة الاختبار"
    edges = {d["fact"]: d for _, _, d in net.edges(data=True) if d.get("relation") == "leader"}
    assert edges["f-fixture-03"]["start_edtf"] == "2018" and edges["f-fixture-03"]["end_latest"] == "2019-10-31"
    assert edges["f-fixture-03"]["sources"] == "src-fixture"
    assert (edges["f-fixture-08"]["attested_edtf"], edges["f-fixture-08"]["start_edtf"]) == ("2020-03-05", "")
    assert nx.read_gexf(io.BytesIO((folder / "graph.gexf").read_bytes())).number_of_nodes() == net.number_of_nodes()


def test_csv_tables_have_one_row_per_fact_with_quote(built: tuple[Path, Graph]) -> None:
    folder, _ = built
    rows = (folder / "csv" / "affiliations.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("fact,member,role,organization,start")
    assert len(rows) == 3 and "f-fixture-03" in rows[1] and "وكان أحمد الاختباري" in rows[1]
    table = {row["fact"]: row for row in csv.DictReader(io.StringIO("\n".join(rows)))}
    assert (table["f-fixture-08"]["attested"], table["f-fixture-08"]["attested_latest"]) == ("2020-03-05", "2020-03-05")


def test_stix_bundle_passes_the_oasis_validator(built: tuple[Path, Graph]) -> None:
    folder, _ = built
    text = (folder / "stix-bundle.json").read_text(encoding="utf-8")
    result = validate_string(text)
    assert result.is_valid, [str(e) for e in getattr(result, "errors", [])]
    types = {obj["type"] for obj in json.loads(text)["objects"]}
    assert {"intrusion-set", "identity", "location", "campaign", "relationship", "report"} <= types


def test_every_format_renders_byte_identically_twice(built: tuple[Path, Graph]) -> None:
    _, graph = built
    exports = default_exports()
    assert exports.render(graph) == exports.render(graph)


def test_export_refuses_paths_outside_the_working_directory(kitchen: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(kitchen, "build")[0] == 0
    monkeypatch.chdir(kitchen)
    code, _, err = run(kitchen, "export", "-f", "turtle", "-o", str(tmp_path / "out.ttl"))
    assert code == 2 and "refusing to write outside the current directory" in err
    code, _, _ = run(kitchen, "export", "-f", "turtle", "-o", "mine.ttl")
    assert code == 0 and (kitchen / "mine.ttl").is_file()


def test_framed_view_nests_facts_and_expands_to_a_subgraph(built: tuple[Path, Graph]) -> None:
    folder, graph = built
    document = json.loads((folder / "organizations.jsonld").read_text(encoding="utf-8"))
    group = next(o for o in document["@graph"] if o["id"] == "mkgd:test-group")
    leader = group["@reverse"]["organization"][0]
    assert leader["member"] == "mkgd:ahmad-test"
    assert leader["during"]["start"]["edtf"] == "2018"
    assert group["@reverse"]["designates"][0]["authority"] == "mkgd:test-government"
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": no_remote_documents})
    expanded = _lower_tags(Graph().parse(data=nquads, format="nquads"))
    whole = _lower_tags(graph)
    assert len(expanded) > 50
    assert all(triple in whole for triple in expanded)
