"""docs/facts-format.md names the real files, every field and every vocabulary value."""

from __future__ import annotations

import re

from kg.curate import schema
from kg.curate.vocab import vocabulary
from tests.conftest import REPO

PAGE = (REPO / "docs" / "facts-format.md").read_text(encoding="utf-8")
CODE = set(re.findall(r"`([^`\n]+)`", PAGE))


def test_every_vocabulary_value_is_named() -> None:
    used = {spec[1] for fields in schema.FIELDS.values() for spec in fields.values() if isinstance(spec, tuple)}
    assert used >= {"ClaimStatus", "Role", "EventKind", "ChangeKind", "Qualifier"}
    missing = {(scheme, value) for scheme in used for value in vocabulary().notations(scheme) if value not in CODE}
    assert not missing, sorted(missing)


def test_every_field_of_every_record_type_is_named() -> None:
    missing = {(kind, field) for kind, fields in schema.FIELDS.items() for field in fields
               if field not in CODE and f"{field}:" not in PAGE}
    assert not missing, sorted(missing)


def test_the_files_it_names_exist() -> None:
    named = set(re.findall(r"`((?:facts|sources)/[^`<>*]+\.(?:yaml|txt))`", PAGE))
    assert "facts/shared.yaml" in named
    assert all((REPO / path).is_file() for path in named), sorted(p for p in named if not (REPO / p).is_file())
    assert "facts/entities.yaml" not in PAGE
