"""The workspace's changes: accept, drop, undo, and the build button.

Each change holds the review lock, refuses to act on a page older than the files (the
page's version must be the files' version: a second tab never overwrites the first one's
change), runs the build's checks on the facts file as it would be, and only then rewrites
the facts file and the draft, each atomically, and notes the change in the journal.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kg
from kg.atomic import locked
from kg.curate import schema
from kg.curate.accept import Change, DraftItem, accepted, apply, canonical, next_fact_id
from kg.curate.journal import Journal, write_texts
from kg.curate.yamlfile import ParseCache
from kg.errors import KgError, Problem
from kg.graph.checked import compile_checked
from kg.serve.review.editor import Posted
from kg.serve.review.project import Snapshot, draft_name, facts_name

LOCK = Path(".kg") / "review.lock"
BUILD_TIMEOUT_S = 900


class Conflict(Exception):
    """The page is older than the files: nothing was written; reload."""


@dataclass
class Refused(Exception):
    """The change would not pass the build's checks (or its form could not be read): nothing was written."""

    problems: list[Problem]
    record: dict[str, Any] = field(default_factory=dict)
    entity: dict[str, Any] | None = None


def current(root: Path, source: str, version: str) -> Snapshot:
    """The source as it is now, if the page that asks was made from this very version."""
    snap = Snapshot.read(root, source)
    if version != snap.version:
        raise Conflict(f"{facts_name(source)} or {draft_name(source)} changed since this page was loaded (another "
                       "tab, or an editor): nothing was written. Reload the page, then try again.")
    return snap


def check(root: Path, replaced: dict[str, str], cache: ParseCache | None = None) -> list[Problem]:
    """The problems ``kg build`` would report with the facts files as in ``replaced``."""
    try:
        compile_checked(root, replaced=replaced, cache=cache, drafts=False)
    except KgError as exc:
        return exc.problems
    return []


def accept(root: Path, source: str, *, version: str, key: str, posted: Posted | None = None,
           new_type: str | None = None, cache: ParseCache | None = None) -> str:
    """Accept a candidate (as drafted, or as edited in ``posted``), or a new record (``key == "new"``).

    ``cache`` keeps the curated files parsed from one check to the next.
    """
    with locked(root / LOCK, wait=True):
        snap = current(root, source, version)
        item = snap.item(key)
        if item is None and key != "new":
            raise Conflict(f"no candidate {key} in {draft_name(source)}: reload the page")
        if posted is not None and posted.errors:
            problems = [Problem(facts_name(source), None, None, message) for message in posted.errors.values()]
            raise Refused(problems, posted.record, posted.entity)
        record = dict(posted.record) if posted is not None else accepted(_known(item))
        section = item.section if item else section_of(new_type or "")
        change = Change("accept", remove=[item] if item else [])
        if section == "facts":
            record = {"id": next_fact_id(_fact_ids(root), source), **{k: v for k, v in record.items() if k != "id"}}
        if item is not None and section == "entities":
            _entity_mentions(snap, item, record, change)
        entity = posted.entity if posted is not None else None
        if entity is not None:
            change.add.append(("entities", entity))
            quote = named_in(snap.text, entity) or record.get("quote")
            if not (section == "mentions" and record.get("entity") == entity["id"]) and quote:
                change.add.append(("mentions", {"entity": entity["id"], "quote": quote}))
        change.add.insert(0, (section, record))
        _write(snap, change, record, entity, cache)
        return change.label


def named_in(text: str, entity: dict[str, Any]) -> str | None:
    """The entity's label as the text writes it, for the mention a new entity needs (``None``: not there)."""
    label: dict[str, Any] = entity["label"] if isinstance(entity.get("label"), dict) else {}
    return next((str(name) for name in (label.get("ar"), label.get("en")) if name and str(name) in text), None)


def section_of(type_: str) -> str:
    """Where a record of a type goes in a facts file."""
    if type_ == "Mention":
        return "mentions"
    return "entities" if type_ in schema.ENTITY_TYPES else "facts"


def _known(item: DraftItem | None) -> DraftItem:
    assert item is not None
    return item


def _entity_mentions(snap: Snapshot, item: DraftItem, record: dict[str, Any], change: Change) -> None:
    """A new entity leaves the draft with its mentions (renamed to its real id): none may be left dangling."""
    old, new = str(item.data.get("id")), str(record.get("id"))
    mentions = [i for i in snap.items if i.section == "mentions" and i.data.get("entity") == old]
    for mention in mentions:
        change.remove.append(mention)
        change.add.append(("mentions", {**accepted(mention), "entity": new}))
    if not mentions and item.span:
        start, end = item.span
        change.add.append(("mentions", {"entity": new, "quote": snap.text[start:end]}))
    if old != new:
        change.rename[old] = new


def _write(snap: Snapshot, change: Change, record: dict[str, Any], entity: dict[str, Any] | None,
           cache: ParseCache | None) -> None:
    root, source = snap.root, snap.source
    change.add = [(section, canonical(r, str(r.get("type") or "Mention"))) for section, r in change.add]
    facts, draft = apply(change, snap.facts_text, snap.draft_text, source)
    assert facts is not None
    problems = check(root, {facts_name(source): facts}, cache)
    if problems:
        raise Refused(problems, record, entity)
    before = {facts_name(source): snap.facts_text, draft_name(source): snap.draft_text}
    after = {facts_name(source): facts, draft_name(source): draft}
    write_texts(root, after)
    Journal(root, source).record("accept", change.label, before, after, 1)


def drop(root: Path, source: str, *, version: str, key: str) -> str:
    """Drop a candidate: it leaves the draft and goes nowhere."""
    with locked(root / LOCK, wait=True):
        snap = current(root, source, version)
        item = snap.item(key)
        if item is None:
            raise Conflict(f"no candidate {key} in {draft_name(source)}: reload the page")
        change = Change("drop", remove=[item])
        _, draft = apply(change, None, snap.draft_text, source)
        write_texts(root, {draft_name(source): draft})
        label = f"drop {item.data.get('id') or item.data.get('entity') or key}"
        Journal(root, source).record("drop", label, {draft_name(source): snap.draft_text},
                                     {draft_name(source): draft}, 1)
        return label


def undo(root: Path, source: str, *, version: str) -> str:
    """Restore the files as they were before the last change; refused if they were edited since."""
    with locked(root / LOCK, wait=True):
        current(root, source, version)
        journal = Journal(root, source)
        label, files = journal.undo_files(root)
        write_texts(root, files)
        journal.pop()
        return label


def _fact_ids(root: Path) -> set[str]:
    """Every fact id in use in ``facts/`` (the drafts' ids are not ids yet)."""
    ids: set[str] = set()
    for path in (root / "facts").glob("*.yaml"):
        ids.update(re.findall(r"\bf-[a-z0-9]+-\d+\b", path.read_text(encoding="utf-8", errors="replace")))
    return ids


def run_build(root: Path) -> tuple[bool, str]:
    """Run ``kg build`` on the project; its one-line result."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(kg.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    with locked(root / LOCK, wait=True):
        try:
            done = subprocess.run([sys.executable, "-c", "from cli.main import main; main()", "-C", str(root), "build"],
                                  capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, env=env, check=False)
        except subprocess.TimeoutExpired:
            return False, f"kg build did not finish within {BUILD_TIMEOUT_S} s"
    lines = (done.stdout if done.returncode == 0 else done.stderr or done.stdout).strip().splitlines()
    return done.returncode == 0, lines[0] if lines else f"kg build exited with {done.returncode}"
