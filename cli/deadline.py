"""A wall-clock limit for one command: past it, a one-line error and exit 2, nothing written.

pyoxigraph runs a query in native code that a Python signal or exception cannot
interrupt, but a timer thread still runs meanwhile: at the deadline it prints the error
and ends the process at once (``os._exit``). The result is only written after the limit
is lifted, so a cut-off query never leaves a partial output behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def deadline(seconds: float | None, what: str) -> Iterator[None]:
    """Run the block within ``seconds`` (``None`` or 0: no limit).

    >>> with deadline(5, "query"):
    ...     print("done in time")
    done in time
    """
    if not seconds:
        yield
        return
    timer = threading.Timer(seconds, _expire, args=(seconds, what))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _expire(seconds: float, what: str) -> None:
    sys.stderr.write(f"error: {what}: stopped after the {seconds:g} s time limit "
                     "(hint: add a LIMIT, narrow the pattern, or raise --timeout)\n")
    sys.stderr.flush()
    os._exit(2)
