"""Worker processes that run queries, and the deadline that kills a runaway one.

Oxigraph's own timeout is best-effort: a sort over a cross product can ignore it for
minutes. So each query runs in a worker process holding its own read-only handle on the
store; when the deadline passes, the worker is killed and replaced, and the client gets
a 503 with no partial result. Other requests keep being served by the other workers.

A request that finds every worker busy waits up to ``queue_timeout`` seconds, then gets
a 503 too, so a burst of runaway queries slows the server down without hanging it.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.atomic import exit_with_parent
from kg.serve.execute import Job, Reply, execute

# spawn, not fork: the server has threads, and a forked child would inherit their locks
_CONTEXT = multiprocessing.get_context("spawn")


def _work(store_path: str, conn: Connection) -> None:
    import pyoxigraph

    exit_with_parent()  # a server killed with -9 leaves no worker behind, even one in a long query

    store = pyoxigraph.Store.read_only(store_path)
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

    def ask(self, job: Job, timeout: float) -> Reply | None:
        """The worker's reply, or ``None`` when the deadline passed (the worker is then dead)."""
        self.conn.send(job)
        if self.conn.poll(timeout):
            try:
                reply: Reply = self.conn.recv()
                return reply
            except EOFError:  # the worker died (out of memory, a crash in native code)
                pass
        self.stop()
        return None

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


class Pool:
    """A fixed number of workers; :meth:`answer` is safe to call from many threads."""

    def __init__(self, store_path: Path, size: int, limits: Limits) -> None:
        self.store_path = store_path
        self.limits = limits
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.killed = 0
        self._lock = threading.Lock()
        for _ in range(size):
            self.idle.put(Worker(store_path))

    def answer(self, job: Job) -> Reply:
        """Run a job on an idle worker within the limits."""
        try:
            worker = self.idle.get(timeout=self.limits.queue_timeout)
        except queue.Empty:
            return Reply.error(503, f"{job.name}: every query worker is busy (hint: try again shortly)")
        try:
            reply = worker.ask(job, self.limits.timeout)
            if reply is None:
                with self._lock:
                    self.killed += 1
                worker = Worker(self.store_path)
                return Reply.error(503, f"{job.name}: the query ran past the {self.limits.timeout:g} s time limit "
                                        "and was stopped (hint: add a LIMIT, or narrow the pattern)")
            return reply
        finally:
            self.idle.put(worker)

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().stop()
            except queue.Empty:
                return

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
