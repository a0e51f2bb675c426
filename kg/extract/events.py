"""New attacks: a sentence that describes an attack the graph does not have.

A sentence with an attack word (``rules/figures.yaml: attack_cues``) that gives the
attack's place or date, or a toll, and names no known attack, becomes a new ``Attack``
candidate: its kind (the sentence's kind words), its date (the date nearest the attack
word) and its place (the most specific place of the sentence, a known one or one from
the gazetteer). A later sentence that gives no other place or date speaks of the same
attack ("وأسفر الهجوم عن مقتل سبعة"), and so does one that repeats the place or the
date of an attack already drafted. An attack word after a word of planning or threat
(``not_attack_after``: "التخطيط لهجمات") is not an attack that happened, and once an attack
is told, a definite attack word ("ويأتي الهجوم بعد ...") refers back to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.figures import Figure, attack_cue
from kg.extract.index import AliasIndex
from kg.extract.mentions import NOT_WHEN, Hit, attack_kind
from kg.extract.names import NewName
from kg.extract.rules import Rules, alternation
from kg.extract.text import Folded, fold, name_key
from kg.extract.timex import DateFound

NOT_ATTACK_DATE = (*NOT_WHEN, "since")
"""Readings that are no attack's date: the article's now, and "since X" periods."""
SPECIFIC = {"venue": 0, "neighbourhood": 1, "district": 2, "city": 3, "province": 4, "region": 5, "country": 6}
"""Place kinds from the most specific: the attack's place is the most specific one named."""


@dataclass(frozen=True)
class _Place:
    ref: str  # a known id, or the text of a new place
    kind: str
    fstart: int
    fend: int


def new_attacks(doc: Folded, hits: list[Hit], places: list[NewName], dates: list[DateFound],
                figures: list[Figure], index: AliasIndex, rules: Rules) -> tuple[list[NewName], list[Hit]]:
    """Attack candidates for the described attacks that match no known attack, and the
    described attacks that are a known attack the article named before (same place, no
    date against it): those are linked to it instead."""
    cue = attack_cue(rules)
    spec = rules.figures
    weak = {fold(str(w)) for w in spec.get("weak_attack_cues") or []}
    planned = re_before(spec.get("not_attack_after") or [])
    out: list[NewName] = []
    again: list[Hit] = []
    since = [(d.fstart, d.fend) for d in dates if d.rule == "since"]
    for s_start, s_end in doc.sentences():
        told = bool(out or again) or any(h.fstart < s_start and _is_attack(h, index) for h in hits)
        words = [m for m in cue.finditer(doc.folded, s_start, s_end)
                 if not planned.search(doc.folded, max(s_start, m.start() - 20), m.start())
                 and not (told and _definite(m.group(), rules))]
        if not words or any(s_start <= h.fstart < s_end and _is_attack(h, index) for h in hits):
            continue
        tolls = [f for f in figures if s_start <= f.fstart < s_end and f.measure in ("killed", "injured")]
        if all(_bare(m.group(), weak) for m in words) and not tolls:
            continue
        where = _places(hits, places, index, s_start, s_end)
        when = [d for d in dates if s_start <= d.fstart < s_end and d.edtf and d.rule not in NOT_ATTACK_DATE
                and not any(a <= d.fstart < b for a, b in since)]
        where = [p for p in where if SPECIFIC.get(p.kind, 7) <= SPECIFIC["province"]] if not when else where
        if not where and not when:
            continue  # an attack word alone (or with a country): the attack of an earlier sentence
        anchor = words[0]
        date = min(when, key=lambda d: abs(d.fstart - anchor.start())) if when else None
        place = min(where, key=lambda p: (SPECIFIC.get(p.kind, 7), abs(p.fstart - anchor.start()))) \
            if where else None
        if any(_same(prior, date, place) for prior in out):
            continue
        earlier = _named_before(hits, index, s_start, place, date)
        if earlier is not None:
            start, end = doc.span(words[0].start(), words[0].end())
            again.append(Hit(start, end, words[0].start(), words[0].end(), earlier.entities, "attack",
                             f"the attack named before in the article, at the same place ({place and place.ref})",
                             words[0].start()))
            continue
        ends = [anchor.start(), anchor.end()] + ([date.fstart, date.fend] if date else []) + \
            ([place.fstart, place.fend] if place else [])
        fstart, fend = min(ends), max(ends)
        start, end = doc.span(fstart, fend)
        kind = attack_kind(doc.folded[s_start:s_end], rules)
        why = ", ".join(x for x in (f"attack word '{anchor.group()}'", date and f"date {date.edtf}",
                                    place and f"place {place.ref}", tolls and "a toll") if x)
        out.append(NewName(start, end, fstart, fend, doc.text[start:end], "Attack", kind,
                           f"described attack that matches no known one: {why}",
                           date=date.edtf if date else None, place=place.ref if place else None))
    return out, again


def _named_before(hits: list[Hit], index: AliasIndex, before: int, place: _Place | None,
                  date: DateFound | None) -> Hit | None:
    """A known attack named earlier in the article whose place holds this one's (and no date here)."""
    if place is None or date is not None:
        return None
    for hit in reversed([h for h in hits if h.fstart < before and _is_attack(h, index)]):
        known = index.entities[hit.entity]
        where, label = known.place, set(name_key(known.label_ar).split())
        named = index.entities.get(place.ref)
        if where and (place.ref == where or place.ref in index.parents.get(where, set()) or (
                named is not None and set(name_key(named.label_ar).split()) <= label)):
            return hit
    return None


def re_before(words: list[str]) -> re.Pattern[str]:
    """An expression matching any of the words right before a position."""
    return re.compile(rf"(?<!\w)[وفبل]?{alternation([fold(str(w)) for w in words])}\s*$") if words \
        else re.compile(r"(?!)")


def _definite(word: str, rules: Rules) -> bool:
    """"الهجوم", "والتفجير": the attack already told (once one is)."""
    return any(w.startswith("ال") for w in (word, *(word[len(c):] for c in rules.clitics if word.startswith(c))))


def _bare(word: str, weak: set[str]) -> bool:
    return any(word.endswith(w) or word == w for w in weak)


def _is_attack(hit: Hit, index: AliasIndex) -> bool:
    known = index.entities.get(hit.entity)
    return known is not None and known.type == "Attack"


def _places(hits: list[Hit], places: list[NewName], index: AliasIndex, s_start: int, s_end: int) -> list[_Place]:
    out = []
    for hit in hits:
        known = index.entities.get(hit.entity)
        if s_start <= hit.fstart < s_end and known is not None and known.type == "Location" \
                and hit.how != "adjective":
            out.append(_Place(hit.entity, known.kind, hit.fstart, hit.fend))
    out += [_Place(p.text, p.kind or "city", p.fstart, p.fend) for p in places if s_start <= p.fstart < s_end]
    return out


def _same(prior: NewName, date: DateFound | None, place: _Place | None) -> bool:
    """A sentence that repeats an attack already drafted: the same date, or no date and the same place."""
    if date is not None:
        return prior.date == date.edtf and (place is None or prior.place in (None, place.ref))
    return place is not None and prior.place == place.ref
