"""``kg connections`` for people: each route once, every hop with its status, and a summary line.

:func:`kg.analysis.temporal.connections` gives every time-respecting path, and two entities
linked by several relations (a split and a defection, stated by two sources) give one path
per choice. People read routes: the entities passed through, each hop with all the relations
that make it and their claim status (a ``disputed`` hop shows), and the windows it could hold.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.analysis.temporal import Path


def _window(path: Path) -> str:
    first, last = path.as_dict()["window"]
    return f"{first or '?'} .. {last or '?'}"


def _hop(rel: Any) -> str:
    """A relation along a route with its claim status, and "ambiguous reading" when its sentence has several."""
    flag = f", {rel.as_dict()['reading']}" if rel.ambiguous else ""
    return f"{rel.relation} [{rel.status}{flag}]"


def route(path: Path, start: str) -> tuple[str, ...]:
    """The entities a path passes through, from ``start``."""
    return (start, *(entity for entity, _ in path.hops))


def grouped(paths: list[Path], start: str) -> list[dict[str, Any]]:
    """One row per route, shortest first: its hops (each relation with its status), whether
    some reading holds certainly, and the distinct windows in which it could hold.

    A hop reads ``a -split [reported]-> b`` (``[reported, ambiguous reading]`` when its sentence
    has several readings) when the relation runs along the route and
    ``a <-leader [reported]- b`` when it runs against it; parallel relations join with ``|``.
    """
    routes: dict[tuple[str, ...], list[Path]] = {}
    for path in paths:
        routes.setdefault(route(path, start), []).append(path)
    rows = []
    for entities, members in routes.items():
        chain = [entities[0]]
        for i, here in enumerate(entities[:-1]):
            relations = [r for p in members for _, r in [p.hops[i]]]
            forward = sorted({_hop(r) for r in relations if r.subject == here})
            backward = sorted({_hop(r) for r in relations if r.subject != here})
            chain += [f"-{' | '.join(forward)}->"] if forward else []
            chain += [f"<-{' | '.join(backward)}-"] if backward else []
            chain.append(entities[i + 1])
        rows.append({"hops": len(entities) - 1, "via": list(entities[1:-1]),
                     "holds": "certain" if any(p.certain for p in members) else "possible",
                     "windows": sorted({_window(p) for p in members}),
                     "path": " ".join(chain)})
    return rows


def summary(rows: list[dict[str, Any]]) -> str:
    """One line: ``2 direct links; 3 routes through al-qaeda, 6 through isis; all only possible``."""
    if not rows:
        return "no time-respecting connection"
    direct = sum(row["hops"] == 1 for row in rows)
    parts = [f"{direct} direct link{'s' if direct != 1 else ''}" if direct else "no direct link"]
    through = sorted(Counter(row["via"][0] for row in rows if row["via"]).items(),
                     key=lambda item: (-item[1], item[0]))
    if through:
        (via, n), rest = through[0], through[1:]
        parts.append(f"{n} route{'s' if n != 1 else ''} through {via}" + "".join(f", {m} through {v}" for v, m in rest))
    certain = sum(row["holds"] == "certain" for row in rows)
    parts.append("all only possible" if not certain else f"{certain} of {len(rows)} certain at some time")
    return "; ".join(parts)
