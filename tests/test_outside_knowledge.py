"""Outside knowledge: a label, alias or note that no source gives is flagged, in the graph and on pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from kg.namespaces import ID, MKG, curie
from kg.serve.pages import Pages
from tests.test_build import edit, run

FACTS = "facts/kitchen.yaml"


def test_flagged_texts_are_marked_and_stay_labels_aliases_and_notes(kitchen_graph: Graph) -> None:
    group, city, estimate = ID["test-group"], ID["test-city"], ID["f-fixture-06"]
    tg = Literal("TG", lang="en")
    assert (group, MKG.outsideKnowledge, tg) in kitchen_graph and (group, SKOS.altLabel, tg) in kitchen_graph
    # the other alias, a transliteration of the source's own name, is not outside knowledge
    assert set(kitchen_graph.objects(group, MKG.outsideKnowledge)) == {tg}
    [note] = kitchen_graph.objects(city, MKG.outsideKnowledge)
    assert (city, SKOS.scopeNote, note) in kitchen_graph
    [fact_note] = kitchen_graph.objects(estimate, MKG.outsideKnowledge)
    assert (estimate, SKOS.note, fact_note) in kitchen_graph and "400" in str(fact_note)


def test_the_entity_page_says_which_names_and_notes_no_source_gives(kitchen_graph: Graph) -> None:
    templates = Environment(loader=PackageLoader("kg.serve", "templates"), autoescape=select_autoescape())
    templates.filters["urlquote"] = lambda text: quote(str(text), safe="")
    pages = Pages(kitchen_graph)

    def html(entity: str) -> str:
        page = pages.entity(str(ID[entity]))
        return templates.get_template("entity.html").render(page=page, curie=curie, id_prefix=str(ID))

    group = html("test-group")
    assert 'TG <small class="outside">(outside knowledge: no source gives it)</small>' in group
    assert "Jamaat al-Ikhtibar</td>" in group  # a transliteration of the source's own name
    assert "Outside knowledge (no source gives it):</small> Its coordinates" in html("test-city")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('{text: "TG", lang: en, outside: true}', '{text: "TG", lang: en, outside: yes please}',
     "aliases entry's outside must be true or left out"),
    ('label: {en: "Test Group", ar: "جماعة الاختبار"}',
     'label: {en: "Test Group", ar: "جماعة الاختبار", outside: [fr]}', "label takes en, ar and outside"),
])
def test_bad_flags_are_refused_with_one_line(kitchen: Path, old: str, new: str, message: str) -> None:
    edit(kitchen / FACTS, old, new)
    code, _, err = run(kitchen, "build")
    assert code == 1 and message in err and err.startswith("error: facts/kitchen.yaml:"), err
