"""Writing files so a crash or a second process never leaves half of one behind.

A single file is written aside and renamed into place (:func:`write_files`). A folder
whose files belong together (``exports/``, ``imports/``) changes as a whole: a
:class:`NewGeneration` is a copy of it (hard links, so nothing is copied) that the new
files are written into, then swapped in with one rename, so a reader or a crash only
ever sees the old folder or the new one (:func:`swap_in`, :func:`recover`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import itertools
import multiprocessing
import multiprocessing.connection
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from kg.errors import fail

PROJECT_INPUTS = ("facts", "sources", "imports", "shapes")
"""A project's input folders: no output option may write into them."""
_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFLNK: "a symbolic link", stat.S_IFIFO: "a FIFO",
          stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def check_output(root: Path, output: Path, *, folder: bool = False, example: str = "graph.ttl",
                 allowed: Path | None = None) -> None:
    """Refuse, in one line, an output path inside a project input folder, or that is not a regular file.

    ``folder`` says the output is a directory to write files into (``kg export -f csv``).
    ``allowed`` is the one folder inside the inputs this output may go to (``facts/drafts`` for
    ``kg extract``). A symbolic link, a device or a FIFO is never replaced, nor followed.
    """
    shown = str(output)
    where = output.absolute()
    where = where.parent.resolve() / where.name  # a symlinked folder is where it points; the file itself is not
    inside_allowed = allowed is not None and where.parent.is_relative_to(allowed.resolve())
    for name in () if inside_allowed else PROJECT_INPUTS:
        inputs = (root / name).resolve()
        if where == inputs or where.is_relative_to(inputs):
            raise fail(shown, f"refusing to write into {name}/, which holds the project's input",
                       hint=f"write it elsewhere, e.g. -o out/{example}", exit_code=2)
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
            rename(tmp, target)
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


CRASH_AT_RENAME = "KG_CRASH_AT_RENAME"
"""Fault injection for tests: with this set to N, a process exits at once (as a kill would) just
before its Nth rename here, so that a test can stop a build or an import at every step."""
CRASHED = 70
_renames = itertools.count(1)
_RENAME_EXCHANGE = 2  # renameat2(2) flag: swap two paths in one step


def rename(source: Path, target: Path, *, exchange: bool = False) -> None:
    """``os.replace``, or with ``exchange`` swap two existing paths atomically (Linux ``renameat2``).

    Every rename that commits something goes through here: :data:`CRASH_AT_RENAME` counts them.
    """
    at = os.environ.get(CRASH_AT_RENAME)
    if next(_renames) == int(at or 0):
        os._exit(CRASHED)
    if not exchange:
        os.replace(source, target)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    call = getattr(libc, "renameat2", None)
    if call is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    at_cwd = -100
    if call(at_cwd, os.fsencode(source), at_cwd, os.fsencode(target), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _staging(folder: Path, kind: str) -> Path:
    return folder.parent / f".{folder.name}.{kind}-{os.getpid()}"


class NewGeneration:
    """The next version of ``folder``, written beside it and swapped in by :meth:`commit`.

    It starts as a copy of ``folder`` made of hard links (files here are only ever
    replaced, never changed in place, so sharing them is safe); :meth:`write` and
    :meth:`create` put a new file in place of a linked one. The caller holds the lock
    that keeps other writers of ``folder`` out (the build lock).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = _staging(folder, "new")
        shutil.rmtree(self.path, ignore_errors=True)
        if folder.is_dir():
            shutil.copytree(folder, self.path, symlinks=True, copy_function=_link_or_copy)
        else:
            self.path.mkdir(parents=True)

    def create(self, name: str) -> BinaryIO:
        """A new, empty file ``name`` in the generation, open for writing (fsync it, or use :meth:`write`)."""
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # a link to the live file: never write through it
        return open(target, "xb")

    def write(self, name: str, data: bytes) -> None:
        """Put ``data`` in the generation as ``name``."""
        with self.create(name) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    def commit(self) -> None:
        """Swap the generation in for ``folder``, in one step."""
        swap_in(self.path, self.folder)

    def discard(self) -> None:
        """Forget the generation (after a failure, or once committed: then it is gone already)."""
        shutil.rmtree(self.path, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links: copy
        shutil.copy2(source, target)


def commit_files(folder: Path, files: Mapping[str, bytes]) -> list[str]:
    """Make ``folder`` hold ``files`` (on top of what else it holds) in one step; the names that changed.

    Nothing is touched when every file already has these bytes.
    """
    recover(folder)
    for name in files:
        _refuse_special(folder / name, str(folder / name))
    changed = sorted(name for name, data in files.items()
                     if not (folder / name).is_file() or (folder / name).read_bytes() != data)
    if not changed:
        return []
    generation = NewGeneration(folder)
    try:
        for name in changed:
            generation.write(name, files[name])
        generation.commit()
    finally:
        generation.discard()
    return changed


def swap_in(staging: Path, folder: Path) -> None:
    """Put the complete folder ``staging`` in place of ``folder`` with one rename.

    Where the system can swap two folders at once (Linux ``renameat2``), no moment
    exists without ``folder``; elsewhere the old folder is renamed aside first, and a
    crash between the two renames is completed by :func:`recover`. The old folder is
    deleted after.
    """
    _sync(staging)
    if not folder.exists():
        rename(staging, folder)
    else:
        try:
            rename(staging, folder, exchange=True)  # staging now holds the old folder
        except OSError:
            old = _staging(folder, "old")
            rename(folder, old)
            rename(staging, folder)
            staging = old
        shutil.rmtree(staging, ignore_errors=True)
    _sync(folder.parent)


def recover(folder: Path) -> None:
    """Finish or undo a swap of ``folder`` a crash interrupted, and delete what it left beside it.

    Only the holder of the folder's lock may call it. ``.NAME.new-PID`` is a generation
    being written (or, after an exchange, the old folder): it goes. ``.NAME.old-PID`` is
    the old folder renamed aside: when ``folder`` is missing, the generation of the same
    process was complete, so it is renamed in (or, without one, the old folder back).
    """
    parent = folder.parent
    if not parent.is_dir():
        return
    for old in sorted(parent.glob(f".{folder.name}.old-*")):
        if not folder.exists():
            new = parent / old.name.replace(".old-", ".new-", 1)
            os.replace(new if new.is_dir() else old, folder)
        shutil.rmtree(old, ignore_errors=True)
    for new in parent.glob(f".{folder.name}.new-*"):
        shutil.rmtree(new, ignore_errors=True)


def _sync(path: Path) -> None:
    """fsync a folder (and so the names in it), where the system allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def exit_with_parent() -> None:
    """In a worker process: exit at once when the process that started it dies, even by ``kill -9``.

    A pool's workers otherwise wait on their queue, which their siblings keep open, long
    after the import that started them is gone. Call it first thing in the worker (a pool's
    ``initializer``); it does nothing in a process that no ``multiprocessing`` parent started.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
