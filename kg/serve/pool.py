"""Worker processes that run queries, and the deadline that kills a runaway one.

Oxigraph's own timeout is best-effort: a sort over a cross product can ignore it for
minutes. So each query runs in a worker process holding its own read-only handle on the
store; when the deadline passes, the worker is killed and replaced, and the client gets
a 503 with no partial result. Other requests keep being served by the other workers.

A request that finds every worker busy waits up to ``queue_timeout`` seconds, then gets
a 503 too, so a burst of runaway queries slows the server down without hanging it.

Runaways must not starve the fast queries. A query still running after ``slow_after``
seconds is slow, and for each slow query the pool lends one more worker, started beside
it, so the fast queries keep as many workers as before; when the slow query ends
(answered or killed), one worker goes back. At most as many queries as the pool has
workers may run slow at once; :mod:`kg.serve.admission` stops the next one (503; not one
that was fast last time) and puts fast queries first in the queue for a free worker. Clients that send nothing but
runaways then hold the lent workers, never the others, and fast queries keep being answered.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.atomic import exit_with_parent
from kg.serve.admission import FAST, Gate
from kg.serve.execute import Job, Reply, execute

# spawn, not fork: the server has threads, and a forked child would inherit their locks
_CONTEXT = multiprocessing.get_context("spawn")


def warm() -> None:
    """Check every library query once, so that no request pays its first parse (30-270 ms each)."""
    from kg.store.query import library
    from kg.store.sparql_safety import check_query

    for query in library().values():
        with contextlib.suppress(Exception):
            check_query(query.text, name=query.name)


def _work(store_path: str, conn: Connection) -> None:
    import pyoxigraph

    exit_with_parent()  # a server killed with -9 leaves no worker behind, even one in a long query

    store = pyoxigraph.Store.read_only(store_path)
    warm()
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            conn.send(execute(store, job))
        except Exception as exc:  # a bug in one query must not take the worker down silently
            conn.send(Reply.error(500, f"query: internal error: {type(exc).__name__}: {exc}"))


class GivenUp(Exception):
    """A slow job stopped early: too many slow queries were running."""


class Worker:
    """One process with the store open, answering one job at a time."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_work, args=(str(store_path), child), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(60) or self.conn.recv() != "ready":
            self.stop()
            raise RuntimeError(f"a query worker could not open {store_path}")

    def ask(self, job: Job, timeout: float, slow_after: float | None = None,
            on_slow: Any = None) -> Reply | None:
        """The worker's reply, or ``None`` when the deadline passed (the worker is then dead).

        ``on_slow()`` is called once the job has run ``slow_after`` seconds without an answer;
        when it returns False the job is given up: the worker is killed and :class:`GivenUp` raised.
        """
        self.conn.send(job)
        if slow_after is not None and slow_after < timeout and not self.conn.poll(slow_after):
            if not on_slow():
                self.stop()
                raise GivenUp
            timeout -= slow_after
        if self.conn.poll(timeout):
            try:
                reply: Reply = self.conn.recv()
                return reply
            except EOFError:  # the worker died (out of memory, a crash in native code)
                pass
        self.stop()
        return None

    def yield_cpu(self) -> None:
        """Lower this worker's CPU priority (nice 19): a slow query then takes only what fast ones leave.

        On a 2-core machine two runaway cross products took both cores, and fast queries
        waited for the CPU even with a free worker. The worker is not used again afterwards.
        """
        with contextlib.suppress(OSError, AttributeError):  # not on every platform
            os.setpriority(os.PRIO_PROCESS, self.process.pid or 0, 19)

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass(frozen=True)
class Limits:
    """Per-query limits, set by the operator (``kg serve --timeout --max-results``)."""

    timeout: float = 10.0
    max_results: int = 10_000
    queue_timeout: float = 10.0
    slow_after: float = 1.0


class Pool:
    """A fixed number of workers, plus one lent for each slow query; :meth:`answer` is safe from many threads."""

    def __init__(self, store_path: Path, size: int, limits: Limits) -> None:
        self.store_path = store_path
        self.limits = limits
        self.size = size
        self.gate: Gate[Worker] = Gate(slots=size)
        self.killed = 0
        self._lock = threading.Lock()
        for _ in range(size):
            self.gate.put(Worker(store_path))

    def answer(self, job: Job) -> Reply:
        """Run a job on a free worker within the limits (:mod:`kg.serve.admission` decides who goes first)."""
        key = f"{job.name}\0{job.text}"
        if self.gate.refused(key):
            return Reply.error(503, f"{job.name}: this query ran slow last time and {self.size} slow queries are "
                                    "running (hint: try again shortly, or narrow the pattern)")
        worker = self.gate.take(key, self.limits.queue_timeout)
        if worker is None:
            return Reply.error(503, f"{job.name}: every query worker is busy (hint: try again shortly)")
        slow = threading.Event()  # set when the job took a slow slot (and the pool lent a worker for it)

        known_fast = self.gate.priority(key) == FAST

        def became_slow() -> bool:
            if not self.gate.turn_slow():
                # the slots are full: a query that was fast before is only slowed down (a loaded
                # machine): it goes on, to its deadline; any other stops here
                return known_fast
            slow.set()
            worker.yield_cpu()
            self._lend()
            return True

        try:
            try:
                reply = worker.ask(job, self.limits.timeout, self.limits.slow_after, became_slow)
            except GivenUp:
                self.gate.record(key, slow=True)
                worker = Worker(self.store_path)
                return Reply.error(503, f"{job.name}: stopped after {self.limits.slow_after:g} s: {self.size} slow "
                                        "queries are running already (hint: try again shortly, or narrow the "
                                        "pattern)")
            self.gate.record(key, slow=reply is None or slow.is_set())
            if reply is None:
                with self._lock:
                    self.killed += 1
                # the worker was killed: the one lent for this slow query takes its place
                worker = None if slow.is_set() else Worker(self.store_path)
                return Reply.error(503, f"{job.name}: the query ran past the {self.limits.timeout:g} s time limit "
                                        "and was stopped (hint: add a LIMIT, or narrow the pattern)")
            if slow.is_set():  # one worker goes back: this one
                worker.stop()
                worker = None
            return reply
        finally:
            if slow.is_set():
                self.gate.slow_ended()
            if worker is not None:
                self.gate.put(worker)

    def _lend(self) -> None:
        """Start one more worker, in the background, for the fast queries."""
        def start() -> None:
            with contextlib.suppress(RuntimeError):  # the store could not be opened: the pool is one short
                self.gate.put(Worker(self.store_path))

        threading.Thread(target=start, daemon=True).start()

    def close(self) -> None:
        while (worker := self.gate.take_free()) is not None:
            worker.stop()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
