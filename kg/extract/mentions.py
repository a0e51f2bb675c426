"""Mentions of known entities: n-grams of the text's words matched against the alias index.

A word is tried as written, without attached prefixes and the definite article
(``وبالقاعدة`` -> ``قاعده``) and corrected for misspellings seen in real text (``خرسان``
-> ``خراسان``); the longest n-gram that matches a label or alias wins. Latin words that
match nothing exactly are tried fuzzily (rapidfuzz) for transliteration variants. A name
that several entities carry (``خراسان``) stays ambiguous: every candidate is kept, the
most likely first (an entity named unambiguously elsewhere in the text, then the one
with most facts in the graph).

Attacks are rarely named; :func:`link_attacks` finds them by an attack word (هجوم،
تفجير...) in a sentence that also names the attack's place or date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz, process

from kg.dates import DateError
from kg.dates import parse as parse_edtf
from kg.extract.figures import attack_cue
from kg.extract.index import AliasIndex
from kg.extract.rules import Rules
from kg.extract.text import ARTICLE, Folded, Token, fold, name_key, word_variants
from kg.extract.timex import DateFound

JOINABLE = re.compile(r"^[ \-–_'\"]*$")
FUZZY_FLOOR = 90
LOCAL_PLACES = ("city", "district", "neighbourhood", "venue", "province")
"""Place kinds specific enough to name an undated attack on their own (not a country)."""


@dataclass(frozen=True)
class Hit:
    """A span of the text that names one of ``entities`` (best guess first)."""

    start: int
    end: int
    fstart: int
    fend: int
    entities: tuple[str, ...]
    how: str = "alias"  # alias | nested | adjective | fuzzy | attack | new
    evidence: str = ""
    anchor: int = -1

    @property
    def at(self) -> int:
        """Where the hit sits, for "before" and "after": an attack's own word, else its start."""
        return self.anchor if self.anchor >= 0 else self.fstart

    @property
    def ambiguous(self) -> bool:
        return len(self.entities) > 1

    @property
    def entity(self) -> str:
        return self.entities[0]


def find_known(doc: Folded, index: AliasIndex, rules: Rules) -> list[Hit]:
    """Every mention of a known entity, longest match first, then ranked when ambiguous.

    Inside a name of several words, shorter names are found too ("كابل" inside
    "مطار كابل الدولي"): a place named inside an attack's or a group's name is a mention.
    """
    tokens = doc.tokens
    forms = [(word_variants(t.folded, rules.clitics, rules.variants, endings=rules.endings),
              word_variants(t.folded, (), rules.variants, strip=False, endings=rules.endings)) for t in tokens]
    hits: list[Hit] = []
    i = 0
    while i < len(tokens):
        found = _longest(doc, tokens, forms, i, len(tokens), index, rules)
        if found is None:
            i += 1
            continue
        n, entities, key = found
        outer = Hit(tokens[i].start, tokens[i + n - 1].end, tokens[i].fstart, tokens[i + n - 1].fend,
                    tuple(sorted(entities)), "adjective" if key in index.adjectives else "alias")
        hits.append(outer)
        j = i
        person = any(index.entities[e].type == "Person" for e in entities if e in index.entities)
        group = _all_groups(entities, index)
        while n > 1 and j < i + n:
            inner = _longest(doc, tokens, forms, j, i + n - (j == i), index, rules)
            if inner is None or inner[1] == entities or (person and inner[2] in index.adjectives) or (
                    group and j == i and _all_groups(inner[1], index)):  # "داعش" of "داعش خراسان" is no other group
                j += 1
                continue
            m = inner[0]
            hits.append(Hit(tokens[j].start, tokens[j + m - 1].end, tokens[j].fstart, tokens[j + m - 1].fend,
                            tuple(sorted(inner[1])), "adjective" if inner[2] in index.adjectives else "nested"))
            j += m
        i += n
    hits.extend(_fuzzy(tokens, hits, index))
    return rank(sorted(hits, key=lambda h: (h.start, -h.end)), index, _place_hinted(doc, hits, rules))


def _all_groups(entities: set[str], index: AliasIndex) -> bool:
    return all(index.entities[e].type == "Organization" for e in entities if e in index.entities)


def _longest(doc: Folded, tokens: list[Token], forms: list[tuple[list[str], list[str]]], i: int, stop: int,
             index: AliasIndex, rules: Rules) -> tuple[int, set[str], str] | None:
    """The longest name starting at token ``i`` (and ending before ``stop``): (words, entities, key)."""
    partial = [f for f in forms[i][0] if f in index.prefixes]
    best: tuple[int, set[str], str] | None = None
    n = 1
    while partial:
        for key in partial:
            entities = index.lookup(key)
            if not entities or (key in index.acronyms and not all(t.upper for t in tokens[i:i + n])):
                continue
            if n == 1 and index.needs_article(key) and not _has_article(tokens[i].folded, key, forms[i][0], rules):
                continue
            best = (n, entities, key)
            break
        j = i + n
        if j >= stop or n >= index.max_words or not JOINABLE.match(doc.gap(tokens[j - 1], tokens[j])):
            break
        partial = [f"{p} {f}" for p in partial for f in forms[j][1] if f"{p} {f}" in index.prefixes]
        n += 1
    return best


def _has_article(word: str, key: str, forms: list[str], rules: Rules) -> bool:
    """The word carries the article before ``key``: ال, or لل with its alef dropped (للقاعدة)."""
    return ARTICLE + key in forms or any(word == c + key for c in rules.clitics if c.endswith("لل"))


def _fuzzy(tokens: list[Token], hits: list[Hit], index: AliasIndex) -> list[Hit]:
    """Latin names that match no alias exactly but nearly match one (transliterations)."""
    covered = {t.index for t in tokens for h in hits if h.start <= t.start < h.end}
    choices = index.latin_keys()
    out: list[Hit] = []
    i = 0
    while i < len(tokens):
        if i in covered or not (tokens[i].latin and tokens[i].capitalized):
            i += 1
            continue
        for n in range(min(4, len(tokens) - i), 0, -1):
            window = tokens[i:i + n]
            if not all(t.latin and t.index not in covered for t in window):
                continue
            query = " ".join(t.folded for t in window)
            best = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_FLOOR) \
                if len(query) >= 5 else None
            if best:
                out.append(Hit(window[0].start, window[-1].end, window[0].fstart, window[-1].fend,
                               tuple(sorted(index.lookup(best[0]))), "fuzzy", f"~{best[0]} ({best[1]:.0f})"))
                i += n - 1
                break
        i += 1
    return out


def rank(hits: list[Hit], index: AliasIndex, places: frozenset[int] | set[int] = frozenset()) -> list[Hit]:
    """Order the candidates of ambiguous hits: a place after a word such as "في" (``places``
    holds those hits' starts), then an entity named alone elsewhere in the text, then the
    entity with most facts."""
    solid = Counter(h.entity for h in hits if not h.ambiguous)

    def order(hit: Hit) -> Any:
        def key(entity: str) -> tuple[bool, int, int, str]:
            known = index.entities.get(entity)
            place = hit.start in places and known is not None and known.type == "Location"
            return not place, -solid[entity], -(known.weight if known else 0), entity
        return key

    return [replace(h, entities=tuple(sorted(h.entities, key=order(h)))) if h.ambiguous else h for h in hits]


def _place_hinted(doc: Folded, hits: list[Hit], rules: Rules) -> set[int]:
    """Starts of ambiguous hits right after a word that suggests a place (rules: place_hints)."""
    out = set()
    for hit in hits:
        if not hit.ambiguous:
            continue
        before = [t for t in doc.tokens if t.fend <= hit.fstart][-1:]
        if before and JOINABLE.match(doc.folded[before[0].fend:hit.fstart]) and before[0].folded in rules.place_hints:
            out.add(hit.start)
    return out


def types_of(hit: Hit, index: AliasIndex, new_types: dict[str, str]) -> set[str]:
    """The entity types a hit may have."""
    out = set()
    for entity in hit.entities:
        known = index.entities.get(entity)
        out.add(known.type if known else new_types.get(entity, ""))
    return out


def link_attacks(doc: Folded, hits: list[Hit], dates: list[DateFound], index: AliasIndex,
                 rules: Rules, new_parents: dict[str, set[str]] | None = None) -> list[Hit]:
    """Known attacks a sentence describes: it has an attack word of a kind that agrees with
    the attack's, names the attack's own place, and gives a date that agrees with the
    attack's (an undated attack: its city, district or venue is enough). Words of the
    attack's label add to the evidence but never link on their own, and campaigns
    (``rules/figures.yaml: link_never_kinds``) are linked only by their names."""
    cue = attack_cue(rules)
    never = set(rules.figures.get("link_never_kinds") or [])
    attacks = [k for k in index.entities.values() if k.type == "Attack"]
    local = {k.id for k in index.entities.values() if k.type == "Location" and k.kind in LOCAL_PLACES}
    spans = {k.id: _span(k.date) for k in attacks}
    out: list[Hit] = []
    sentences = doc.sentences()
    for n, (s_start, s_end) in enumerate(sentences):
        found = cue.search(doc.folded, s_start, s_end)
        if found is None:
            continue
        prior = sentences[max(0, n - 2)][0]
        inside = [h for h in hits if s_start <= h.fstart < s_end]
        named = {e for h in inside for e in h.entities}
        places = [h for h in inside if h.how != "nested" and any(
            index.entities.get(e) and index.entities[e].type == "Location" for e in h.entities)]
        news = [h for h in inside if h.entity in (new_parents or {})]
        when = [d for d in dates if s_start <= d.fstart < s_end and d.edtf and d.rule not in NOT_WHEN]
        inherited = not when
        if inherited:  # the date of the sentences just before, when it is the attack's very date
            when = [d for d in dates if prior <= d.fstart < s_start and d.edtf and d.rule not in NOT_WHEN][-1:]
        words = _sentence_words(doc, s_start, s_end, rules)
        kind = attack_kind(doc.folded[s_start:s_end], rules)
        scored: list[tuple[int, str, list[int], list[str]]] = []
        for attack in attacks:
            if attack.id in named or not kinds_agree(kind, attack.kind):
                continue
            place, p_ends, p_why = _place_evidence(attack.place, places, index)
            date, d_ends, d_why = _date_evidence(attack.date, spans[attack.id], when)
            if inherited and date < 2:
                date, d_ends, d_why = 0, [], []
            label, l_ends, l_why = _label_evidence(attack.label_ar, words, rules)
            if _agrees(attack, place, date, label, bool(when) and not inherited, attack.kind in never,
                       _local_named(places + news, index, local, attack, new_parents or {}, rules), local):
                scored.append((place + date + label, attack.id, p_ends + d_ends + l_ends, p_why + d_why + l_why))
        cues = [(m.start(), m.end()) for m in cue.finditer(doc.folded, s_start, s_end)]
        out.extend(_distinct(doc, sorted(scored, key=lambda x: (-x[0], x[1])), cues))
    return rank(out, index)


NOT_WHEN = ("now", "recently", "so-far")
"""Date readings that say when the article speaks ("حتى الآن"), not when an attack happened."""


def _agrees(attack: Any, place: int, date: int, label: int, dated: bool, campaign: bool, local_named: bool,
            local: set[str]) -> bool:
    """Whether a sentence's evidence links it to a known attack (see :func:`link_attacks`)."""
    if label == 2 and not (dated and attack.date and not date):
        return True  # most of the words of its label: a paraphrase of its name, no date against it
    if attack.date is None and place == 2 and label:
        return True  # an undated attack: its own place and words of its label
    if campaign:
        return False
    return bool((place == 2 and date) or (date == 2 and (place or not local_named))
                or (place and date and not local_named)
                or (attack.date is None and place == 2 and attack.place in local))


def _local_named(places: list[Hit], index: AliasIndex, local: set[str], attack: Any,
                 new_parents: dict[str, set[str]], rules: Rules) -> bool:
    """The sentence names another city or district of the attack's country, or the city around
    the attack's venue (Kabul for the Russian embassy in Kabul): a nearby event, not this one.
    A place the attack's own label names ("... في موسكو") is not another place."""
    place = attack.place
    if not place:
        return False
    in_label = set(name_key(attack.label_ar).split())
    around = index.parents.get(place, set())
    countries = {p for p in around | {place} if index.entities.get(p) and index.entities[p].kind == "country"}
    for hit in places:
        for e in hit.entities:
            parents = new_parents.get(e) if e in new_parents else index.parents.get(e, set())
            known = index.entities.get(e)
            in_own_label = known is not None and set(name_key(known.label_ar).split()) <= in_label
            if e == place or (e not in local and e not in new_parents) or (e not in around and in_own_label):
                continue
            if e in around or (countries & (parents or set())):
                return True
    return False


def attack_kind(folded: str, rules: Rules) -> str:
    """The kind of attack a sentence describes: its first kind word (rules: attack_kinds)."""
    best: tuple[int, str] | None = None
    for kind, words in (rules.figures.get("attack_kinds") or {}).items():
        for word in words:
            at = folded.find(fold(str(word)))
            if at >= 0 and (best is None or at < best[0]):
                best = (at, str(kind))
    return best[1] if best else "unspecified"


def kinds_agree(a: str, b: str) -> bool:
    """Two attack kinds may describe the same attack."""
    loose = {"unspecified", "mixed", "campaign", ""}
    if "arrest-operation" in (a, b) and not {a, b} & {"campaign", "mixed"}:
        return a == b  # an arrest is not an attack on someone
    return a == b or a in loose or b in loose or {a, b} <= {"bombing", "suicide-bombing"}


def _distinct(doc: Folded, scored: list[tuple[int, str, list[int], list[str]]],
              cues: list[tuple[int, int]]) -> list[Hit]:
    """One hit per distinct body of evidence; attacks tied on the same evidence share a hit."""
    groups: list[tuple[int, list[str], list[int], list[str]]] = []
    for score, attack, ends, why in scored:
        for group in groups:
            if set(ends) <= set(group[2]):
                if score == group[0]:
                    group[1].append(attack)
                break
        else:
            groups.append((score, [attack], ends, why))
    out = []
    for _, attacks, ends, why in groups:
        cue_start, cue_end = min(cues, key=lambda c: min(abs(c[0] - e) for e in ends))
        fstart, fend = min([cue_start, *ends]), max([cue_end, *ends])
        start, end = doc.span(fstart, fend)
        out.append(Hit(start, end, fstart, fend, tuple(attacks), "attack", ", ".join(why), cue_start))
    return out


def _sentence_words(doc: Folded, start: int, end: int, rules: Rules) -> list[tuple[Token, list[str]]]:
    return [(t, word_variants(t.folded, rules.clitics, rules.variants, endings=rules.endings))
            for t in doc.tokens_between(start, end)]


def _label_evidence(label: str, words: list[tuple[Token, list[str]]],
                    rules: Rules) -> tuple[int, list[int], list[str]]:
    """2 when the sentence holds most of the words of the attack's label (see rules/names.yaml)."""
    wanted = [w for w in name_key(label).split() if w not in rules.label_stopwords and len(w) >= 3]
    if len(wanted) < rules.label_min_words:
        return 0, [], []
    at: list[int] = []
    for w in wanted:
        for token, forms in words:
            if any(f == w or (min(len(f), len(w)) >= 4 and (f.startswith(w) or w.startswith(f))) for f in forms):
                at += [token.fstart, token.fend]
                break
    share = len(at) // 2 / len(wanted)
    if len(at) // 2 < rules.label_min_words or share < rules.label_weak:
        return 0, [], []
    return 2 if share >= rules.label_strong else 1, [min(at), max(at)], [f"label words {len(at) // 2}/{len(wanted)}"]


def _place_evidence(place: str | None, hits: list[Hit], index: AliasIndex) -> tuple[int, list[int], list[str]]:
    """2 when the sentence names the attack's place, 1 when it names a place containing it."""
    if place is None:
        return 0, [], []
    for hit in hits:
        if place in hit.entities:
            return 2, [hit.fstart, hit.fend], [f"place {place}"]
    for hit in hits:
        if set(hit.entities) & index.parents.get(place, set()):
            return 1, [hit.fstart, hit.fend], [f"in {hit.entity}"]
    return 0, [], []


def _date_evidence(edtf: str | None, span: tuple[Any, Any] | None,
                   dates: list[DateFound]) -> tuple[int, list[int], list[str]]:
    """2 when the sentence gives the attack's date, 1 when a date within a year of it nests with it."""
    if edtf is None or span is None:
        return 0, [], []
    for date in dates:
        if date.edtf == edtf:
            return 2, [date.fstart, date.fend], [f"date {edtf}"]
    for date in dates:
        other = _span(date.edtf)
        if other and _nested(span, other):
            return 1, [date.fstart, date.fend], [f"date {date.edtf}"]
    return 0, [], []


def _span(edtf: str | None) -> tuple[Any, Any] | None:
    if not edtf:
        return None
    try:
        parsed = parse_edtf(edtf)
    except DateError:
        return None
    return parsed.earliest, parsed.latest


def _nested(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    """One span contains the other, and the wider one is at most a year long."""
    inner, outer = (a, b) if b[0] <= a[0] and a[1] <= b[1] else (b, a)
    if not (outer[0] <= inner[0] and inner[1] <= outer[1]):
        return False
    return bool((outer[1] - outer[0]).days <= 366)
