"""Who says what: reported speech, claimed figures and competing claims, on the candidates.

* A relation takes the asserter of its sentence (:func:`kg.extract.speech.governing`) as
  ``according_to`` unless the asserter is its own agent (a group claiming); an
  attribution without one takes its ``by``. A candidate the article states in its own
  voice ("reported") becomes "attributed" when someone else says it.
* Two agents claiming one attack are competing claims; each candidate says so.
* A figure in a claim's sentence after a claim word ("زاعماً قتل عدد من العناصر") or said by
  an armed group is the claimant's figure (``claimed_by``), not the article's toll.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.cues import Relation
from kg.extract.rules import Rules, alternation
from kg.extract.speech import Asserter, governing
from kg.extract.text import Folded, fold

if TYPE_CHECKING:
    from kg.extract.pipeline import FigureLink

ARMED = ("militant-group", "faction", "militia")
SAYING = ("قال", "وقال", "قالت", "وقالت")
"""Verbs by which a group speaking of its own attack gives its own figures."""


def attribute_relations(doc: Folded, relations: list[Relation], said: list[Asserter],
                        attacks: list[tuple[int, str]] = ()) -> None:  # type: ignore[assignment]
    """Set ``according_to`` and the suggested status of each relation; fill a claim's attack
    with the attack told last before it (``attacks``: folded start and id); mark competing claims."""
    for rel in relations:
        if rel.fields.get("type") != "Responsibility":
            continue
        if rel.fields.get("attack") is None:
            told = [eid for at, eid in attacks if at < doc_fpos(doc, rel.end)]
            if told:
                rel.fields["attack"] = told[-1]
                rel.why = "; ".join(x for x in (rel.why, "attack: the one told last before it (check it)") if x)
        who = governing(said, doc, doc_fpos(doc, rel.start))
        agent = rel.fields.get("agent")
        if who is not None and who.entity not in (agent, None):
            rel.according_to, rel.according_to_text = who.entity, who.text
        elif who is not None and who.entity is None:
            rel.according_to_text = who.text
        elif rel.fields.get("by") not in (None, agent):
            rel.according_to = rel.fields["by"]
        if rel.status == "reported" and (rel.according_to or rel.according_to_text):
            rel.suggested = "attributed"
    claims = [r for r in relations if r.fields.get("type") == "Responsibility" and r.status == "claimed"]
    for rel in claims:
        rivals = sorted({str(r.fields.get("agent")) for r in claims if r.fields.get("agent") != rel.fields.get("agent")
                         and r.fields.get("attack") == rel.fields.get("attack")})
        if rivals:
            rel.why = "; ".join(x for x in (rel.why, f"competing claims: also claimed by {', '.join(rivals)}") if x)


def attribute_figures(doc: Folded, figures: list[FigureLink], relations: list[Relation], said: list[Asserter],
                      kinds: dict[str, str], rules: Rules) -> None:
    """Claimed figures get their claimant; the others the asserter of their sentence."""
    markers = [fold(str(w)) for w in rules.speech.get("claim_markers") or []]
    marker = alternation(markers) if markers else "(?!)"
    import re
    marked = re.compile(rf"(?<!\w)[و]?{marker}\w*")
    for link in figures:
        f = link.figure
        s_start, s_end = doc.sentence_of(f.fstart)
        claim = next((r for r in relations if r.fields.get("type") == "Responsibility" and r.status == "claimed"
                      and s_start <= doc_fpos(doc, r.start) < s_end), None)
        who = governing(said, doc, f.fstart)
        if claim is not None and marked.search(doc.folded, doc_fpos(doc, claim.start), f.fstart):
            link.claimed_by = str(claim.fields.get("agent"))
        elif who is not None and who.entity is not None and kinds.get(who.entity) in ARMED and who.cue in SAYING:
            link.claimed_by = who.entity  # "وقال التنظيم إن ...": the group's own figure
        elif who is not None and (who.entity is None or kinds.get(who.entity) not in ARMED):
            link.according_to, link.according_to_text = who.entity, who.text


def doc_fpos(doc: Folded, start: int) -> int:
    """The folded offset of an original offset."""
    from bisect import bisect_left
    return bisect_left(doc.origin, start)
