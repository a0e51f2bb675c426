"""Writing files so a crash or a second process never leaves half of one behind."""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from kg.errors import fail

PROJECT_INPUTS = ("facts", "sources", "imports", "shapes")
"""A project's input folders: no output option may write into them."""
_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFLNK: "a symbolic link", stat.S_IFIFO: "a FIFO",
          stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def check_output(root: Path, output: Path, *, folder: bool = False, example: str = "graph.ttl") -> None:
    """Refuse, in one line, an output path inside a project input folder, or that is not a regular file.

    ``folder`` says the output is a directory to write files into (``kg export -f csv``).
    A symbolic link, a device or a FIFO is never replaced, nor followed.
    """
    shown = str(output)
    where = output.absolute()
    where = where.parent.resolve() / where.name  # a symlinked folder is where it points; the file itself is not
    for name in PROJECT_INPUTS:
        inputs = (root / name).resolve()
        if where == inputs or where.is_relative_to(inputs):
            raise fail(shown, f"refusing to write into {name}/, which holds the project's input",
                       hint=f"write exports elsewhere, e.g. -o out/{example}", exit_code=2)
    try:
        mode = os.lstat(where).st_mode
    except FileNotFoundError:
        return
    if folder and stat.S_ISDIR(mode):
        return
    if not folder and stat.S_ISDIR(mode):
        raise fail(shown, "is a directory", hint=f"give a file name, e.g. -o {shown}/{example}", exit_code=2)
    _refuse_special(where, shown, mode)


def kind_of(mode: int) -> str:
    """What a file mode is, for a message: "a directory", "a FIFO", "a regular file"...

    >>> kind_of(0o020666)
    'a character device'
    """
    return "a regular file" if stat.S_ISREG(mode) else _KINDS.get(stat.S_IFMT(mode), "not a file")


def _refuse_special(path: Path, shown: str, mode: int | None = None) -> None:
    """A KgError when ``path`` exists and is anything but a regular file."""
    if mode is None:
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return
    if not stat.S_ISREG(mode):
        raise fail(shown, f"is {kind_of(mode)}, not a regular file: it is not replaced",
                   hint="give the path of a file", exit_code=2)


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
            _refuse_special(target, str(target))
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
