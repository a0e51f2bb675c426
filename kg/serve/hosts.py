"""The Host header check: answer only requests addressed to this server by a name it expects.

A page on an attacker's site can make a browser send requests to ``127.0.0.1:8000``
under the attacker's own host name (DNS rebinding), and read the answers as same-origin.
Such a request carries the attacker's name in ``Host``. So only the names the server was
bound to, the loopback names, and what the operator adds with ``--allow-host`` are
answered; any other ``Host`` gets **421** (Misdirected Request), and a request with no
``Host`` at all gets 400, before any route runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The host names a server bound to ``bound`` answers: that name, loopback, and ``extra``.

    >>> sorted(allowed_hosts("127.0.0.1", ["kg.example"]))
    ['127.0.0.1', '::1', 'kg.example', 'localhost']
    """
    names = {*LOOPBACK, *(name.strip().lower().strip("[]") for name in extra)}
    if bound not in ("0.0.0.0", "::", ""):  # bound to every address: no name of its own
        names.add(bound.lower().strip("[]"))
    return frozenset(names)


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port (IPv6 addresses come in brackets).

    >>> host_name("Example.org:8000"), host_name("[::1]:8000"), host_name("127.0.0.1")
    ('example.org', '::1', '127.0.0.1')
    """
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheck:
    """ASGI middleware: refuse a request whose ``Host`` is not among ``allowed`` (``*``: any)."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "*" in self.allowed:
            await self.app(scope, receive, send)
            return
        header = next((value.decode("latin-1") for key, value in scope["headers"] if key == b"host"), None)
        if header is not None and host_name(header) in self.allowed:
            await self.app(scope, receive, send)
            return
        if header is None:
            status, message = 400, "request: no Host header (hint: send the server's name in Host)"
        else:
            status, message = 421, (f"request: this server does not answer for the host {host_name(header)!r} "
                                    "(hint: the operator can allow it: kg serve --allow-host NAME)")
        body = (message + "\n").encode("utf-8")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
