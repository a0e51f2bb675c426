"""Unquoted new names, typed from the words around them (``rules/names.yaml``).

Arabic has no capitals, so a new name is found by its cue: a person's title right before
it (``الجنرال فريد أحمدي``, ``يدعى ...``) or an office and a name set off by commas
(``المتحدث باسم حكومة طالبان، ذبيح الله مجاهد،``); an organization's cue word and the
words after it (``جماعة الأحرار``, ``وزارة الصحة الأفغانية``). A known group followed by a
country (``حركة طالبان باكستان``) is a new group, not the known one.

>>> from kg.extract.rules import load_rules
>>> found = cued_names(Folded("اتهم الجنرال فريد أحمدي جماعة الأحرار بالهجوم"), [], load_rules())
>>> [(f[3], f[2]) for f in found]
[('Person', 'title'), ('Organization', 'organization cue')]
"""

from __future__ import annotations

from typing import Any

from kg.extract.mentions import JOINABLE, Hit
from kg.extract.rules import Rules
from kg.extract.text import Folded, Token, fold, word_variants

Found = tuple[int, int, str, str, str | None]
"""(folded start, folded end, why, type, kind) of a name."""


def cued_names(doc: Folded, hits: list[Hit], rules: Rules, kinds: dict[str, str] | None = None) -> list[Found]:
    """Persons and organizations named after their cue words, and national branches of known groups."""
    spec: dict[str, Any] = rules.names
    stops = {fold(str(w)) for w in spec.get("name_stops") or []}
    tokens = doc.tokens
    taken = {t.index for t in tokens for h in hits if h.how != "adjective" and h.start < t.end and t.start < h.end}
    out: list[Found] = []
    titles = {fold(str(w)) for w in spec.get("person_titles") or []}
    offices = [fold(str(w)).split() for w in spec.get("office_titles") or []]
    org_cues = spec.get("org_cues") or {}
    named = {fold(str(w)) for w in org_cues.get("named") or []}
    institutional = {fold(str(w)) for w in org_cues.get("institutional") or []}
    for i, token in enumerate(tokens):
        forms = set(word_variants(token.folded, rules.clitics, {}, strip=True))
        if forms & titles:
            run = _run(doc, tokens, i + 1, stops, taken, 3)
            if len(run) >= 2:
                out.append((run[0].fstart, run[-1].fend, "title", "Person", None))
        office = _office(tokens, i, offices, rules)
        if office:
            name = _between_commas(doc, tokens, i + office, stops, taken)
            if name:
                out.append((name[0].fstart, name[-1].fend, "office", "Person", None))
        if i not in taken and (token.folded in named or forms & institutional):
            article = token.folded.startswith("ال")
            run = _run(doc, tokens, i + 1, stops, taken, int(spec.get("org_max_words") or 3),
                       article_only=article)
            if run:
                out.append((token.fstart, run[-1].fend, "organization cue", "Organization", None))
    out += _branches(doc, hits, rules, kinds or {})
    return out


def _run(doc: Folded, tokens: list[Token], i: int, stops: set[str], taken: set[int], most: int,
         article_only: bool = False) -> list[Token]:
    run: list[Token] = []
    while i < len(tokens) and len(run) < most:
        t = tokens[i]
        gap = doc.gap(tokens[i - 1], t) if i and run else ""
        if i in taken or t.folded in stops or not JOINABLE.match(gap) or '"' in gap or t.folded.isdigit() \
                or (article_only and not t.folded.startswith(("ال", "لل"))):
            break
        run.append(t)
        i += 1
    return run


def _office(tokens: list[Token], i: int, offices: list[list[str]], rules: Rules) -> int:
    for words in offices:
        window = tokens[i:i + len(words)]
        if len(window) == len(words) and all(w in word_variants(t.folded, rules.clitics, {}) for w, t in
                                              zip(words, window, strict=True)):
            return len(words)
    return 0


def _between_commas(doc: Folded, tokens: list[Token], i: int, stops: set[str], taken: set[int]) -> list[Token]:
    """The words after an office: up to four words of the office's object, then "، NAME،"."""
    for j in range(i, min(i + 5, len(tokens) - 1)):
        if doc.gap(tokens[j], tokens[j + 1]).strip() in ("،", ","):
            run = _run(doc, tokens, j + 1, stops, taken, 4)
            end = run[-1].index if run else -1
            if run and end + 1 < len(tokens) and doc.gap(tokens[end], tokens[end + 1]).strip() in ("،", ","):
                while run and run[0].folded in {"الجنرال", "القيادي", "الملا", "الشيخ"}:
                    run = run[1:]
                return run if len(run) >= 2 else []
            return []
    run = _run(doc, tokens, i + 1, stops, taken, 3)  # "المتحدث باسم الحركة محمد خراساني"
    return run if len(run) >= 2 else []


def _branches(doc: Folded, hits: list[Hit], rules: Rules, kinds: dict[str, str]) -> list[Found]:
    """A known group right before a country's name or adjective: another group."""
    want = set(rules.names.get("national_branches") or [])
    out: list[Found] = []
    for group in hits:
        if kinds.get(group.entity) not in want:
            continue
        nxt = next((h for h in hits if h.fstart >= group.fend and h is not group), None)
        if nxt is not None and JOINABLE.match(doc.folded[group.fend:nxt.fstart]) and \
                kinds.get(nxt.entity) == "country":
            out.append((group.fstart, nxt.fend, f"a group of a country, not {group.entity}", "Organization",
                        "militant-group"))
    return out
