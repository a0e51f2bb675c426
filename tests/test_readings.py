"""The reading model: an ambiguous sentence keeps every reading; queries answer with the preferred one
and flag it; bad readings are refused with one line each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.analysis.attacks import attacks
from kg.analysis.conflicts import conflicts
from kg.analysis.relations import network
from kg.analysis.temporal import affiliations
from kg.analysis.timeline import timeline
from kg.curate import corpus
from kg.curate.readings import AMBIGUOUS
from kg.graph.compile import compile_corpus
from kg.namespaces import ID, MKG
from kg.serve.pages import OTHER_READING, Pages
from tests.test_build import edit, line_of, run

FACTS = "facts/kitchen.yaml"
AMBIGUOUS_CLAIM = """source: src-fixture
facts:
  - id: f-extra-01
    type: Responsibility
    attack: test-bombing-2020
    status: reported
    quote: "أعلنت جماعة الاختبار المسلحة مسؤوليتها عن تفجير في مدينة الاختبار"
    readings:
      - id: the-group
        preferred: true
        reason: "The sentence names the group."
        agent: test-group
        note: "The group carried it out."
      - id: the-branch
        agent: branch-group
        note: "Its branch carried it out."
  - id: f-extra-02
    type: Affiliation
    organization: test-group
    role: rival
    attested: "2019"
    quote: "وانشقت جماعة الفرع عن جماعة الاختبار في عام 2019"
    readings:
      - {id: branch, preferred: true, reason: "It split away.", member: branch-group, note: "The branch."}
      - {id: agency, member: test-agency, note: "The agency.", attested: "2019-06"}
"""


def project(kitchen: Path) -> Graph:
    (kitchen / "facts" / "extra.yaml").write_text(AMBIGUOUS_CLAIM, encoding="utf-8")
    return compile_corpus(corpus.load(kitchen)).graph


def test_the_graph_keeps_every_reading_and_the_fact_carries_the_preferred(kitchen_graph: Graph) -> None:
    fact = ID["f-fixture-09"]
    readings = set(kitchen_graph.objects(fact, MKG.reading))
    assert readings == {URIRef(f"{fact}#reading-ahmad-accuses"), URIRef(f"{fact}#reading-agency-accuses")}
    preferred = kitchen_graph.value(fact, MKG.preferredReading)
    assert preferred == URIRef(f"{fact}#reading-ahmad-accuses")
    assert kitchen_graph.value(fact, MKG.preferenceReason) is not None
    # the fact itself reads as its preferred reading; the other reading keeps its own asserter
    assert set(kitchen_graph.objects(fact, MKG.allegedBy)) == {ID["ahmad-test"]}
    assert set(kitchen_graph.objects(URIRef(f"{fact}#reading-agency-accuses"), MKG.allegedBy)) == {ID["test-agency"]}
    for reading in readings:
        assert (reading, RDF.type, MKG.Reading) in kitchen_graph
        assert kitchen_graph.value(reading, SKOS.note) is not None
    # shared fields are the fact's, once
    assert set(kitchen_graph.objects(fact, MKG.about)) == {ID["test-government"]}
    assert not any(kitchen_graph.objects(URIRef(f"{fact}#reading-agency-accuses"), MKG.about))


def test_conflicts_list_each_reading_with_the_preferred_one_marked(kitchen_graph: Graph) -> None:
    found = [c for c in conflicts(kitchen_graph) if c.topic == "ambiguous reading"]
    # the subject is what the readings agree the fact is about; each version names its fact
    assert [c.subject for c in found] == ["test-government"]
    assert {v["fact"] for v in found[0].versions} == {"f-fixture-09"}
    values = sorted(v["value"] for v in found[0].versions)
    assert values == ["agency-accuses: allegedBy test-agency", "ahmad-accuses (preferred): allegedBy ahmad-test"]
    assert all(v["note"] and v["source"] == "src-fixture" for v in found[0].versions)


def test_queries_answer_with_the_preferred_reading_and_flag_it(kitchen: Path) -> None:
    graph = project(kitchen)
    claims = {c["agent"]: c for row in attacks(graph) for c in row.claims if c["fact"] == "f-extra-01"}
    assert set(claims) == {"test-group"} and claims["test-group"]["reading"] == AMBIGUOUS
    untouched = [c for row in attacks(graph) for c in row.claims if c["fact"] == "f-fixture-01"]
    assert untouched and untouched[0]["reading"] == ""
    held = [h for h in affiliations(network(graph), "test-group") if h.relation.facts == ("f-extra-02",)]
    assert [(h.relation.subject, h.as_dict()["reading"]) for h in held] == [("branch-group", AMBIGUOUS)]
    assert not [h for h in affiliations(network(graph), "test-agency") if "f-extra-02" in h.relation.facts]
    events = [e for e in timeline(graph, ID["test-group"]) if e.fact == "f-extra-02"]
    assert events and all(e.reading == AMBIGUOUS for e in events)
    # the other reading keeps its own date
    found = {c.versions[0]["fact"]: c for c in conflicts(graph) if c.topic == "ambiguous reading"}
    values = {v["value"] for v in found["f-extra-02"].versions}
    assert "agency: member test-agency; memberDuring attested 2019-06" in values


def test_pages_flag_the_reading_and_list_an_entity_only_another_reading_names(kitchen_graph: Graph) -> None:
    pages = Pages(kitchen_graph)
    ahmad = {q.fact: q for q in pages.entity(str(ID["ahmad-test"])).quoted}
    assert ahmad["f-fixture-09"].reading == AMBIGUOUS
    agency = {q.fact: q for q in pages.entity(str(ID["test-agency"])).quoted}
    assert agency["f-fixture-09"].reading == OTHER_READING
    assert agency["f-fixture-01"].reading == ""


def test_kg_conflicts_and_affiliations_show_the_flag(kitchen: Path) -> None:
    project(kitchen)
    assert run(kitchen, "build")[0] == 0
    code, out, _ = run(kitchen, "conflicts", "-f", "json")
    topics = {(c["topic"], c["subject"], c["versions"][0]["fact"]) for c in json.loads(out)["results"]}
    assert code == 0 and {("ambiguous reading", "test-government", "f-fixture-09"),
                          ("ambiguous reading", "test-bombing-2020", "f-extra-01")} <= topics
    code, out, _ = run(kitchen, "affiliations", "test-group", "--role", "rival")
    assert code == 0 and AMBIGUOUS in out.splitlines()[2]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("        preferred: true\n        reason: \"The relative pronoun follows its nearest antecedent.\"\n", "",
     "exactly one reading must be preferred"),
    ("      - id: agency-accuses\n", "      - id: agency-accuses\n        preferred: true\n",
     "the preferred reading, and only it, gives a reason"),
    ("      - id: agency-accuses\n", "      - id: agency-accuses\n        quote: \"x\"\n",
     "a reading cannot give its own 'quote'"),
    ("      - id: agency-accuses\n", "      - id: agency-accuses\n        agent: test-group\n",
     "unknown field 'agent'"),
    ("        by: test-agency\n", "        by: test-agnecy\n", "by refers to unknown entity 'test-agnecy'"),
    ("        by: test-agency\n", "", "missing required field 'by'"),
    ("      - id: agency-accuses\n", "      - id: ahmad-accuses\n", "reading id 'ahmad-accuses' is missing"),
    ("        note: \"الذي read as referring back to the agency's report.\"\n", "", "a reading needs a note"),
])
def test_bad_readings_are_refused_with_one_line(kitchen: Path, old: str, new: str, message: str) -> None:
    edit(kitchen / FACTS, old, new)
    code, _, err = run(kitchen, "build")
    assert code == 1 and message in err, err
    assert all(line.startswith("error: facts/kitchen.yaml:") and "(hint:" in line for line in err.strip().splitlines())
    assert "Traceback" not in err


def test_a_single_reading_is_refused(kitchen: Path) -> None:
    text = (kitchen / FACTS).read_text(encoding="utf-8")
    start = text.index("      - id: agency-accuses")
    (kitchen / FACTS).write_text(text[:start], encoding="utf-8")
    code, _, err = run(kitchen, "build")
    line = line_of(kitchen / FACTS, "id: f-fixture-09")
    assert code == 1 and f"facts/kitchen.yaml:{line}: f-fixture-09: readings must be a list of two or more" in err
