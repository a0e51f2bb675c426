"""New places in a text: names of the gazetteer (:mod:`kg.extract.gazetteer`) the graph lacks.

A name of one word is taken after a place word (``في``، ``مدينة``، ``ولاية``، ``قاعدة``...,
``rules/places.yaml: cues``) or when the place is large; a longer name anywhere. After
``ولاية``، ``محافظة`` or ``إقليم`` a province is preferred to a city of the same name
(``ولاية هرات`` is the province). A spelling a letter away from a gazetteer name
(``شينداند`` for ``شيندند``) is taken after a place word. Each place is drafted as a new
Location with its parents: its province (when the gazetteer gives it) and its country
(the graph's, when the graph has it).
"""

from __future__ import annotations

from dataclasses import replace

from rapidfuzz import fuzz, process

from kg.extract.gazetteer import Gazetteer, Place
from kg.extract.index import AliasIndex
from kg.extract.mentions import JOINABLE, Hit
from kg.extract.names import NewName
from kg.extract.rules import Rules
from kg.extract.text import Folded, Token, fold, name_key, word_variants

FUZZY = 90


def find_places(doc: Folded, hits: list[Hit], index: AliasIndex, rules: Rules,
                taken: list[tuple[int, int]] = ()) -> list[NewName]:  # type: ignore[assignment]
    """Gazetteer places named in the text and not covered by a known mention."""
    spec = rules.places
    if not spec:
        return []
    gaz = Gazetteer.load(spec)
    cues = {fold(str(w)) for w in spec.get("cues") or []}
    province_cues = {fold(str(w)) for w in spec.get("province_cues") or []}
    never = {name_key(str(w)) for w in spec.get("never") or []}
    big = int(spec.get("min_population") or 0)
    countries = _countries(index)
    tokens = doc.tokens
    covered = {t.index for t in tokens for h in hits if h.start < t.end and t.start < h.end}
    covered |= {t.index for t in tokens for s, e in taken if s < t.end and t.start < e}
    fuzzy_keys = sorted(k for k in gaz.names if " " not in k and len(k) >= 5)
    out: list[NewName] = []
    found_places: list[Place] = []
    i = 0
    while i < len(tokens):
        if i in covered or set(word_variants(tokens[i].folded, rules.clitics, {})) & cues:
            i += 1
            continue
        before = tokens[i - 1] if i and JOINABLE.match(doc.gap(tokens[i - 1], tokens[i])) else None
        cue = before is not None and bool(set(word_variants(before.folded, rules.clitics, {})) & cues)
        found = _longest(doc, tokens, i, covered, gaz, rules)
        if found is None and cue and len(tokens[i].folded) >= 5:
            key = name_key(tokens[i].folded)
            best = process.extractOne(key, fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY)
            found = (1, gaz.lookup(best[0]), f"; a spelling of {best[0]} ({best[1]:.0f})") if best else None
        if found is None:
            i += 1
            continue
        n, places, why = found
        key = name_key(" ".join(t.folded for t in tokens[i:i + n]))
        after_province = before is not None and bool(
            set(word_variants(before.folded, rules.clitics, {})) & province_cues)
        place = _choose(places, after_province)
        if key in never or not (cue or n > 1 or place.population >= big):
            i += 1
            continue
        start, end = tokens[i].start, tokens[i + n - 1].end
        province = f"new? {place.province_en} (province, {place.province_code})" \
            if place.kind == "city" and place.province_en else None
        within = tuple(x for x in (province, countries.get(place.country_en) or
                                   f"new? {place.country_en} (country, {place.country})") if x)
        found_places.append(place)
        out.append(NewName(start, end, tokens[i].fstart, tokens[i + n - 1].fend, doc.text[start:end], "Location",
                           place.kind, f"gazetteer: {place.name_en} ({place.kind}, {_where(place)}){why}",
                           within=within))
        i += n
    return [_named_parent(n, p, out, found_places) for n, p in zip(out, found_places, strict=True)]


def _named_parent(name: NewName, place: Place, names: list[NewName], places: list[Place]) -> NewName:
    """A city whose province the text names too lies within that new place."""
    for other, where in zip(names, places, strict=True):
        if where.kind == "province" and place.kind == "city" and where.province_code == place.province_code:
            return replace(name, within=(other.text, *name.within[1:]))
    return name


def _longest(doc: Folded, tokens: list[Token], i: int, covered: set[int], gaz: Gazetteer,
             rules: Rules) -> tuple[int, list[Place], str] | None:
    for n in range(min(gaz.max_words, len(tokens) - i), 0, -1):
        window = tokens[i:i + n]
        if any(t.index in covered for t in window) or not all(
                JOINABLE.match(doc.gap(a, b)) for a, b in zip(window, window[1:], strict=False)):
            continue
        rest = " ".join(t.folded for t in window[1:])
        for first in word_variants(window[0].folded, rules.clitics, {}):
            places = gaz.lookup(name_key(f"{first} {rest}".strip()))
            if places and len(name_key(first)) >= 3:
                return n, places, ""
    return None


def _choose(places: list[Place], province: bool) -> Place:
    if province:
        return next((p for p in places if p.kind == "province"), places[0])
    return places[0]


def _where(place: Place) -> str:
    parts = [p for p in (place.province_en if place.kind == "city" else None, place.country_en) if p]
    return ", ".join(parts)


def _countries(index: AliasIndex) -> dict[str, str]:
    """English country names to the graph's country ids."""
    return {k.label_en: k.id for k in index.entities.values() if k.type == "Location" and k.kind == "country"}
