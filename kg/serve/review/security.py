"""The workspace writes files, so it trusts less than ``kg serve``.

* :class:`Guard` (ASGI middleware) answers only requests whose ``Host`` is a loopback name
  (a page elsewhere cannot reach it through DNS rebinding), refuses a cross-site
  ``Origin``, takes changes by POST only, and reads at most :data:`MAX_BODY` bytes of a body.
* :func:`csrf_ok`: every change carries the token of the page it came from; another site
  cannot read the page, so it cannot send the token.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

MAX_BODY = 64 * 1024
"""The largest request body taken (an edit form is a few kilobytes)."""
LOOPBACK = ("127.0.0.1", "localhost", "::1")
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def new_token() -> str:
    """A fresh CSRF token (one per server run)."""
    return secrets.token_urlsafe(32)


def csrf_ok(token: str, sent: str | None) -> bool:
    """Whether a request sent the page's token (compared in constant time)."""
    return bool(sent) and hmac.compare_digest(token.encode(), str(sent).encode())


def host_name(header: str) -> str:
    """The host name of a ``Host`` header, without the port.

    >>> host_name("127.0.0.1:8765"), host_name("[::1]:80"), host_name("evil.example")
    ('127.0.0.1', '::1', 'evil.example')
    """
    return (urlsplit(f"//{header}").hostname or "").lower()


class Guard:
    """Refuse what the workspace must not answer, before the application sees it."""

    def __init__(self, app: App, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if host_name(host) not in LOOPBACK:
            await _refuse(send, 400, f"host: {host!r} is not this workspace: it answers on loopback only "
                                     "(hint: open http://127.0.0.1:PORT/review/ on this machine)")
            return
        origin = headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc.lower() != host.lower():
            await _refuse(send, 403, f"origin: a request from {origin!r} is refused (hint: use the workspace's own "
                                     "pages)")
            return
        if scope["method"] not in ("GET", "HEAD", "POST"):
            await _refuse(send, 405, f"method: {scope['method']} is not taken (hint: pages are GET, changes POST)")
            return
        if scope["method"] == "POST":
            body = await self._body(headers, receive)
            if body is None:
                await _refuse(send, 413, f"body: over {self.max_body} bytes (hint: an edit form is much smaller)")
                return
            await self.app(scope, _replay(body), send)
            return
        await self.app(scope, receive, send)

    async def _body(self, headers: dict[str, str], receive: Receive) -> bytes | None:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            return None
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _refuse(send: Send, status: int, message: str) -> None:
    body = (message + "\n").encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
