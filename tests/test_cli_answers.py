"""The mistakes a newcomer makes on the curated graph, and the answers they must get (issue 19).

Each test pins one wrong or crashing answer the CLI used to give: a reversed window,
the same entity twice, undated attacks in a date filter, lineage running the wrong way,
a misleading "not found", a silent correction, an unknown role.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import REPO


def kg(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(REPO), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True, scope="module")
def store_built() -> None:
    """The store made before the first test: in a fresh clone that command says so on stderr."""
    CliRunner().invoke(cli, ["-C", str(REPO), "prefixes"])
    CliRunner().invoke(cli, ["-C", str(REPO), "resolve", "isis-k"])


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    return lines[0]


# 1. a reversed window ---------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["affiliations", "isis-k", "--from", "2016-06", "--to", "2015-01"],
    ["attacks", "--from", "2024", "--to", "2023"],
    ["timeline", "isis-k", "--from", "2016", "--to", "2015"],
])
def test_a_window_that_ends_before_it_starts_is_a_usage_error(args: list[str]) -> None:
    code, out, err = kg(*args)
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert "ends before it starts" in line and args[-1] in line and args[-3] in line


def test_the_window_in_the_right_order_still_answers() -> None:
    code, out, _ = kg("affiliations", "isis-k", "--from", "2015", "--to", "2016", "--role", "branch-of",
                      "-f", "json")
    assert code == 0
    assert {r["holds"] for r in json.loads(out)["results"]} == {"possible"}


# 2. the same entity twice -----------------------------------------------------------------

@pytest.mark.parametrize("b", ["isis-k", "ISKP"])
def test_connections_of_an_entity_with_itself_say_so(b: str) -> None:
    code, out, err = kg("connections", "isis-k", b)
    assert code == 2 and out == ""
    assert "both names are the same entity (isis-k)" in one_line_error(err)


# 3. undated attacks in a date filter ------------------------------------------------------

def test_a_date_filter_marks_undated_attacks_and_lists_them_last() -> None:
    code, out, err = kg("attacks", "--from", "2024-03", "--to", "2024-03", "-f", "json")
    assert code == 0
    rows = json.loads(out)["results"]
    dated = [r["dated"] for r in rows]
    assert True in dated and False in dated
    assert dated == sorted(dated, reverse=True), "undated attacks come after the dated ones"
    undated = {r["id"] for r in rows if not r["dated"]}
    assert "september-11-attacks" in undated
    assert all(r["date"] == "" for r in rows if not r["dated"])
    assert "undated" in err
    code, table, _ = kg("attacks", "--from", "2024-03", "--to", "2024-03")
    sept = next(line for line in table.splitlines() if line.startswith("september-11-attacks"))
    assert "undated" in sept


def test_dated_only_leaves_undated_attacks_out() -> None:
    code, out, _ = kg("attacks", "--from", "2024-03", "--to", "2024-03", "--dated-only", "-f", "json")
    assert code == 0
    rows = json.loads(out)["results"]
    assert rows and all(r["dated"] for r in rows)
    assert "crocus-city-hall-attack-2024" in {r["id"] for r in rows}
    assert "september-11-attacks" not in {r["id"] for r in rows}


# 4. lineage -------------------------------------------------------------------------------

def test_an_organization_is_never_its_own_descendant() -> None:
    code, out, _ = kg("lineage", "taliban", "--direction", "down", "-f", "json")
    assert code == 0
    links = json.loads(out)["results"]
    assert links and all(link["child"] != "taliban" for link in links)


def test_a_defection_moves_people_not_organizations() -> None:
    code, out, _ = kg("lineage", "isis-k", "--direction", "down", "-f", "json")
    assert code == 0
    assert "afghan-government" not in {link["child"] for link in json.loads(out)["results"]}


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_lineage_diagrams_draw_each_edge_once(fmt: str) -> None:
    code, out, _ = kg("lineage", "isis-k", "-f", fmt)
    assert code == 0
    edges = [line.strip() for line in out.splitlines() if "-->" in line or "->" in line]
    assert edges and len(edges) == len(set(edges)), out


def test_dot_labels_have_no_trailing_space() -> None:
    code, out, _ = kg("lineage", "isis-k", "-f", "dot")
    assert code == 0 and 'label="' in out
    assert ' "]' not in out and ' ",' not in out


# 5. lineage of a person or a place --------------------------------------------------------

@pytest.mark.parametrize(("name", "kind"), [("hafiz-saeed-khan", "Person"), ("kabul", "Location")])
def test_lineage_of_a_non_organization_names_its_type(name: str, kind: str) -> None:
    code, out, err = kg("lineage", name)
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert "no entity matches" not in line
    assert f"{name} is a {kind}" in line and "lineage is for organizations" in line


# 6. silent corrections and exact labels ---------------------------------------------------

def test_a_fuzzy_match_says_what_it_read() -> None:
    code, out, err = kg("affiliations", "isis-kk", "-f", "json")
    assert code == 0 and json.loads(out)["query"]["entity"] == "isis-k"
    assert "note: read 'isis-kk' as isis-k" in err


def test_an_exact_name_reads_silently() -> None:
    code, _, err = kg("affiliations", "ISKP", "-f", "json")
    assert code == 0 and err == ""


def test_an_exact_label_wins_over_a_fuzzy_one() -> None:
    code, out, err = kg("affiliations", "Islamic State", "--role", "branch-of", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["query"]["entity"] == "isis"


def test_the_ambiguity_list_says_why_each_candidate_matched() -> None:
    code, _, err = kg("affiliations", "Khorasan", "--at", "2015")
    assert code == 2
    line = one_line_error(err)
    assert "khorasan-group (Organization: Khorasan Group (Syria); matched " in line
    assert "exactly" in line


# 7. unknown roles, kinds and formats ------------------------------------------------------

def test_an_unknown_role_lists_the_roles_with_a_did_you_mean() -> None:
    code, out, err = kg("affiliations", "isis-k", "--role", "leeder")
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert "unknown role 'leeder'" in line and "did you mean 'leader'?" in line
    assert "deputy-leader" in line and "branch-of" in line


def test_an_unknown_format_suggests_the_closest() -> None:
    code, _, err = kg("lineage", "isis-k", "-f", "mermiad")
    assert code == 2
    line = one_line_error(err)
    assert "did you mean 'mermaid'?" in line and line.endswith("(hint: cli lineage --help)")
    assert "table" in err and "dot" in err


def test_an_unknown_direction_suggests_the_closest() -> None:
    code, _, err = kg("lineage", "isis-k", "--direction", "dwon")
    assert code == 2 and "did you mean 'down'?" in err
