"""The extraction rules: data files in ``rules/`` (found through :mod:`kg.resources`).

Every word of a rule file is folded (:func:`kg.extract.text.fold`) when it is loaded, so
rules may be written in any spelling. :func:`load_rules` reads them all once per run.

>>> rules = load_rules()
>>> rules.months["ايلول"], rules.months["اكتوبر"], rules.months["كانون الثاني"]
(9, 10, 1)
>>> rules.variants["خرسان"]
'خراسان'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.curate.yamlfile import load as load_yaml
from kg.errors import fail
from kg.extract.text import fold, fold_pattern
from kg.resources import resource_dir


def alternation(words: list[str]) -> str:
    """A regular expression matching any of the words (already folded), longest first.

    >>> alternation(["ab", "abc"])
    '(?:abc|ab)'
    """
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


@dataclass(frozen=True)
class FieldRule:
    """How one field of a drafted fact is filled from the entities of a sentence."""

    name: str
    where: tuple[str, ...] = ("after",)
    types: tuple[str, ...] = ()
    many: bool = False
    copy: str | None = None
    required: bool = False
    within: int = 80
    kinds: tuple[str, ...] = ()
    not_kinds: tuple[str, ...] = ()
    last: bool = False


@dataclass(frozen=True)
class RelationRule:
    """One relation cue (rules/relations.yaml)."""

    id: str
    match: re.Pattern[str]
    fact: dict[str, Any]
    fields: tuple[FieldRule, ...]
    status: str | None = None
    require: re.Pattern[str] | None = None
    variants: tuple[tuple[re.Pattern[str], dict[str, Any]], ...] = ()
    unless: re.Pattern[str] | None = None
    require_in_sentence: bool = False
    statuses: tuple[tuple[re.Pattern[str], str], ...] = ()


@dataclass
class Rules:
    """Everything in ``rules/``, folded and compiled."""

    clitics: list[str] = field(default_factory=list)
    variants: dict[str, str] = field(default_factory=dict)
    endings: list[tuple[str, str]] = field(default_factory=list)
    demonyms: dict[str, Any] = field(default_factory=dict)
    label_stopwords: set[str] = field(default_factory=set)
    label_strong: float = 0.8
    label_weak: float = 0.6
    label_min_words: int = 3
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    place_hints: set[str] = field(default_factory=set)
    quoted_max_words: int = 5
    latin_stopwords: set[str] = field(default_factory=set)
    latin_joiners: set[str] = field(default_factory=set)
    type_cues: list[tuple[set[str], str, str | None]] = field(default_factory=list)
    months: dict[str, int] = field(default_factory=dict)
    dates: dict[str, Any] = field(default_factory=dict)
    ordinal_days: dict[str, int] = field(default_factory=dict)
    weekdays: dict[str, int] = field(default_factory=dict)
    relative: dict[str, str] = field(default_factory=dict)
    relative_also: dict[str, str] = field(default_factory=dict)
    anchored: dict[str, tuple[int, int]] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    number_words: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)
    relations: list[RelationRule] = field(default_factory=list)
    places: dict[str, Any] = field(default_factory=dict)
    names: dict[str, Any] = field(default_factory=dict)
    speech: dict[str, Any] = field(default_factory=dict)

    def words(self, section: dict[str, Any], key: str) -> list[str]:
        return [fold(str(w)) for w in section.get(key) or []]


def _read(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    data = load_yaml(path, str(path))
    if not isinstance(data, dict):
        raise fail(str(path), "a rules file must be a mapping", hint="see rules/README.md", exit_code=2)
    return data


def _by_number(table: dict[Any, list[str]]) -> dict[str, int]:
    return {fold(str(word)): int(number) for number, words in table.items() for word in words}


def load_rules(folder: Path | None = None) -> Rules:
    """Read and compile every rule file of ``folder`` (default: the project's ``rules/``)."""
    folder = folder or resource_dir("rules")
    names, dates = _read(folder, "names.yaml"), _read(folder, "dates.yaml")
    figures, relations = _read(folder, "figures.yaml"), _read(folder, "relations.yaml")
    rules = Rules()
    rules.names = names
    rules.clitics = [fold(c) for c in names.get("clitics") or []]
    rules.variants = {fold(v["seen"]): fold(v["means"]) for v in names.get("variants") or []}
    rules.endings = [(fold(a), fold(b)) for a, b in names.get("endings") or []]
    demonyms = names.get("demonyms") or {}
    rules.demonyms = {"kinds": set(demonyms.get("kinds") or []),
                      "strip": [fold(x) for x in demonyms.get("strip") or []],
                      "add": [fold(x) for x in demonyms.get("add") or []]}
    rules.label_stopwords = {fold(str(w)) for w in names.get("label_stopwords") or []}
    rules.label_strong = float(names.get("label_strong", 0.8))
    rules.label_weak = float(names.get("label_weak", 0.6))
    rules.synonyms = [(str(x["name"]), str(x["means"])) for x in names.get("synonyms") or []]
    rules.place_hints = {fold(str(w)) for w in names.get("place_hints") or []}
    rules.label_min_words = int(names.get("label_min_words", 3))
    rules.quoted_max_words = int(names.get("quoted_max_words", 5))
    rules.latin_stopwords = {str(w).casefold() for w in names.get("latin_stopwords") or []}
    rules.latin_joiners = {str(w).casefold() for w in names.get("latin_joiners") or []}
    rules.type_cues = [({fold(str(w)) for w in cue["words"]}, str(cue["type"]), cue.get("kind"))
                       for cue in names.get("type_cues") or []]
    rules.months = _by_number(dates["months"])
    rules.ordinal_days = _by_number(dates["ordinal_days"])
    rules.weekdays = _by_number(dates["weekdays"])
    rules.dates = dates
    rules.relative = {fold(say): str(entry["means"]) for entry in dates.get("relative") or []
                      for say in entry["say"]}
    rules.relative_also = {fold(say): str(entry["also"]) for entry in dates.get("relative") or []
                           if entry.get("also") for say in entry["say"]}
    rules.anchored = {fold(say): (int(entry["days"][0]), int(entry["days"][1]))
                      for entry in dates.get("anchored") or [] for say in entry["say"]}
    rules.figures = figures
    for entry in figures.get("number_words") or []:
        for word in entry["words"]:
            rules.number_words[fold(str(word))] = (entry.get("value"), entry.get("qualifier"))
    rules.relations = [_relation(entry) for entry in relations.get("relations") or []]
    if (folder / "speech.yaml").is_file():
        rules.speech = _read(folder, "speech.yaml")
        rules.speech["through"] = fold_pattern(str(rules.speech.get("through") or "(?!)"))
        rules.speech["subject"] = fold_pattern(str(rules.speech.get("subject") or "(?!)"))
    if (folder / "places.yaml").is_file():
        rules.places = _read(folder, "places.yaml")
    return rules


def _relation(entry: dict[str, Any]) -> RelationRule:
    def compiled(pattern: str) -> re.Pattern[str]:
        return re.compile(fold_pattern(pattern))

    fields = []
    for name, spec in (entry.get("fields") or {}).items():
        fields.append(FieldRule(
            name=str(name), where=tuple(spec.get("where") or ("after",)),
            types=tuple(spec.get("types") or ()), many=bool(spec.get("many")),
            copy=spec.get("copy"), required=bool(spec.get("required")),
            within=int(spec.get("within") or entry.get("within") or 80),
            kinds=tuple(spec.get("kinds") or ()), not_kinds=tuple(spec.get("not_kinds") or ()),
            last=bool(spec.get("last"))))
    variants = tuple((compiled(v["when"]), dict(v["set"])) for v in entry.get("variants") or [])
    return RelationRule(
        id=str(entry["id"]), match=compiled(str(entry["match"])), fact=dict(entry["fact"]),
        fields=tuple(fields), status=entry.get("status"),
        require=compiled(entry["require"]) if entry.get("require") else None, variants=variants,
        unless=compiled(entry["unless"]) if entry.get("unless") else None,
        require_in_sentence=entry.get("require_in") == "sentence",
        statuses=tuple((compiled(x["when"]), str(x["status"])) for x in entry.get("statuses") or []))
