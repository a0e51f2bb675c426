"""Cross-origin access to ``/sparql`` only, for the origins the operator names (``kg serve --cors``).

Off by default: a page on another origin (a YASGUI elsewhere) can then not read the graph.
With ``--cors ORIGIN`` (repeatable, or ``*``), Starlette's ``CORSMiddleware`` answers the
preflight and sends the allow headers on ``/sparql``, and nowhere else; credentials are
never allowed (the endpoint has none to give, and ``*`` with credentials would let any site
act as the user).
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware


def cors(origins: tuple[str, ...]) -> list[Middleware]:
    """The middleware for the ``/sparql`` route: none unless some origin is allowed.

    >>> cors(())
    []
    >>> cors(("*",))[0].kwargs["allow_credentials"]
    False
    """
    if not origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST"],
                       allow_headers=["Accept", "Content-Type"], allow_credentials=False, max_age=600)]
