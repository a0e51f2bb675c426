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


def test_the_kept_relations_are_the_relations_the_store_answers(project: Path) -> None:
    from kg.analysis.relations import read_relations, relations

    store, folder, _ = open_generation(project, keep=False)
    graph = StoreGraph(store, folder)
    kept = precomputed.of_graph(graph).answer("relations")
    assert kept and {r["kind"] for r in kept} >= {"affiliation", "responsibility"}
    read = read_relations(graph)
    assert relations(graph) == read
    assert [r.quotes for r in relations(graph)] == [r.quotes for r in read]  # quotes are not compared by ==
    assert relations(StoreGraph(store)) == read  # no generation: read from the store


def test_an_index_from_before_it_kept_relations_answers_none_and_the_relations_are_read(project: Path,
                                                                                        tmp_path: Path) -> None:
    import sqlite3

    from kg.analysis.relations import read_relations, relations

    store, folder, _ = open_generation(project, keep=False)
    older = tmp_path / "older"
    shutil.copytree(folder, older)
    db = sqlite3.connect(older / precomputed.FILE)
    db.execute("DROP TABLE answer")
    db.commit()
    db.close()
    graph = StoreGraph(store, older)
    assert precomputed.of_graph(graph).answer("relations") is None
    assert relations(graph) == read_relations(StoreGraph(store))


def test_an_attack_listed_from_the_index_is_the_attack_read_from_the_store(project: Path) -> None:
    from kg.analysis.attacks import details, matching

    store, folder, _ = open_generation(project, keep=False)
    kept, live = StoreGraph(store, folder), StoreGraph(store)
    live.precomputed = precomputed.Precomputed.of(precomputed.Summary())  # no listings: every attack read whole
    ids = matching(kept)
    listed = precomputed.of_graph(kept).listings([precomputed.PREFIXES["mkgd"] + i for i in ids])
    assert len(ids) >= 10 and set(listed) == {precomputed.PREFIXES["mkgd"] + i for i in ids}
    assert [row.as_dict() for row in details(kept, ids)] == [row.as_dict() for row in details(live, ids)]
    assert any(row.claims for row in details(kept, ids)) and any(row.figures for row in details(kept, ids))


def test_an_attack_another_unit_adds_to_is_read_from_the_store() -> None:
    attack, fact = precomputed.PREFIXES["mkgd"] + "gtd-1", precomputed.PREFIXES["mkgd"] + "f-1"
    one = precomputed.Summary(listing={attack: [[], []]})
    other = precomputed.Summary(listing={}, touched=[attack])  # e.g. a curated claim on an imported attack
    one.merge(other)
    assert attack not in one.listing and attack in one.touched
    two = precomputed.Summary(listing={attack: [[], [[fact, []]]]})
    two.merge(precomputed.Summary(touched=[fact]))  # a source added to one of its facts
    assert attack not in two.listing
