"""Casualty figures: a number, what it counts (killed, injured...) and how exactly.

>>> from kg.extract.rules import load_rules
>>> from kg.extract.text import Folded
>>> rules = load_rules()
>>> def figures(text):
...     return [(f.measure, f.value, f.qualifier) for f in find_figures(Folded(text), rules, [])]
>>> figures("أسفر عن مقتل ما لا يقل عن 133 شخصاً وإصابة أكثر من 100 آخرين")
[('killed', 133, 'at-least'), ('injured', 100, 'more-than')]
>>> figures("والذي أوقع أكثر من ١٣٠ قتيلاً")
[('killed', 130, 'more-than')]
>>> figures("راح ضحيته نحو 40 شخصا على الأقل وأصيب أكثر من مائة آخرين، وعشرات المدنيين")
[('killed', 40, 'at-least'), ('injured', 100, 'more-than'), ('injured', None, 'dozens')]
>>> figures("نفذ 50 عملية")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.rules import Rules, alternation
from kg.extract.text import Folded, Token, fold, word_variants
from kg.extract.timex import DateFound


@dataclass(frozen=True)
class Figure:
    """A counted figure: ``value`` (``None`` for "dozens" and the like), measure and qualifier."""

    start: int
    end: int
    fstart: int
    fend: int
    measure: str
    value: int | None
    qualifier: str
    cue: str
    persons: tuple[str, ...] = ()


def attack_cue(rules: Rules) -> re.Pattern[str]:
    """The attack words (rules/figures.yaml: attack_cues), with up to three attached letters."""
    words = [fold(str(w)) for w in rules.figures["attack_cues"]]
    return re.compile(rf"(?<!\w)\w{{0,3}}?{alternation(words)}\w*")


def find_figures(doc: Folded, rules: Rules, dates: list[DateFound]) -> list[Figure]:
    """Every number of the text that counts people, with its measure and qualifier."""
    f = rules.figures
    measures = {name: ([fold(str(w)) for w in spec.get("after") or []], [fold(str(w)) for w in spec.get("cues") or []])
                for name, spec in f["measures"].items()}
    not_people = [fold(str(w)) for w in f.get("not_people") or []]
    multipliers = {fold(str(k)): int(v) for k, v in (f.get("multipliers") or {}).items()}
    before_q = [(q, re.compile(rf"(?<!\w)[وفب]?(?:{alternation([fold(w) for w in spec['before']])})\s*$"))
                for q, spec in f["qualifiers"].items() if spec.get("before")]
    after_q = [(q, re.compile(rf"^(?:\s+\w+){{0,2}}?\s*,?\s*(?:{alternation([fold(w) for w in spec['after']])})(?!\w)"))
               for q, spec in f["qualifiers"].items() if spec.get("after")]
    tokens = doc.tokens
    out: list[Figure] = []
    consumed = -1
    for i, token in enumerate(tokens):
        number = None if i <= consumed else _number(doc, tokens, i, rules, multipliers)
        if number is None or any(d.fstart <= token.fstart < d.fend for d in dates):
            continue
        value, qualifier, last = number
        consumed = last
        after = tokens[last + 1] if last + 1 < len(tokens) else None
        if after is not None and _starts(after, not_people, rules):
            continue
        measure, cue_at, cue_word = _measure(doc, tokens, i, after, measures, rules, int(f.get("cue_window", 12)))
        if measure is None:
            continue
        end_token = after if (after is not None and cue_at == after.index) else tokens[last]
        fstart = min(token.fstart, tokens[cue_at].fstart)
        fend = max(end_token.fend, tokens[cue_at].fend)
        why = [f"{measure}: {cue_word}"]
        for q, rx in before_q:
            found = rx.search(doc.folded, max(0, token.fstart - 30), token.fstart)
            if found and qualifier == "exact":
                qualifier, fstart = q, min(fstart, found.start())
                why.append(f"{q}: {found.group().strip()}")
        for q, rx in after_q:
            found = rx.search(doc.folded[end_token.fend:end_token.fend + 30])
            if found:
                qualifier, fend = q, end_token.fend + found.end()
                why.append(f"{q}: {found.group().strip()}")
        start, end = doc.span(fstart, fend)
        out.append(Figure(start, end, fstart, fend, measure, value, qualifier, "; ".join(why)))
    return out


def _starts(token: Token, words: list[str], rules: Rules) -> bool:
    return any(form.startswith(w) for form in word_variants(token.folded, rules.clitics, {}) for w in words
               if " " not in w)


def _number(doc: Folded, tokens: list[Token], i: int, rules: Rules,
            multipliers: dict[str, int]) -> tuple[int | None, str, int] | None:
    """(value, qualifier, index of the last token) when token ``i`` starts a number."""
    token = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if token.folded.isdigit():
        if doc.folded[token.fend:token.fend + 1] in (":", "/", "-") or \
                doc.folded[max(0, token.fstart - 1):token.fstart] in (":", "/", "-", "."):
            return None
        value = int(token.folded)
        if nxt is not None and nxt.folded in multipliers and doc.gap(token, nxt).strip() == "":
            return value * multipliers[nxt.folded], "exact", i + 1
        return value, "exact", i
    if nxt is not None:
        pair = f"{token.folded} {nxt.folded}"
        if pair in rules.number_words:
            word_value, qualifier = rules.number_words[pair]
            return word_value, qualifier or "exact", i + 1
    for form in word_variants(token.folded, rules.clitics, {}):
        if form in rules.number_words:
            word_value, qualifier = rules.number_words[form]
            return word_value, qualifier or "exact", i
    return None


def _measure(doc: Folded, tokens: list[Token], i: int, after: Token | None,
             measures: dict[str, tuple[list[str], list[str]]], rules: Rules,
             window: int) -> tuple[str | None, int, str]:
    """What a number counts: the word after it, else the nearest cue before it in its sentence."""
    if after is not None:
        for name, (words, _) in measures.items():
            if _starts(after, words, rules):
                return name, after.index, after.folded
    sentence = doc.sentence_of(tokens[i].fstart)
    for j in range(i - 1, max(-1, i - 1 - window), -1):
        if tokens[j].fstart < sentence[0]:
            break
        for name, (_, cues) in measures.items():
            if _starts(tokens[j], cues, rules):
                return name, j, tokens[j].folded
            for cue in (c for c in cues if " " in c):
                if doc.folded.startswith(cue, tokens[j].fstart):
                    return name, j, cue
    return None, i, ""


def named_victims(doc: Folded, rules: Rules, persons: list[tuple[int, int, int, int, str]],
                  figures: list[Figure]) -> list[Figure]:
    """One victim per known person named right after a killing cue (rules: named_victims).

    ``persons`` are the (start, end, fstart, fend, id) of the text's Person mentions.
    """
    spec = rules.figures.get("named_victims") or {}
    cues = [fold(str(w)) for w in spec.get("cues") or []]
    out = []
    for _, end, fstart, fend, person in persons:
        before = [t for t in doc.tokens if t.fend <= fstart][-1 - int(spec.get("within_words", 2)):]
        for token in before:
            if _starts(token, cues, rules) and doc.sentence_of(token.fstart) == doc.sentence_of(fstart) \
                    and not any(f.fstart <= token.fstart < f.fend for f in figures):
                s, _ = doc.span(token.fstart, token.fend)
                out.append(Figure(s, end, token.fstart, fend, str(spec.get("measure", "killed")), 1, "exact",
                                  f"named victim: {token.folded}", (person,)))
                break
    return out
