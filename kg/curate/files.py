"""Reading input files: regular files only, and never more than a limit, whatever ``stat`` says.

A symlink to ``/dev/zero`` has a size of 0 and never ends; opening a FIFO waits for a
writer that never comes. So a file is opened without waiting, checked to be a regular
file on the open handle, and read up to its limit and one byte more.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from kg.atomic import kind_of
from kg.errors import KgError, fail

CURATED_HINT = "curated files are plain files: replace it with the file itself"
TEXT_LIMIT = 20 * 1024 * 1024
"""A source text is an article or a report: larger is refused, and never read past the limit."""


def open_regular(path: Path, name: str | None = None, *, hint: str = CURATED_HINT) -> BinaryIO:
    """``path`` opened for binary reading; a :class:`KgError` (exit 2) unless it is a regular file."""
    name = name or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise fail(name, f"cannot read: {exc.strerror}", hint="check the path and its permissions",
                   exit_code=2) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise fail(name, f"is {kind_of(mode)}, not a regular file", hint=hint, exit_code=2)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_regular(path: Path, name: str | None = None, *, limit: int, what: str = "curated files",
                 hint: str = CURATED_HINT) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (checked on what is read, not only on ``stat``)."""
    name = name or str(path)
    with open_regular(path, name, hint=hint) as handle:
        if os.fstat(handle.fileno()).st_size > limit:  # refused before reading a byte
            raise too_big(name, os.fstat(handle.fileno()).st_size, limit, what)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise too_big(name, len(data), limit, what)
    return data


def too_big(name: str, size: int, limit: int, what: str) -> KgError:
    megabytes = f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size} bytes"
    return fail(name, f"file is {megabytes}, over the {limit // (1024 * 1024)} MB limit for {what}",
                hint="split it into several files", exit_code=2)
