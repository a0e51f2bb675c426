"""The edit form of one record: its fields by type, and the record a posted form gives back.

Every field of the record's type in :mod:`kg.curate.schema` gets a widget (an entity picker,
a vocabulary list, an EDTF box...). A field the schema does not know (a newer extractor may
add some) is shown and kept as written, in YAML, so nothing is lost: the checks then say
whether it may stay. Posted forms name fields ``f.<field>`` (``f.label.en`` for a label);
an empty field is left out of the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.curate import schema
from kg.curate.vocab import vocabulary
from kg.curate.yamlfile import loads
from kg.errors import KgError

HIDDEN = ("type", "source")
"""Fields the editor does not offer: the type is chosen first, the source is the file's."""
_WIDGETS = {"ref": "ref", "refs": "refs", "edtf": "edtf", "end": "edtf", "int": "int", "text": "text",
            "quote": "quote", "label": "label", "credibility": "credibility", "id": "text"}
NEW_ENTITY_TYPES = schema.ENTITY_TYPES
FIRST = ("id", "kind", "entity", "label", "quote")
LATER = ("status", "date", "start", "end", "as_of", "gloss", "according_to", "according_to_text", "credibility", "note")
SHOWN = (*FIRST, *LATER[:-3], "value", "qualifier", "role", "measure")
"""Fields always in view; the others, while empty, wait under "more fields"."""


@dataclass
class Field:
    """One input of the edit form."""

    name: str
    widget: str
    value: Any = None
    scheme: str | None = None
    drafted: Any = None
    required: bool = False
    known: bool = True
    error: str | None = None
    options: list[Any] = field(default_factory=list)
    types: tuple[str, ...] = ()
    """For a reference: the entity types it may point at (empty: any)."""

    @property
    def tucked(self) -> bool:
        """Empty and seldom needed: shown under "more fields"."""
        return self.value in (None, "", [], {}) and not self.required and self.name not in SHOWN and self.known \
            and not self.error

    @property
    def choices(self) -> list[str]:
        return vocabulary().notations(self.scheme) if self.scheme else []

    @property
    def text(self) -> str:
        """The value as the input shows it."""
        if self.value is None:
            return ""
        if self.widget == "refs":
            return ", ".join(str(v) for v in self.value) if isinstance(self.value, list) else str(self.value)
        if self.widget == "yaml":
            return _flow(self.value)
        return str(self.value)

    def part(self, lang: str) -> str:
        """One language of a label or note."""
        if isinstance(self.value, Mapping):
            return str(self.value.get(lang) or "")
        return str(self.value or "") if lang == "en" else ""


def widget(type_: str, name: str) -> tuple[str, str | None]:
    """The widget for a field of a type, and the vocabulary it picks from."""
    spec = schema.FIELDS.get(type_, {}).get(name)
    if isinstance(spec, tuple):
        return "vocab", spec[1]
    if spec == "note":
        return "note", None
    return _WIDGETS.get(str(spec), "yaml"), None


def fields_for(type_: str, record: Mapping[str, Any], drafted: Mapping[str, Any] | None = None) -> list[Field]:
    """The form's fields: what the record is and its quote, its own fields, the claim's fields, then extras."""
    known = schema.FIELDS.get(type_, {})
    required = schema.REQUIRED.get(type_, ())
    ordered = [n for n in FIRST if n in known] + [n for n in known if n not in FIRST and n not in LATER]
    ordered += [n for n in LATER if n in known]
    names = [n for n in ordered if n not in HIDDEN and not (n == "id" and type_ in schema.FACT_TYPES)]
    names += [n for n in record if n not in known and n not in ("status", "span", "cue", "suggested_status")]
    out = []
    for name in names:
        kind, scheme = widget(type_, name) if name in known else ("yaml", None)
        out.append(Field(name, kind, record.get(name), scheme, (drafted or {}).get(name), name in required,
                         name in known))
    return out


@dataclass
class Posted:
    """What an edit form sent back: the record, a new entity it creates, and what could not be read."""

    record: dict[str, Any]
    entity: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)


def from_form(type_: str, form: Mapping[str, str], base: Mapping[str, Any]) -> Posted:
    """The record a posted edit form describes, starting from ``base`` (the candidate as drafted).

    >>> posted = from_form("CasualtyReport", {"f.value": "12", "f.persons": "a, b", "f.victims": ""},
    ...                    {"type": "CasualtyReport", "victims": "x"})
    >>> posted.record, posted.errors
    ({'type': 'CasualtyReport', 'value': 12, 'persons': ['a', 'b']}, {})
    >>> from_form("CasualtyReport", {"f.value": "a dozen"}, {}).errors
    {'value': 'value must be a whole number (digits only)'}
    """
    record = dict(base)
    posted = Posted(record)
    for item in fields_for(type_, base):
        if not _sent(form, item):
            continue
        try:
            value = _value(item, form)
        except ValueError as exc:
            posted.errors[item.name] = str(exc)
            continue
        if value in (None, "", [], {}):
            record.pop(item.name, None)
        else:
            record[item.name] = value
    for name in [k[len("drop."):] for k in form if k.startswith("drop.")]:
        record.pop(name, None)
    posted.entity = _new_entity(form, posted)
    return posted


def _sent(form: Mapping[str, str], item: Field) -> bool:
    return any(k == f"f.{item.name}" or k.startswith(f"f.{item.name}.") for k in form)


def _value(item: Field, form: Mapping[str, str]) -> Any:
    raw = form.get(f"f.{item.name}", "").strip()
    if item.widget in ("label", "note"):
        parts = {lang: form.get(f"f.{item.name}.{lang}", "").strip() for lang in ("en", "ar")}
        if item.widget == "note" and not any(parts.values()):
            return None
        return {lang: text for lang, text in parts.items() if text or item.widget == "label"}
    if item.widget == "refs":
        return [part.strip() for part in raw.replace(",", " ").split() if part.strip()]
    if item.widget in ("int", "credibility"):
        if not raw:
            return None
        if not raw.isdigit():
            raise ValueError(f"{item.name} must be a whole number (digits only)")
        return int(raw)
    if item.widget == "yaml":
        if not raw:
            return None
        try:
            return loads(raw, item.name)
        except KgError as exc:
            raise ValueError(f"{item.name}: not YAML ({exc.problems[0].message})") from None
    if item.widget == "ref" and not raw:
        return form.get(f"other.{item.name}", "").strip() or None
    return raw or None


def _new_entity(form: Mapping[str, str], posted: Posted) -> dict[str, Any] | None:
    """The entity the form's "new entity" part creates, put into the field it was made for."""
    eid = form.get("new.id", "").strip()
    if not eid:
        return None
    type_ = form.get("new.type", "").strip()
    entity: dict[str, Any] = {"id": eid, "type": type_}
    if type_ in ("Organization", "Location", "Attack"):
        entity["kind"] = form.get("new.kind", "").strip()
    entity["label"] = {lang: form.get(f"new.label.{lang}", "").strip() for lang in ("en", "ar")}
    note = {lang: form.get(f"new.note.{lang}", "").strip() for lang in ("en", "ar")}
    if any(note.values()):
        entity["note"] = {lang: text for lang, text in note.items() if text}
    target = form.get("new.for", "").strip()
    if target:
        current = posted.record.get(target)
        if widget(str(posted.record.get("type") or "Mention"), target)[0] == "refs":
            posted.record[target] = [*(current or []), eid] if eid not in (current or []) else current
        else:
            posted.record[target] = eid
    return entity


def _flow(value: Any) -> str:
    """A value as one line of YAML (for fields edited as YAML)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
