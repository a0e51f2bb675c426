"""Drafts waiting for review: how many candidates each holds, and whether their spans still hold.

``kg build`` never compiles ``facts/drafts/``; it only counts the candidates there (and
says so). A candidate's ``span: [start, end]`` are character offsets into its source
text, so anyone can check ``text[start:end] == quote``: :func:`review_drafts` does, and
reports the candidates whose span no longer matches (a quote edited by hand, or a text
replaced). This module reads YAML only, so the build can use it cheaply.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> (root / "sources").mkdir(); (root / "facts" / "drafts").mkdir(parents=True)
>>> _ = (root / "sources" / "src-1.txt").write_text("أعلن التنظيم مسؤوليته", encoding="utf-8")
>>> _ = (root / "facts" / "drafts" / "src-1.yaml").write_text(
...     "source: src-1\\nmentions:\\n"
...     "  - {entity: x, quote: التنظيم, span: [5, 12], status: candidate}\\n"
...     "  - {entity: y, quote: أعلن, span: [0, 3], status: candidate}\\n", encoding="utf-8")
>>> [report] = review_drafts(root)
>>> report.candidates, report.bad_spans[0]
(2, "facts/drafts/src-1.yaml:4: y: span [0, 3] is 'أعل', not the quote")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.curate.files import TEXT_LIMIT, read_regular
from kg.curate.yamlfile import Located
from kg.curate.yamlfile import load as load_yaml
from kg.errors import KgError

CANDIDATE = "candidate"
SECTIONS = ("entities", "mentions", "facts")


@dataclass
class DraftReport:
    """One draft file: its source, its candidates by section, and spans that do not match."""

    file: str
    source: str | None
    counts: dict[str, int] = field(default_factory=dict)
    bad_spans: list[str] = field(default_factory=list)
    unreadable: str | None = None

    @property
    def candidates(self) -> int:
        return sum(self.counts.values())


def drafts_dir(root: Path) -> Path:
    """Where drafts live: ``facts/drafts/`` (never read by the build)."""
    return root / "facts" / "drafts"


def review_drafts(root: Path) -> list[DraftReport]:
    """Every draft of ``root/facts/drafts``, its candidates counted and their spans checked."""
    return [review_draft(root, path) for path in sorted(drafts_dir(root).glob("*.yaml"))]


def review_draft(root: Path, path: Path) -> DraftReport:
    """One draft: count its candidates and check each span against the source text."""
    name = _relative(root, path)
    try:
        doc = load_yaml(path, name)
    except KgError as exc:
        return DraftReport(name, None, unreadable=str(exc.problems[0].message if exc.problems else exc))
    if not isinstance(doc, dict):
        return DraftReport(name, None, unreadable="a draft must be a mapping")
    source = str(doc["source"]) if doc.get("source") else None
    report = DraftReport(name, source)
    text = source_text(root, source)
    for section in SECTIONS:
        items = [i for i in doc.get(section) or [] if isinstance(i, dict) and i.get("status") == CANDIDATE]
        report.counts[section] = len(items)
        for item in items:
            problem = span_problem(item, text)
            if problem:
                line = item.line if isinstance(item, Located) else 0
                report.bad_spans.append(f"{name}:{line}: {item.get('id') or item.get('entity')}: {problem}")
    return report


def span_problem(item: dict[str, Any], text: str | None) -> str | None:
    """Why a candidate's span does not give its quote, or ``None`` when it does.

    >>> span_problem({"quote": "ab", "span": [1, 3]}, "xab"), span_problem({"quote": "ab"}, "xab")
    (None, None)
    >>> span_problem({"quote": "ab", "span": [0, 2]}, "xab")
    "span [0, 2] is 'xa', not the quote"
    """
    span, quote = item.get("span"), item.get("quote")
    if span is None or quote is None:
        return None  # a new entity with no quote yet, or a span the reviewer removed
    if text is None:
        return "its source text is missing"
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)
            and 0 <= span[0] <= span[1] <= len(text)):
        return f"span {span!r} is not [start, end] within the text ({len(text)} characters)"
    found = text[span[0]:span[1]]
    return None if found == str(quote) else f"span {span!r} is {found!r}, not the quote"


def source_text(root: Path, source: str | None) -> str | None:
    """The text of a stored source (``None`` when it cannot be read); only a file in ``sources/``."""
    if not source or Path(source).name != source:
        return None
    meta = root / "sources" / f"{source}.yaml"
    name = f"{source}.txt"
    try:
        record = load_yaml(meta, str(meta)) if meta.is_file() else None
        if isinstance(record, dict) and record.get("file"):
            name = str(record["file"])
        if Path(name).name != name or name.startswith("."):
            return None  # the record names a file outside sources/: never follow it
        return read_regular(root / "sources" / name, limit=TEXT_LIMIT).decode("utf-8")
    except (KgError, OSError, UnicodeDecodeError):
        return None


def _relative(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
