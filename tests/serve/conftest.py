"""Starting ``kg serve`` for a test: a real server process on a free loopback port."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port, wait_for

CORS_ORIGIN = "http://localhost:9"
"""An origin the shared test server lets query /sparql."""
ALLOWED_HOST = "kg.example"
"""A host name the shared test server answers besides its own (--allow-host)."""
MAX_QUERY_BYTES = 100_000
"""The shared test server's cap on a /sparql body (--max-query-bytes)."""


def served_copy(root: Path) -> Path:
    """A project holding a copy of the curated build's graph (and its per-source TriG): what kg serve reads."""
    (root / "exports").mkdir(parents=True, exist_ok=True)
    for name in ("graph.nt", "graph.trig"):
        shutil.copy(REPO / "exports" / name, root / "exports" / name)
    return root


@contextlib.contextmanager
def running_server(root: Path, *args: str, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """``kg serve`` over ``root`` with extra ``args``; yields its base URL and stops it afterwards."""
    port = port or free_port()
    log = root / f"serve-{port}.log"
    with log.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "cli", "-C", str(root), "serve", "--host", host,
                                    "--port", str(port), *args], stdout=subprocess.DEVNULL, stderr=stderr, cwd=REPO)
        url = f"http://127.0.0.1:{port}"
        try:  # a loaded CI machine can take a while to spawn the workers
            wait_for(lambda: urllib.request.urlopen(url + "/", timeout=1).read(), process, "kg serve",
                     log=log.read_text)
            yield url
        finally:
            process.terminate()
            process.wait(10)


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the protocol and interoperability tests, over a copy of the curated build."""
    root = served_copy(tmp_path_factory.mktemp("endpoint"))
    port = free_port()
    with running_server(root, "--timeout", "5", "--max-results", "2000", "--workers", "2",
                        "--cors", CORS_ORIGIN, "--allow-host", ALLOWED_HOST, "--max-query-bytes", str(MAX_QUERY_BYTES),
                        port=port) as url:
        yield url
