"""The review workspace's routes (``kg review``): pages by GET, every change a POST form.

* ``/review/``: the queue of drafts; ``/review/SOURCE``: the article and its candidates
  (``?item=KEY`` selects one, ``?edit=KEY`` opens its editor, ``?new=TYPE&start=&end=``
  opens an editor for a record made from a selection).
* ``POST /review/SOURCE/accept|drop|undo|build``: the changes, each with the page's CSRF
  token and version; the answer is a redirect to the page (or the page again, with the
  errors, when the checks refuse the change).
* ``/review/api/resolve?q=`` and ``/review/api/date?value=``: what the script asks while
  the curator types (read-only).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg import dates
from kg.analysis.resolve import Resolver
from kg.curate import schema
from kg.curate.accept import accepted
from kg.curate.journal import Journal
from kg.curate.yamlfile import ParseCache
from kg.errors import KgError
from kg.serve.review import actions
from kg.serve.review.editor import from_form
from kg.serve.review.page import ADDABLE, editor, list_rows, option_json
from kg.serve.review.picker import Book
from kg.serve.review.project import NotFound, Snapshot, checked_source, queue
from kg.serve.review.security import HEADERS, Guard, csrf_ok, new_token
from kg.serve.review.view import article
from kg.store.store import stamp_digest, stored_graph

ACTIONS = ("accept", "drop", "undo", "build")
STATIC = {"review.js": "text/javascript", "review.css": "text/css"}


class Workspace:
    """The project, its resolver (reopened after a build), and the server's CSRF token."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.token = new_token()
        self.cache = ParseCache()
        self._resolver: Resolver | None = None
        self._digest = ""

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None or stamp_digest(self.root) != self._digest:
            self._resolver = Resolver.for_project(self.root, stored_graph(self.root))
            self._digest = stamp_digest(self.root)
        return self._resolver

    def book(self, snap: Snapshot | None = None) -> Book:
        return Book(self.resolver, (snap.facts.get("entities") or []) if snap else [])


def create_review_app(root: Path, *, source: str | None = None) -> Any:
    """The workspace for the project at ``root`` (the store is opened, and rebuilt if stale, first)."""
    ws = Workspace(root)
    ws.resolver  # noqa: B018 - open the store now: a missing build fails at start, not at the first page
    templates = Environment(loader=PackageLoader("kg.serve.review", "templates"), autoescape=select_autoescape())

    def html(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        body = templates.get_template(name).render(csrf=ws.token, **context)
        return HTMLResponse(body, status_code=status, headers=HEADERS)

    def refused(status: int, message: str, back: str = "/review/") -> HTMLResponse:
        return html("refused.html", status=status, message=message, back=back)

    async def home(request: Request) -> Response:
        return RedirectResponse(f"/review/{source}" if source else "/review/", status_code=303)

    async def queue_page(request: Request) -> Response:
        return html("queue.html", rows=await run_in_threadpool(queue, root))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("static: no such file\n", status_code=404)
        body = resources.files("kg.serve.review").joinpath("static", name).read_bytes()
        return Response(body, media_type=STATIC[name], headers=HEADERS)

    def source_page(snap: Snapshot, params: dict[str, str], status: int = 200, **edit: Any) -> HTMLResponse:
        book = ws.book(snap)
        listed = list_rows(snap, book)
        selected = params.get("item") or params.get("edit") or (listed[0].key if listed else "")
        key = params.get("edit") or ("new" if params.get("new") else "")
        span = _span(params, len(snap.text))
        ed = editor(snap, book, key, new_type=params.get("new", ""), span=span, **edit) if key else None
        journal = Journal(root, snap.source)
        return html("source.html", status=status, snap=snap, rows=listed, article=article(snap.text, listed, selected),
                    selected=selected, editor=ed, addable=ADDABLE, last=journal.last(), counts=journal.counts(),
                    build=params.get("build_result"), build_ok=params.get("build_ok") == "1")

    async def source_view(request: Request) -> Response:
        try:
            snap = await run_in_threadpool(Snapshot.read, root, request.path_params["source"])
            return await run_in_threadpool(source_page, snap, dict(request.query_params))
        except NotFound as exc:
            return refused(404, f"review: no draft of {str(exc)!r} in facts/drafts/ (hint: kg extract SOURCE-ID, "
                                "then reload the queue)")
        except KgError as exc:  # a draft or facts file that does not parse: say where, as kg build would
            return refused(400, f"{exc} (fix the file, then reload)")

    async def change(request: Request) -> Response:
        try:
            source = checked_source(root, request.path_params["source"])
        except NotFound as exc:
            return refused(404, f"review: no draft of {str(exc)!r} in facts/drafts/ (nothing was written)")
        form = {k: str(v) for k, v in (await request.form()).items()}
        if not csrf_ok(ws.token, form.get("csrf")):
            return PlainTextResponse("csrf: the form's token is missing or wrong: nothing was written (hint: reload "
                                     "the workspace's page and submit from it)\n", status_code=403, headers=HEADERS)
        action = request.path_params["action"]
        back = f"/review/{source}"
        if action not in ACTIONS:
            return refused(404, f"review: no action {action!r} (nothing was written)", back)
        try:
            return await run_in_threadpool(_act, action, source, form)
        except actions.Conflict as exc:
            return refused(409, str(exc), back)
        except KgError as exc:
            return refused(409, f"{exc} (nothing was written)", back)

    def _act(action: str, source: str, form: dict[str, str]) -> Response:
        version, key = form.get("version", ""), form.get("item", "")
        back = f"/review/{source}"
        if action == "drop":
            after = _next(Snapshot.read(root, source), key)
            actions.drop(root, source, version=version, key=key)
            return _to(back, item=after)
        if action == "undo":
            actions.undo(root, source, version=version)
            return _to(back)
        if action == "build":
            ok, line = actions.run_build(root)
            return _to(back, build_result=line, build_ok="1" if ok else "0")
        return _accept(source, form, version, key)

    def _accept(source: str, form: dict[str, str], version: str, key: str) -> Response:
        snap = actions.current(root, source, version)
        item = snap.item(key)
        new_type = form.get("type", "") if key == "new" else ""
        posted = None
        if form.get("edited") or key == "new":
            type_ = item.type if item else new_type
            if type_ not in schema.FIELDS:
                return refused(400, f"type: {type_!r} is not a record type (nothing was written)", f"/review/{source}")
            base = accepted(item) if item else ({} if type_ == "Mention" else {"type": type_})
            posted = from_form(type_, form, base)
            _ground(posted.record, form, snap.text)
        params = {"edit": key, "item": key, "new": new_type, "start": form.get("start", ""), "end": form.get("end", "")}
        if posted is not None and form.get("do") == "find":
            search = {k.removeprefix("find."): v for k, v in form.items() if k.startswith("find.") and v.strip()}
            return source_page(snap, params, record=posted.record, entity=posted.entity, search=search)
        try:
            actions.accept(root, source, version=version, key=key, posted=posted, new_type=new_type, cache=ws.cache)
        except actions.Refused as exc:
            record = exc.record or (posted.record if posted else accepted(item) if item else {})
            return source_page(snap, params, status=422, record=record, entity=exc.entity, problems=exc.problems)
        return _to(f"/review/{source}", item=_next(snap, key))

    async def resolve_api(request: Request) -> Response:
        q = request.query_params.get("q", "")
        types = tuple(t for t in request.query_params.get("types", "").split(",") if t in schema.ENTITY_TYPES)
        found = await run_in_threadpool(ws.book().search, q, types) if q.strip() else []
        return JSONResponse({"query": q, "options": [option_json(o) for o in found]}, headers=HEADERS)

    async def date_api(request: Request) -> Response:
        value = request.query_params.get("value", "").strip()
        if not value or value == dates.ONGOING:
            return JSONResponse({"ok": True, "message": "still ongoing" if value else ""}, headers=HEADERS)
        try:
            span = dates.parse(value)
        except dates.DateError as exc:
            return JSONResponse({"ok": False, "message": str(exc)}, headers=HEADERS)
        return JSONResponse({"ok": True, "message": f"{span.earliest} to {span.latest}"}, headers=HEADERS)

    routes = [
        Route("/", home),
        Route("/review/", queue_page),
        Route("/review/static/{name}", static),
        Route("/review/api/resolve", resolve_api),
        Route("/review/api/date", date_api),
        Route("/review/{source}", source_view),
        Route("/review/{source}/{action:str}", change, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    return Guard(app)


def _next(snap: Snapshot, key: str) -> str:
    """The candidate to select once ``key`` has left the draft: the one after it, else the one before."""
    keys = [item.key for item in snap.items]
    if key not in keys:
        return ""
    at = keys.index(key)
    rest = keys[at + 1:] + keys[:at][::-1]
    return rest[0] if rest else ""


def _span(params: dict[str, str], size: int) -> tuple[int, int] | None:
    start, end = params.get("start", ""), params.get("end", "")
    if start.isdigit() and end.isdigit() and 0 <= int(start) < int(end) <= size:
        return int(start), int(end)
    return None


def _ground(record: dict[str, Any], form: dict[str, str], text: str) -> None:
    """A quote selected in the article is the text between its offsets, verbatim."""
    span = _span(form, len(text))
    if span and not record.get("quote"):
        record["quote"] = text[span[0]:span[1]]


def _to(path: str, **params: str) -> Response:
    query = urlencode({k: v for k, v in params.items() if v})
    anchor = f"#cand-{params['item']}" if params.get("item") else ""
    return RedirectResponse(f"{path}?{query}{anchor}" if query else path, status_code=303)
