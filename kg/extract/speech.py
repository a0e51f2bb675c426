"""Reported speech: who, inside an article, says what a candidate states (``rules/speech.yaml``).

"وقالت وزارة الصحة الأفغانية إن ..." and "بحسب ما أفاد المرصد ..." name an asserter; "نقلت
وكالة رويترز عن مسؤولين أمنيين" names the outlet and, after "عن", the asserter. The asserter
is a known or new entity of the text (a person named in the clause first), else the few
words that name it. A candidate takes the asserter of its sentence that comes nearest
before it (else the first after it); the article's own voice has none.

>>> from kg.extract.rules import load_rules
>>> said = asserters(Folded("ونقلت وكالة رويترز عن مسؤولين أمنيين أن بين القتلى 13 جنديا"), [], {}, load_rules())
>>> [(s.text, s.entity) for s in said]
[('مسؤولين أمنيين', None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.mentions import Hit
from kg.extract.rules import Rules, alternation
from kg.extract.text import Folded, Token, fold, word_variants


@dataclass(frozen=True)
class Asserter:
    """Who says it: an entity of the text, or the words naming it; ``at`` is where the cue is."""

    at: int
    fstart: int
    fend: int
    text: str
    entity: str | None
    cue: str


def asserters(doc: Folded, hits: list[Hit], types: dict[str, str], rules: Rules) -> list[Asserter]:
    """Every asserter the text names, in order."""
    spec = rules.speech
    if not spec:
        return []
    verbs = alternation([fold(str(w)) for w in spec.get("verbs") or []])
    after = alternation([fold(str(w)) for w in spec.get("after") or []])
    cues = [re.compile(str(spec["through"])), re.compile(rf"(?<!\w)[وف]?(?:{after})(?!\w)"),
            re.compile(rf"(?<!\w)[وف]?(?:{verbs})(?!\w)")]
    skip = {fold(str(w)) for w in spec.get("skip") or []}
    stops = {fold(str(w)) for w in rules.names.get("name_stops") or []} | {"قوله", "قولها", "قولهم", "بان"}
    org_words = {fold(str(w)) for group in (rules.names.get("org_cues") or {}).values() for w in group}
    most = int(spec.get("max_words") or 4)
    out: list[Asserter] = []
    taken: list[tuple[int, int]] = []
    for m in re.finditer(str(spec.get("subject") or "(?!)"), doc.folded):
        start, end = doc.span(m.start(1), m.end(1))
        out.append(Asserter(m.start(), m.start(1), m.end(1), doc.text[start:end], None, "subject"))
        taken.append((m.start(), m.end()))
    for cue in cues:
        for m in cue.finditer(doc.folded):
            if any(a <= m.start() < b for a, b in taken):
                continue
            found = _asserter(doc, m, hits, types, skip, stops, org_words, most, rules)
            if found is not None:
                out.append(found)
                taken.append((m.start(), found.fend))
    return sorted(out, key=lambda a: a.at)


def _asserter(doc: Folded, m: re.Match[str], hits: list[Hit], types: dict[str, str], skip: set[str],
              stops: set[str], org_words: set[str], most: int, rules: Rules) -> Asserter | None:
    tokens = [t for t in doc.tokens if t.fstart >= m.end()]
    _, s_end = doc.sentence_of(m.start())
    while tokens and tokens[0].folded in skip:
        tokens = tokens[1:]
    if not tokens or tokens[0].fstart >= s_end:
        return None
    clause = [t for t in tokens[:12] if t.fstart < s_end]
    end = next((t.fstart for t in clause if t.folded in ("ان", "انه", "انها", "بان")), clause[-1].fend)
    region = [h for h in hits if tokens[0].fstart <= h.fstart < end and h.how != "adjective"]
    person = [h for h in region if types.get(h.entity) == "Person"]
    early = [h for h in region if h.fstart <= (tokens[1].fstart if len(tokens) > 1 else tokens[0].fstart)
             and types.get(h.entity) in ("Organization", "Person")]
    chosen = (person or early)[:1]
    if chosen:
        h = chosen[0]  # the words that name the asserter, from the first one to its name
        start = min(h.start, tokens[0].start)
        return Asserter(m.start(), tokens[0].fstart, h.fend, doc.text[start:h.end], h.entity, m.group())
    words: list[Token] = []
    for t in tokens[:most]:
        gap = doc.gap(words[-1], t) if words else ""
        forms = set(word_variants(t.folded, rules.clitics, {}))
        if t.folded in stops or (words and gap.strip()) or (words and forms & org_words) or t.folded.isdigit() \
                or t.fstart >= s_end:
            break
        words.append(t)
    if not words:
        return None
    start, end_ = words[0].start, words[-1].end
    return Asserter(m.start(), words[0].fstart, words[-1].fend, doc.text[start:end_], None, m.group())


def governing(said: list[Asserter], doc: Folded, fpos: int) -> Asserter | None:
    """The asserter of the sentence holding ``fpos``: the nearest before it, else the first after."""
    s_start, s_end = doc.sentence_of(fpos)
    inside = [a for a in said if s_start <= a.at < s_end]
    before = [a for a in inside if a.at <= fpos]
    return before[-1] if before else (inside[0] if inside else None)
