"""Which waiting request gets the next free worker, and whether a query that turns slow may go on.

A runaway query holds a worker until its deadline. To keep fast queries answered while
runaways arrive, the pool (:mod:`kg.serve.pool`) asks this gate:

* **Who goes next.** Requests wait in order of what their query did last time (by query
  name and text): one that finished fast before goes first, a new one next, one that ran
  slow last. A client sending runaways over and over then waits behind everyone else.
* **Who may run slow.** At most ``slots`` queries may run past ``slow_after`` at once
  (the pool lends a worker for each, so the fast queries keep theirs). A query that turns
  slow while the slots are full is stopped, unless it was fast last time (then the machine
  is only loaded, and it goes on to its deadline); a query that ran slow last time is
  refused at once, before it takes a worker, while the slots are full.

The history is small (the last 4,096 queries) and lives as long as the server.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

FAST, NEW, SLOW = 0, 1, 2
T = TypeVar("T")


class Gate(Generic[T]):
    """Free workers, the requests waiting for one, and the slow slots (safe from many threads).

    >>> gate: Gate[str] = Gate(slots=1)
    >>> gate.put("w1")
    >>> gate.take("q", timeout=1)
    'w1'
    >>> gate.take("q", timeout=0.01) is None  # none free
    True
    """

    def __init__(self, slots: int, remember: int = 4096) -> None:
        self.slots = slots
        self.slow_running = 0
        self._free: list[T] = []
        self._waiting: list[tuple[int, int]] = []  # (priority, ticket), kept sorted
        self._tickets = itertools.count()
        self._history: OrderedDict[str, bool] = OrderedDict()  # query key -> it ran slow
        self._remember = remember
        self._cond = threading.Condition()

    def priority(self, key: str) -> int:
        with self._cond:
            slow = self._history.get(key)
        return NEW if slow is None else SLOW if slow else FAST

    def refused(self, key: str) -> bool:
        """Whether a query that ran slow last time must be refused now: every slow slot is taken."""
        with self._cond:
            return bool(self._history.get(key)) and self.slow_running >= self.slots

    def put(self, worker: T) -> None:
        with self._cond:
            self._free.append(worker)
            self._cond.notify_all()

    def take(self, key: str, timeout: float) -> T | None:
        """A free worker for the query ``key``, waiting up to ``timeout`` s in priority order; None if none came."""
        place = (self.priority(key), next(self._tickets))
        deadline = time.monotonic() + timeout
        with self._cond:
            bisect.insort(self._waiting, place)
            while not (self._free and self._waiting[0] == place):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._waiting.remove(place)
                    self._cond.notify_all()
                    return None
                self._cond.wait(remaining)
            self._waiting.pop(0)
            worker = self._free.pop()
            self._cond.notify_all()
            return worker

    def take_free(self) -> T | None:
        """A free worker now, if any (to close the pool)."""
        with self._cond:
            return self._free.pop() if self._free else None

    def turn_slow(self) -> bool:
        """A running query passed ``slow_after``: True if it holds a slow slot now, False if it must stop."""
        with self._cond:
            if self.slow_running >= self.slots:
                return False
            self.slow_running += 1
            return True

    def slow_ended(self) -> None:
        with self._cond:
            self.slow_running -= 1

    def record(self, key: str, slow: bool) -> None:
        """What a query did, for the next time it comes."""
        with self._cond:
            self._history[key] = slow
            self._history.move_to_end(key)
            while len(self._history) > self._remember:
                self._history.popitem(last=False)
