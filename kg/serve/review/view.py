"""What the source page shows: the article with every candidate's span marked, and the list beside it.

Spans overlap (a mention inside a relation's quote), so the text is cut at every span
boundary and each piece lists the candidates that cover it, innermost first: the piece is
coloured by that one, and a click on it selects it. The article's HTML holds the text and
the marks only, so the script can turn a selection back into character offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from kg.curate.accept import DraftItem, Hints, draft_only, hints
from kg.curate.drafts import span_problem
from kg.serve.review.picker import Book

SUMMARY_SKIP = ("id", "type", "quote", "span", "status", "cue", "note", "source", "label")


@dataclass
class Row:
    """One candidate in the list."""

    item: DraftItem
    kind: str
    title: str
    summary: list[tuple[str, str]]
    hints: Hints
    bad_span: str | None = None
    extra: list[str] = field(default_factory=list)
    label: str = ""
    """For a mention: the English label of the entity it names."""
    needs: list[str] = field(default_factory=list)
    """New entities of the draft it names: they must be accepted first."""

    @property
    def key(self) -> str:
        return self.item.key


def kind_of(item: DraftItem, book: Book) -> str:
    """The colour class of a candidate: its entity's type for a mention, else its own type."""
    if item.section == "mentions":
        return f"mention-{(book.type_of(str(item.data.get('entity'))) or 'unknown').lower()}"
    if item.section == "entities":
        return "entity"
    return f"fact-{item.type.lower()}"


def rows(items: Iterable[DraftItem], text: str, book: Book, known: Mapping[str, Iterable[str]]) -> list[Row]:
    """The list beside the article, one row per candidate, with what the reviewer must check."""
    out = []
    items = list(items)
    waiting = {str(i.data.get("id")) for i in items if i.section == "entities"}
    for item in items:
        data = item.data
        label = ""
        if item.section == "mentions":
            title = f"{data.get('entity')}"
            found = book.option(str(data.get("entity")), "", active=False)
            label = found.entity.label_en if found else "(unknown id)"
        elif item.section == "entities":
            names: dict[str, Any] = data["label"] if isinstance(data.get("label"), dict) else {}
            title = f"new {item.type}: {names.get('ar') or names.get('en') or data.get('id')}"
        else:
            title = f"{item.type}"
        summary = [(k, _short(v)) for k, v in data.items() if k not in SUMMARY_SKIP and k != "entity"]
        allowed = set(known.get(item.type, ()))
        extra = [k for k in data if allowed and k not in allowed and k not in draft_only(item)]
        row = Row(item, kind_of(item, book), title, summary, hints(item.note),
                  span_problem(data, text) if item.span else None, extra, label)
        if item.section != "entities":
            row.needs = sorted(waiting & {str(v) for value in data.values()
                                          for v in (value if isinstance(value, list) else [value])})
        out.append(row)
    return out


def _short(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_short(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_short(v)}" for k, v in value.items())
    return str(value)


def article(text: str, marked: Iterable[Row], selected: str = "") -> Markup:
    """The article as HTML: each piece of text in its own element, which knows its start offset.

    A piece that candidates cover is a ``<mark>`` listing them, innermost first; an empty
    ``<span id="at-KEY">`` before the first piece of each candidate is the target of its link.

    >>> from kg.curate.accept import DraftItem
    >>> row = Row(DraftItem("mentions", 0, {"span": [1, 2]}, "m0"), "mention-person", "x", [], hints(""))
    >>> str(article("abc", [row]))
    '<span class="seg" data-start="0">a</span><span id="at-m0"></span><mark class="hl mention-person" \
data-keys="m0" data-start="1">b</mark><span class="seg" data-start="2">c</span>'
    """
    spans = [(r.item.span, r) for r in marked if r.item.span and not r.bad_span]
    cuts = sorted({0, len(text), *(s for span, _ in spans if span for s in span if 0 <= s <= len(text))})
    parts = []
    anchored: set[str] = set()
    for start, end in zip(cuts, cuts[1:], strict=False):
        over = sorted((r for span, r in spans if span and span[0] <= start and end <= span[1]), key=_width)
        piece = str(escape(text[start:end])).replace("\r", "&#13;")  # a raw CR would be dropped by the parser
        if not over:
            parts.append(f'<span class="seg" data-start="{start}">{piece}</span>')
            continue
        keys = [r.key for r in over]
        parts += [f'<span id="at-{key}"></span>' for key in keys if key not in anchored]
        anchored.update(keys)
        chosen = " selected" if selected in keys else ""
        parts.append(f'<mark class="hl {over[0].kind}{chosen}" data-keys="{" ".join(keys)}" data-start="{start}">'
                     f"{piece}</mark>")
    return Markup("".join(parts))


def _width(row: Row) -> tuple[int, str]:
    span = row.item.span or (0, 0)
    return span[1] - span[0], row.key
