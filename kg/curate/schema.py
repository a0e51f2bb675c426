"""The shape of curated records: which fields each type takes, and what each field holds.

Checks here are local to one record (unknown or missing fields, values of the wrong
kind, words outside a vocabulary, invalid dates, mislabelled scripts). Checks that
need every file (references, duplicate ids, quotes) are in :mod:`kg.curate.corpus`.

>>> [str(p) for p in check_record({"id": "x", "type": "Person", "labell": {}}, "f.yaml", 3)][0]
"f.yaml:3: x: unknown field 'labell' (hint: did you mean 'label'?)"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from kg import dates
from kg.curate.arabic import has_bidi_controls, script_of
from kg.curate.readings import OWN, SHARED, merge
from kg.curate.vocab import vocabulary
from kg.errors import Problem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

ENTITY_TYPES = ("Organization", "Person", "Location", "Attack", "Event")
FACT_TYPES = (
    "Affiliation", "Split", "Responsibility", "CasualtyReport", "Designation", "Strength",
    "Allegation",
)

_ENTITY = {"id": "id", "type": "type", "label": "label", "aliases": "aliases", "note": "note",
           "outside_note": "note", "description": "text"}
_FACT = {"id": "id", "type": "type", "source": "source", "quote": "quote", "gloss": "text",
         "status": ("vocab", "ClaimStatus"), "according_to": "ref", "according_to_text": "text",
         "credibility": "credibility", "note": "text", "outside_note": "text", "date": "edtf",
         "readings": "readings"}

FIELDS: dict[str, dict[str, Any]] = {
    "Organization": {**_ENTITY, "kind": ("vocab", "OrganizationKind")},
    "Person": {**_ENTITY, "nationality": "ref"},
    "Location": {**_ENTITY, "kind": ("vocab", "LocationKind"), "within": "refs",
                 "overlaps": "refs", "coordinates": "coordinates"},
    "Attack": {**_ENTITY, "kind": ("vocab", "AttackKind"), "outcome": ("vocab", "Outcome"),
               "date": "edtf", "place": "ref", "targets": "texts", "target_entities": "refs",
               "source": "source", "quote": "quote", "gloss": "text",
               "status": ("vocab", "ClaimStatus")},
    "Event": {**_ENTITY, "kind": ("vocab", "EventKind"), "date": "edtf", "place": "ref", "actors": "refs",
              "source": "source", "quote": "quote", "gloss": "text", "status": ("vocab", "ClaimStatus")},
    "Affiliation": {**_FACT, "member": "ref", "organization": "ref", "role": ("vocab", "Role"),
                    "start": "edtf", "end": "end", "attested": "edtf"},
    "Split": {**_FACT, "kind": ("vocab", "ChangeKind"), "from": "refs", "to": "refs",
              "agents": "refs", "broke_with": "refs", "count": "count"},
    "Responsibility": {**_FACT, "attack": "ref", "agent": "ref", "by": "ref", "channel": "ref"},
    "CasualtyReport": {**_FACT, "attack": "ref", "measure": ("vocab", "Measure"),
                       "value": "int", "qualifier": ("vocab", "Qualifier"), "victims": "text",
                       "persons": "refs", "as_of": "edtf", "reported_by": "ref"},
    "Designation": {**_FACT, "organization": "ref", "authority": "ref",
                    "designation_type": ("vocab", "DesignationType"), "instrument": "text"},
    "Strength": {**_FACT, "organization": "ref", "value": "int",
                 "qualifier": ("vocab", "Qualifier"), "as_of": "edtf", "place": "ref"},
    "Allegation": {**_FACT, "by": "ref", "about": "refs", "channel": "ref"},
    "Mention": {"entity": "ref", "quote": "quote", "source": "source", "note": "text"},
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "Organization": ("id", "type", "label", "kind"),
    "Person": ("id", "type", "label"),
    "Location": ("id", "type", "label", "kind"),
    "Attack": ("id", "type", "label", "kind", "outcome", "quote"),
    "Event": ("id", "type", "label", "kind", "quote"),
    "Affiliation": ("id", "type", "quote", "member", "organization", "role"),
    "Split": ("id", "type", "quote", "kind", "from"),
    "Responsibility": ("id", "type", "quote", "attack", "agent", "status"),
    "CasualtyReport": ("id", "type", "quote", "attack", "measure", "qualifier"),
    "Designation": ("id", "type", "quote", "organization", "authority", "designation_type"),
    "Strength": ("id", "type", "quote", "organization", "value", "qualifier"),
    "Allegation": ("id", "type", "quote", "by", "about", "status"),
    "Mention": ("entity", "quote"),
}

# Which entity types a reference field may point to (None: any entity).
REF_TYPES: dict[str, tuple[str, ...] | None] = {
    "member": ("Person", "Organization"), "organization": ("Organization",),
    "attack": ("Attack",), "place": ("Location",), "within": ("Location",),
    "overlaps": ("Location",), "from": ("Organization",), "to": ("Organization",),
    "agents": ("Person", "Organization"), "authority": ("Organization",),
    "nationality": ("Location",), "persons": ("Person",), "channel": ("Organization",),
    "actors": ("Person", "Organization"), "broke_with": ("Person", "Organization"),
}


def check_record(record: Mapping[str, Any], file: str, line: int, kind: str | None = None) -> list[Problem]:
    """Check one record's fields; return every problem found."""
    kind = kind or record.get("type")
    name = record.get("id") or record.get("entity")
    name = str(name) if name is not None else None
    if not isinstance(kind, str) or kind not in FIELDS:
        allowed = ", ".join(ENTITY_TYPES + FACT_TYPES)
        return [Problem(file, line, name, f"unknown type {kind!r}", f"use one of {allowed}")]
    fields = FIELDS[kind]
    problems = []
    for key in record:
        if key not in fields:
            close = difflib.get_close_matches(str(key), fields, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(fields)}"
            problems.append(Problem(file, line, name, f"unknown field {key!r}", hint))
    for key in REQUIRED[kind]:  # an ambiguous fact's required fields may come from its readings
        if record.get(key) in (None, "", []) and not isinstance(record.get("readings"), list):
            problems.append(Problem(file, line, name, f"missing required field {key!r}",
                                    f"every {kind} needs {', '.join(REQUIRED[kind])}"))
    for key, value in record.items():
        if key == "readings" and key in fields:
            problems += _check_readings(record, file, line, kind, name)
        elif key in fields and value not in (None, "", []):
            message = _check_value(fields[key], key, value)
            if message:
                problems.append(Problem(file, line, name, message[0], message[1]))
    return problems


def _check_readings(record: Mapping[str, Any], file: str, line: int, kind: str,
                    name: str | None) -> list[Problem]:
    """Two or more readings, each a note and the fields it reads differently; one preferred, with a reason."""
    entries = record["readings"]
    if not isinstance(entries, list) or len(entries) < 2 or not all(isinstance(e, Mapping) for e in entries):
        return [Problem(file, line, name, "readings must be a list of two or more mappings",
                        "give each way to read the sentence as {id, note, ...fields}")]
    problems, seen = [], set()
    for entry in entries:
        at = getattr(entry, "line", line)
        rid = entry.get("id")
        where = f"{name} reading {rid}" if rid else name
        if not isinstance(rid, str) or not SLUG.match(rid) or rid in seen:
            problems.append(Problem(file, at, name, f"reading id {rid!r} is missing, not a slug or repeated",
                                    "give each reading a short unique slug, e.g. id: khan-accuses-dost"))
        seen.add(str(rid))
        if not _is_text(entry.get("note")):
            problems.append(Problem(file, at, where, "a reading needs a note", "say how this reading reads the text"))
        if entry.get("preferred") not in (None, True):
            problems.append(Problem(file, at, where, "preferred must be true or left out", "write preferred: true"))
        if (entry.get("preferred") is True) != _is_text(entry.get("reason")):
            problems.append(Problem(file, at, where, "the preferred reading, and only it, gives a reason",
                                    "write reason: why this reading is preferred"))
        for key in entry:
            if key in SHARED and key != "id":
                problems.append(Problem(file, at, where, f"a reading cannot give its own {key!r}",
                                        "every reading shares the fact's source and quote"))
            elif key not in OWN and key not in FIELDS[kind]:
                problems.append(Problem(file, at, where, f"unknown field {key!r}",
                                        f"a reading gives {kind} fields, and id, note, preferred, reason"))
        if not problems:
            problems += check_record(merge(record, entry, at), file, at, kind)
    if sum(e.get("preferred") is True for e in entries) != 1 and not problems:
        problems.append(Problem(file, line, name, "exactly one reading must be preferred",
                                "mark one reading preferred: true, with its reason"))
    return problems


def _check_value(spec: Any, key: str, value: Any) -> tuple[str, str] | None:
    if isinstance(spec, tuple):
        allowed = vocabulary().notations(spec[1])
        if value not in allowed:
            close = difflib.get_close_matches(str(value), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(allowed)}"
            return f"{key} {value!r} is not in the {spec[1]} vocabulary", hint
        return None
    checker = _CHECKS.get(spec)
    return checker(key, value) if checker else None


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text(key: str, value: Any) -> tuple[str, str] | None:
    if not _is_text(value):
        return f"{key} must be text", "quote the value"
    if has_bidi_controls(value):
        return f"{key} contains invisible bidi control characters", "delete them"
    return None


def _texts(key: str, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, list) or not all(_is_text(v) for v in value):
        return f"{key} must be a list of texts", "write it as a YAML list"
    return None


def _slug(key: str, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str) or not SLUG.match(value):
        return f"{key} {value!r} is not a lower-case slug", "use letters, digits and hyphens"
    return None


def _refs(key: str, value: Any) -> tuple[str, str] | None:
    values = value if isinstance(value, list) else [value]
    for item in values:
        problem = _slug(key, item)
        if problem:
            return problem
    return None


def _edtf(key: str, value: Any) -> tuple[str, str] | None:
    try:
        dates.parse(str(value))
    except dates.DateError as exc:
        return f"{key}: {exc}", "write an EDTF date such as 2015, 2015-10, 2015-10-28 or 2014-09/2014-12"
    return None


def _end(key: str, value: Any) -> tuple[str, str] | None:
    return None if value == dates.ONGOING else _edtf(key, value)


def _int(key: str, value: Any) -> tuple[str, str] | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return f"{key} must be a whole number", "write digits only, e.g. 130"
    return None


def _credibility(key: str, value: Any) -> tuple[str, str] | None:
    if isinstance(value, bool) or value not in range(1, 7):
        return f"{key} must be an Admiralty credibility from 1 to 6", "1 confirmed ... 6 cannot be judged"
    return None


def _label(key: str, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, Mapping) or not _is_text(value.get("en")) or not _is_text(value.get("ar")):
        return f"{key} needs both 'en' and 'ar' texts", "write label: {en: ..., ar: ...}"
    outside = value.get("outside", [])
    if set(value) - {"en", "ar", "outside"} or not isinstance(outside, list) or set(outside) - {"en", "ar"}:
        return (f"{key} takes en, ar and outside (the languages whose label no source gives)",
                "e.g. label: {en: ..., ar: ..., outside: [en]}")
    for lang in ("en", "ar"):
        problem = _language(key, str(value[lang]), lang)
        if problem:
            return problem
    return None


def _note(key: str, value: Any) -> tuple[str, str] | None:
    if isinstance(value, str):
        return _text(key, value)
    if not isinstance(value, Mapping) or not value or set(value) - {"en", "ar"}:
        return f"{key} must be text or {{en: ..., ar: ...}}", "give an English and/or Arabic note"
    for lang, text in value.items():
        problem = _language(key, str(text), lang) if _is_text(text) else (f"{key}.{lang} is empty", "")
        if problem:
            return problem
    return None


def _language(key: str, text: str, lang: str) -> tuple[str, str] | None:
    if has_bidi_controls(text):
        return f"{key} contains invisible bidi control characters", "delete them"
    script = script_of(text)
    if lang == "ar" and script not in ("ar", "mixed"):
        return f"{key} {text!r} is tagged ar but has no Arabic letters", "fix the language tag"
    if lang in ("en", "ar-Latn") and script in ("ar", "mixed"):
        return f"{key} {text!r} is tagged {lang} but contains Arabic letters", "tag it ar"
    return None


def _aliases(key: str, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, list):
        return f"{key} must be a list", "write aliases as a YAML list"
    for alias in value:
        if isinstance(alias, str):
            alias = {"text": alias, "lang": "ar" if script_of(alias) == "ar" else "en"}
        if not isinstance(alias, Mapping) or not _is_text(alias.get("text")):
            return f"{key} entries need a 'text'", "write {text: ..., lang: en}"
        extra = set(alias) - {"text", "lang", "transliteration", "outside"}
        if extra:
            return f"{key} entry has unknown field {sorted(extra)[0]!r}", "use text, lang, transliteration, outside"
        if alias.get("outside") not in (None, True):
            return f"{key} entry's outside must be true or left out", "outside: true marks a name no source gives"
        lang = "ar-Latn" if alias.get("transliteration") else str(alias.get("lang", "en"))
        problem = _language(key, str(alias["text"]), lang)
        if problem:
            return problem
    return None


def _coordinates(key: str, value: Any) -> tuple[str, str] | None:
    ok = isinstance(value, Mapping) and set(value) == {"lat", "lon"} and all(
        isinstance(value[k], int | float) and not isinstance(value[k], bool) for k in value
    )
    if not ok or not (-90 <= value["lat"] <= 90 and -180 <= value["lon"] <= 180):
        return f"{key} must be {{lat, lon}} in WGS84 degrees", "e.g. {lat: 34.53, lon: 69.17}"
    return None


VAGUE = ("several", "dozens", "hundreds", "thousands")
"""Qualifiers that stand without a figure ("dozens of commanders")."""


def _count(key: str, value: Any) -> tuple[str, str] | None:
    vague = isinstance(value, Mapping) and "value" not in value and value.get("qualifier") in VAGUE
    if not isinstance(value, Mapping) or ("value" not in value and not vague) or set(value) - {"value", "qualifier"}:
        return (f"{key} must be {{value, qualifier}}, or a qualifier alone for {', '.join(VAGUE)}",
                "e.g. {value: 17, qualifier: nearly} or {qualifier: dozens}")
    problem = _int(f"{key}.value", value["value"]) if "value" in value else None
    if problem:
        return problem
    return _check_value(("vocab", "Qualifier"), f"{key}.qualifier", value.get("qualifier", "exact"))


_CHECKS = {
    "id": _slug, "type": lambda k, v: None, "text": _text, "texts": _texts, "ref": _refs,
    "refs": _refs, "source": _slug, "quote": _text, "edtf": _edtf, "end": _end, "int": _int,
    "credibility": _credibility, "label": _label, "note": _note, "aliases": _aliases,
    "coordinates": _coordinates, "count": _count,
}
