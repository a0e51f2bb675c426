"""Store generations: each load of the store in its own folder, the current one named by a link.

``.kg/store`` is a symbolic link to ``stores/<digest>``, the folder of the store loaded
from the files with that digest (:func:`kg.store.store.graph_digest`). A build loads a
new generation beside the current one, then switches the link with one rename, so a
process that opens ``.kg/store`` gets one generation or the other, whole.

A process that uses a generation holds a *lease* on it: a shared lock on its folder,
held as long as the process keeps it open. A generation that is no longer current is
deleted once no lease holds it (:func:`collect`), so ``kg serve`` keeps answering from
the generation it opened until it switches to the new one, and a worker it restarts
opens that same generation, never a newer one. ``.kg`` is never committed, so the link
confuses no checkout.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

from kg.atomic import rename

STORE = Path(".kg") / "store"
STORES = Path(".kg") / "stores"
LOADING = ".loading-"


def name_of(digest: str) -> str:
    """The folder name of the generation loaded from files with this digest."""
    return digest[:16]


def current(root: Path) -> Path | None:
    """The current generation's folder, or ``None`` (no store, or a store of the older layout)."""
    link = root / STORE
    if not link.is_symlink():
        return None
    target = link.parent / os.readlink(link)
    return target if target.is_dir() else None


def current_name(root: Path) -> str:
    """The current generation's name ("" when there is none); one system call, no lookup of the folder."""
    try:
        return Path(os.readlink(root / STORE)).name
    except OSError:
        return ""


def loading_path(root: Path, digest: str) -> Path:
    """Where a new generation is loaded, until :func:`publish` makes it current."""
    return root / STORES / f"{name_of(digest)}{LOADING}{os.getpid()}"


def publish(root: Path, loaded: Path, digest: str) -> Path:
    """Make the fully loaded folder ``loaded`` the current generation; its folder.

    The caller holds the build lock. When a generation of the same digest is there
    already (a server still holds it), it is the same store: it is kept, ``loaded`` dropped.
    """
    final = root / STORES / name_of(digest)
    if final.is_dir():
        shutil.rmtree(loaded, ignore_errors=True)
    else:
        rename(loaded, final)
    _point(root, final)
    return final


def _point(root: Path, generation: Path) -> None:
    """Switch ``.kg/store`` to ``generation`` with one rename of a new link over the old."""
    link = root / STORE
    if link.is_dir() and not link.is_symlink():  # a store of the older layout: retired like a generation
        os.replace(link, root / STORES / f"legacy-{os.getpid()}")
    fresh = link.with_name(f".store.link-{os.getpid()}")
    fresh.unlink(missing_ok=True)
    os.symlink(os.path.relpath(generation, link.parent), fresh)
    rename(fresh, link)


class Lease:
    """A shared lock on a generation's folder: while held, no build deletes the generation."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd: int | None = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        fcntl.flock(self._fd, fcntl.LOCK_SH)

    def release(self) -> None:
        """Let the generation go (it is deleted at the next :func:`collect` if it is not current)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def lease(folder: Path) -> Lease | None:
    """A lease on ``folder``, or ``None`` when it is gone (a build deleted it meanwhile)."""
    try:
        held = Lease(folder)
    except FileNotFoundError:
        return None
    if not (folder / "CURRENT").exists():  # deleted between opening and locking
        held.release()
        return None
    return held


def collect(root: Path) -> list[str]:
    """Delete every generation but the current one that no lease holds, and any half-loaded one.

    The caller holds the build lock (no generation is being loaded). Returns the names deleted.
    """
    folder = root / STORES
    if not folder.is_dir():
        return []
    keep = current_name(root)
    deleted = []
    for path in sorted(folder.iterdir()):
        if path.name == keep:
            continue
        if not path.is_dir() or path.is_symlink():
            path.unlink(missing_ok=True)
        elif LOADING in path.name:
            shutil.rmtree(path, ignore_errors=True)
        elif not _delete_unused(path):
            continue
        deleted.append(path.name)
    return deleted


def _delete_unused(path: Path) -> bool:
    """Delete ``path`` if no process holds a lease on it, holding it exclusively meanwhile.

    A process that looks the folder up just then waits for the lock, then finds it gone.
    """
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    try:
        shutil.rmtree(path, ignore_errors=True)
    finally:
        os.close(fd)
    return True
