"""Serving one build at a time: a new build is noticed, and every request switches to it at once.

The server holds a :class:`Generation`: a generation of the store (:mod:`kg.store.generations`,
leased so that no build deletes it), the query workers opened on it, and the pages' graph
read from it. Each request is pinned to the generation current when it arrives
(:class:`Pinned`, an ASGI middleware) and uses it for everything it answers, so no
answer mixes two builds; a worker restarted after a runaway query opens the same
generation, never a newer one.

When ``.kg/store`` names a new generation (one ``readlink`` a request), the next one is
prepared in the background (its workers started, its pages read) and then made current
in one step: every request that arrives after that sees the new build, none the old.
Requests already running finish on the old generation, which is then closed and let go
(its folder is deleted by the next writer, or at once if no one else uses it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pyoxigraph
from starlette.types import ASGIApp, Receive, Scope, Send

from kg.analysis.resolve import Resolver
from kg.serve.pages import Pages
from kg.serve.pool import Limits, Pool
from kg.store.generations import Lease, current_name, name_of
from kg.store.store import graph_of, open_generation, stamp_digest, tidy

_PINNED: ContextVar[Generation] = ContextVar("generation")


@dataclass
class Generation:
    """One build as the server answers from it."""

    folder: Path
    store: pyoxigraph.Store
    pages: Pages
    lease: Lease
    pool: Pool | None = None
    users: int = 0
    retired: bool = False
    closed: bool = field(default=False, repr=False)

    @property
    def name(self) -> str:
        return self.folder.name

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.pool is not None:
                self.pool.close()
            self.lease.release()


class Generations:
    """The generation requests are pinned to, and the switch to the next one."""

    def __init__(self, root: Path, workers: int, limits: Limits, *, on_rebuild: Callable[[str], None] | None = None,
                 say: Callable[[str], None] | None = None) -> None:
        self.root, self.workers, self.limits = root, workers, limits
        self.say = say or (lambda message: None)
        self._lock = threading.Lock()
        self._switching = False
        self.current = self._open(on_rebuild)
        self.pages = cast(Pages, _Current(self, "pages"))
        self.store = cast(pyoxigraph.Store, _Current(self, "store"))
        self.pool = cast(Pool, _Current(self, "pool"))

    def _open(self, on_rebuild: Callable[[str], None] | None = None) -> Generation:
        store, folder, lease = open_generation(self.root, on_rebuild=on_rebuild, keep=False)
        graph = graph_of(store, folder)
        digest = stamp_digest(self.root)  # the name index is cached under it, when it is this generation's
        digest = digest if name_of(digest) == folder.name else ""
        return Generation(folder, store, Pages(graph, Resolver.for_project(self.root, graph, digest=digest)), lease)

    def start(self) -> None:
        """Start the current generation's workers (in the server's process, once it runs)."""
        self.current.pool = Pool(self.current.folder, self.workers, self.limits)

    def pinned(self) -> Generation:
        """The generation of the request being answered (the current one outside a request)."""
        return _PINNED.get(self.current)

    def enter(self) -> Generation:
        """Pin a new request to the current generation, noticing first whether a build made a newer one."""
        name = current_name(self.root)
        with self._lock:
            if name and name != self.current.name and not self._switching:
                self._switching = True
                threading.Thread(target=self._switch, name="switch-generation", daemon=True).start()
            generation = self.current
            generation.users += 1
        return generation

    def leave(self, generation: Generation) -> None:
        with self._lock:
            generation.users -= 1
            done = generation.retired and generation.users == 0
        if done:
            self._let_go(generation)

    def _switch(self) -> None:
        try:
            new = self._open()
            new.pool = Pool(new.folder, self.workers, self.limits)
        except Exception as exc:  # noqa: BLE001 - the old generation keeps serving; the next request retries
            self.say(f"warning: could not switch to the new build's store: {type(exc).__name__}: {exc}")
            with self._lock:
                self._switching = False
            return
        with self._lock:
            old, self.current = self.current, new
            old.retired = True
            idle = old.users == 0
            self._switching = False
        self.say(f"serving the new build (store generation {new.name}; was {old.name})")
        if idle:
            self._let_go(old)

    def _let_go(self, generation: Generation) -> None:
        generation.close()
        tidy(self.root)  # deletes the old generation now, unless a writer runs (it will) or someone holds it

    def close(self) -> None:
        with self._lock:
            self.current.close()


class _Current:
    """Stands for the pinned generation's pages, store or pool: each attribute is looked up per request."""

    def __init__(self, generations: Generations, attribute: str) -> None:
        self._generations, self._attribute = generations, attribute

    def __getattr__(self, name: str) -> Any:
        return getattr(getattr(self._generations.pinned(), self._attribute), name)


class Pinned:
    """ASGI middleware: each HTTP request is answered from one generation, from start to end."""

    def __init__(self, app: ASGIApp, generations: Generations) -> None:
        self.app, self.generations = app, generations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        generation = self.generations.enter()
        token = _PINNED.set(generation)
        try:
            await self.app(scope, receive, send)
        finally:
            _PINNED.reset(token)
            self.generations.leave(generation)
