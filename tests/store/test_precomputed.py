"""The store's precomputed index: each perpetrator's attacks by date, each entity's active years.

Checked against what the commands computed before the index (the same questions asked in
SPARQL over the whole store), on the kitchen project with a GTD file imported in chunks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.gtd.importer import import_gtd
from kg.store import precomputed
from kg.store.generations import current
from kg.store.reader import StoreGraph, texts
from kg.store.store import build_store, open_generation
from tests.conftest import DATA
from tests.store.test_query_kitchen import built_kitchen

# What kg resolve asked of the store for each candidate before the index.
_ACTIVE = """
SELECT DISTINCT ?entity ?b WHERE {
  { ?fact ?p ?entity .
    { ?fact mkg:date ?d } UNION { ?fact mkg:asOf ?d }
    UNION { ?fact org:memberDuring ?during . ?during time:hasBeginning ?d }
    UNION { ?fact org:memberDuring ?during . ?during time:hasEnd ?d } }
  UNION { ?entity mkg:date ?d }
  { ?d mkg:earliest ?b } UNION { ?d mkg:latest ?b }
  FILTER (isIRI(?entity))  # the entities a name can mean
}"""
# And what kg attacks --by asked.
_BY = """
SELECT DISTINCT ?agent ?attack ?earliest WHERE {
  ?claim mkg:attack ?attack ; mkg:perpetrator ?agent .
  OPTIONAL { ?attack mkg:date ?d . ?d mkg:earliest ?earliest }
}"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = built_kitchen(tmp_path_factory.mktemp("precomputed"))
    import_gtd(root, DATA / "gtd" / "sample.csv", workers=1, threshold=0, chunk_rows=3)  # chunks share nodes
    build_store(root)
    return root


def test_the_summary_made_chunk_by_chunk_at_import_is_the_summary_of_the_written_file(project: Path) -> None:
    nt = next((project / "imports").glob("*.nt"))
    stored = json.loads(nt.with_name(nt.stem + precomputed.SUFFIX).read_bytes())
    whole = precomputed.summarize_file(nt)
    assert stored["attacks"] and stored["years"]
    assert (stored["attacks"], stored["years"]) == (whole.attacks, whole.years)


def test_a_summary_made_from_other_ntriples_is_made_again_from_the_file(project: Path, tmp_path: Path) -> None:
    nt = shutil.copy(next((project / "imports").glob("*.nt")), tmp_path / "copy.nt")
    (tmp_path / f"copy{precomputed.SUFFIX}").write_bytes(precomputed.Summary([["urn:x", "urn:y", None, None]], {})
                                                         .as_json("0" * 64))
    assert precomputed.dataset_summary(Path(nt)).attacks == precomputed.summarize_file(Path(nt)).attacks


def test_active_years_and_attacks_by_agent_are_what_the_store_answers(project: Path) -> None:
    store, folder, _ = open_generation(project, keep=False)
    graph = StoreGraph(store, folder)
    index = precomputed.of_graph(graph)
    years: dict[str, list[str]] = {}
    for row in texts(graph, _ACTIVE):
        years.setdefault(row.entity, []).append(row.b[:4])
    assert len(years) > 20
    for entity, found in years.items():
        assert index.years(entity) == (min(found), max(found)), entity
    assert index.years("https://w3id.org/mkg/id/no-such-entity") is None
    by: dict[str, dict[str, str]] = {}
    for row in texts(graph, _BY):
        days = by.setdefault(row.agent, {})
        days[row.attack] = min(days.get(row.attack, precomputed.UNDATED), row.earliest or precomputed.UNDATED)
    assert len(by) > 3
    for agent, days in by.items():
        expected = sorted(days, key=lambda attack: (days[attack], attack))
        assert [iri for iri, _ in index.attacks_by([agent])] == expected, agent


def test_the_index_is_part_of_each_generation_and_an_older_store_gains_one(project: Path) -> None:
    folder = current(project)
    assert folder is not None and (folder / precomputed.FILE).is_file()
    (folder / precomputed.FILE).unlink()  # a store loaded before generations kept an index
    _, again, _ = open_generation(project, keep=False)
    assert again == folder and (folder / precomputed.FILE).is_file()


def test_a_generation_keeps_the_network_answers_once_the_first_command_works_them_out(project: Path,
                                                                                      tmp_path: Path) -> None:
    from kg.analysis.answers import lineage_of
    from kg.analysis.relations import read_relations, relations

    store, folder, _ = open_generation(project, keep=False)
    copy = tmp_path / "generation"
    shutil.copytree(folder, copy)
    (copy / precomputed.ANSWERS).unlink(missing_ok=True)
    fresh = StoreGraph(store, copy)
    read = read_relations(StoreGraph(store))
    assert precomputed.stored_answer(fresh, "relations") is None and relations(fresh) == read  # read, not kept
    lineage_of(fresh, "test-group")  # the first network command keeps them
    again = StoreGraph(store, copy)
    kept = precomputed.stored_answer(again, "relations")
    assert kept and {r["kind"] for r in kept} >= {"affiliation", "responsibility"}
    assert relations(again) == read and [r.quotes for r in relations(again)] == [r.quotes for r in read]
    assert precomputed.stored_answer(StoreGraph(store), "relations") is None  # no generation: nothing kept


def test_an_attack_listed_from_the_index_is_the_attack_read_from_the_store(project: Path) -> None:
    from kg.analysis.attacks import details, matching

    store, folder, _ = open_generation(project, keep=False)
    kept, live = StoreGraph(store, folder), StoreGraph(store)
    live.precomputed = precomputed.Precomputed.of(precomputed.Summary())  # no listings: every attack gathered
    ids = matching(kept)
    assert len(ids) >= 10 and set(precomputed.of_graph(kept).listings(ids)) == set(ids)
    assert [row.as_dict() for row in details(kept, ids)] == [row.as_dict() for row in details(live, ids)]
    assert any(row.claims for row in details(kept, ids)) and any(row.figures for row in details(kept, ids))


def _record(*facts: str) -> list[object]:
    return ["label", "", "", [], "", "", [[fact, "", "", "", "", False, [], []] for fact in facts], []]


def test_an_attack_another_unit_adds_to_is_read_from_the_store() -> None:
    attack = precomputed.PREFIXES["mkgd"] + "gtd-1"
    one = precomputed.Summary(listing={"gtd-1": _record()})
    one.merge(precomputed.Summary(touched=[attack]))  # e.g. a curated claim on an imported attack
    assert "gtd-1" not in one.listing and attack in one.touched
    two = precomputed.Summary(listing={"gtd-1": _record("gtd-1#perpetrator-1")})
    two.merge(precomputed.Summary(touched=[attack + "#perpetrator-1"]))  # a source added to one of its facts
    assert "gtd-1" not in two.listing
    three = precomputed.Summary(listing={"gtd-1": _record()})
    three.merge(precomputed.Summary(listing={"gtd-1": _record()}))  # two units hold the same attack
    assert "gtd-1" not in three.listing
    alone = precomputed.Summary(listing={"gtd-1": _record()})
    alone.merge(precomputed.Summary(listing={"gtd-2": _record()}, touched=[attack.replace("1", "3")]))
    assert set(alone.listing) == {"gtd-1", "gtd-2"}  # the check can fail


def test_a_piece_with_facts_on_an_attack_of_another_piece_keeps_no_record_of_it() -> None:
    import pyoxigraph as ox

    mkg, ids = precomputed.PREFIXES["mkg"], precomputed.PREFIXES["mkgd"]
    attack, fact = ox.NamedNode(ids + "a-1"), ox.NamedNode(ids + "a-1#claim")
    rdf_type = ox.NamedNode(precomputed.PREFIXES["rdf"] + "type")
    parts = precomputed.Parts()
    parts.add([ox.Triple(attack, rdf_type, ox.NamedNode(mkg + "Attack"))])
    whole = precomputed.Parts()
    whole.add([ox.Triple(attack, rdf_type, ox.NamedNode(mkg + "Attack"))])
    assert "a-1" in whole.summary().listing
    other = precomputed.Parts()
    other.add([ox.Triple(fact, rdf_type, ox.NamedNode(mkg + "ResponsibilityClaim")),
               ox.Triple(fact, ox.NamedNode(mkg + "attack"), attack)])
    parts.merge(other)
    assert "a-1" not in parts.summary().listing
