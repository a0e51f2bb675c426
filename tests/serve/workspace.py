"""Helpers for the review workspace tests: a copy of the project with the test draft, and a live server.

The copy holds the curated facts, sources and built exports of the repository plus
``tests/data/review`` (a short test article, its metadata and its draft); the repository's
own files are never written.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from kg.serve.review.app import create_review_app
from tests.conftest import DATA, REPO, free_port

SOURCE = "src-07f3032a"
FIXTURE = DATA / "review"


def make_project(target: Path) -> Path:
    """A writable copy of the curated project, with the test article and its draft."""
    for folder in ("facts", "sources", "exports"):
        shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns("drafts"))
    shutil.copytree(FIXTURE / "sources", target / "sources", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "facts", target / "facts", dirs_exist_ok=True)
    return target


def hashes(root: Path) -> dict[str, str]:
    """The SHA-256 of every file under ``facts/`` and ``sources/`` (and nothing else)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("facts", "sources") for p in sorted((root / folder).rglob("*")) if p.is_file()}


@contextmanager
def serving(root: Path, source: str | None = None) -> Iterator[str]:
    """The workspace on a free loopback port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_review_app(root, source=source), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the review workspace did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def request(url: str, data: dict[str, str] | bytes | None = None, headers: dict[str, str] | None = None,
            follow: bool = True) -> tuple[int, dict[str, str], str]:
    """GET (or POST a form) and return the status, the headers and the body, errors included."""
    body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
    req = urllib.request.Request(url, data=body, headers=headers or {})
    if body is not None and "Content-Type" not in (headers or {}):
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=120) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def form_values(page: str) -> dict[str, str]:
    """The CSRF token and the version the page's forms carry."""
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    version = re.search(r'name="version" value="([^"]+)"', page)
    assert csrf and version, "the page has no change forms"
    return {"csrf": csrf.group(1), "version": version.group(1)}


def key_of(root: Path, **match: str) -> str:
    """The page's key of the draft candidate whose fields have these values (``entity="asia"``)."""
    from kg.curate.accept import draft_items
    from kg.curate.roundtrip import load

    doc = load((root / "facts" / "drafts" / f"{SOURCE}.yaml").read_text(encoding="utf-8"))
    found = [i.key for i in draft_items(doc) if all(i.data.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]
