"""Add a source: store its text byte for byte and write its metadata record.

The text goes to ``sources/src-<first 8 hex of its SHA-256>.txt`` and the record to
``sources/src-<hash8>.yaml`` (format: docs/facts-format.md), both written atomically. A
text already stored (same SHA-256) is refused, naming the source it duplicates.

A publication date is optional when adding: without one the record gets the placeholder
:data:`PUBLISHED_PLACEHOLDER`, which ``kg build`` rejects (it is not EDTF) until a
curator replaces it; ``kg extract`` then leaves relative dates unresolved. Without a
grade the record says F6 ("cannot be judged"), the honest Admiralty grade of an
unread source.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.atomic import write_files
from kg.curate.arabic import script_of
from kg.curate.yamlfile import load as load_yaml
from kg.dates import DateError
from kg.dates import parse as parse_edtf
from kg.errors import KgError, fail

PUBLISHED_PLACEHOLDER = "TODO: EDTF date"
"""Written when no publication date is given; ``kg build`` refuses it until it is replaced."""
GRADE = re.compile(r"^([A-F])([1-6])$")


@dataclass(frozen=True)
class Added:
    """The files written for a new source."""

    id: str
    text_file: Path
    record_file: Path
    placeholder: bool


def source_id(data: bytes) -> str:
    """The id of a source text: ``src-`` and the first 8 hex digits of its SHA-256.

    >>> source_id(b"abc")
    'src-ba7816bf'
    """
    return "src-" + hashlib.sha256(data).hexdigest()[:8]


def find_duplicate(root: Path, digest: str) -> str | None:
    """The id of a stored source with this SHA-256 (by its record, or by hashing the text it names).

    A text no record names is the leftover of an add-source stopped between its two renames
    (the text goes first, the record is the commit): it is not a source, and adding the same
    text again completes it.
    """
    folder = root / "sources"
    named: dict[str, str] = {}
    for record in sorted(folder.glob("*.yaml")):
        try:
            meta = load_yaml(record)
        except KgError:  # a broken record is the build's to report, not ours
            meta = None
        if not isinstance(meta, dict):
            continue
        sid = str(meta.get("id") or record.stem)
        if meta.get("sha256") == digest:
            return sid
        named[str(meta.get("file") or f"{record.stem}.txt")] = sid
    for name, sid in sorted(named.items()):
        text = folder / name
        if text.is_file() and hashlib.sha256(text.read_bytes()).hexdigest() == digest:
            return sid
    return None


def add_source(root: Path, path: Path, *, publisher: str | None = None, author: str | None = None,
               published: str | None = None, published_reason: str | None = None, lang: str | None = None,
               grade: str | None = None, grade_reason: str | None = None, title: str | None = None,
               title_en: str | None = None) -> Added:
    """Store ``path`` as a new source under ``root/sources``; refuse a duplicate text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(str(path), f"cannot read: {exc.strerror}", hint="give a readable text file", exit_code=2) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(str(path), f"not UTF-8 (byte {exc.start})", hint="save the text as UTF-8", exit_code=2) from None
    if not text.strip():
        raise fail(str(path), "the text is empty", hint="give the article's text", exit_code=2)
    if "\0" in text:
        raise fail(str(path), f"the text holds NUL bytes ({text.count(chr(0))} of {len(text)}), so it is not text",
                   hint="give the article's text, saved as UTF-8", exit_code=2)
    digest = hashlib.sha256(data).hexdigest()
    duplicate = find_duplicate(root, digest)
    if duplicate:
        raise fail(str(path), f"duplicate text: already stored as {duplicate}",
                   hint=f"use kg extract {duplicate}", exit_code=2)
    sid = source_id(data)
    text_file, record_file = root / "sources" / f"{sid}.txt", root / "sources" / f"{sid}.yaml"
    leftover = text_file.is_file() and not record_file.exists() and text_file.read_bytes() == data
    if record_file.exists() or (text_file.exists() and not leftover):
        raise fail(str(path), f"{sid} exists with a different text (hash prefix collision)",
                   hint="rename the stored source by hand", exit_code=1)
    if published is not None:
        try:
            parse_edtf(published)
        except DateError as exc:
            raise fail("--published", str(exc), hint="use EDTF: 2024-03-25, 2014-10 or 2015-11/2016-12",
                       exit_code=2) from None
    match = GRADE.match((grade or "F6").upper())
    if match is None:
        raise fail("--grade", f"{grade!r} is not an Admiralty grade", hint="a letter A-F and a digit 1-6, e.g. B2",
                   exit_code=2)
    language = lang or ("ar" if script_of(text) in ("ar", "mixed") else "en")
    record = {
        "id": sid, "file": f"{sid}.txt", "original_name": path.name, "sha256": digest,
        "language": language, "title": title, "title_en": title_en, "author": author, "publisher": publisher,
        "published": published or PUBLISHED_PLACEHOLDER,
        "published_reason": published_reason or (
            "Given by the curator with kg add-source." if published else
            "TODO: not given at kg add-source; read the text, set published to an EDTF date or "
            "interval (2024-03-25, 2014-10, 2015-11/2016-12) and say why here."),
        "grade": {"reliability": match.group(1), "credibility": int(match.group(2)),
                  "reason": grade_reason or ("Given by the curator with kg add-source." if grade else
                                             "Not graded yet: F6, reliability and credibility cannot be judged.")},
    }
    try:
        write_files(root / "sources", {text_file.name: data, record_file.name: render_record(record).encode("utf-8")})
    except OSError as exc:
        # the text is renamed into place before the record: never leave one without the other
        for written in (text_file, record_file):
            written.unlink(missing_ok=True)
        raise fail(str(root / "sources"), f"cannot write the source: {exc.strerror or exc}",
                   hint="check the folder is writable; nothing was added", exit_code=2) from None
    return Added(sid, text_file, record_file, published is None)


def render_record(record: Mapping[str, object]) -> str:
    """A source record as YAML, keys in the documented order.

    >>> print(render_record({"id": "src-1", "author": None, "grade": {"reliability": "F", "credibility": 6}}))
    id: src-1
    author: null
    grade:
      reliability: F
      credibility: 6
    <BLANKLINE>
    """
    lines = []
    for key, value in record.items():
        if isinstance(value, Mapping):
            lines.append(f"{key}:")
            lines += [f"  {k}: {_scalar(v)}" for k, v in value.items()]
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9._-]*", text) and text not in ("null", "true", "false", "yes", "no"):
        return text
    return json.dumps(text, ensure_ascii=False)
