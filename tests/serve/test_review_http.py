"""The review workspace over plain HTTP: every action is a form post, and what it refuses changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.serve.workspace import SOURCE, form_values, hashes, key_of, make_project, request, serving


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def url(project: Path) -> Iterator[str]:
    with serving(project) as base:
        yield base


def page(url: str) -> tuple[str, dict[str, str]]:
    status, _, body = request(f"{url}/review/{SOURCE}")
    assert status == 200, body
    return body, form_values(body)


CLAIM = "f-07f3032a-c01"
KILLED = "f-07f3032a-c02"
BLAME = "f-07f3032a-c04"


def facts(project: Path) -> dict:
    return yaml.safe_load((project / "facts" / f"{SOURCE}.yaml").read_text(encoding="utf-8"))


def draft(project: Path) -> dict:
    return yaml.safe_load((project / "facts" / "drafts" / f"{SOURCE}.yaml").read_text(encoding="utf-8"))


def test_queue_lists_the_draft_with_its_counts(url: str) -> None:
    status, headers, body = request(f"{url}/review/")
    assert status == 200 and f'href="/review/{SOURCE}"' in body
    assert '<td class="waiting">18</td>' in body
    assert "default-src 'self'" in headers["content-security-policy"]


def test_source_page_shows_the_text_right_to_left_with_marked_spans(url: str, project: Path) -> None:
    body, _ = page(url)
    assert 'id="article" class="article" lang="ar" dir="rtl"' in body
    place, claim = key_of(project, entity="kerman"), key_of(project, id=CLAIM)
    attack = key_of(project, entity="kerman-bombings-2024")
    inner = " ".join([place, attack, claim])  # the place, inside the attack's words, inside the claim's
    assert f'data-keys="{inner}" data-start="0">كرمان</mark>' in body
    assert body.count('<li id="cand-') == 18
    assert "agent is ambiguous: khorasan-group, isis-k" in body and "ambiguous: also united-states-country" in body
    assert body.count("names new-07f3032a-01, a new entity of this draft: accept it first") == 3  # 2 figures, 1 mention


def test_accept_as_drafted_moves_the_candidate_with_a_new_id(url: str, project: Path) -> None:
    _, values = page(url)
    claim, after = key_of(project, id=CLAIM), key_of(project, id=KILLED)
    status, headers, _ = request(f"{url}/review/{SOURCE}/accept", {**values, "item": claim}, follow=False)
    assert status == 303 and headers["location"] == f"/review/{SOURCE}?item={after}#cand-{after}"  # the next one
    [fact] = facts(project)["facts"]
    assert fact["id"] == f"f-{SOURCE[4:]}-01" and fact["status"] == "claimed"  # the suggested status
    assert not {"span", "cue", "note"} & set(fact)
    assert [f["id"] for f in draft(project)["facts"]] == ["f-07f3032a-c02", "f-07f3032a-c03", "f-07f3032a-c04"]


REFUSALS = [
    pytest.param({"drop_csrf": True}, {}, 403, "csrf: the form's token is missing or wrong", id="no-csrf"),
    pytest.param({"csrf": "forged"}, {}, 403, "csrf: the form's token is missing or wrong", id="wrong-csrf"),
    pytest.param({}, {"Host": "evil.example:8765"}, 400, "host: 'evil.example:8765' is not this workspace", id="host"),
    pytest.param({}, {"Origin": "http://evil.example"}, 403, "origin: a request from 'http://evil.example'",
                 id="origin"),
    pytest.param({"version": "0" * 20}, {}, 409, "changed since this page was loaded", id="stale-version"),
]


@pytest.mark.parametrize(("change", "headers", "status", "message"), REFUSALS)
def test_refused_changes_write_nothing(url: str, project: Path, change: dict, headers: dict, status: int,
                                       message: str) -> None:
    _, values = page(url)
    form = {**values, "item": key_of(project, entity="kerman"), **{k: v for k, v in change.items() if k != "drop_csrf"}}
    if change.get("drop_csrf"):
        form.pop("csrf")
    before = hashes(project)
    code, _, body = request(f"{url}/review/{SOURCE}/accept", form, headers=headers)
    assert code == status and message in body, body[:500]
    assert hashes(project) == before


@pytest.mark.parametrize("path", [
    "/review/..%2F..%2Fetc%2Fpasswd/accept", "/review/src-07f3032a%2F..%2F..%2Fsources/accept",
    "/review/%2e%2e/accept", "/review/src-00000000/accept", "/review/SRC-07F3032A/accept",
])
def test_a_path_outside_the_drafts_is_refused(url: str, project: Path, path: str) -> None:
    _, values = page(url)
    before = hashes(project)
    code, _, body = request(url + path, {**values, "item": key_of(project, entity="kerman")})
    assert code == 404 and ("no draft of" in body or "Not Found" in body), body[:300]
    assert hashes(project) == before


def test_an_accept_that_fails_the_quote_check_is_refused_next_to_the_field(url: str, project: Path) -> None:
    _, values = page(url)
    before = hashes(project)
    form = {**values, "item": key_of(project, id=KILLED), "edited": "1", "f.quote": "مقتل 96 شخصا على الأقل",
            "f.attack": "kerman-bombings-2024", "f.measure": "killed", "f.value": "95", "f.qualifier": "at-least",
            "do": "accept"}
    code, _, body = request(f"{url}/review/{SOURCE}/accept", form)
    assert code == 422 and "quote not found in src-07f3032a" in body
    assert '<div class="field w-quote has-error" data-field="quote">' in body
    assert hashes(project) == before


def test_get_body_size_and_method_limits(url: str, project: Path) -> None:
    _, values = page(url)
    before = hashes(project)
    assert request(f"{url}/review/{SOURCE}/accept")[0] == 405  # a change is never a GET
    code, _, body = request(f"{url}/review/{SOURCE}/accept", {**values, "item": "x", "pad": "x" * 70_000})
    assert code == 413 and "body: over 65536 bytes" in body
    code, _, body = request(f"{url}/review/{SOURCE}", headers={"Host": "attacker.test"})
    assert code == 400  # pages too: a rebound DNS name reads nothing
    assert hashes(project) == before


def test_edit_picks_another_entity_and_status(url: str, project: Path) -> None:
    _, values = page(url)
    blame = key_of(project, id=BLAME)
    code, _, edit = request(f"{url}/review/{SOURCE}?edit={blame}")
    assert code == 200 and 'value="isis-k"' in edit and "The Islamic State&#39;s" in edit  # the note tells them apart
    form = {**values, "item": blame, "edited": "1", "do": "accept", "f.agent": "isis-k", "f.by": "us-officials",
            "f.attack": "kerman-bombings-2024", "f.status": "attributed",
            "f.quote": "وحمّل مسؤولون أمريكيون خراسان مسؤولية الهجوم"}
    code, _, _ = request(f"{url}/review/{SOURCE}/accept", form)
    assert code == 200
    [fact] = facts(project)["facts"]
    assert (fact["agent"], fact["status"], fact["id"]) == ("isis-k", "attributed", "f-07f3032a-01")


def test_find_without_script_lists_every_candidate_of_a_name(url: str, project: Path) -> None:
    _, values = page(url)
    form = {**values, "item": key_of(project, id=BLAME), "edited": "1", "do": "find", "find.agent": "Khorasan"}
    code, _, body = request(f"{url}/review/{SOURCE}/accept", form)
    assert code == 200 and 'id="editor"' in body
    for entity in ("isis-k", "khorasan-group", "isis-k-founding-defectors"):
        assert f'name="f.agent" value="{entity}"' in body


def test_drop_then_undo_restores_the_draft_byte_for_byte(url: str, project: Path) -> None:
    before = hashes(project)
    _, values = page(url)
    assert request(f"{url}/review/{SOURCE}/drop", {**values, "item": key_of(project, entity="asia")})[0] == 200
    assert "asia" not in [m["entity"] for m in draft(project)["mentions"]]
    body, values = page(url)
    assert "Undo: drop asia" in body and "1 dropped" in body
    assert request(f"{url}/review/{SOURCE}/undo", values)[0] == 200
    assert hashes(project) == before


def test_undo_refuses_to_overwrite_a_hand_edit(url: str, project: Path) -> None:
    _, values = page(url)
    request(f"{url}/review/{SOURCE}/accept", {**values, "item": key_of(project, entity="kerman")})
    path = project / "facts" / f"{SOURCE}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# a curator's comment\n", encoding="utf-8")
    before = hashes(project)
    _, values = page(url)
    code, _, body = request(f"{url}/review/{SOURCE}/undo", values)
    assert code == 409 and "undo would overwrite that edit" in body
    assert hashes(project) == before


def test_a_new_entity_from_the_picker_and_a_missed_fact_from_a_selection(url: str, project: Path) -> None:
    text = (project / "sources" / f"{SOURCE}.txt").read_text(encoding="utf-8")
    start = text.index("يجند مقاتلين")
    end = text.index("منذ عام 2021") + len("منذ عام 2021")
    code, _, body = request(f"{url}/review/{SOURCE}?new=Allegation&start={start}&end={end}")
    assert code == 200 and "New Allegation" in body and text[start:end] in body
    values = form_values(body)
    form = {**values, "item": "new", "type": "Allegation", "edited": "1", "do": "accept", "start": str(start),
            "end": str(end), "f.quote": "", "f.about": "isis-k, central-asia", "f.status": "alleged",
            "new.for": "by", "new.id": "regional-security-studies-centre", "new.type": "Organization",
            "new.kind": "think-tank", "new.label.en": "Regional Security Studies Centre",
            "new.label.ar": "مركز دراسات الأمن الإقليمي", "new.note.en": "Named in the test article only."}
    code, _, body = request(f"{url}/review/{SOURCE}/accept", form)
    assert code == 200, body[:800]
    done = facts(project)
    [fact] = done["facts"]
    assert fact["quote"] == text[start:end] and fact["by"] == "regional-security-studies-centre"
    assert done["entities"][0]["label"]["ar"] == "مركز دراسات الأمن الإقليمي"
    # the entity's mention quotes its name where the text gives it
    assert {"entity": "regional-security-studies-centre", "quote": "مركز دراسات الأمن الإقليمي"} in done["mentions"]


def test_a_new_entity_without_both_labels_is_refused_under_its_form(url: str, project: Path) -> None:
    _, values = page(url)
    before = hashes(project)
    form = {**values, "item": key_of(project, entity="united-states"), "edited": "1", "do": "accept",
            "f.entity": "", "f.quote": "أمريكيون",
            "new.for": "entity", "new.id": "some-americans", "new.type": "Organization",
            "new.kind": "government-agency", "new.label.en": "Some Americans"}
    code, _, body = request(f"{url}/review/{SOURCE}/accept", form)
    assert code == 422 and "label needs both &#39;en&#39; and &#39;ar&#39; texts" in body
    assert hashes(project) == before


def test_a_drafted_entity_is_accepted_with_its_mentions_renamed(url: str, project: Path) -> None:
    body, values = page(url)
    assert "new Organization: السلطات الإيرانية" in body
    form = {**values, "item": key_of(project, id="new-07f3032a-01"), "edited": "1", "do": "accept",
            "f.id": "iranian-authorities", "f.kind": "government-agency", "f.label.en": "Iranian authorities",
            "f.label.ar": "السلطات الإيرانية"}
    code, _, body = request(f"{url}/review/{SOURCE}/accept", form)
    assert code == 200, body[:600]
    done = facts(project)
    assert done["entities"] == [{"id": "iranian-authorities", "type": "Organization", "kind": "government-agency",
                                 "label": {"en": "Iranian authorities", "ar": "السلطات الإيرانية"}}]
    assert done["mentions"] == [{"entity": "iranian-authorities", "quote": "السلطات الإيرانية"}]
    rest = draft(project)
    assert "new-07f3032a-01" not in (project / "facts" / "drafts" / f"{SOURCE}.yaml").read_text(encoding="utf-8")
    assert {f["id"]: f.get("according_to") for f in rest["facts"]}[KILLED] == "iranian-authorities"


def test_unknown_fields_are_shown_kept_and_removable(url: str, project: Path) -> None:
    path = project / "facts" / "drafts" / f"{SOURCE}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    channel: amaq\n", "    channel: amaq\n    claimed_by_source: {value: 95}\n"),
                    encoding="utf-8")
    body, values = page(url)
    assert "fields the schema does not know" in body and "claimed_by_source" in body
    claim = key_of(project, id=CLAIM)
    code, _, body = request(f"{url}/review/{SOURCE}/accept", {**values, "item": claim})
    assert code == 422 and "unknown field &#39;claimed_by_source&#39;" in body and "(not in the schema)" in body
    assert 'value="{value: 95}"' in body  # kept as written, in YAML
    form = {**values, "item": claim, "edited": "1", "do": "accept", "drop.claimed_by_source": "1"}
    assert request(f"{url}/review/{SOURCE}/accept", form)[0] == 200
    assert "claimed_by_source" not in facts(project)["facts"][0]


def test_live_checks_of_names_and_dates(url: str) -> None:
    code, _, body = request(f"{url}/review/api/resolve?q=%D8%AE%D8%B1%D8%A7%D8%B3%D8%A7%D9%86&types=Organization")
    assert code == 200 and '"id": "isis-k"' in body.replace('":"', '": "') and "Location" not in body
    assert '"ok": false' in request(f"{url}/review/api/date?value=2015-13")[2].replace('":', '": ')
    assert "2014-09-01 to 2014-12-31" in request(f"{url}/review/api/date?value=2014-09/2014-12")[2]


def test_an_empty_queue_offers_the_build(url: str, project: Path) -> None:
    for _ in range(18):
        body, values = page(url)
        key = body.split('<li id="cand-', 1)[1].split('"', 1)[0]
        assert request(f"{url}/review/{SOURCE}/drop", {**values, "item": key})[0] == 200
    body, values = page(url)
    assert "No candidates wait for src-07f3032a" in body and 'id="build-form"' in body
    code, _, body = request(f"{url}/review/{SOURCE}/build", values)
    assert code == 200 and 'id="build-result" class="ok"' in body and "conforms to SHACL" in body


def test_a_draft_that_does_not_parse_is_named_not_a_traceback(url: str, project: Path) -> None:
    path = project / "facts" / "drafts" / f"{SOURCE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("mentions:\n", "mentions:\n  - {entity: [\n", 1),
                    encoding="utf-8")
    code, _, body = request(f"{url}/review/{SOURCE}")
    assert code == 400 and f"facts/drafts/{SOURCE}.yaml:" in body and "malformed YAML" in body
    assert "Traceback" not in body
