"""The built graph for queries: commands read RDF, never the curated YAML.

``kg build`` also loads ``exports/graph.nt`` (and ``imports/*.nt``) into an on-disk
Oxigraph store at ``.kg/store``: a new generation loaded beside the current one, then
switched to with one rename (:mod:`kg.store.generations`). :func:`open_store` opens it
read-only, rebuilding it first when it is missing or older than the exports.

The store is a dataset, the one ``kg push`` writes to a remote store and ``kg serve``
serves: the build in the named graph :data:`~kg.namespaces.CURATED_GRAPH`, one named graph
per source (as in ``exports/graph.trig``), and in the default graph everything, the build
and the imported datasets: the union of the named graphs. The commands read the default
graph, which Oxigraph indexes three times where it indexes a named graph six times, so the
imports (millions of triples at scale) are loaded once, into the default graph only.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph

from kg.atomic import Busy, locked, recover, write_files
from kg.errors import KgError, fail, syntax_error
from kg.namespaces import CURATED_GRAPH, bind_prefixes
from kg.store import precomputed
from kg.store.generations import (
    STORE,
    STORES,
    Lease,
    collect,
    current,
    current_name,
    lease,
    loading_path,
    name_of,
    publish,
)

if TYPE_CHECKING:  # rdflib loads only for the commands that read the graph through it
    from rdflib import Graph

BUILT = Path("exports") / "graph.nt"
PER_SOURCE = Path("exports") / "graph.trig"
IMPORTS = Path("imports")
STAMP = Path(".kg") / "store.sha256"
LOCK = Path(".kg") / "build.lock"
DAMAGED = "the file is cut short or damaged: import its dataset again"


@contextlib.contextmanager
def writing(root: Path) -> Iterator[None]:
    """Hold the build lock while a ``kg build`` or ``kg import`` reads what it builds on and writes.

    One writer at a time: a second is refused at once, in one line, rather than waiting
    (or, worse, both reading the same state and each writing its half). The holder
    first completes or undoes what a killed writer left (:func:`kg.atomic.recover`).
    """
    try:
        with locked(root / LOCK):
            recover(root / BUILT.parent)  # a swap a killed writer left half done, and its leftovers
            recover(root / IMPORTS)
            clean_state(root)
            yield
    except Busy:
        raise fail(str(root / LOCK), "another kg build or kg import is running",
                   hint="wait for it to finish, then run this again", exit_code=2) from None


def clean_state(root: Path) -> None:
    """Delete what a killed writer left in ``.kg``: a store being loaded or retired, a file half written.

    Only the holder of the build lock calls it: nobody else makes these.
    """
    state = root / STORE.parent
    if not state.is_dir():
        return
    for leftover in [*state.glob("store.tmp-*"), *state.glob("store.old-*")]:  # of the older layout
        shutil.rmtree(leftover, ignore_errors=True)
    for partial in [*state.glob(".*.tmp"), *state.glob(".store.link-*")]:
        partial.unlink(missing_ok=True)
    collect(root)


def _untidy(root: Path) -> bool:
    """Whether a killed writer, or a generation no longer current, may have left something to delete."""
    state, keep = root / STORE.parent, current_name(root)
    return (any(root.glob(".exports.*")) or any(root.glob(".imports.*")) or any(state.glob(".*.tmp"))
            or any(state.glob("store.*-*")) or any(p.name != keep for p in (root / STORES).glob("*")))


def tidy(root: Path) -> None:
    """What a writer's start does (:func:`writing`), done by any command when no writer runs."""
    if not _untidy(root):
        return
    with contextlib.suppress(KgError, OSError), writing(root):  # a writer runs (and tidies), or read-only
        pass


def _built(root: Path) -> Path:
    path = root / BUILT
    if not path.is_file():
        raise fail(str(path), "no built graph", hint="run kg build first", exit_code=2)
    return path


def open_graph(root: Path) -> Graph:
    """The graph ``kg build`` last wrote under ``root``, parsed into an in-memory rdflib graph.

    Exact rdflib terms (for comparisons and exports); queries use :func:`stored_graph`.
    """
    from rdflib import Graph

    graph = bind_prefixes(Graph())
    graph.parse(_built(root), format="nt")
    return graph


def stored_graph(root: Path, *, on_rebuild: Callable[[str], None] | None = None) -> Graph:
    """The built graph as an rdflib ``Graph`` over the read-only Oxigraph store (:mod:`kg.store.store_view`).

    Nothing is parsed: triple patterns and ``graph.query`` run in Oxigraph, so a command
    starts as fast on a large graph as on a small one. Two differences from
    :func:`open_graph`: a plain literal comes back typed ``xsd:string``, and language tags
    are lower-cased; compare ``str(term)``. :func:`kg.store.sparql.select` binds parameters on it
    with a ``VALUES`` block (:mod:`kg.store.binding`).
    """
    store, folder, _ = open_generation(root, on_rebuild=on_rebuild)
    return graph_of(store, folder)


def graph_of(store: pyoxigraph.Store, folder: Path | None = None) -> Graph:
    """An open store's default graph as a read-only rdflib ``Graph`` (:mod:`kg.store.store_view`).

    ``folder`` is the store's generation, whose precomputed index (:mod:`kg.store.precomputed`) the graph then uses.
    """
    from kg.store.store_view import view

    return bind_prefixes(view(store, folder))


def loaded_files(root: Path) -> list[Path]:
    """What the store holds: the built curated graph, then each imported dataset (``imports/*.nt``)."""
    return [_built(root), *sorted((root / IMPORTS).glob("*.nt"))]


def graph_digest(root: Path) -> str:
    """SHA-256 of the loaded N-Triples: the store is fresh when it was loaded from these bytes.

    With no imports it is the hash of ``exports/graph.nt``; with imports, a hash over each
    file's name and bytes in turn.
    """
    files = loaded_files(root)
    digest = hashlib.sha256()
    for path in files:
        if len(files) > 1:
            digest.update(path.name.encode("utf-8") + b"\0")
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def stamp_digest(root: Path) -> str:
    """The digest of the files the store was last loaded from ("" when there is no store)."""
    stamp = root / STAMP
    return stamp.read_text().split("\n", 1)[0].strip() if stamp.is_file() else ""


def _file_stats(root: Path) -> list[str]:
    """Size, modification time and name of each loaded file, one line each."""
    return [f"{s.st_size} {s.st_mtime_ns} {path.name}" for path in loaded_files(root) for s in [path.stat()]]


def store_is_fresh(root: Path) -> bool:
    """Whether the store was loaded from the files as they are now.

    The stamp holds the files' SHA-256 and, below it, their sizes and modification times.
    When those still match (as git's index does, a command checks them without reading
    the files: hashing 200,000 imported incidents took 0.9 s of every command); when they
    do not, the files are hashed, so a touched but unchanged file does not force a reload.
    """
    stamp, folder = root / STAMP, current(root)
    if folder is None or not stamp.is_file() or not (folder / precomputed.FILE).is_file():  # no index: an older store
        return False
    digest, *stats = stamp.read_text().splitlines()
    if current_name(root) != name_of(digest.strip()):  # killed between switching the store and stamping it
        return False
    if stats and stats == _file_stats(root):
        return True
    return digest.strip() == graph_digest(root)


def build_store(root: Path) -> Path:
    """Load the built graph into a new generation of the store, then switch to it; its folder.

    The caller holds the build lock. A crash leaves the previous generation current (and
    the half-loaded one is deleted at the next start); generations no process uses any
    more are deleted.
    """
    digest = graph_digest(root)
    staging = loading_path(root, digest)
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    existing = root / STORES / name_of(digest)
    if existing.is_dir():  # still there (a server holds it): the same store
        if not (existing / precomputed.FILE).is_file():  # loaded before stores kept an index
            precomputed.write(existing / precomputed.FILE, summary(root))
        return _published(root, staging, digest)
    store = pyoxigraph.Store(str(staging))
    for path in loaded_files(root):
        try:
            store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
        except SyntaxError as exc:
            del store
            shutil.rmtree(staging, ignore_errors=True)
            line, message = syntax_error(exc)
            raise fail(str(path), f"not valid N-Triples: {message}", line=line, hint=DAMAGED, exit_code=2) from None
    load_named_graphs(store, root)
    # bulk_load leaves its sorted runs side by side, and a store opened read-only never merges
    # them: every lookup then reads each run. Compacting once here made the index lookups of
    # kg attacks --by on 200,000 incidents 4-5x faster (1.8 s -> 0.35 s), for 9 s of loading.
    store.optimize()
    store.flush()
    del store
    precomputed.write(staging / precomputed.FILE, summary(root))  # published with the generation, whole
    return _published(root, staging, digest)


def summary(root: Path) -> precomputed.Summary:
    """The precomputed answers (:mod:`kg.store.precomputed`) of everything the store loads.

    The curated graph is summarised here, at the build; each dataset was at its import.
    """
    whole = precomputed.summarize_file(_built(root))
    for path in loaded_files(root)[1:]:
        whole.merge(precomputed.dataset_summary(path))
    return whole


def _published(root: Path, staging: Path, digest: str) -> Path:
    generation = publish(root, staging, digest)
    write_files(root / STAMP.parent, {STAMP.name: ("\n".join([digest, *_file_stats(root)]) + "\n").encode()})
    collect(root)
    return generation


def load_named_graphs(store: pyoxigraph.Store, root: Path) -> None:
    """Add the dataset's named graphs: the build as :data:`CURATED_GRAPH`, and each source's graph.

    The per-source graphs are the named graphs of ``exports/graph.trig``, written by the same
    build as ``graph.nt`` (a project without it gets the curated graph only); its default
    graph is already in the store's. On the curated build, 0.2-0.3 s of the store load.
    """
    curated = pyoxigraph.NamedNode(CURATED_GRAPH)
    quads = [pyoxigraph.Quad(t.subject, t.predicate, t.object, curated)
             for t in pyoxigraph.parse(path=str(_built(root)), format=pyoxigraph.RdfFormat.N_TRIPLES)]
    trig = root / PER_SOURCE
    if trig.is_file():
        quads += [quad for quad in pyoxigraph.parse(path=str(trig), format=pyoxigraph.RdfFormat.TRIG)
                  if not isinstance(quad.graph_name, pyoxigraph.DefaultGraph)]
    store.bulk_extend(quads)


def open_store(root: Path, *, on_rebuild: Callable[[str], None] | None = None) -> pyoxigraph.Store:
    """The Oxigraph store, opened read-only; rebuilt first (with a message) when stale or missing.

    The process keeps a lease on the generation it opened (:mod:`kg.store.generations`), so
    a build meanwhile switches to a new one without deleting this one.
    """
    return open_generation(root, on_rebuild=on_rebuild)[0]


_LEASES: dict[Path, Lease] = {}
"""The generations this process opened with :func:`open_store`, held until it exits."""


def open_generation(root: Path, *, on_rebuild: Callable[[str], None] | None = None,
                    keep: bool = True) -> tuple[pyoxigraph.Store, Path, Lease]:
    """The current generation opened read-only, its folder and its lease (kept for the process with ``keep``)."""
    tidy(root)
    _built(root)  # no built graph: say "run kg build", not "rebuilding"
    for _ in range(5):  # a build may switch (and delete the old generation) between looking and leasing
        if not store_is_fresh(root):
            _rebuild(root, on_rebuild)
        folder = current(root)
        held = lease(folder.resolve()) if folder else None
        if held is None:
            continue
        if keep:
            _LEASES.setdefault(held.folder, held)
        return pyoxigraph.Store.read_only(str(held.folder)), held.folder, held
    raise fail(str(root / STORE), "the store changed while opening it, again and again",
               hint="wait for the builds to finish, then run this again", exit_code=2)


def _rebuild(root: Path, on_rebuild: Callable[[str], None] | None) -> None:
    with locked(root / LOCK, wait=True):
        if not store_is_fresh(root):
            if on_rebuild:
                files = len(loaded_files(root))
                changed = str(root / BUILT) + ("" if files == 1 else f" or {root / IMPORTS}")
                why = "it is missing" if current(root) is None else f"{changed} changed"
                on_rebuild(f"rebuilding the store: {why}; loading {files} file(s) into {root / STORE}")
            build_store(root)
