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
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg.curate.arabic import direction
from kg.errors import KgError
from kg.namespaces import ID, curie, prefix_map, prologue_line
from kg.serve import protocol
from kg.serve.chart_routes import chart_routes
from kg.serve.cors import cors
from kg.serve.description import PREFIXES_OUT, describe
from kg.serve.execute import RDF, Job, Reply
from kg.serve.generation import Generations, Pinned
from kg.serve.hosts import HostCheck, allowed_hosts
from kg.serve.limits import MAX_QUERY_BYTES
from kg.serve.negotiate import GRAPHS, Choice, negotiate
from kg.serve.pages import Pages
from kg.serve.pool import Limits, Pool
from kg.store.query import library, library_bindings
from kg.store.sparql import select

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


YASGUI_QUERY = ("SELECT ?org ?label WHERE {\n  ?org a mkg:Organization ; skos:prefLabel ?label .\n}"
                " ORDER BY ?org LIMIT 20")


@dataclass(frozen=True)
class Settings:
    """What the operator chose on the command line."""

    workers: int = 2
    limits: Limits = Limits()
    allow_service: bool = False
    max_query_bytes: int = MAX_QUERY_BYTES
    cors: tuple[str, ...] = ()
    hosts: frozenset[str] = allowed_hosts("127.0.0.1")


def create_app(root: Path, settings: Settings, *, on_rebuild: Any = None) -> Starlette:
    """The application for the project at ``root``; the store is rebuilt first if stale.

    It answers from one build at a time and switches to a new build at once
    (:mod:`kg.serve.generation`): ``pages``, ``store`` and ``state["pool"]`` stand for the
    generation the request being answered is pinned to.
    """
    generations = Generations(root, settings.workers, settings.limits, on_rebuild=on_rebuild, say=on_rebuild)
    pages, store = generations.pages, generations.store
    templates = Environment(loader=PackageLoader("kg.serve", "templates"), autoescape=select_autoescape())
    templates.filters["urlquote"] = lambda text: quote(str(text), safe="")
    templates.globals["prefix_header"] = prologue_line()
    templates.filters["textdir"] = direction
    state: dict[str, Pool] = {}
    queries = library()  # read once: the library does not change while the server runs

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(generations.start)
        state["pool"] = generations.pool
        try:
            yield
        finally:
            generations.close()

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
        if request.method == "OPTIONS":  # not a CORS preflight (the middleware answers those)
            return Response(status_code=204, headers={"Allow": "GET, POST, OPTIONS"})
        try:
            asked = await protocol.read(request, max_bytes=settings.max_query_bytes)
        except protocol.Refused as refused:
            return refused.response
        if not asked.text or not asked.text.strip():
            if asked.choice.solutions == "html":
                return html("query.html", library=queries, text="")
            if request.method == "GET":  # the service description, as the protocol suggests
                named = await run_in_threadpool(lambda: sorted(g.value for g in store.named_graphs()))
                return _rdf(describe(asked.base_iri, named, allow_service=settings.allow_service), asked.choice)
            return PlainTextResponse("query: no query given (hint: ?query=SELECT...)\n", status_code=400)
        job = Job(asked.text, asked.choice, settings.limits.max_results, allow_service=settings.allow_service,
                  default_graph=asked.default_graph, named_graphs=asked.named_graphs, base_iri=asked.base_iri)
        return await answer(job, form={"library": queries, "text": asked.text})

    async def library_index(request: Request) -> Response:
        return html("query.html", library=queries, text="")

    async def library_query(request: Request) -> Response:
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
        if not _is_iri(iri):  # no entity has such an id (a space, a quote, a brace…)
            return html("missing.html", status=404, iri=iri)
        return await _describe(request, iri)

    async def any_page(request: Request) -> Response:
        iri = request.query_params.get("iri", "")
        if iri and not _is_iri(iri):
            return PlainTextResponse(f"iri: {iri[:200]!r} is not an IRI (hint: /page?iri=https://…)\n",
                                     status_code=400)
        if iri.startswith(str(ID)):
            return RedirectResponse("/id/" + quote(iri[len(str(ID)):]), status_code=303)
        return await _describe(request, iri)

    async def _describe(request: Request, iri: str) -> Response:
        if not iri or not pages.knows(iri):
            return html("missing.html", status=404, iri=iri)
        choice = negotiate(request.headers.get("accept"), request.query_params.get("format"), page=True)
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

    async def yasgui(request: Request) -> Response:
        return html("yasgui.html", query=YASGUI_QUERY)

    async def home(request: Request) -> Response:
        return html("home.html", library=queries, counts=_counts(pages))

    routes = [
        Route("/", home),
        Route("/search", search),
        Route("/sparql", sparql, methods=["GET", "POST", "OPTIONS"] if settings.cors else ["GET", "POST"],
              middleware=cors(settings.cors)),
        Route("/yasgui", yasgui),
        Route("/favicon.ico", lambda request: Response(status_code=204)),  # no icon, and no 404 in the console
        Route("/library", library_index),
        Route("/library/", library_index),
        Route("/library/{name}", library_query),
        Route("/id/{id:path}", entity),
        Route("/page", any_page),
        *chart_routes(pages, html, SECURITY_HEADERS),  # the pictures: kg/serve/chart_routes.py
    ]
    return Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(HostCheck, allowed=settings.hosts),
                                                                   Middleware(Pinned, generations=generations)])


def _is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI (pyoxigraph's check, as the store would make it)."""
    try:
        pyoxigraph.NamedNode(text)
    except ValueError:
        return False
    return True


def _rdf(triples: list[pyoxigraph.Triple], choice: Choice) -> Response:
    """Triples in the negotiated RDF format (Turtle unless another was asked for)."""
    fmt = choice.graph if choice.graph in RDF else "turtle"
    body = pyoxigraph.serialize(triples, format=RDF[fmt], prefixes={**PREFIXES_OUT, **prefix_map()}) or b""
    return Response(body, media_type=GRAPHS[fmt], headers={"Vary": "Accept"})


def _counts(pages: Pages) -> dict[str, int]:
    query = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type"
    return {curie(str(r.type)): int(r.n) for r in select(pages.graph, query)}
