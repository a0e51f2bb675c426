"""The Starlette application: the SPARQL 1.1 Protocol endpoint and the pages for people.

* ``/sparql``: GET ``?query=``, POST form or ``application/sparql-query``; results by
  ``Accept`` (or ``format=``). Updates get 403; SERVICE gets 403 unless allowed.
  A browser asking without a query gets the query form.
* ``/library/NAME``: a library query from ``queries/``, parameters as URL fields.
* ``/id/ID``: the page of an entity (or its triples as RDF, by ``Accept``);
  ``/page?iri=``: the page of any IRI the graph mentions.
* ``/search?q=``: the resolver, over every label, alias and transliteration.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg.analysis.resolve import Resolver
from kg.errors import KgError
from kg.namespaces import ID, curie
from kg.serve.chart_routes import chart_routes
from kg.serve.execute import Job, Reply
from kg.serve.negotiate import Choice, negotiate
from kg.serve.pages import Pages
from kg.serve.pool import Limits, Pool
from kg.store.query import library, library_bindings
from kg.store.sparql import select
from kg.store.store import open_store, stored_graph

SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class Settings:
    """What the operator chose on the command line."""

    workers: int = 2
    limits: Limits = Limits()
    allow_service: bool = False


def create_app(root: Path, settings: Settings, *, on_rebuild: Any = None) -> Starlette:
    """The application for the project at ``root``; the store is rebuilt first if stale."""
    open_store(root, on_rebuild=on_rebuild)  # fresh before the workers open it read-only
    graph = stored_graph(root)
    pages = Pages(graph, Resolver.for_project(root, graph))
    templates = Environment(loader=PackageLoader("kg.serve", "templates"), autoescape=select_autoescape())
    templates.filters["urlquote"] = lambda text: quote(str(text), safe="")
    state: dict[str, Pool] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["pool"] = await run_in_threadpool(Pool, root / ".kg" / "store", settings.workers, settings.limits)
        try:
            yield
        finally:
            state["pool"].close()

    def html(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        body = templates.get_template(name).render(curie=curie, id_prefix=str(ID), **context)
        return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)

    async def answer(job: Job, *, form: dict[str, Any]) -> Response:
        reply: Reply = await run_in_threadpool(state["pool"].answer, job)
        if reply.media_type == "text/html" and reply.status == 200:
            return html("results.html", reply=reply, **form)
        if reply.status != 200 and job.choice.solutions == "html":
            return html("results.html", status=reply.status, error=reply.body.decode("utf-8"), **form)
        headers = {"Vary": "Accept"} if reply.status == 200 else {}
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers)

    async def sparql(request: Request) -> Response:
        params = list(request.query_params.multi_items())
        text: str | None = None
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "POST":
            if content_type == SPARQL_UPDATE:
                return _refuse_update()
            if content_type == SPARQL_QUERY:
                text = (await request.body()).decode("utf-8", errors="replace")
            elif content_type in (FORM, "multipart/form-data"):
                params += [(k, str(v)) for k, v in (await request.form()).multi_items()]
            else:
                return PlainTextResponse(f"query: unsupported content type {content_type!r} (hint: send "
                                         f"{SPARQL_QUERY} or {FORM})\n", status_code=415)
        if any(key == "update" for key, _ in params):
            return _refuse_update()
        queries = [v for k, v in params if k == "query"]
        if text is None and len(queries) > 1:
            return PlainTextResponse("query: more than one query parameter (hint: send one)\n", status_code=400)
        text = text if text is not None else (queries[0] if queries else None)
        choice = negotiate(request.headers.get("accept"), _first(params, "format"))
        if not text or not text.strip():
            if choice.solutions == "html":
                return html("query.html", library=library(), text="")
            return PlainTextResponse("query: no query given (hint: ?query=SELECT...)\n", status_code=400)
        job = Job(text, choice, settings.limits.max_results, allow_service=settings.allow_service,
                  default_graph=[v for k, v in params if k == "default-graph-uri"],
                  named_graphs=[v for k, v in params if k == "named-graph-uri"])
        return await answer(job, form={"library": library(), "text": text})

    async def library_query(request: Request) -> Response:
        queries = library()
        name = request.path_params["name"]
        if name not in queries:
            return PlainTextResponse(f"{name}: no such library query (hint: known: {', '.join(sorted(queries))})\n",
                                     status_code=404)
        chosen = queries[name]
        values = {k: v for k, v in request.query_params.items() if k != "format"}
        choice = negotiate(request.headers.get("accept"), request.query_params.get("format"))
        form: dict[str, Any] = {"library": queries, "chosen": chosen, "values": values, "text": chosen.text}
        if chosen.params and not values and choice.solutions == "html":
            return html("query.html", **form)
        try:
            bindings = library_bindings(chosen, values, lambda v: pages.resolver.one(v))
        except KgError as exc:
            if choice.solutions == "html":
                return html("query.html", status=400, error=str(exc), **form)
            return PlainTextResponse(f"{exc}\n", status_code=400)
        return await answer(Job(chosen.text, choice, settings.limits.max_results, bindings=bindings, name=name),
                            form=form)

    async def entity(request: Request) -> Response:
        iri = str(ID) + request.path_params["id"]
        return await _describe(request, iri)

    async def any_page(request: Request) -> Response:
        iri = request.query_params.get("iri", "")
        if iri.startswith(str(ID)):
            return RedirectResponse("/id/" + quote(iri[len(str(ID)):]), status_code=303)
        return await _describe(request, iri)

    async def _describe(request: Request, iri: str) -> Response:
        if not iri or not pages.knows(iri):
            return html("missing.html", status=404, iri=iri)
        choice = negotiate(request.headers.get("accept"), request.query_params.get("format"))
        if choice.graph == "html" or choice.graph is None:
            page = await run_in_threadpool(pages.entity, iri)
            return html("entity.html", page=page)
        job = Job("CONSTRUCT { ?entity ?p ?o } WHERE { ?entity ?p ?o }", Choice(None, choice.graph),
                  settings.limits.max_results, bindings={"entity": pyoxigraph.NamedNode(iri)}, name=curie(iri))
        return await answer(job, form={})

    async def search(request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        found = await run_in_threadpool(pages.resolver.resolve, q, limit=25) if q else None
        return html("search.html", q=q, found=found)

    async def home(request: Request) -> Response:
        return html("home.html", library=library(), counts=_counts(pages))

    routes = [
        Route("/", home),
        Route("/search", search),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/library/{name}", library_query),
        Route("/id/{id:path}", entity),
        Route("/page", any_page),
        *chart_routes(pages, html, SECURITY_HEADERS),  # the pictures: kg/serve/chart_routes.py
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _first(params: list[tuple[str, str]], key: str) -> str | None:
    return next((v for k, v in params if k == key), None)


def _refuse_update() -> Response:
    return PlainTextResponse("update: the endpoint is read-only: updates are refused (hint: change the facts and "
                             "run kg build)\n", status_code=403)


def _counts(pages: Pages) -> dict[str, int]:
    query = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type"
    return {curie(str(r.type)): int(r.n) for r in select(pages.graph, query)}
