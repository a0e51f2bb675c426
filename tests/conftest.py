"""Shared fixtures: the kitchen-sink project and its compiled graph, and the synthetic GTD file writer."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph

from kg.curate import corpus
from kg.graph.compile import compile_corpus

DATA = Path(__file__).parent / "data"
KITCHEN = DATA / "kitchen"
REPO = Path(__file__).parent.parent


@pytest.fixture
def kitchen(tmp_path: Path) -> Path:
    """A writable copy of the kitchen-sink project (one of every record type)."""
    target = tmp_path / "kitchen"
    shutil.copytree(KITCHEN, target, ignore=shutil.ignore_patterns("exports"))
    return target


def bench_module(name: str) -> ModuleType:
    """A script of ``bench/`` loaded as a module, by its name without ``.py``."""
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def curated_graph() -> Graph:
    """The repository's own facts compiled and checked (nothing written)."""
    from kg.build import compile_checked

    return compile_checked(REPO)[1].graph


@pytest.fixture(scope="session")
def synth() -> ModuleType:
    """``bench/gtd_synth.py``: synthetic GTD-format files (``synth.write(rows, seed)``)."""
    return bench_module("gtd_synth")


@pytest.fixture(scope="session")
def kitchen_graph() -> Graph:
    """The kitchen-sink project compiled to RDF (not validated)."""
    return compile_corpus(corpus.load(KITCHEN)).graph


def copy_graph(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def free_port() -> int:
    """A loopback port nothing listens on (for test servers)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(ready: Callable[[], object], process: subprocess.Popen[bytes], what: str, *, seconds: float = 90.0,
             log: Callable[[], str] = lambda: "") -> None:
    """Poll ``ready()`` until it is true (an ``OSError`` counts as not yet); fail if ``process`` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:  # connection refused (requests' errors are OSErrors too)
            pass
        if process.poll() is not None:
            pytest.fail(f"{what} exited: {log()[-2000:]}")
        time.sleep(0.1)
    pytest.fail(f"{what} did not answer within {seconds:g} s")
