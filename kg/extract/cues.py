"""Relation cues: a phrase that states a relation, linked to the entities of its sentence.

Each rule of ``rules/relations.yaml`` names the fact it drafts and how its fields are
filled: the entity inside the cue's words, the nearest one before it, or the nearest
one after it, of the allowed types. The rule that fired is kept as the candidate's
``cue`` so a reviewer (and a rule writer) can see why it was proposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.extract.mentions import Hit
from kg.extract.rules import FieldRule, RelationRule, Rules
from kg.extract.text import Folded
from kg.extract.timex import DateFound

DATED = ("Designation", "Split")
"""Fact types whose candidates take the nearest date of their sentence."""


@dataclass
class Relation:
    """A drafted relation: its rule, its fields, and the span that states it."""

    rule: RelationRule
    start: int
    end: int
    fields: dict[str, Any] = field(default_factory=dict)
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date: str | None = None
    cue_text: str = ""
    suggested: str | None = None
    according_to: str | None = None
    according_to_text: str | None = None
    why: str = ""

    @property
    def status(self) -> str | None:
        """The claim status to suggest: the one the sentence calls for, else the rule's."""
        return self.suggested or self.rule.status


def find_relations(doc: Folded, hits: list[Hit], types: dict[str, str], rules: Rules,
                   dates: list[DateFound], kinds: dict[str, str] | None = None) -> list[Relation]:
    """Every relation cue of the text whose required fields its sentence can fill.

    ``types`` gives each entity id's type and ``kinds`` its kind (known and new entities alike).
    """
    out: list[Relation] = []
    seen: set[tuple[str, str]] = set()
    claimed: set[tuple[int, Any, Any]] = set()
    for rule in rules.relations:
        for m in rule.match.finditer(doc.folded):
            s_start, s_end = doc.sentence_of(m.start())
            if rule.require and not rule.require.search(doc.folded, s_start if rule.require_in_sentence else m.start(),
                                                        s_end):
                continue
            if rule.unless and (rule.unless.search(doc.folded[max(s_start, m.start() - 30):m.start()])
                                or rule.unless.search(m.group())):
                continue
            sentence = [h for h in hits if s_start <= h.fstart and h.fend <= s_end]
            relation = _fill(doc, rule, m.start(), m.end(), sentence, types, kinds or {})
            if relation is None:
                continue
            relation.suggested = next((status for when, status in rule.statuses
                                       if when.search(doc.folded, s_start, m.end())), None)
            if rule.fact.get("type") == "Responsibility":
                said = (s_start, relation.fields.get("agent"), relation.status)
                if said in claimed:
                    continue  # one sentence, one agent, one status: one candidate (the first rule that read it)
                claimed.add(said)
            for when, values in rule.variants:
                if when.search(doc.folded, m.start(), s_end):
                    relation.fields.update(values)
                    break
            if rule.fact.get("type") in DATED:
                near = [d for d in dates if s_start <= d.fstart < s_end and d.edtf and not d.relative]
                near += [d for d in dates if s_start <= d.fstart < s_end and d.edtf and d.relative]
                if near:
                    relation.date = min(near, key=lambda d: abs(d.fstart - m.start())).edtf
            key = (rule.id, repr(sorted(relation.fields.items())))
            if key not in seen:
                seen.add(key)
                out.append(relation)
    return sorted(out, key=lambda r: (r.start, r.rule.id))


def _fill(doc: Folded, rule: RelationRule, fstart: int, fend: int, sentence: list[Hit],
          types: dict[str, str], kinds: dict[str, str]) -> Relation | None:
    relation = Relation(rule, *doc.span(fstart, fend), fields=dict(rule.fact),
                        cue_text=doc.folded[fstart:fend])
    used: set[int] = set()
    lo, hi = fstart, fend
    for spec in rule.fields:
        if spec.copy:
            relation.fields[spec.name] = relation.fields.get(spec.copy)
            continue
        chosen = _choose(spec, fstart, fend, sentence, types, used, kinds)
        if not chosen and spec.required:
            return None
        values = []
        for hit in chosen:
            used.add(id(hit))
            lo, hi = min(lo, hit.fstart), max(hi, hit.fend)
            allowed = [e for e in hit.entities if not spec.types or types.get(e) in spec.types]
            if allowed[0] not in values:  # one entity named twice is one value
                values.append(allowed[0])
            if len(allowed) > 1:
                relation.ambiguous[spec.name] = tuple(allowed)
        relation.fields[spec.name] = values if spec.many else (values[0] if values else None)
    relation.start, relation.end = doc.span(lo, hi)
    return relation


def _choose(spec: FieldRule, fstart: int, fend: int, sentence: list[Hit], types: dict[str, str],
            used: set[int], kinds: dict[str, str]) -> list[Hit]:
    taken = {h.entity for h in sentence if id(h) in used}
    fits = [h for h in sentence if id(h) not in used and h.how != "adjective" and h.entity not in taken
            and (not spec.types or any(types.get(e) in spec.types for e in h.entities))
            and (not spec.kinds or kinds.get(h.entity) in spec.kinds)
            and kinds.get(h.entity) not in spec.not_kinds]
    for where in spec.where:
        if where == "inside":
            pool = [h for h in fits if h.fstart >= fstart and h.fend <= fend]
            pool = pool[::-1] if spec.last else pool
        elif where == "before":
            pool = sorted((h for h in fits if h.at < fstart and min(h.fend, fstart) >= fstart - spec.within
                           and (h.fend <= fstart or h.anchor >= 0)), key=lambda h: -h.at)
        else:
            pool = sorted((h for h in fits if h.at >= fend and h.at - fend <= spec.within),
                          key=lambda h: h.at)
        if pool:
            return pool if spec.many else pool[:1]
    return []
