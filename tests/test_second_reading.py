"""The second reading of the curated facts (issue 18), pinned on the repository's own graph:
readings of ambiguous sentences, attested dates, the Pakistani and Afghan Taliban as two
organizations, and the corrections that keep a fact from saying more than its text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.analysis.attacks import attacks, short
from kg.analysis.conflicts import conflicts
from kg.analysis.relations import network, relations
from kg.analysis.resolve import Resolver
from kg.analysis.temporal import affiliations
from kg.curate import corpus
from kg.curate.readings import AMBIGUOUS
from kg.dates import parse
from kg.export.stix import bundle
from kg.export.tables import FACT_TABLES, table
from kg.namespaces import ID, MKG
from tests.conftest import REPO


@pytest.fixture(scope="module")
def graph(curated_graph: Graph) -> Graph:
    return curated_graph


@pytest.fixture(scope="module")
def net(curated_graph: Graph) -> nx.MultiDiGraph:
    return network(curated_graph)


def held(net: nx.MultiDiGraph, entity: str, when: str) -> dict[tuple[str, str, str], str]:
    """Each affiliation of the entity over the days ``when`` denotes, certain or possible."""
    days: tuple[dt.date, dt.date] = (parse(when).earliest, parse(when).latest)
    return {(h.relation.subject, h.relation.relation, h.relation.object): h.status
            for h in affiliations(net, entity, window=days)}


def sourced_notes(graph: Graph, subject: str, predicate: URIRef) -> list[str]:
    """The subject's notes, without those flagged as outside knowledge."""
    outside = set(graph.objects(ID[subject], MKG.outsideKnowledge))
    return [str(n) for n in graph.objects(ID[subject], predicate) if n not in outside]


def one(graph: Graph, fact: str, predicate: URIRef) -> str:
    return short(graph.value(ID[fact], predicate))


# --- readings ---------------------------------------------------------------------------

def test_who_accuses_whom_keeps_both_readings_and_prefers_dost_accusing_khan(graph: Graph) -> None:
    fact = ID["f-3fb481a9-10"]
    assert (one(graph, "f-3fb481a9-10", MKG.allegedBy), one(graph, "f-3fb481a9-10", MKG.about)) == (
        "abdul-rahim-muslim-dost", "hafiz-saeed-khan")
    other = URIRef(f"{fact}#reading-khan-accuses-dost")
    assert (fact, MKG.reading, other) in graph and (other, MKG.allegedBy, ID["hafiz-saeed-khan"]) in graph
    assert graph.value(fact, MKG.preferredReading) == URIRef(f"{fact}#reading-dost-accuses-khan")
    assert "frame" in str(graph.value(fact, MKG.preferenceReason))


def test_daesh_fighters_and_the_same_group_are_one_referent_read_two_ways(graph: Graph) -> None:
    for fact in ("f-af99d46a-34", "f-af99d46a-35"):
        assert one(graph, fact, MKG.perpetrator) == "isis-k", fact
        alternative = URIRef(f"{ID[fact]}#reading-isis")
        assert (alternative, MKG.perpetrator, ID["isis"]) in graph, fact
    airport = {a.id: a for a in attacks(graph)}["kabul-airport-attack-2021"]
    flags = {c["fact"]: c["reading"] for c in airport.claims}
    assert flags["f-af99d46a-35"] == AMBIGUOUS and flags["f-0a9c83c6-21"] == ""
    listed = {(c.subject, c.versions[0]["fact"]) for c in conflicts(graph) if c.topic == "ambiguous reading"}
    assert listed == {("abdul-rahim-muslim-dost / hafiz-saeed-khan", "f-3fb481a9-10"),
                      ("russian-embassy-kabul-bombing-2022", "f-af99d46a-34"),
                      ("kabul-airport-attack-2021", "f-af99d46a-35"),
                      ("isis-k / isis-k-founding-defectors", "f-0a9c83c6-05")}


# --- attested dates ---------------------------------------------------------------------

def test_the_nusra_hosting_is_attested_on_the_strike_day_not_ended(net: nx.MultiDiGraph) -> None:
    on_the_day = held(net, "al-nusra-front", "2014-09-22")
    assert on_the_day[("khorasan-group", "hosted-by", "al-nusra-front")] == "certain"
    assert on_the_day[("abu-yusuf-al-turki", "commander", "al-nusra-front")] == "certain"
    after = held(net, "al-nusra-front", "2014-10")
    assert after[("khorasan-group", "hosted-by", "al-nusra-front")] == "possible"  # not ended by the strike
    assert ("abu-yusuf-al-turki", "commander", "al-nusra-front") not in after  # killed in it


def test_dost_broke_with_khan_inside_isis_k(graph: Graph, net: nx.MultiDiGraph) -> None:
    found = {(r.subject, r.kind, r.object) for r in relations(graph) if "f-3fb481a9-07" in r.facts}
    assert found == {("abdul-rahim-muslim-dost", "rift", "hafiz-saeed-khan")}  # no "left isis-k"
    role = [h for h in affiliations(net, "isis-k", role="deputy-leader")]
    assert [(h.relation.subject, h.relation.end, h.relation.attested) for h in role] == [
        ("abdul-rahim-muslim-dost", "", "2015-10-21/2015-10-31")]


def test_the_renunciation_is_bounded_only_by_what_the_text_supports(graph: Graph) -> None:
    date = graph.value(graph.value(ID["f-3fb481a9-14"], MKG.date), MKG.edtf)
    assert str(date) == "2014-11/2016-12"
    label = str(next(lab for lab in graph.objects(ID["isis-k-renouncing-commanders"], SKOS.prefLabel)
                     if lab.language == "en"))
    assert "2015" not in label and "returned" not in label


# --- the Pakistani and the Afghan Taliban -----------------------------------------------

def test_the_pakistani_taliban_are_their_own_organization(graph: Graph) -> None:
    ttp = ID["pakistani-taliban"]
    assert (ttp, RDF.type, MKG.Organization) in graph
    assert {lab.language for lab in graph.objects(ttp, SKOS.prefLabel)} == {"en", "ar"}
    outside = {str(t) for t in graph.objects(ttp, MKG.outsideKnowledge)}
    assert {"TTP", "Tehrik-i-Taliban Pakistan"} <= outside  # the sources never name the TTP
    resolver = Resolver(graph)
    for name in ("TTP", "Pakistani Taliban", "حركة طالبان في باكستان"):
        assert resolver.one(name) == ttp, name
    assert resolver.one("Afghan Taliban") == ID["taliban"]
    # the sources' bare "Taliban" (طالبان) is the Afghan movement; the Pakistani one is still offered
    found = resolver.resolve("Taliban")
    assert found.best is not None and found.best.id == "taliban"
    assert "pakistani-taliban" in {c.id for c in found.candidates}


def test_the_founding_defectors_left_both_taliban_movements_and_al_qaeda(graph: Graph) -> None:
    left = {r.object for r in relations(graph)
            if r.subject == "isis-k-founding-defectors" and r.kind == "left" and "f-0a9c83c6-05" in r.facts}
    assert left == {"taliban", "pakistani-taliban", "al-qaeda"}  # the preferred reading
    # src-3fb481a9 says only "the Taliban", of groups in Central Asia: one movement, not both
    left_3fb = {r.object for r in relations(graph) if "f-3fb481a9-01" in r.facts}
    assert "pakistani-taliban" not in left_3fb


def test_the_founding_defection_reads_the_place_phrase_two_ways(graph: Graph) -> None:
    """«حركة طالبان» is singular: «في باكستان وأفغانستان» may qualify the movements (preferred) or
    only locate the commanders, and then no Pakistani Taliban is named."""
    fact = ID["f-0a9c83c6-05"]
    both, one_movement = (URIRef(f"{fact}#reading-{r}") for r in ("taliban-pakistani-taliban-al-qaeda",
                                                                   "taliban-al-qaeda"))
    assert graph.value(fact, MKG.preferredReading) == both
    assert "distinct movement" in str(graph.value(fact, MKG.preferenceReason))
    original = URIRef("http://www.w3.org/ns/org#originalOrganization")
    assert {short(o) for o in graph.objects(both, original)} == {"taliban", "pakistani-taliban", "al-qaeda"}
    assert {short(o) for o in graph.objects(one_movement, original)} == {"taliban", "al-qaeda"}
    assert {short(o) for o in graph.objects(fact, original)} == {"taliban", "pakistani-taliban", "al-qaeda"}
    ttp = ID["pakistani-taliban"]
    # the Arabic label is the curator's: no text has «حركة طالبان في باكستان» in one phrase
    assert Literal("حركة طالبان في باكستان", lang="ar") in set(graph.objects(ttp, MKG.outsideKnowledge))
    for entity in ("pakistani-taliban", "isis-k"):
        note = " ".join(sourced_notes(graph, entity, SKOS.scopeNote))
        assert "may" in note and "largely" not in note, entity


# --- claims that said more than the text ------------------------------------------------

def test_passive_beliefs_have_no_named_asserter(graph: Graph) -> None:
    for fact in ("f-ec87dddc-04", "f-ec87dddc-19"):
        assert graph.value(ID[fact], MKG.claimedBy) is None, fact
        assert graph.value(ID[fact], MKG.accordingTo) is None, fact
        assert one(graph, fact, MKG.claimStatus).endswith("status-alleged"), fact
    assert one(graph, "f-ec87dddc-11", MKG.claimStatus).endswith("status-attributed")


def test_the_khorasan_groups_links_are_the_articles_and_no_stronger_than_its_words(graph: Graph) -> None:
    for fact, org, status in (("f-aa238b89-01", "isis", "disputed"), ("f-aa238b89-02", "al-qaeda", "reported")):
        assert one(graph, fact, URIRef("http://www.w3.org/ns/org#organization")) == org
        assert one(graph, fact, URIRef("http://www.w3.org/ns/org#role")).endswith("role-linked-to"), fact
        assert one(graph, fact, MKG.claimStatus).endswith(f"status-{status}"), fact
    assert one(graph, "f-aa238b89-01", MKG.accordingTo) == "author-src-aa238b89"
    assert graph.value(ID["f-aa238b89-02"], MKG.accordingTo) is None  # not the US officials'
    assert one(graph, "f-aa238b89-04", URIRef("http://www.w3.org/ns/org#member")) == "united-states"


def test_the_stix_bundle_does_not_assert_the_disputed_link(graph: Graph) -> None:
    objects = json.loads(bundle(graph))["objects"]
    links = {o["x_mkg_facts"][0]: o for o in objects if o["type"] == "relationship"}
    disputed, reported = links["f-aa238b89-01"], links["f-aa238b89-02"]
    assert disputed["relationship_type"] == reported["relationship_type"] == "related-to"
    assert disputed["confidence"] < reported["confidence"]
    ties = [o for o in links.values() if o["x_mkg_kind"] == "affiliation"]
    assert ties and all(o["relationship_type"] == "related-to" for o in ties)  # no tie is an attribution
    opinions = [o["opinion"] for o in objects if o["type"] == "opinion" and disputed["id"] in o["object_refs"]]
    assert opinions == ["disagree"]
    names = {o["name"] for o in objects if o["type"] == "campaign"}
    assert not any("withdrawal" in name.lower() for name in names)


def test_the_pentagons_imminent_attack_is_not_the_airliner_plot(graph: Graph) -> None:
    assert one(graph, "f-aa238b89-23", MKG.attack) == "khorasan-group-imminent-attack-2014"
    assert one(graph, "f-aa238b89-23", MKG.claimStatus).endswith("status-attributed")
    assert (ID["f-aa238b89-25"], None, None) not in graph  # the screening is an event now
    screening = ID["us-flight-device-screening-2014"]
    assert (screening, RDF.type, MKG.Event) in graph
    assert str(graph.value(graph.value(screening, MKG.date), MKG.edtf)) == "2014-06/2014-09"  # summer, loosely


def test_the_us_withdrawal_is_an_event_dated_august_2021(graph: Graph) -> None:
    withdrawal = ID["us-withdrawal-afghanistan-2021"]
    assert (withdrawal, RDF.type, MKG.Event) in graph and (withdrawal, RDF.type, MKG.Attack) not in graph
    assert str(graph.value(graph.value(withdrawal, MKG.date), MKG.edtf)) == "2021-08"
    assert (withdrawal, MKG.actor, ID["united-states"]) in graph
    assert "us-withdrawal-afghanistan-2021" not in {a.id for a in attacks(graph, by=ID["united-states"])}


def test_smaller_points(graph: Graph) -> None:
    for fact in ("f-3fb481a9-20", "f-3fb481a9-21"):  # CNN carried the words; the defector spoke them
        assert one(graph, fact, MKG.channel) == "cnn" and graph.value(ID[fact], MKG.accordingTo) is None
    for fact in ("f-af99d46a-01", "f-0a9c83c6-01"):
        assert str(graph.value(graph.value(ID[fact], MKG.date), MKG.edtf)) == "2024-03-22/2024-03-23", fact
    assert one(graph, "f-3fb481a9-05", MKG.qualifier).endswith("qual-dozens")
    bare = {short(s) for s in graph.subjects(SKOS.altLabel, Literal("خراسان", lang="ar"))}
    bare |= {short(s) for s in graph.subjects(SKOS.prefLabel, Literal("خراسان", lang="ar"))}
    # ISIS-K is «خرسان» (misspelt) in src-3fb481a9, the Khorasan Group «لخراسان» in src-aa238b89
    assert bare == {"isis-k", "khorasan-group", "khorasan-region"}
    saraya = Literal("Saraya al-Khorasani", lang="ar-Latn")
    assert (ID["khorasani-militia"], MKG.outsideKnowledge, saraya) in graph


# --- found by the second reader ----------------------------------------------------------

def test_relations_seen_holding_are_attested_not_started_or_ongoing(net: nx.MultiDiGraph) -> None:
    seen = {h.relation.facts[0]: (h.relation.start, h.relation.end, h.relation.attested)
            for entity in ("al-nusra-front", "shamil-khukumatov", "michael-kurilla")
            for h in affiliations(net, entity)}
    assert seen["f-aa238b89-20"] == ("", "", "2014-09-22/2014-10-31")  # the threat after the strikes
    assert seen["f-0a9c83c6-36"] == ("", "", "2024-01")  # «أصبح» as of the UN report, not ongoing
    assert seen["f-ec87dddc-23"] == ("", "", "2023-03")
    # a month-long attestation makes no single day of it certain
    assert held(net, "al-nusra-front", "2014-10-15")[("al-nusra-front", "hostile-to", "global-coalition")] == \
        "possible"


def test_asserters_kinds_and_labels_say_no_more_than_the_text(graph: Graph) -> None:
    assert one(graph, "f-aa238b89-24", MKG.allegedBy) == "us-security-sources"  # sources, not officials
    assert one(graph, "f-0a9c83c6-45", MKG.accordingTo) == "author-src-0a9c83c6"
    assert one(graph, "kaluga-synagogue-plot-2024", MKG.attackKind).endswith("unspecified")  # «هجوماً مسلحاً»

    def label(entity: str) -> str:
        return str(next(lab for lab in graph.objects(ID[entity], SKOS.prefLabel) if lab.language == "en"))

    assert "Mar" not in label("kaluga-synagogue-plot-2024") and "al-Qaeda" not in label("khorasan-group")
    assert "US" not in label("guantanamo-bay")
    outside = {(short(s), str(o)) for s, o in graph.subject_objects(MKG.outsideKnowledge)}
    assert {("mehmet-canbekli", "د. محمد جان بكلي"), ("taliban", "Afghan Taliban"),
            ("taliban", "Taliban in Afghanistan")} <= outside
    assert any(s == "guantanamo-bay" and "Cuba" in o for s, o in outside)
    assert any(s == "f-0a9c83c6-09" and "Islamic Renaissance" in o for s, o in outside)
    notes = " ".join(sourced_notes(graph, "f-0a9c83c6-09", SKOS.note))
    assert "UN report" in notes and "Renaissance" not in notes and "improbable" not in notes
    militia = " ".join(sourced_notes(graph, "khorasani-militia", SKOS.scopeNote))
    assert "فيلق القدس" in militia and "شيعية" not in militia


# --- the CSV exports --------------------------------------------------------------------

def test_the_csv_tables_hold_every_fact_once_and_ongoing_relations_as_ongoing(graph: Graph) -> None:
    facts = {record.id for record in corpus.load(REPO).facts}
    rows = {name: list(csv.DictReader(io.StringIO(table(graph, name).decode("utf-8")))) for name in FACT_TABLES}
    listed = [row["fact"] for name in FACT_TABLES for row in rows[name]]
    assert sorted(listed) == sorted(facts)
    ongoing = {row["fact"]: row for row in rows["affiliations"] if row["end"] == ".."}
    assert ongoing["f-af99d46a-26"]["ongoing_as_of"] == "2024-03-23"
    assert ongoing["f-aa238b89-04"]["member"] == "united-states"
    allegation = {row["fact"]: row for row in rows["allegations"]}["f-3fb481a9-10"]
    assert (allegation["alleged_by"], allegation["reading"]) == ("abdul-rahim-muslim-dost", AMBIGUOUS)
