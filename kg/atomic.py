"""Writing files so a crash or a second process never leaves half of one behind."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path


def write_files(folder: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write every file to a temporary name, then rename each into place.

    Files whose bytes are unchanged are not touched. Returns the names written.
    A crash before the renames leaves the old files intact and no temporary file
    behind in ``folder`` once the next write runs (leftovers are cleaned first).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.rglob(".*.tmp"):
        stale.unlink(missing_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in sorted(files.items()):
            target = folder / name
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; exports are meant to be shared
            staged.append((Path(tmp_name), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [str(target.relative_to(folder)) for _, target in staged]


class Busy(Exception):
    """Another process holds the lock."""


@contextlib.contextmanager
def locked(path: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` for the duration of the block.

    With ``wait=False`` a second holder fails at once with :class:`Busy`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise Busy(str(path)) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
