"""The STIX bundle as platforms import it (issue 20, item 7): the OASIS validator's --interop and --strict,
relationships told apart, opinions on allegations and disputes, dates from the sources, producer, extension."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from stix2validator import ValidationOptions, validate_string

from kg.export import stix
from kg.store.store import open_graph
from tests.conftest import REPO


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return dict(json.loads((REPO / "exports" / "stix-bundle.json").read_text(encoding="utf-8")))


def by_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [obj for obj in bundle["objects"] if obj["type"] == kind]


@pytest.mark.parametrize("options", [{"interop": True}, {"strict": True}, {"strict": True, "interop": True}])
def test_the_oasis_validator_passes_with_interop_and_strict(bundle: dict[str, Any], options: dict[str, bool]) -> None:
    result = validate_string(json.dumps(bundle), ValidationOptions(**options))
    assert result.is_valid, [str(e) for obj in getattr(result, "object_results", [result]) for e in obj.errors][:10]


def test_the_command_line_validator_agrees() -> None:
    done = subprocess.run([sys.executable, "-m", "stix2validator.scripts.stix2_validator", "--strict", "--interop",
                           str(REPO / "exports" / "stix-bundle.json")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "STIX JSON: Valid" in done.stdout, done.stdout[-2000:]


def test_the_crocus_relationships_can_be_told_apart(bundle: dict[str, Any]) -> None:
    names = {obj["id"]: obj.get("name", "") for obj in bundle["objects"]}
    crocus = [rel for rel in by_type(bundle, "relationship") if rel["x_mkg_kind"] == "responsibility"
              and "Crocus" in names[rel["source_ref"]] and "ISIS-K" in names[rel["target_ref"]]]
    statuses = {rel["x_mkg_claim_status"] for rel in crocus}
    assert len(crocus) >= 3 and len(statuses) >= 3
    assert len({rel["description"] for rel in crocus}) == len(crocus)
    for rel in crocus:
        assert rel["description"].lower().startswith(rel["x_mkg_claim_status"])
        assert all(source in rel["description"] for source in rel["x_mkg_sources"])
        assert rel["confidence"] in (10, 30, 50, 70, 90)


def test_allegations_and_disputes_get_opinions_referenced_by_their_reports(bundle: dict[str, Any]) -> None:
    relationships = {rel["id"]: rel for rel in by_type(bundle, "relationship")}
    expected = {(rel["id"], sid) for rel in relationships.values() if rel["x_mkg_claim_status"] in ("alleged",
                                                                                                     "disputed")
                for sid in rel["x_mkg_sources"]}
    opinions = by_type(bundle, "opinion")
    got = {(op["object_refs"][0], op["x_mkg_sources"][0]) for op in opinions}
    assert expected and got == expected
    values = {relationships[op["object_refs"][0]]["x_mkg_claim_status"]: op["opinion"] for op in opinions}
    assert values.get("alleged") == "neutral" and values.get("disputed", "disagree") == "disagree"
    reports = {report["external_references"][0]["external_id"]: set(report["object_refs"])
               for report in by_type(bundle, "report")}
    for opinion in opinions:
        sid = opinion["x_mkg_sources"][0]
        assert opinion["id"] in reports[sid] and opinion["object_refs"][0] in reports[sid]


def test_dates_come_from_the_sources(bundle: dict[str, Any]) -> None:
    published = {report["id"]: report["published"][:10] for report in by_type(bundle, "report")}
    cited: dict[str, set[str]] = defaultdict(set)
    for report in by_type(bundle, "report"):
        for ref in [report["id"], *report["object_refs"]]:
            cited[ref].add(published[report["id"]])
    assert {obj["created"] for obj in bundle["objects"]} != {"2014-01-01T00:00:00.000Z"}
    for obj in bundle["objects"]:
        if obj["id"] in cited:
            assert obj["created"][:10] == min(cited[obj["id"]]) and obj["modified"][:10] == max(cited[obj["id"]])
        assert obj["created"] <= obj["modified"]


def test_a_changed_object_gets_a_newer_modified_and_the_rest_stay(tmp_path: Path) -> None:
    graph = open_graph(REPO)
    before = (REPO / "exports" / "stix-bundle.json").read_bytes()
    assert stix.bundle(graph, before) == before  # built again on the same facts: the same bytes
    from rdflib import Literal, URIRef
    from rdflib.namespace import SKOS

    isis_k = URIRef("https://w3id.org/mkg/id/isis-k")
    graph.add((isis_k, SKOS.altLabel, Literal("ISKP (test alias)", lang="en")))
    after = json.loads(stix.bundle(graph, before))
    old = {obj["id"]: obj for obj in json.loads(before)["objects"]}
    changed = [obj for obj in after["objects"] if obj.get("x_mkg_iri") == str(isis_k)]
    assert len(changed) == 1 and changed[0]["modified"] > old[changed[0]["id"]]["modified"]
    assert changed[0]["created"] == old[changed[0]["id"]]["created"]
    unchanged = [obj for obj in after["objects"] if obj["id"] != changed[0]["id"] and obj["type"] != "bundle"]
    assert all(obj["modified"] == old[obj["id"]]["modified"] for obj in unchanged)


def test_one_producer_and_an_extension_definition(bundle: dict[str, Any]) -> None:
    producer = [obj for obj in by_type(bundle, "identity") if obj["id"] == stix.PRODUCER]
    assert len(producer) == 1 and producer[0]["name"] == "militant-kg"
    assert {obj.get("created_by_ref") for obj in bundle["objects"]} == {stix.PRODUCER}
    (definition,) = by_type(bundle, "extension-definition")
    declared = set(definition["extension_properties"])
    for obj in bundle["objects"]:
        custom = {key for key in obj if key.startswith("x_")}
        assert custom <= declared
        if custom:
            assert obj["extensions"][definition["id"]] == {"extension_type": "toplevel-property-extension"}
