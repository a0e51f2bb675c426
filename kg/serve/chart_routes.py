"""The routes of the pictures: static files (the charts' CSS and scripts), the full-size lineage
drawing, and the link chart (``/graph``) with its data and exports.

Kept apart from :mod:`kg.serve.app`, which joins them to its routes.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kg.namespaces import ID
from kg.serve.pages import Pages

SVG = "image/svg+xml"


def chart_routes(pages: Pages, html: Callable[..., HTMLResponse], headers: dict[str, str]) -> list[BaseRoute]:
    """The routes, given the server's pages, its template renderer and its security headers."""

    async def lineage_svg(request: Request) -> Response:
        org = request.path_params["id"]
        if not pages.knows(str(ID) + org):
            return PlainTextResponse(f"{org}: not in the graph (hint: search for its name at /search)\n",
                                     status_code=404)
        _, _, drawn = await run_in_threadpool(pages.lineage, org)
        if not drawn:
            return PlainTextResponse(f"{org}: no lineage to draw (or Graphviz is not installed)\n", status_code=404)
        return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + drawn, media_type=SVG, headers=headers)

    routes: list[BaseRoute] = [
        Route("/lineage/{id}.svg", lineage_svg),
        Mount("/static", StaticFiles(packages=[("kg.serve", "static")]), name="static"),
    ]
    return routes
