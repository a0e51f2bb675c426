"""The entity picker: which entities a field may name, each with its type, labels and note.

The options of a field are the drafted entity, the others the extractor found for the same
words (``ambiguous: also …``), the resolver's candidates for the quoted name, and the
entities already created in this source's facts file (the store knows them only after the
next ``kg build``). So "which Khorasan?" is answered beside the text, with the notes that
tell the candidates apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kg.analysis.resolve import Candidate, Resolver
from kg.curate import schema
from kg.namespaces import ID


@dataclass(frozen=True)
class Option:
    """One entity a field may name (as the resolver describes it), and why it is offered."""

    entity: Candidate
    why: str

    @property
    def id(self) -> str:
        return self.entity.id


def _described(entity_id: str, type_: str, label: Mapping[str, Any], note: str) -> Candidate:
    """An entity the store does not know yet, described as the resolver describes the others."""
    return Candidate(entity_id, str(ID) + entity_id, type_, str(label.get("en", "")), str(label.get("ar", "")),
                     note, 100.0, entity_id)


class Book:
    """The entities the workspace knows: the built store's, and those new in the facts file."""

    def __init__(self, resolver: Resolver, local: Iterable[Mapping[str, Any]] = ()) -> None:
        self.resolver = resolver
        self.local = {str(e.get("id")): e for e in local if isinstance(e, Mapping) and e.get("id")}

    def type_of(self, entity_id: str) -> str | None:
        local = self.local.get(entity_id)
        return str(local.get("type")) if local else self.resolver.type_of(entity_id)

    def option(self, entity_id: str, why: str, *, active: bool = True) -> Option | None:
        local = self.local.get(entity_id)
        if local is not None:
            note = local.get("note")
            note_en = str(note.get("en", "")) if isinstance(note, Mapping) else str(note or "")
            entity = _described(entity_id, str(local.get("type", "")), _labels(local), note_en)
            return Option(entity, why or "new in this source")
        found = self.resolver.describe(entity_id, active=active)
        return Option(found, why) if found else None

    def search(self, name: str, types: tuple[str, ...] = (), limit: int = 12) -> list[Option]:
        """Entities a name may mean, best first (the resolver's ambiguity list), new ones included."""
        found = [Option(c, "name") for c in self.resolver.resolve(name, types=types, limit=limit).candidates]
        key = name.strip().lower()
        for eid, record in self.local.items():
            label = _labels(record)
            texts = [eid, *(str(v) for v in label.values())]
            if key and any(key in t.lower() for t in texts) and (not types or record.get("type") in types):
                option = self.option(eid, "new in this source")
                if option:
                    found.insert(0, option)
        return found


def _labels(record: Mapping[str, Any]) -> Mapping[str, Any]:
    label = record.get("label")
    return label if isinstance(label, Mapping) else {}


def allowed_types(field: str) -> tuple[str, ...]:
    """The entity types a reference field may point at (empty: any)."""
    return tuple(schema.REF_TYPES.get(field) or ())


def options(book: Book, field: str, value: Any, alternatives: Iterable[str] = (), name: str = "") -> list[Option]:
    """The choices for one reference field, the current value first, each entity once."""
    types = allowed_types(field)
    chosen: dict[str, Option] = {}
    current = value if isinstance(value, list) else [value] if value else []
    for eid, why in [*((str(v), "drafted") for v in current), *((a, "also found") for a in alternatives)]:
        option = book.option(eid, why)
        if option is not None and eid not in chosen:
            chosen[eid] = option
        elif option is None and eid not in chosen:
            chosen[eid] = Option(_described(eid, "?", {}, ""), "unknown id")
    if name:
        for found in book.search(name, types):
            chosen.setdefault(found.id, found)
    for eid in book.local:
        if not types or book.type_of(eid) in types:
            option = book.option(eid, "new in this source")
            if option:
                chosen.setdefault(eid, option)
    return list(chosen.values())
