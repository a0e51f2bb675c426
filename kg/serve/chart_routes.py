"""The routes of the pictures: static files (the charts' CSS and scripts), the full-size lineage
drawing, and the link chart (``/graph``) with its data and exports.

* ``/graph?focus=ID&at=DATE``: the link chart page (``focus`` may repeat); its table alone
  is the same facts for a reader without JavaScript.
* ``/graph.json``, ``/graph.graphml``, ``/graph.svg``: its data, and what it shows at the date.
* ``/lineage/ID.svg``: an organization's lineage drawing at full size.

Kept apart from :mod:`kg.serve.app`, which joins them to its routes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kg.dates import DateError
from kg.namespaces import ID
from kg.serve import lineage_drawing, link_chart
from kg.serve.pages import Pages

SVG = "image/svg+xml"
GRAPHML = "application/graphml+xml"
SLIDER_PAD_MONTHS = 12


def chart_routes(pages: Pages, html: Callable[..., HTMLResponse], headers: dict[str, str]) -> list[BaseRoute]:
    """The routes, given the server's pages, its template renderer and its security headers."""

    def missing(text: str) -> Response:
        return PlainTextResponse(f"{text}\n", status_code=404)

    async def lineage_svg(request: Request) -> Response:
        org = request.path_params["id"]
        if not pages.knows(str(ID) + org):
            return missing(f"{org}: not in the graph (hint: search for its name at /search)")
        _, _, drawn = await run_in_threadpool(pages.lineage, org)
        if not drawn:
            return missing(f"{org}: no lineage to draw (or Graphviz is not installed)")
        return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + drawn, media_type=SVG, headers=headers)

    def chart_data(request: Request) -> dict[str, Any] | Response:
        foci = request.query_params.getlist("focus")
        if not foci:
            return PlainTextResponse("focus: no entity given (hint: /graph?focus=isis-k&at=2015-10)\n",
                                     status_code=400)
        unknown = [f for f in foci if f not in pages.net]
        if unknown:
            return missing(f"focus: {', '.join(unknown)} has no relations in the graph "
                           "(hint: search for the name at /search and use the id)")
        try:
            at = link_chart.when(request.query_params.get("at"), pages.span()[1])
        except DateError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=400)
        return link_chart.neighbourhood(pages.net, pages.graph, foci, at)

    async def graph_page(request: Request) -> Response:
        data = await run_in_threadpool(chart_data, request)
        if isinstance(data, Response):
            return data
        first, last = pages.span()
        start = _month(first, -SLIDER_PAD_MONTHS)
        months = _months_between(start, _month(last, SLIDER_PAD_MONTHS))
        at_month = min(max(_months_between(start, dt.date.fromisoformat(data["first"])), 0), months)
        query = "&".join(f"focus={f}" for f in data["foci"]) + f"&at={data['at']}"
        return html("graph.html", data=data, chart_json=_script_json(data),
                    slider={"start": start.strftime("%Y-%m"), "months": months, "value": at_month}, query=query,
                    names={n["id"]: n["label"] for n in data["nodes"]})

    async def graph_json(request: Request) -> Response:
        data = await run_in_threadpool(chart_data, request)
        if isinstance(data, Response):
            return data
        return Response(json.dumps(data, ensure_ascii=False), media_type="application/json", headers=headers)

    async def graph_graphml(request: Request) -> Response:
        data = await run_in_threadpool(chart_data, request)
        if isinstance(data, Response):
            return data
        name = f'attachment; filename="link-chart-{data["at"]}.graphml"'
        return Response(link_chart.graphml(data), media_type=GRAPHML, headers={**headers, "Content-Disposition": name})

    async def graph_svg(request: Request) -> Response:
        data = await run_in_threadpool(chart_data, request)
        if isinstance(data, Response):
            return data
        drawn = await run_in_threadpool(lineage_drawing.svg, link_chart.to_dot(data), "sfdp")
        if not drawn:
            return missing("graph.svg: Graphviz is not installed here (hint: apt-get install graphviz)")
        return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + drawn, media_type=SVG, headers=headers)

    return [
        Route("/lineage/{id}.svg", lineage_svg),
        Route("/graph", graph_page),
        Route("/graph.json", graph_json),
        Route("/graph.graphml", graph_graphml),
        Route("/graph.svg", graph_svg),
        Mount("/static", StaticFiles(packages=[("kg.serve", "static")]), name="static"),
    ]


def _month(day: dt.date, shift: int) -> dt.date:
    """The first day of the month ``shift`` months from ``day``'s."""
    index = day.year * 12 + day.month - 1 + shift
    return dt.date(index // 12, index % 12 + 1, 1)


def _months_between(first: dt.date, day: dt.date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def _script_json(data: dict[str, Any]) -> str:
    """JSON safe inside a ``<script type="application/json">`` (no ``</script>`` can close it early)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
