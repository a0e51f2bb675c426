"""The built graph for queries: commands read RDF, never the curated YAML.

``kg build`` also loads ``exports/graph.nt`` into an on-disk Oxigraph store at
``.kg/store`` (built aside, then swapped in by rename). :func:`open_store` opens it
read-only, rebuilding it first when it is missing or older than the exports.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from kg.atomic import locked
from kg.errors import fail
from kg.namespaces import bind_prefixes

BUILT = Path("exports") / "graph.nt"
STORE = Path(".kg") / "store"
STAMP = Path(".kg") / "store.sha256"
LOCK = Path(".kg") / "build.lock"


def _built(root: Path) -> Path:
    path = root / BUILT
    if not path.is_file():
        raise fail(str(path), "no built graph", hint="run kg build first", exit_code=2)
    return path


def open_graph(root: Path) -> Graph:
    """The graph ``kg build`` last wrote under ``root``, parsed into an in-memory rdflib graph.

    Exact rdflib terms (for comparisons and exports); queries use :func:`stored_graph`.
    """
    graph = bind_prefixes(Graph())
    graph.parse(_built(root), format="nt")
    return graph


def stored_graph(root: Path, *, on_rebuild: Callable[[str], None] | None = None) -> Graph:
    """The built graph as an rdflib ``Graph`` over the read-only Oxigraph store (oxrdflib).

    Nothing is parsed: triple patterns and ``graph.query`` run in Oxigraph, so a command
    starts as fast on a large graph as on a small one. Two differences from
    :func:`open_graph`: a plain literal comes back typed ``xsd:string``, and language tags
    are lower-cased; compare ``str(term)``. A variable bound through ``initBindings``
    must be in the query's projection (pyoxigraph substitutions).
    """
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    store = OxigraphStore(store=open_store(root, on_rebuild=on_rebuild))
    graph = Graph(store=store, identifier=DATASET_DEFAULT_GRAPH_ID)  # the store's default graph
    return bind_prefixes(graph)


IMPORTS = Path("imports")


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


def store_is_fresh(root: Path) -> bool:
    stamp = root / STAMP
    return (root / STORE).is_dir() and stamp.is_file() and stamp.read_text().strip() == graph_digest(root)


def build_store(root: Path) -> Path:
    """Load the built graph into a new store beside the old one, then swap it in.

    The caller holds the build lock. A crash leaves the previous store in place.
    """
    digest = graph_digest(root)
    target = root / STORE
    staging = target.with_name(f"store.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    store = pyoxigraph.Store(str(staging))
    for path in loaded_files(root):
        store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    retired = target.with_name(f"store.old-{os.getpid()}")
    if target.exists():
        os.replace(target, retired)
    os.replace(staging, target)
    shutil.rmtree(retired, ignore_errors=True)
    stamp = root / STAMP
    stamp.with_suffix(".tmp").write_text(digest + "\n")
    os.replace(stamp.with_suffix(".tmp"), stamp)
    return target


def open_store(root: Path, *, on_rebuild: Callable[[str], None] | None = None) -> pyoxigraph.Store:
    """The Oxigraph store, opened read-only; rebuilt first (with a message) when stale or missing."""
    _built(root)  # no built graph: say "run kg build", not "rebuilding"
    if not store_is_fresh(root):
        with locked(root / LOCK, wait=True):
            if not store_is_fresh(root):
                if on_rebuild:
                    files = len(loaded_files(root))
                    changed = str(root / BUILT) + ("" if files == 1 else f" or {root / IMPORTS}")
                    why = "it is missing" if not (root / STORE).is_dir() else f"{changed} changed"
                    on_rebuild(f"rebuilding the store: {why}; loading {files} file(s) into {root / STORE}")
                build_store(root)
    return pyoxigraph.Store.read_only(str(root / STORE))
