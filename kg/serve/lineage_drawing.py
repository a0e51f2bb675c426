"""The lineage drawing of an organization page: one edge per pair, ancestors above, a legend.

:func:`kg.analysis.lineage.lineage` gives one link per fact, so a pair of organizations that
several sources connect comes back several times (ISIS-K → ISIS seven times). Here the
links of a pair are merged into one :class:`Edge` with its count and its facts, and drawn
top-down by Graphviz: the older organization above, an arrow down to the one that came out
of it or is its branch, each edge labelled with its kinds and dates and coloured by kind.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.analysis.lineage import Link

KIND_COLOURS = {  # Okabe-Ito, told apart by people with the common colour-vision deficiencies
    "formation": "#0072B2", "split": "#D55E00", "defection": "#CC79A7", "renunciation": "#E69F00",
    "merger": "#009E73", "branch-of": "#555555",
}
OTHER_COLOUR = "#000000"
FONT_PT = 10
"""Graphviz font size (points): drawn 1:1, 10 pt is 13.3 px on the page."""


@dataclass
class Edge:
    """Every lineage link between one parent and one child, merged."""

    index: int
    parent: str
    child: str
    kinds: list[str]  # distinct relations (formation, branch-of...), in order of first date
    dates: dict[str, list[str]]  # kind -> its distinct dates
    facts_of: dict[str, list[str]]  # kind -> its facts
    sources: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)

    @property
    def facts(self) -> list[str]:
        return [f for kind in self.kinds for f in self.facts_of[kind]]

    @property
    def count(self) -> int:
        return len(self.facts)

    @property
    def label(self) -> str:
        """One line per kind: the kind, its dates (at most two shown), how many facts."""
        lines = []
        for kind in self.kinds:
            dates = self.dates[kind]
            shown = ", ".join(dates[:2]) + (" …" if len(dates) > 2 else "")
            n = len(self.facts_of[kind])
            lines.append(f"{kind} {shown}".strip() + (f" ×{n}" if n > 1 else ""))
        return "\n".join(lines)


def merge(links: list[Link]) -> list[Edge]:
    """One edge per (parent, child); the walk up and down may give the same link twice.

    >>> from kg.analysis.relations import Relation
    >>> from kg.dates import Interval, parse
    >>> def rel(kind, date, fact):
    ...     return Relation("child", "parent", kind, "lineage", Interval(parse(date), parse(date)), "reported",
    ...                     ("s",), (fact,))
    >>> links = [Link("child", "parent", rel("formation", "2014", "f1"), 1, "up"),
    ...          Link("child", "parent", rel("formation", "2015", "f2"), 1, "up"),
    ...          Link("child", "parent", rel("formation", "2015", "f2"), 1, "down")]
    >>> [(e.parent, e.child, e.count, e.label) for e in merge(links)]
    [('parent', 'child', 2, 'formation 2014, 2015 ×2')]
    """
    edges: dict[tuple[str, str], Edge] = {}
    for link in sorted(links, key=lambda lk: (lk.parent, lk.child, lk.relation.start, lk.relation.facts)):
        rel = link.relation
        edge = edges.get((link.parent, link.child))
        if edge is None:
            edge = edges[(link.parent, link.child)] = Edge(len(edges), link.parent, link.child, [], {}, {})
        if rel.relation not in edge.dates:
            edge.kinds.append(rel.relation)
            edge.dates[rel.relation], edge.facts_of[rel.relation] = [], []
        if rel.start and rel.start not in edge.dates[rel.relation]:
            edge.dates[rel.relation].append(rel.start)
        known = set(edge.facts)
        edge.facts_of[rel.relation] += [f for f in rel.facts if f not in known]
        edge.sources = sorted(set(edge.sources) | set(rel.sources))
        edge.statuses = sorted(set(edge.statuses) | {rel.status})
    return list(edges.values())


def to_dot(edges: list[Edge], labels: dict[str, str], focus: str, href: Callable[[str], str]) -> str:
    """Graphviz DOT: top-down, the parent above; a node links to ``href(node)``, an edge to its row in the
    table of the focus's page (so the links work in the full-size drawing too)."""
    lines = ["digraph lineage {", "  rankdir=TB; nodesep=0.4; ranksep=0.55;",
             f'  node [shape=box, style="rounded,filled", fillcolor="#f7f7f7", fontname="sans-serif", '
             f"fontsize={FONT_PT + 1}];",
             f'  edge [fontname="sans-serif", fontsize={FONT_PT}, arrowsize=0.8];']
    for node in sorted({n for e in edges for n in (e.parent, e.child)}):
        wrapped = "\\n".join(textwrap.wrap(dot_escape(labels.get(node, node)), 26)) or node
        extra = ', penwidth=2, fillcolor="#fff3c4"' if node == focus else ""
        lines.append(f'  "{node}" [id="node-{node}", label="{wrapped}", URL="{href(node)}", '
                     f'tooltip="{dot_escape(labels.get(node, node))}"{extra}];')
    for e in edges:
        colours = ":".join(KIND_COLOURS.get(k, OTHER_COLOUR) for k in e.kinds)
        label = dot_escape(e.label).replace("\n", "\\n")
        tooltip = dot_escape(f"{labels.get(e.parent, e.parent)} → {labels.get(e.child, e.child)}: "
                       f"{e.count} fact(s): {' '.join(e.facts)}")
        lines.append(f'  "{e.parent}" -> "{e.child}" [id="lineage-edge-{e.index}", label="{label}", '
                     f'color="{colours}", URL="{href(focus)}#lineage-{e.index}", tooltip="{tooltip}"];')
    lines.append("}")
    return "\n".join(lines)


def legend() -> list[tuple[str, str]]:
    """The kinds and their colours, for the legend beside the drawing."""
    return list(KIND_COLOURS.items())


def svg(dot: str, engine: str = "dot") -> str:
    """The DOT drawn as SVG by Graphviz (from its ``<svg`` on); empty when Graphviz is not installed."""
    import graphviz

    try:
        drawn = graphviz.Source(dot, engine=engine).pipe(format="svg", encoding="utf-8")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError):
        return ""
    start = drawn.find("<svg")
    return drawn[start:] if start >= 0 else ""


def dot_escape(text: str) -> str:
    """Text safe inside a double-quoted DOT string."""
    return text.replace("\\", "\\\\").replace('"', "'")
