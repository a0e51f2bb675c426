"""Reading a SPARQL 1.1 Protocol request: the query, its dataset and the formats asked for.

``GET /sparql?query=``, ``POST`` as a form or as ``application/sparql-query``, with
``default-graph-uri``, ``named-graph-uri`` and ``format=`` (SPARQLWrapper and Virtuoso
send one). What the protocol says a server must refuse is refused here, before any
worker is asked: an update (403), two queries (400), a body that is not a form or a
query (415), a body in another charset than UTF-8 (415) or not valid UTF-8 (400), and a
body over ``max_bytes`` (413), read no further than that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse

from kg.serve.limits import MAX_QUERY_BYTES
from kg.serve.negotiate import Choice, negotiate

SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


class Refused(Exception):
    """A request the protocol says to refuse, with the answer to give."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.response = PlainTextResponse(message + "\n", status_code=status)


@dataclass(frozen=True)
class Asked:
    """A protocol request as read: the query text (None: none given), dataset and formats."""

    text: str | None
    choice: Choice
    default_graph: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    base_iri: str = ""


def update_refused() -> Refused:
    return Refused(403, "update: the endpoint is read-only: updates are refused (hint: change the facts and "
                        "run kg build)")


async def read(request: Request, *, max_bytes: int = MAX_QUERY_BYTES) -> Asked:
    """The request's query, dataset and formats; raises :class:`Refused` when it must be refused."""
    params = list(request.query_params.multi_items())
    text: str | None = None
    if request.method == "POST":
        media, charset = _content_type(request.headers.get("content-type", ""))
        if media == SPARQL_UPDATE:
            raise update_refused()
        if media == MULTIPART:  # what an HTML form with enctype="multipart/form-data" sends
            form = await request.form(max_part_size=max_bytes)
            params += [(key, str(value)) for key, value in form.multi_items()]
        elif media not in (SPARQL_QUERY, FORM):
            raise Refused(415, f"query: unsupported content type {media or 'none'!r} (hint: send "
                               f"{SPARQL_QUERY} or {FORM})")
        elif charset not in ("", "utf-8", "utf8"):
            raise Refused(415, f"query: the body is in {charset}, not UTF-8 (hint: send it as UTF-8)")
        else:
            decoded = _utf8(await _body(request, max_bytes))
            if media == SPARQL_QUERY:
                text = decoded
            else:
                params += parse_qsl(decoded, keep_blank_values=True)
    if any(key == "update" for key, _ in params):
        raise update_refused()
    queries = [value for key, value in params if key == "query"]
    if text is not None and queries or len(queries) > 1:
        raise Refused(400, "query: more than one query given (hint: send one)")
    if text is None and queries:
        text = queries[0]
    choice = negotiate(request.headers.get("accept"), [v for k, v in params if k == "format"])
    return Asked(text, choice, [v for k, v in params if k == "default-graph-uri"],
                 [v for k, v in params if k == "named-graph-uri"], base_iri=endpoint_iri(request))


def endpoint_iri(request: Request) -> str:
    """The endpoint's own IRI, as the client addressed it: the base IRI of its queries."""
    return str(request.url.replace(query="", fragment=""))


def _content_type(header: str) -> tuple[str, str]:
    media, *parts = [part.strip() for part in header.split(";")]
    charset = next((p.partition("=")[2].strip().strip('"').lower() for p in parts
                    if p.lower().startswith("charset=")), "")
    return media.lower(), charset


async def _body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_big(max_bytes)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(400, f"query: the body is not valid UTF-8 at byte {exc.start} (hint: send UTF-8)") from None


def _too_big(max_bytes: int) -> Refused:
    return Refused(413, f"query: the request body is over {max_bytes:,} bytes (hint: send a shorter query; "
                        "the operator sets the cap with kg serve --max-query-bytes)")
