"""The source page's parts: the list, the article, the editor, and where each error is shown.

An error of the build's checks names a record and, in its message, usually a field
(``attack refers to unknown entity``, ``missing required field 'kind'``, ``quote not found``):
it is shown next to that field, and anything else above the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.curate import schema
from kg.curate.accept import DraftItem, Hints, accepted, hints, suggested_status
from kg.curate.vocab import vocabulary
from kg.errors import Problem
from kg.serve.review.editor import NEW_ENTITY_TYPES, Field, fields_for
from kg.serve.review.picker import Book, Option, options
from kg.serve.review.project import Snapshot
from kg.serve.review.view import Row, rows

_FIELD_IN = (re.compile(r"^'?([a-z_]+)'?[ :.]"), re.compile(r"field '([a-z_]+)'"), re.compile(r"\[([a-zA-Z_]+)\]"))
ADDABLE = ("Mention", *schema.FACT_TYPES)
"""What a selection of text can become."""


@dataclass
class Editor:
    """The edit form of one candidate, or of a record added from a selection (``key == "new"``)."""

    key: str
    type: str
    fields: list[Field]
    quote: str = ""
    span: tuple[int, int] | None = None
    note: str = ""
    cue: str = ""
    hints: Hints = field(default_factory=Hints)
    errors: list[str] = field(default_factory=list)
    entity: dict[str, Any] = field(default_factory=dict)
    entity_errors: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    readings: list[Any] = field(default_factory=list)
    """The dates the extractor read inside the quote (from the draft's header)."""

    @property
    def new_entity_types(self) -> tuple[str, ...]:
        return NEW_ENTITY_TYPES

    def kinds(self, type_: str) -> list[str]:
        scheme = {"Organization": "OrganizationKind", "Location": "LocationKind", "Attack": "AttackKind"}.get(type_)
        return vocabulary().notations(scheme) if scheme else []

    @property
    def all_kinds(self) -> list[str]:
        return sorted({k for t in NEW_ENTITY_TYPES for k in self.kinds(t)})


def list_rows(snap: Snapshot, book: Book) -> list[Row]:
    known = {t: list(f) for t, f in schema.FIELDS.items()}
    return rows(snap.items, snap.text, book, known)


def editor(snap: Snapshot, book: Book, key: str, *, new_type: str = "", span: tuple[int, int] | None = None,
           record: dict[str, Any] | None = None, entity: dict[str, Any] | None = None,
           problems: list[Problem] | None = None, search: dict[str, str] | None = None) -> Editor | None:
    """The editor of a candidate (``key``) or a new record of ``new_type``, filled from ``record`` if posted."""
    item = snap.item(key) if key != "new" else None
    if key != "new" and item is None:
        return None
    type_ = item.type if item else new_type
    if type_ not in schema.FIELDS:
        return None
    drafted = accepted(item) if item else {}
    current = record if record is not None else drafted or _new_record(snap, type_, span)
    quote = str(current.get("quote") or "")
    item_span = item.span if item and quote == str(item.data.get("quote")) else span
    found = hints(item.note) if item else Hints()
    if item is not None and suggested_status(item):
        found = Hints(suggested_status(item), found.alternatives, found.fill_in)
    ed = Editor(key, type_, fields_for(type_, current, item.data if item else None), quote, item_span,
                item.note if item else "", str(item.data.get("cue", "")) if item else "", found, entity=entity or {})
    if ed.span:
        ed.readings = [r for r in snap.readings if r.start < ed.span[1] and ed.span[0] < r.end]
    _pick(ed, book, item, search)
    _place(ed, problems or [], current, entity)
    return ed


def _new_record(snap: Snapshot, type_: str, span: tuple[int, int] | None) -> dict[str, Any]:
    record: dict[str, Any] = {} if type_ == "Mention" else {"type": type_}
    if span:
        record["quote"] = snap.text[span[0]:span[1]]
    return record


def _pick(ed: Editor, book: Book, item: DraftItem | None, search: dict[str, str] | None) -> None:
    for f in ed.fields:
        if f.widget not in ("ref", "refs"):
            continue
        ed.targets.append(f.name)
        f.types = _types(f.name)
        name = ed.quote if ed.type == "Mention" and f.name == "entity" else ""
        f.options = options(book, f.name, f.value, ed.hints.alternatives.get(f.name, ()), name)
        asked = (search or {}).get(f.name, "").strip()
        if asked:
            found = book.search(asked, f.types)
            seen = {o.id for o in f.options}
            f.options += [o for o in found if o.id not in seen]
    if item is not None and item.section == "entities":
        ed.targets = []


def _types(name: str) -> tuple[str, ...]:
    return tuple(schema.REF_TYPES.get(name) or ())


def _place(ed: Editor, problems: list[Problem], record: dict[str, Any], entity: dict[str, Any] | None) -> None:
    """Put each problem next to its field, under the new entity, or above the form."""
    names = {f.name: f for f in ed.fields}
    own = {str(record.get("id") or record.get("entity") or "")}
    for problem in problems:
        text = problem.message + (f" (hint: {problem.hint})" if problem.hint else "")
        if entity and problem.fact == entity.get("id"):
            ed.entity_errors.append(text)
            continue
        target = next((m.group(1) for rx in _FIELD_IN for m in [rx.search(problem.message)]
                       if m and m.group(1) in names), None)
        if target and (problem.fact in own or problem.fact is None):
            names[target].error = f"{names[target].error}; {text}" if names[target].error else text
        else:
            ed.errors.append(str(problem) if problem.fact not in own else text)


def option_json(option: Option) -> dict[str, str]:
    e = option.entity
    return {"id": e.id, "type": e.type, "label_en": e.label_en, "label_ar": e.label_ar, "note": e.note,
            "active": e.active, "why": option.why}
