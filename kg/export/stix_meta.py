"""What a STIX platform reads besides the objects: when each was made and changed, and what ``x_mkg_*`` means.

* ``created`` is the earliest publication day of the sources an object is drawn from (the
  reports that reference it; a report's own is its source's), ``modified`` the latest, so
  an object a newer source adds to is newer. Objects no source references (the producer,
  the extension definition) take the earliest source day.
* Against the bundle it replaces, an object keeps its ``created`` and, when its content is
  unchanged, its ``modified``; when its content changed, its ``modified`` is later than
  before (at least by a millisecond), so a platform that keeps the newest version takes it.
  The bundle stays reproducible: built again on the same facts, it is the same bytes.
* The ``x_mkg_*`` properties are declared by an ``extension-definition`` (a top-level
  property extension, STIX 2.1 section 7.3) that every object carrying them names.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

LEGACY_EPOCH = "2014-01-01T00:00:00.000Z"
"""The fixed date every object had before dates were derived: not a history to keep."""
EXTENSION_SCHEMA = "https://w3id.org/mkg/stix-extension"
TOPLEVEL = "toplevel-property-extension"


def declared(objects: list[dict[str, Any]], producer: str, extension: str) -> list[dict[str, Any]]:
    """The objects with the extension definition added, and named by every object that has ``x_mkg_*``."""
    names = sorted({key for obj in objects for key in obj if key.startswith("x_mkg_")})
    definition = {
        "type": "extension-definition", "spec_version": "2.1", "id": extension, "created_by_ref": producer,
        "created": LEGACY_EPOCH, "modified": LEGACY_EPOCH, "name": "militant-kg properties",
        "description": "Properties of the militant-kg graph: x_mkg_iri (the entity's IRI), x_mkg_kind, "
                       "x_mkg_relation and x_mkg_claim_status (the graph's vocabularies), x_mkg_sources and "
                       "x_mkg_facts (the sources and curated facts behind an object), x_mkg_admiralty_grade, "
                       "x_mkg_aliases, x_mkg_assessed and x_mkg_region_note (how a value was set).",
        "schema": EXTENSION_SCHEMA, "version": "1.0.0", "extension_types": [TOPLEVEL],
        "extension_properties": names,
    }
    out = []
    for obj in objects:
        if any(key.startswith("x_mkg_") for key in obj):
            obj = {**obj, "extensions": {**obj.get("extensions", {}), extension: {"extension_type": TOPLEVEL}}}
        out.append(obj)
    return sorted([*out, definition], key=lambda obj: str(obj["id"]))


def dated(objects: list[dict[str, Any]], previous: bytes | None = None) -> list[dict[str, Any]]:
    """The objects with ``created`` and ``modified`` from their sources' dates and the previous bundle.

    >>> report = {"type": "report", "id": "report--1", "published": "2024-03-23T00:00:00Z",
    ...           "object_refs": ["campaign--1"], "created": "x", "modified": "x"}
    >>> campaign = {"type": "campaign", "id": "campaign--1", "name": "A", "created": "x", "modified": "x"}
    >>> first = dated([report, campaign])
    >>> first[1]["created"], first[1]["modified"]
    ('2024-03-23T00:00:00.000Z', '2024-03-23T00:00:00.000Z')
    >>> old = json.dumps({"objects": first}).encode()
    >>> dated([report, campaign], old) == first
    True
    >>> dated([report, {**campaign, "name": "B"}], old)[1]["modified"]
    '2024-03-23T00:00:00.001Z'
    """
    days = _source_days(objects)
    everything = [day for spans in days.values() for day in spans]
    first = min(everything) if everything else dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
    before = {obj["id"]: obj for obj in json.loads(previous)["objects"]} if previous else {}
    out = []
    for obj in objects:
        spans = days.get(obj["id"]) or [first]
        created, modified = min(spans), max(spans)
        old = before.get(obj["id"])
        if old is not None and old.get("created") != LEGACY_EPOCH:
            created = min(created, _time(old["created"]))
            if _content(old) == _content(obj):
                modified = _time(old["modified"])
            else:
                modified = max(modified, _time(old["modified"]) + dt.timedelta(milliseconds=1))
        out.append({**obj, "created": _stamp(created), "modified": _stamp(max(created, modified))})
    return out


def _source_days(objects: list[dict[str, Any]]) -> dict[str, list[dt.datetime]]:
    """For each object id, the publication days of the reports (sources) that reference it."""
    days: dict[str, list[dt.datetime]] = {}
    for obj in objects:
        if obj["type"] == "report" and "published" in obj:
            day = _time(obj["published"])
            for ref in [obj["id"], *obj.get("object_refs", [])]:
                days.setdefault(ref, []).append(day)
    return days


def _content(obj: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in obj.items() if k not in ("created", "modified")}, sort_keys=True)


def _time(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
