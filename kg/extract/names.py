"""Names the graph does not know yet: quoted names and capitalised Latin names.

Arabic has no capitals, so an unknown Arabic name is proposed only when the text quotes
it (``«…»``, ``"…"``, ``“…”``). A Latin name is a run of capitalised words (joined by
words such as "of" or "al"). The word before a name, or its own first or last word,
suggests its type (``rules/names.yaml``: ``type_cues``); the reviewer checks it.

>>> from kg.extract.index import AliasIndex
>>> from kg.extract.rules import load_rules
>>> found = find_new(Folded('كتب في مجلة "سبكتيتور" أن Colin Clarke قال'), [], AliasIndex(), load_rules())
>>> [(n.text, n.type, n.kind) for n in found]
[('سبكتيتور', 'Organization', 'newspaper'), ('Colin Clarke', 'Organization', None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.cued import cued_names
from kg.extract.index import AliasIndex
from kg.extract.mentions import JOINABLE, Hit
from kg.extract.rules import Rules
from kg.extract.text import Folded, Token, name_key, word_variants

_QUOTED = re.compile(r'"([^"\n]{2,80}?)"')


@dataclass(frozen=True)
class NewName:
    """A name that matches no known entity: a "new entity?" candidate."""

    start: int
    end: int
    fstart: int
    fend: int
    text: str
    type: str
    kind: str | None
    why: str
    date: str | None = None
    place: str | None = None
    within: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    according_to: str | None = None
    according_to_text: str | None = None


def find_new(doc: Folded, known: list[Hit], index: AliasIndex, rules: Rules) -> list[NewName]:
    """Quoted, capitalised and cued names (:mod:`kg.extract.cued`) not covered by a known
    mention, one per name."""
    found: list[NewName] = []
    seen: set[str] = set()
    kinds = {k.id: k.kind for k in index.entities.values()}
    quoted = [(fstart, fend, why, None) for fstart, fend, why in [*_quoted(doc, rules), *_capitalized(doc, rules)]]
    cued = [(fstart, fend, why, (etype, ekind)) for fstart, fend, why, etype, ekind in
            cued_names(doc, known, rules, kinds)]
    for fstart, fend, why, typed in [*quoted, *cued]:
        start, end = doc.span(fstart, fend)
        branch = why.startswith("a group of")
        if not branch and any(h.start < end and start < h.end and h.how != "adjective" for h in known):
            continue
        if any(n.start < end and start < n.end for n in found):
            continue
        text = doc.text[start:end]
        key = name_key(text)
        if not key or key in seen or index.lookup(key) or not re.search(r"[^\W\d_]", key):
            continue
        seen.add(key)
        kind_of = _type_of(doc, fstart, fend, rules)
        if typed is not None and (typed[0] != kind_of[0] or typed[1]):
            kind_of = (typed[0], typed[1] or (kind_of[1] if typed[0] == kind_of[0] else None), "")
        found.append(NewName(start, end, fstart, fend, text, kind_of[0], kind_of[1],
                             f"{why}{'; ' + kind_of[2] if kind_of[2] else ''}"))
    return sorted(found, key=lambda n: n.start)


def _quoted(doc: Folded, rules: Rules) -> list[tuple[int, int, str]]:
    out = []
    for m in _QUOTED.finditer(doc.folded):
        inner = doc.folded[m.start(1):m.end(1)]
        words = inner.split()
        if not words or len(words) > rules.quoted_max_words or inner != inner.strip() \
                or words[0] in rules.label_stopwords:
            continue
        out.append((m.start(1), m.end(1), "quoted"))
    return out


def _capitalized(doc: Folded, rules: Rules) -> list[tuple[int, int, str]]:
    out = []
    run: list[Token] = []
    for token in [*doc.tokens, None]:
        if token is not None and run and not JOINABLE.match(doc.gap(run[-1], token)):
            out.extend(_close(doc, run, rules))
            run = []
        if token is not None and token.latin and not any(c.isdigit() for c in token.folded) and (
                token.capitalized or (run and token.folded in rules.latin_joiners)):
            run.append(token)
            continue
        out.extend(_close(doc, run, rules))
        run = []
    return out


def _close(doc: Folded, run: list[Token], rules: Rules) -> list[tuple[int, int, str]]:
    while run and not run[-1].capitalized:
        run = run[:-1]
    if not run or all(t.folded in rules.latin_stopwords for t in run):
        return []
    while run and run[0].folded in rules.latin_stopwords:
        run = run[1:]
    before = doc.text[run[0].start - 1:run[0].start] if run and run[0].start else ""
    if not run or before in ("@", "/", ".", "#", "_"):
        return []
    return [(run[0].fstart, run[-1].fend, "capitalised")]


def _type_of(doc: Folded, fstart: int, fend: int, rules: Rules) -> tuple[str, str | None, str]:
    """The type (and kind) a cue word suggests: the word before the name, or its first or last word."""
    inside = [t for t in doc.tokens if fstart <= t.fstart and t.fend <= fend]
    before = [t for t in doc.tokens if t.fend <= fstart][-1:]
    for token in [*before, *inside[:1], *inside[-1:]]:
        forms = word_variants(token.folded, rules.clitics, {})
        for words, kind_type, kind in rules.type_cues:
            if words & set(forms):
                return kind_type, kind, f"type from {token.folded!r}"
    return "Organization", None, "type guessed: no cue word"
