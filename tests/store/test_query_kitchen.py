"""kg query on the kitchen-sink fixture: every library query runs, results pinned, parameters.

The kitchen project is built once per module. A second project adds a well-graded source
that disagrees with the fixture's, for the queries that compare sources.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from kg.curate.corpus import load
from kg.namespaces import ID, MKG
from kg.store.query import PARAM_TYPES, library
from kg.store.sparql_safety import check_query
from kg.store.store import graph_of, open_store
from tests.conftest import KITCHEN

KITCHEN_VALUES = {  # a kitchen value for every parameter name the library declares
    "org": "test-group", "agent": "Test Group", "entity": "test-group", "place": "Testland",
    "source": "src-fixture", "name": "ikhtibar", "date": "2019-03",
}
SECOND_TEXT = "قال مسؤولون إن جماعة الاختبار نفذت التفجير في مدينة الاختبار.\nوقتل 12 شخصا في التفجير.\n"
SECOND_FACTS = """source: src-second
facts:
  - id: f-second-01
    type: Responsibility
    attack: test-bombing-2020
    agent: test-group
    status: attributed
    quote: "قال مسؤولون إن جماعة الاختبار نفذت التفجير"
  - id: f-second-02
    type: CasualtyReport
    attack: test-bombing-2020
    measure: killed
    value: 12
    qualifier: exact
    quote: "وقتل 12 شخصا في التفجير"
"""


def kg(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def build(root: Path) -> Path:
    code, _, err = kg(root, "build")
    assert code == 0, err
    return root


def built_kitchen(folder: Path) -> Path:
    """A copy of the kitchen-sink project in ``folder``, built (exports and store)."""
    root = folder / "kitchen"
    shutil.copytree(KITCHEN, root, ignore=shutil.ignore_patterns("exports"))
    return build(root)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_kitchen(tmp_path_factory.mktemp("query"))


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kitchen plus a well-graded source that attributes the bombing and counts 12 dead."""
    root = tmp_path_factory.mktemp("query") / "two-sources"
    shutil.copytree(KITCHEN, root, ignore=shutil.ignore_patterns("exports"))
    text = SECOND_TEXT.encode("utf-8")
    (root / "sources" / "second-text.txt").write_bytes(text)
    (root / "sources" / "src-second.yaml").write_text(
        "id: src-second\nfile: second-text.txt\n"
        f"sha256: {hashlib.sha256(text).hexdigest()}\n"
        'language: ar\ntitle: "نص ثان"\ntitle_en: "Second fixture text"\nauthor: null\npublisher: null\n'
        'published: "2021-03"\npublished_reason: "Invented for tests."\n'
        'grade:\n  reliability: B\n  credibility: 2\n  reason: "A made-up fixture graded well."\n',
        encoding="utf-8")
    (root / "facts" / "second.yaml").write_text(SECOND_FACTS, encoding="utf-8")
    return build(root)


def short(value: str) -> str:
    return value.removeprefix(str(ID)).removeprefix(str(MKG))


def rows(root: Path, *args: str) -> list[dict[str, str]]:
    code, out, err = kg(root, "query", *args, "-f", "csv")
    assert code == 0, err
    return [{k: short(v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(out))]


def pick(found: list[dict[str, str]], *columns: str) -> list[tuple[str, ...]]:
    return [tuple(row[c] for c in columns) for row in found]


def params_for(name: str) -> list[str]:
    args = []
    for param in library()[name].params:
        args += ["--param", f"{param.name}={KITCHEN_VALUES[param.name]}"]
    return args


# --- the library -------------------------------------------------------------------------

def test_every_library_query_parses_and_has_a_header() -> None:
    queries = library()
    assert len(queries) >= 15
    for query in queries.values():
        check_query(query.text, name=query.name)
        assert query.text.startswith("# title: "), query.name
        assert query.title and query.description, query.name
        for param in query.params:
            assert param.type in PARAM_TYPES and param.description, (query.name, param)
            variable = f"?{param.name}_earliest" if param.type == "date" else f"?{param.name}"
            assert variable in query.text, (query.name, param.name)
            assert param.name in KITCHEN_VALUES, f"add a kitchen value for {param.name}"


@pytest.mark.parametrize("name", sorted(library()))
def test_every_library_query_runs_on_the_kitchen_store(project: Path, name: str) -> None:
    code, out, err = kg(project, "query", "--name", name, *params_for(name), "-f", "json")
    assert code == 0 and err == "", err
    results = json.loads(out)
    assert results["head"]["vars"] and isinstance(results["results"]["bindings"], list)


PINNED: dict[tuple[str, ...], tuple[tuple[str, ...], list[tuple[str, ...]]]] = {
    # (query, params...): (columns, the exact rows on the kitchen graph)
    ("attacks-by", "agent=test-group"): (
        ("attack", "kind", "status", "claimed_by", "channel", "source"),
        [("test-bombing-2020", "claimed", "claimed", "test-group", "test-agency", "src-fixture")]),
    ("affiliations-at", "org=test-group", "date=2019-03"): (
        ("member", "role", "start", "end", "status"), [("ahmad-test", "leader", "2018", "2019-10", "certain")]),
    ("affiliations-at", "org=test-group", "date=2019-10"): (
        ("member", "role", "status"), [("ahmad-test", "leader", "possible")]),
    ("affiliations-at", "org=test-group", "date=2017-12-31"): (("member",), []),
    ("affiliations-at", "org=جماعة الاختبار", "date=2018"): (("member", "status"), [("ahmad-test", "possible")]),
    ("leaders",): (("person", "role", "org", "start", "end", "attested"),
                   [("ahmad-test", "leader", "branch-group", "", "", "2020-03-05"),
                    ("ahmad-test", "leader", "test-group", "2018", "2019-10", "")]),
    # seen leading the Branch Group on one day: certain that day, only possible around it
    ("affiliations-at", "org=branch-group", "date=2020-03-05"): (
        ("member", "role", "attested", "status"), [("ahmad-test", "leader", "2020-03-05", "certain")]),
    ("affiliations-at", "org=branch-group", "date=2020-03"): (("member", "status"), [("ahmad-test", "possible")]),
    ("lineage-down", "org=test-group"): (("descendant", "label"), [("branch-group", "Branch Group")]),
    ("lineage-up", "org=branch-group"): (("ancestor", "label"), [("test-group", "Test Group")]),
    ("lineage-up", "org=test-group"): (("ancestor",), []),
    ("splits",): (("fact", "kind", "original", "resulting", "date"),
                  [("f-fixture-04", "split", "test-group", "branch-group", "2019")]),
    ("casualties",): (("attack", "measure", "qualifier", "value", "source"),
                      [("test-bombing-2020", "killed", "more-than", "10", "src-fixture")]),
    ("designations",): (("organization", "authority", "type", "instrument", "date"),
                        [("test-group", "test-government", "terrorist-organization", "an unnamed decree",
                          "2021-01-01")]),
    ("strength",): (("organization", "qualifier", "value", "status"), [("test-group", "about", "500", "reported")]),
    ("attacks-in", "place=Testland"): (("attack", "date", "where"), [("test-bombing-2020", "2020-03-05", "test-city")]),
    ("attacks-in", "place=test-city"): (("attack",), [("test-bombing-2020",)]),
    ("name-lookup", "name=IKHTIBAR"): (("entity", "type"), [("ahmad-test", "Person"), ("test-group", "Organization")]),
    ("name-lookup", "name=Khorasan"): (("entity",), []),
    ("disagreements",): (("attack",), []),
    ("readings",): (("fact", "reading", "preferred"),
                    [("f-fixture-09", "f-fixture-09#reading-agency-accuses", ""),
                     ("f-fixture-09", "f-fixture-09#reading-ahmad-accuses", "preferred")]),
    ("timeline", "entity=test-group"): (
        ("date", "what", "type", "fact"),
        [("2018", "start", "affiliation", "f-fixture-03"), ("2019", "date", "split", "f-fixture-04"),
         ("2019-10", "end", "affiliation", "f-fixture-03"),
         ("2020-03-05", "attack date", "responsibility", "f-fixture-01"),
         ("2021-01-01", "date", "designation", "f-fixture-05")]),
    ("timeline", "entity=test-bombing-2020"): (
        ("type", "fact"), [("attack", "test-bombing-2020"), ("casualties", "f-fixture-02"),
                           ("responsibility", "f-fixture-01")]),
}


@pytest.mark.parametrize("case", sorted(PINNED), ids=" ".join)
def test_library_query_result_is_pinned_on_the_kitchen(project: Path, case: tuple[str, ...]) -> None:
    name, *values = case
    args = [arg for value in values for arg in ("--param", value)]
    columns, expected = PINNED[case]
    assert pick(rows(project, "--name", name, *args), *columns) == expected


def test_organizations_with_both_labels_and_aliases(project: Path) -> None:
    found = {row["org"]: row for row in rows(project, "--name", "organizations")}
    assert sorted(found) == ["branch-group", "test-agency", "test-government", "test-group"]
    group = found["test-group"]
    assert (group["label_en"], group["label_ar"], group["kind"]) == ("Test Group", "جماعة الاختبار", "militant-group")
    assert set(group["aliases"].split(" | ")) == {"TG", "Jamaat al-Ikhtibar"}


def test_everything_a_source_says_and_low_credibility(project: Path) -> None:
    said = {row["fact"] for row in rows(project, "--name", "source-says", "--param", "source=mkgd:src-fixture")}
    curated = load(KITCHEN)
    grounded = {r.id for r in curated.entities.values() if "quote" in r.data}
    assert said == {r.id for r in curated.facts} | grounded
    assert {"f-fixture-01", "test-bombing-2020"} <= said
    assert {row["fact"] for row in rows(project, "--name", "low-credibility")} == said  # the fixture is graded F6


def test_sources_that_disagree_and_claims_beside_attributions(two_sources: Path) -> None:
    assert pick(rows(two_sources, "--name", "disagreements"), "attack", "source_a", "figure_a", "source_b",
                "figure_b") == [("test-bombing-2020", "src-fixture", "more-than 10", "src-second", "exact 12")]
    assert pick(rows(two_sources, "--name", "attacks-by", "--param", "agent=test-group"), "kind", "source") == [
        ("attributed", "src-second"), ("claimed", "src-fixture")]
    low = {row["fact"] for row in rows(two_sources, "--name", "low-credibility")}
    assert "f-fixture-02" in low and not any(fact.startswith("f-second") for fact in low)


# --- parameters --------------------------------------------------------------------------

def test_injection_in_a_parameter_is_bound_as_a_literal(project: Path) -> None:
    before = len(graph_of(open_store(project)))
    payload = '"} ; DROP ALL ; SELECT * {'
    assert rows(project, "--name", "name-lookup", "--param", f"name={payload}") == []
    echoed = rows(project, "SELECT ?x WHERE { }", "--param", f"x={payload}")
    assert [row["x"] for row in echoed] == [payload]
    code, out, _ = kg(project, "query", "SELECT (COUNT(*) AS ?n) ?x WHERE { ?s ?p ?o } GROUP BY ?x",
                      "--param", f"x={payload}", "-f", "csv")
    assert code == 0 and int(out.splitlines()[1].split(",")[0]) == before
    assert len(graph_of(open_store(project))) == before


@pytest.mark.parametrize("value", ["mkgd:test-country", "<https://w3id.org/mkg/id/test-country>"])
def test_ad_hoc_iri_parameters(project: Path, value: str) -> None:
    found = rows(project, 'SELECT ?s ?l WHERE { ?s skos:prefLabel ?l FILTER (lang(?l) = "en") }',
                 "--param", f"s={value}")
    assert pick(found, "s", "l") == [("test-country", "Testland")]


@pytest.mark.parametrize(("value", "expected"), [
    ('"Testland"@en', ["test-country"]), ("Testland", []),  # a plain literal is not the @en label
    ('"500"^^xsd:integer', ["f-fixture-06"]), ("500", []),
])
def test_ad_hoc_literal_parameters(project: Path, value: str, expected: list[str]) -> None:
    found = rows(project, "SELECT ?s ?o WHERE { ?s skos:prefLabel|mkg:count ?o }", "--param", f"o={value}")
    assert [row["s"] for row in found] == expected


@pytest.mark.parametrize(("args", "message"), [
    (["--param", "org=test-group"], "affiliations-at: missing parameter date (hint: --param date=VALUE: date,"),
    (["--param", "org=test-group", "--param", "date=2019", "--param", "x=1"],
     "affiliations-at: unknown parameter x (hint: this query takes: org (entity), date (date))"),
    (["--param", "org=test-group", "--param", "date=2019-13"], "--param date: '2019-13' is not a valid EDTF date"),
    (["--param", "org=nothing-like-it", "--param", "date=2019"], "nothing-like-it: no entity matches this name"),
    (["--param", "org=test", "--param", "date=2019"], "test: ambiguous name:"),
    (["--param", "orgtest-group"], "--param orgtest-group: expected NAME=VALUE"),
])
def test_bad_parameters_are_one_line_usage_errors(project: Path, args: list[str], message: str) -> None:
    code, out, err = kg(project, "query", "--name", "affiliations-at", *args)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {message}"), err


def test_unknown_library_query(project: Path) -> None:
    code, _, err = kg(project, "query", "--name", "no-such-query")
    assert code == 2 and "no such library query (hint: known: affiliations-at," in err
