"""``kg import gtd`` on a hand-made sample in the exact codebook layout (tests/data/gtd/sample.csv)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph
import pytest
from click.testing import CliRunner
from rdflib.namespace import RDF

from cli.main import cli
from kg.errors import KgError
from kg.graph.validate import shapes_graph, validate
from kg.gtd import chunks
from kg.gtd.check import blocks, validate_import
from kg.gtd.columns import COLUMNS
from kg.gtd.importer import Imported, import_gtd
from kg.gtd.link import curated_resolver
from kg.namespaces import SH
from tests.conftest import DATA, REPO

SAMPLE = DATA / "gtd" / "sample.csv"
MKG = "https://w3id.org/mkg/ontology#"
ID = "https://w3id.org/mkg/id/"
PREFIXES = {"mkg": MKG, "mkgd": ID, "mkgv": "https://w3id.org/mkg/vocab/",
            "skos": "http://www.w3.org/2004/02/skos/core#", "prov": "http://www.w3.org/ns/prov#",
            "geo": "http://www.opengis.net/ont/geosparql#", "xsd": "http://www.w3.org/2001/XMLSchema#"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the curated build (exports only: the import links against it)."""
    root = tmp_path / "project"
    (root / "exports").mkdir(parents=True)
    shutil.copy(REPO / "exports" / "graph.nt", root / "exports" / "graph.nt")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def imported(project: Path) -> pyoxigraph.Store:
    code, out, err = run(project, "import", "gtd", str(SAMPLE))
    assert code == 0, err
    store = pyoxigraph.Store()
    store.bulk_load(path=str(next((project / "imports").glob("*.nt"))), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def values(store: pyoxigraph.Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(query, prefixes=PREFIXES)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(tuple("" if s[n] is None else s[n].value for n in names) for s in result)


def test_sample_uses_the_codebook_layout() -> None:
    assert SAMPLE.read_text(encoding="utf-8").splitlines()[0].split(",") == list(COLUMNS)


def test_counts_and_bad_rows_reported_with_their_lines(project: Path) -> None:
    code, out, err = run(project, "import", "gtd", str(SAMPLE))
    assert code == 0
    assert out.startswith("imported gtd-") and "14 of 20 rows" in out and "skipped 6 bad rows" in out
    skipped = [line for line in err.splitlines() if line.startswith("skipped: ")]
    assert skipped[0] == (f"skipped: {SAMPLE}:9: eventid 201502300001: iday 30 is not a day of 2015-02 "
                          "(hint: check iday, or set it to 0 if unknown)")
    assert [line.split(":")[2] for line in skipped] == ["9", "10", "11", "12", "13", "19"]
    assert "duplicate eventid" in skipped[4] and "nkill 'many' is not a number" in skipped[2]


def test_partial_dates_keep_their_precision(imported: pyoxigraph.Store) -> None:
    rows = values(imported, "SELECT ?a ?edtf ?e ?l WHERE { ?a mkg:date [ mkg:edtf ?edtf ; mkg:earliest ?e ; "
                            "mkg:latest ?l ] FILTER (?a IN (mkgd:gtd-201510000001, mkgd:gtd-201500000001)) }")
    assert rows == [(ID + "gtd-201500000001", "2015", "2015-01-01", "2015-12-31"),
                    (ID + "gtd-201510000001", "2015-10", "2015-10-01", "2015-10-31")]
    assert values(imported, "SELECT ?d WHERE { mkgd:gtd-201500000001 mkg:approximateDate ?d }") == [("late 2015",)]


def test_claims_attributions_and_suspicions(imported: pyoxigraph.Store) -> None:
    rows = values(imported, "SELECT ?group ?status ?mode WHERE { ?c mkg:attack mkgd:gtd-201611210001 ; "
                            "mkg:perpetrator/skos:prefLabel ?group ; mkg:claimStatus ?status . "
                            "OPTIONAL { ?c mkg:claimMode ?mode } }")
    assert rows == [("Khorasan Chapter of the Islamic State", PREFIXES["mkgv"] + "status-claimed", "Personal claim"),
                    ("Taliban", PREFIXES["mkgv"] + "status-suspected", "")]
    assert values(imported, "SELECT ?x WHERE { mkgd:gtd-201611210001 mkg:competingClaims ?x }") == [("true",)]
    # "Unknown" is no perpetrator at all
    claims = "SELECT ?c WHERE { ?c a mkg:ResponsibilityClaim ; mkg:attack mkgd:gtd-201803150001 }"
    assert values(imported, claims) == []


def test_casualties_are_sourced_and_unknown_is_not_zero(imported: pyoxigraph.Store) -> None:
    rows = values(imported, "SELECT ?a ?m ?n WHERE { ?r a mkg:CasualtyReport ; mkg:attack ?a ; "
                            "mkg:measure ?m ; mkg:count ?n ; prov:wasDerivedFrom ?d . "
                            "?d a mkg:Dataset . FILTER (?a IN (mkgd:gtd-202401030001, mkgd:gtd-201510000001, "
                            "mkgd:gtd-201707070001)) }")
    measure = PREFIXES["mkgv"] + "measure-"
    assert rows == [(ID + "gtd-201707070001", measure + "killed", "1.5"),
                    (ID + "gtd-202401030001", measure + "injured", "284"),
                    (ID + "gtd-202401030001", measure + "killed", "95")]


def test_group_names_link_to_curated_entities_with_scores(imported: pyoxigraph.Store) -> None:
    rows = values(imported, "SELECT ?name ?entity ?score ?status WHERE { ?g skos:prefLabel ?name ; "
                            "mkg:match [ mkg:matchedEntity ?entity ; mkg:matchScore ?score ; "
                            "mkg:matchStatus ?status ] }")
    strong = {(name, entity.removeprefix(ID)) for name, entity, _, status in rows if status.endswith("match-strong")}
    assert ("Khorasan Chapter of the Islamic State", "isis-k") in strong
    assert ("Khorasan jihadi group", "khorasan-group") in strong  # al-Qaeda's, not ISIS-K
    assert ("Taliban", "taliban") in strong
    possible = {(name, entity.removeprefix(ID)) for name, entity, _, status in rows
                if status.endswith("match-possible")}
    assert ("Taliban", "isis-k-founding-defectors") in possible
    assert not [r for r in rows if r[0] == "Some Local Militia"]
    # linked, never merged: the imported group stays its own node
    assert values(imported, "SELECT ?g WHERE { ?g skos:closeMatch mkgd:isis-k }")[0][0].startswith(ID + "gtd-group-")


def test_several_close_candidates_are_possible_matches_only(imported: pyoxigraph.Store) -> None:
    rows = values(imported, "SELECT ?entity ?score ?status WHERE { ?g skos:prefLabel 'Islamic State'@en ; mkg:match "
                            "[ mkg:matchedEntity ?entity ; mkg:matchScore ?score ; mkg:matchStatus ?status ] }")
    assert {(e.removeprefix(ID), s.rsplit("/", 1)[1]) for e, _, s in rows} >= {
        ("isis", "match-possible"), ("isis-k", "match-possible")}
    assert all(status.endswith("match-possible") for _, _, status in rows)
    assert values(imported, "SELECT ?x WHERE { ?g skos:prefLabel 'Islamic State'@en ; skos:closeMatch ?x }") == []


def test_three_groups_each_with_its_own_status(imported: pyoxigraph.Store) -> None:
    rows = values(imported, "SELECT ?c ?group ?status ?mode WHERE { ?c mkg:attack mkgd:gtd-201806060001 ; "
                            "mkg:perpetrator/skos:prefLabel ?group ; mkg:claimStatus ?status . "
                            "OPTIONAL { ?c mkg:claimMode ?mode } }")
    status = PREFIXES["mkgv"] + "status-"
    assert rows == [(ID + "gtd-201806060001#perpetrator-1", "Islamic State", status + "suspected", ""),
                    (ID + "gtd-201806060001#perpetrator-2", "Al-Qaida", status + "suspected", ""),
                    (ID + "gtd-201806060001#perpetrator-3", "Some Local Militia", status + "claimed",
                     "Posted to website, blog, etc.")]


def test_a_later_import_links_to_curated_entities_not_to_earlier_imports(project: Path, tmp_path: Path) -> None:
    header = "eventid,iyear,imonth,iday,country_txt,provstate,gname\n"
    for number, eventid in enumerate(("201901010001", "201901010002")):
        path = tmp_path / f"part{number}.csv"
        path.write_text(header + f"{eventid},2019,1,1,Somalia,,Taliban\n", encoding="utf-8")
        assert run(project, "import", "gtd", str(path))[0] == 0
    later = max((project / "imports").glob("*.nt"), key=lambda p: "201901010002" in p.read_text())
    store = pyoxigraph.Store()
    store.bulk_load(path=str(later), format=pyoxigraph.RdfFormat.N_TRIPLES)
    matches = values(store, "SELECT ?e ?status WHERE { ?g skos:prefLabel 'Taliban'@en ; "
                            "mkg:match [ mkg:matchedEntity ?e ; mkg:matchStatus ?status ] }")
    assert (ID + "taliban", PREFIXES["mkgv"] + "match-strong") in matches
    assert not [e for e, _ in matches if e.startswith(ID + "gtd-")]
    # the country the first file made is made again, not borrowed: each file stands on its own
    assert values(store, "SELECT ?p WHERE { mkgd:gtd-201901010002 mkg:place ?p . ?p a mkg:Location ; "
                         "skos:prefLabel 'Somalia'@en }") != []


def test_an_incident_imported_from_another_file_is_refused(project: Path, tmp_path: Path) -> None:
    assert run(project, "import", "gtd", str(SAMPLE))[0] == 0
    before = sorted(p.name for p in (project / "imports").iterdir())
    path = tmp_path / "again.csv"
    path.write_text("eventid,iyear,imonth,iday,country_txt,gname\n201901010001,2019,1,1,Iran,Taliban\n"
                    "202401030001,2024,1,3,Iran,Khorasan Chapter of the Islamic State\n", encoding="utf-8")
    code, _, err = run(project, "import", "gtd", str(path))
    dataset = next(name for name in before if name.endswith(".nt")).removesuffix(".nt")
    assert code == 2 and err.strip() == (  # an input error: the README's exit codes
        f"error: {path}:3: eventid 202401030001 is already imported from {dataset} (1 of this file's rows are) "
        f"(hint: to load a newer release in its place, delete imports/{dataset}.* first; records are never merged)")
    assert sorted(p.name for p in (project / "imports").iterdir()) == before


def test_places_follow_the_hierarchy_into_curated_countries(imported: pyoxigraph.Store) -> None:
    rows = values(imported, "SELECT ?country WHERE { mkgd:gtd-202401030001 mkg:place/geo:sfWithin* ?country . "
                            "FILTER (?country = mkgd:iran) }")
    assert rows == [(ID + "iran",)]


def test_kg_attacks_reads_imported_incidents(project: Path, imported: pyoxigraph.Store) -> None:
    code, out, _ = run(project, "attacks", "--by", "isis-k", "--in", "Iran", "-f", "csv")
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("gtd-")]
    assert len(lines) == 1 and lines[0].startswith("gtd-202401030001,2024-01-03,Kerman,")
    assert "(claimed; gtd-" in lines[0] and "row 202401030001" in lines[0] and "killed: 95" in lines[0]


def test_kg_attacks_lists_the_first_n_earliest_first_and_says_how_many_more(project: Path,
                                                                           imported: pyoxigraph.Store) -> None:
    _, everything, _ = run(project, "attacks", "--limit", "0", "-f", "csv")
    rows = everything.splitlines()[1:]
    assert len(rows) > 3
    code, out, err = run(project, "attacks", "--limit", "2", "-f", "csv")
    assert code == 0 and out.splitlines()[1:] == rows[:2]
    assert err.strip() == f"showing the first 2 of {len(rows)} attacks (--limit 0 shows all)"
    _, listed, _ = run(project, "attacks", "--limit", "0", "-f", "json")
    earliest = [attack["earliest"] or "9999" for attack in json.loads(listed)["results"]]
    assert len(earliest) == len(rows) and earliest == sorted(earliest)  # by earliest possible day, undated last
    code, out, _ = run(project, "attacks", "--limit", "1", "-f", "json")
    assert json.loads(out)["query"]["total"] == len(rows) and len(json.loads(out)["results"]) == 1


def test_strict_fails_on_the_first_bad_row_and_writes_nothing(project: Path) -> None:
    code, _, err = run(project, "import", "gtd", "--strict", str(SAMPLE))
    assert code == 1 and err.strip() == (f"error: {SAMPLE}:9: eventid 201502300001: iday 30 is not a day of 2015-02 "
                                         "(hint: check iday, or set it to 0 if unknown)")
    assert not (project / "imports").exists()


def test_importing_the_same_file_twice_is_refused(project: Path) -> None:
    assert run(project, "import", "gtd", str(SAMPLE))[0] == 0
    before = {p.name: p.read_bytes() for p in (project / "imports").iterdir()}
    code, _, err = run(project, "import", "gtd", str(SAMPLE), "--source-id", "gtd-again")
    assert code == 2 and "already imported as gtd-" in err  # an input error: the README's exit codes
    assert {p.name: p.read_bytes() for p in (project / "imports").iterdir()} == before


@pytest.mark.parametrize(("content", "message"), [
    ("eventid,iyear,imonth\n1,2015,1\n", "line 1: missing column(s) iday, country_txt, gname"),
    ("eventid,iyear,imonth,iday,country_txt,gname,nkil\n", "line 1: unknown column 'nkil' (hint: did you mean nkill?)"),
])
def test_bad_headers(project: Path, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(project, "import", "gtd", str(path))
    assert code == 2 and message in err and "Traceback" not in err


def test_latin1_file_needs_its_encoding(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("eventid,iyear,imonth,iday,country_txt,gname\n201001010001,2010,1,1,Côte d'Ivoire,X\n"
                     .encode("latin-1"))
    code, _, err = run(project, "import", "gtd", str(path))
    assert code == 2 and "pass --encoding latin-1" in err
    code, out, _ = run(project, "import", "gtd", str(path), "--encoding", "latin-1")
    assert code == 0 and "1 of 1 rows" in out


def test_build_and_store_include_the_import(project: Path, imported: pyoxigraph.Store) -> None:
    code, out, err = run(project, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?a a mkg:Attack ; mkg:recordId ?r }",
                         "-f", "csv")
    assert code == 0 and out.splitlines()[1] == "14" and "loading 2 file(s)" in err  # the graph and the import


# Every dataset shape has a conforming example (the sample import) and a violating one.
MUTATIONS = {
    "DatasetShape": ("DELETE WHERE { ?d mkg:sha256 ?s }", "a dataset needs the SHA-256 of its file"),
    "RecordShape": ("DELETE WHERE { mkgd:gtd-201501030001 prov:wasDerivedFrom ?d }",
                    "needs exactly one dataset it was derived from"),
    "ImportedAttackShape": ("DELETE WHERE { mkgd:gtd-201501030001 mkg:recordId ?r }",
                            "needs the id of the dataset row it came from"),
    "ImportedDateShape": ("DELETE { ?d mkg:precision ?p } INSERT { ?d mkg:precision mkgv:precision-range } "
                          "WHERE { mkgd:gtd-201501030001 mkg:date ?d . ?d mkg:precision ?p }",
                          "a dataset date is a day, a month or a year"),
    "ImportedClaimShape": ("DELETE { ?c mkg:claimStatus ?s } INSERT { ?c mkg:claimStatus mkgv:status-opinion } "
                           "WHERE { ?c mkg:attack mkgd:gtd-201501030001 ; mkg:claimStatus ?s }",
                           "a dataset attribution is claimed, attributed or suspected"),
    "ImportedCasualtyShape": ("DELETE { ?r mkg:count ?n } INSERT { ?r mkg:count -5 } "
                              "WHERE { ?r mkg:attack mkgd:gtd-201501030001 ; mkg:count ?n }",
                              "needs one count, zero or more"),
    "ImportedNamedShape": ("DELETE WHERE { ?g mkg:match ?m ; prov:wasDerivedFrom ?d }",
                           "needs the dataset that names it"),
    "EntityMatchShape": ("DELETE { ?m mkg:matchScore ?s } INSERT { ?m mkg:matchScore 140.0 } "
                         "WHERE { ?m a mkg:EntityMatch ; mkg:matchScore ?s }", "needs a score from 0 to 100"),
}


def test_every_dataset_shape_has_a_violating_example() -> None:
    shapes = shapes_graph("dataset")
    names = {str(s).rsplit("#", 1)[1] for s in shapes.subjects(RDF.type, SH.NodeShape)}
    assert names == set(MUTATIONS)


def test_sample_import_conforms(imported: pyoxigraph.Store) -> None:
    assert validate(_with_types(imported), shapes_graph("dataset")).conforms


@pytest.mark.parametrize("shape", sorted(MUTATIONS))
def test_dataset_shape_violation(imported: pyoxigraph.Store, shape: str) -> None:
    update, message = MUTATIONS[shape]
    store = _with_types(imported)
    store.update("\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\n" + update)
    report = validate(store, shapes_graph("dataset"))
    assert not report.conforms
    assert any(v.message == message and v.shape.endswith("#" + shape) for v in report.violations), report.violations


def _with_types(store: pyoxigraph.Store) -> pyoxigraph.Store:
    """The import plus the types of the curated entities it points at, as the importer validates it."""
    copy = pyoxigraph.Store()
    copy.extend(store)
    for country in ("iran", "afghanistan", "pakistan", "syria", "iraq", "yemen", "russia-country"):
        copy.add(pyoxigraph.Quad(pyoxigraph.NamedNode(ID + country), pyoxigraph.NamedNode(str(RDF.type)),
                                 pyoxigraph.NamedNode(MKG + "Location")))
    return copy


# Large imports are validated block by block (kg.gtd.check); the result must be that of the whole file.
def _body(project: Path) -> bytes:
    assert run(project, "import", "gtd", str(SAMPLE))[0] == 0
    return next((project / "imports").glob("*.nt")).read_bytes()


def _first_violations(project: Path, body: bytes, **how: object) -> str:
    try:
        validate_import(project, body, "x.nt", **how)  # type: ignore[arg-type]
    except KgError as exc:
        return str(exc)
    return ""


ATTACK_TYPE = f"> <{RDF.type}> <{MKG}Attack> .\n"
BLOCK_MUTATIONS = {
    "row id removed": lambda body: body.replace(f'<{ID}gtd-201806060001> <{MKG}recordId> "201806060001" .\n', ""),
    "second date": lambda body: body.replace(f"<{ID}gtd-201409220001{ATTACK_TYPE}",
                                             f"<{ID}gtd-201409220001{ATTACK_TYPE}"
                                             f"<{ID}gtd-201409220001> <{MKG}date> <{ID}gtd-date-2015> .\n"),
}


def test_blocks_split_at_rows_after_the_head(project: Path) -> None:
    body = _body(project)
    end, spans = blocks(body, 2000)
    assert len(spans) > 3 and spans[0][0] == end and spans[-1][1] == len(body)
    assert ATTACK_TYPE.encode() not in body[:end]
    assert all(body[a:b].split(b"\n", 1)[0].endswith(ATTACK_TYPE.encode().rstrip(b"\n")) for a, b in spans)


@pytest.mark.parametrize("mutation", sorted(BLOCK_MUTATIONS))
def test_block_by_block_finds_what_the_whole_file_does(project: Path, mutation: str) -> None:
    body = _body(project)
    bad = BLOCK_MUTATIONS[mutation](body.decode("utf-8")).encode("utf-8")
    assert bad != body
    whole = _first_violations(project, bad, laid_out=False)
    assert whole and _first_violations(project, bad, laid_out=True, block_bytes=2000, workers=1) == whole
    assert _first_violations(project, body, laid_out=True, block_bytes=2000, workers=1) == ""


def test_blocks_in_worker_processes(project: Path) -> None:
    body = _body(project)
    assert _first_violations(project, body, laid_out=True, block_bytes=4000, workers=2) == ""
    bad = BLOCK_MUTATIONS["row id removed"](body.decode("utf-8")).encode("utf-8")
    assert "needs the id of the dataset row" in _first_violations(project, bad, laid_out=True, block_bytes=4000,
                                                                  workers=2)


def test_an_edited_import_is_validated_whole(project: Path) -> None:
    body = _body(project)
    assert _first_violations(project, body, block_bytes=2000, workers=1) == ""  # recorded: block by block
    # a row's triple moved out of its run: blocks would miss it, so a body no record vouches for is checked whole
    bad = body + f"<{ID}gtd-201409220001> <{MKG}date> <{ID}gtd-date-2015> .\n".encode()
    assert _first_violations(project, bad, laid_out=True, block_bytes=2000, workers=1) == ""
    assert "needs exactly one date" in _first_violations(project, bad, block_bytes=2000, workers=1)


# A large file is mapped to triples in worker processes (kg.gtd.chunks): not a byte of what is written may change.
def _import(root: Path, path: Path, **how: Any) -> tuple[Imported, dict[str, bytes]]:
    result = import_gtd(root, path, resolver=curated_resolver(root), **how)
    return result, {p.name: p.read_bytes() for p in (root / "imports").iterdir()}


def _spawns(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker count of each pool the import starts."""
    started: list[int] = []
    in_workers = chunks._in_workers

    def spy(*args: Any) -> Any:
        started.append(args[-1])
        return in_workers(*args)
    monkeypatch.setattr(chunks, "_in_workers", spy)
    return started


def test_worker_processes_write_the_same_bytes(project: Path, tmp_path: Path, synth: ModuleType,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "synth.csv"
    path.write_bytes(synth.write(3000, 7))
    other = shutil.copytree(project, tmp_path / "other")
    started = _spawns(monkeypatch)
    alone, expected = _import(project, path)
    assert started == []  # a small file is mapped in process
    progress: list[int] = []
    result, written = _import(other, path, workers=2, threshold=0, chunk_rows=400, progress=progress.append)
    assert started == [2] and progress == [*range(400, 3000, 400), 3000]
    assert written == expected  # the .nt, .csv and .yaml
    assert (result.rows, result.imported, result.skipped, result.triples) == (
        alone.rows, alone.imported, alone.skipped, alone.triples)
    assert alone.imported == 3000 and b"#match-taliban>" in expected[f"{alone.id}.nt"]


def test_worker_processes_report_bad_rows_at_their_lines(project: Path, tmp_path: Path, synth: ModuleType) -> None:
    rows = list(csv.DictReader(io.StringIO(synth.write(600, 5).decode("utf-8"))))
    rows[250].update(imonth="2", iday="30")  # line 252
    rows[420].update(gname="Taliban", gname2="Al-Qaida", gname3="Khorasan Chapter of the Islamic State", claim3="1")
    rows[500]["eventid"] = rows[10]["eventid"]  # line 502, four chunks after the first
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    lines = out.getvalue().split("\n")
    lines[331] += ",1"  # line 332: one field too many
    path = tmp_path / "messy.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    other = shutil.copytree(project, tmp_path / "other")
    alone, expected = _import(project, path, workers=1)
    result, written = _import(other, path, workers=2, threshold=0, chunk_rows=100)
    assert written == expected and result.skipped == alone.skipped
    assert [(p.line, p.message.split(" ")[0]) for p in result.skipped] == [(252, "iday"), (332, "135"),
                                                                           (502, "duplicate")]
    assert (result.rows, result.imported) == (600, 597)
    attack = f"<{ID}gtd-{rows[420]['eventid']}#perpetrator-".encode()
    assert all(attack + f"{n}> <{MKG}claimStatus>".encode() in written[f"{result.id}.nt"] for n in (1, 2, 3))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_row_that_cannot_be_mapped_fails_at_its_line(project: Path, tmp_path: Path, workers: int) -> None:
    path = tmp_path / "escaped.csv"  # read as unicode_escape, the summary holds a lone surrogate: no RDF literal
    path.write_text("eventid,iyear,imonth,iday,country_txt,gname,summary\n201901010001,2019,1,1,Iran,Taliban,fine\n"
                    "201901010002,2019,1,2,Iran,Taliban,a lone \\ud800 surrogate\n", encoding="ascii")
    with pytest.raises(KgError) as raised:
        import_gtd(project, path, encoding="unicode_escape", workers=workers, threshold=0, chunk_rows=1)
    message = str(raised.value)
    assert message.startswith(f"{path}:3: the row could not be mapped to triples: ") and "ud800" in message
    assert not (project / "imports").exists()
