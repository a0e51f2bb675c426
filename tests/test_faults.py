"""The fault catalogue (issue 21): two writers at once, a kill at any moment, and leftovers.

Nothing is lost and nothing is mixed: a second writer is refused while the first holds
the build lock, and a build or an import killed at any point leaves the old state or
the new one, never a part of each. docs/reliability.md lists these cases.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pyoxigraph
import pytest
from rdflib import Graph

from kg.atomic import commit_files, recover
from kg.build import build
from kg.errors import KgError
from kg.export.exports import ExportSet, default_exports
from kg.gtd.importer import import_gtd
from kg.store.generations import current_name
from kg.store.store import open_store, store_is_fresh
from tests.conftest import DATA, REPO, free_port
from tests.test_build import edit, run

BUSY = "another kg build or kg import is running (hint: wait for it to finish, then run this again)"


def kg_process(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``kg`` as a real process on this worktree's code."""
    return subprocess.Popen([sys.executable, "-m", "cli", "-C", str(root), *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the curated build (exports only: an import links against it)."""
    root = tmp_path / "project"
    (root / "exports").mkdir(parents=True)
    shutil.copy(REPO / "exports" / "graph.nt", root / "exports" / "graph.nt")
    return root


def test_two_imports_at_once_never_merge_their_records(project: Path, tmp_path: Path, synth: ModuleType) -> None:
    first = synth.write(1500, 3)
    second = first.replace(b"SYNTHETIC", b"OTHER-COPY")  # the same eventids, other bytes
    paths = [tmp_path / "first.csv", tmp_path / "second.csv"]
    for path, data in zip(paths, (first, second), strict=True):
        path.write_bytes(data)
    processes = [kg_process(project, "import", "gtd", str(path)) for path in paths]
    outcomes = [(p.wait(), *p.communicate()) for p in processes]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes[0] == 0 and codes[1] != 0, outcomes
    refusal = next(err for code, _, err in outcomes if code != 0)
    assert BUSY in refusal or "is already imported from" in refusal, refusal
    datasets = sorted(p.name for p in (project / "imports").iterdir())
    kinds = {p.split(".", 1)[1] for p in datasets}
    assert len(datasets) == 4 and kinds == {"csv", "nt", "yaml", "summary.json"}, datasets


# --- a build that started earlier never overwrites a later one (lost update) -----------------

class Held(ExportSet):
    """The default exports, rendered only once the test lets them: a build paused after reading the facts."""

    def __init__(self, go: threading.Event, reached: threading.Event) -> None:
        super().__init__(default_exports().exporters)
        self.go, self.reached = go, reached

    def render(self, graph: Graph) -> dict[str, bytes]:
        self.reached.set()
        assert self.go.wait(60)
        return super().render(graph)


def test_an_earlier_build_never_overwrites_a_later_one(kitchen: Path) -> None:
    build(kitchen)
    facts = kitchen / "facts" / "kitchen.yaml"
    go, reached = threading.Event(), threading.Event()
    earlier: list[object] = []
    slow = threading.Thread(target=lambda: earlier.append(_outcome(lambda: build(kitchen, exports=Held(go, reached)))))
    slow.start()
    try:
        assert reached.wait(60)  # the slow build has read the facts as they were
        edit(facts, "A fixture organization.", "Edited while the first build ran.")
        later = _outcome(lambda: build(kitchen))
    finally:
        go.set()
        slow.join(60)
    assert earlier and not isinstance(earlier[0], KgError), earlier
    assert isinstance(later, KgError) and BUSY in str(later), later  # the later one is refused...
    build(kitchen)  # ...and run again, it writes the edited facts
    assert "Edited while the first build ran." in (kitchen / "exports" / "graph.ttl").read_text("utf-8")


def _outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except KgError as exc:
        return exc


# --- a kill at every rename: the state is the old one or the new one --------------------------

CRASHED = 70  # kg.atomic.CRASHED: the exit status of a process stopped by KG_CRASH_AT_RENAME
LEFTOVER = (".new-", ".old-", ".tmp", "store.tmp-", "store.old-", ".incoming")


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*") if any(mark in p.name for mark in LEFTOVER)]


def killed_at_each_rename(prepared: Path, tmp_path: Path, *args: str) -> Iterator[tuple[int, Path]]:
    """A fresh copy of ``prepared`` for each N, with ``kg ARGS`` killed just before its Nth rename.

    Ends with the first N the command outlives (it then has fewer renames); at least one kill.
    """
    for n in itertools.count(1):
        project = shutil.copytree(prepared, tmp_path / f"killed-at-{n}", symlinks=True)
        proc = kg_process(project, *args, env={"KG_CRASH_AT_RENAME": str(n)})
        code = proc.wait(120)
        _, err = proc.communicate()
        if code == 0:
            assert n > 1, "the command renamed nothing"
            return
        assert code == CRASHED, err
        yield n, project


def test_a_build_killed_at_each_rename_leaves_the_old_exports_or_the_new(kitchen: Path, tmp_path: Path) -> None:
    build(kitchen)
    old = files_of(kitchen / "exports")
    edit(kitchen / "facts" / "kitchen.yaml", "A fixture organization.", "A new note.")
    prepared = shutil.copytree(kitchen, tmp_path / "prepared", symlinks=True)
    build(kitchen)
    new = files_of(kitchen / "exports")
    seen = set()
    for n, project in killed_at_each_rename(prepared, tmp_path, "build"):
        state = files_of(project / "exports")
        assert state in (old, new), f"killed at rename {n}: exports/ mixes old and new files"
        seen.add("new" if state == new else "old")
        build(project)  # the next build completes what was left, and leaves nothing behind
        assert files_of(project / "exports") == new and leftovers(project) == []
        assert store_is_fresh(project)
        default = open_store(project).quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
        assert sum(1 for _ in default) == new["graph.nt"].count(b"\n")  # the named graphs hold copies
    assert seen == {"old", "new"}


def test_an_import_killed_at_each_rename_leaves_the_old_imports_or_the_new(project: Path, tmp_path: Path,
                                                                           synth: ModuleType) -> None:
    assert import_gtd(project, DATA / "gtd" / "sample.csv").imported == 14
    old = files_of(project / "imports")
    incoming = tmp_path / "more.csv"
    incoming.write_bytes(synth.write(40, 11))
    prepared = shutil.copytree(project, tmp_path / "prepared", symlinks=True)
    reference = shutil.copytree(prepared, tmp_path / "reference")
    assert run(reference, "import", "gtd", str(incoming))[0] == 0
    new = files_of(reference / "imports")
    assert len(new) == len(old) + 4  # the csv, nt, yaml and summary.json
    seen = set()
    for n, killed in killed_at_each_rename(prepared, tmp_path, "import", "gtd", str(incoming)):
        state = files_of(killed / "imports")
        assert state in (old, new), f"killed at rename {n}: imports/ holds {sorted(set(state) - set(old))}"
        seen.add("new" if state == new else "old")
        code, _, err = run(killed, "import", "gtd", str(incoming))
        if state == old:  # nothing of it is there: importing it again works
            assert code == 0, err
        else:
            assert code == 2 and "already imported" in err  # a repeated import is an input error
        assert files_of(killed / "imports") == new and leftovers(killed) == []
    assert seen == {"old", "new"}


def test_an_add_source_killed_at_each_rename_is_completed_by_adding_it_again(tmp_path: Path) -> None:
    """The text is renamed first and the record is the commit: a text without its record is no
    source (the build reads records), and the same kg add-source run again completes it."""
    prepared = tmp_path / "prepared"
    (prepared / "sources").mkdir(parents=True)
    article = tmp_path / "article.txt"
    article.write_bytes("أعلنت ولاية خراسان مسؤوليتها عن الهجوم.\n".encode())
    args = ("add-source", str(article), "--published", "2024-03-25")
    reference = shutil.copytree(prepared, tmp_path / "reference")
    assert run(reference, *args)[0] == 0
    new = files_of(reference / "sources")
    assert len(new) == 2
    kills = 0
    for n, killed in killed_at_each_rename(prepared, tmp_path, *args):
        kills += 1
        state = files_of(killed / "sources")
        assert not any(name.endswith(".yaml") for name in state), f"killed at rename {n}: a record without the run"
        code, out, err = run(killed, *args)
        assert code == 0, err
        assert files_of(killed / "sources") == new and leftovers(killed) == []
    assert kills == 2  # killed before the text's rename, then before the record's


FALLBACK = """
import errno, sys
from pathlib import Path
import kg.atomic as atomic
plain = atomic.rename
def no_exchange(source, target, *, exchange=False):
    if exchange:
        raise OSError(errno.EINVAL, "no exchange on this filesystem")
    plain(source, target)
atomic.rename = no_exchange
atomic.commit_files(Path(sys.argv[1]), {"a.txt": b"new a", "b/b.txt": b"new b", "c.txt": b"new c"})
"""


def test_without_an_atomic_swap_a_kill_is_completed_or_undone(tmp_path: Path) -> None:
    """Where two folders cannot be swapped at once, a kill between the two renames is recovered."""
    seen = set()
    for n in itertools.count(1):
        folder = tmp_path / f"at-{n}" / "out"
        commit_files(folder, {"a.txt": b"old a", "b/b.txt": b"old b"})
        old = files_of(folder)
        done = subprocess.run([sys.executable, "-c", FALLBACK, str(folder)], cwd=REPO, check=False,
                              env={**os.environ, "KG_CRASH_AT_RENAME": str(n)})
        if done.returncode == 0:
            break
        assert done.returncode == CRASHED
        recover(folder)
        state = files_of(folder)
        assert state in (old, {"a.txt": b"new a", "b/b.txt": b"new b", "c.txt": b"new c"}), n
        seen.add("old" if state == old else "new")
        assert [p.name for p in folder.parent.iterdir()] == ["out"]
    assert n == 3 and seen == {"old", "new"}  # two renames: killed before each, then not at all


# --- leftovers: a killed build's store, a killed import's workers ------------------------------

def test_a_killed_builds_store_is_cleaned_at_the_next_start(kitchen: Path, tmp_path: Path) -> None:
    build(kitchen)
    edit(kitchen / "facts" / "kitchen.yaml", "A fixture organization.", "A new note.")
    for _, project in killed_at_each_rename(kitchen, tmp_path, "build"):
        state = project / ".kg"
        left = [p.name for p in state.rglob("*") if p.is_dir() and ("tmp" in p.name or "loading" in p.name)]
        if not left:
            continue
        assert run(project, "query", "ASK {}")[0] == 0  # the next command of any kind cleans up
        assert leftovers(project) == [] and not [p for p in state.rglob("*") if "loading" in p.name], left
        return
    pytest.fail("no kill left a store being loaded behind")


WORKERS = """
import sys
from pathlib import Path
from kg.gtd.importer import import_gtd
import_gtd(Path(sys.argv[1]), Path(sys.argv[2]), workers=2, threshold=0, chunk_rows=50)
"""


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def test_import_workers_exit_when_the_import_is_killed(project: Path, tmp_path: Path, synth: ModuleType) -> None:
    incoming = tmp_path / "big.csv"
    incoming.write_bytes(synth.write(4000, 5))
    parent = subprocess.Popen([sys.executable, "-c", WORKERS, str(project), str(incoming)], cwd=REPO)
    workers: set[int] = set()
    try:
        for _ in range(600):
            workers = children_of(parent.pid)
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the import started no worker processes"
        time.sleep(0.5)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(workers), f"workers {sorted(alive(workers))} outlived the killed import"
    finally:
        for pid in alive(workers):
            os.kill(pid, 9)


# --- building while serving: every answer from one generation, and one at a time ----------------

NOTE = "SELECT ?note WHERE { <https://w3id.org/mkg/id/test-group> skos:scopeNote ?note FILTER (lang(?note) = 'en') }"
OLD_NOTE, NEW_NOTE = "A fixture organization.", "A note from a later build."


def fetch(url: str, accept: str = "*/*") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def generation_of(text: str) -> str:
    """Which build an answer came from: "old", "new", or "mixed" (both notes, or neither)."""
    found = {name for name, note in (("old", OLD_NOTE), ("new", NEW_NOTE)) if note in text}
    return found.pop() if len(found) == 1 else f"mixed: {text[:300]!r}"


@pytest.fixture
def served(kitchen: Path) -> Iterator[str]:
    build(kitchen)
    port = free_port()
    log = (kitchen / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "cli", "-C", str(kitchen), "serve", "--port", str(port),
                               "--workers", "2", "--timeout", "1"], cwd=REPO, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(900):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            assert server.poll() is None, (kitchen / "serve.log").read_text()
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(20)
        log.close()


def test_building_while_serving_switches_every_answer_at_once(kitchen: Path, served: str) -> None:
    sparql = served + "/sparql?" + urllib.parse.urlencode({"query": NOTE})
    page = served + "/id/test-group"
    asks = [(sparql, "application/sparql-results+json"), (page, "text/html"), (page, "text/turtle")]
    answers: list[tuple[float, float, str, str]] = []  # sent, received, what, generation
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            for url, accept in asks:
                sent = time.monotonic()
                status, body = fetch(url, accept)
                answers.append((sent, time.monotonic(), accept, generation_of(body) if status == 200
                                else f"status {status}: {body[:200]}"))

    assert {generation_of(fetch(url, accept)[1]) for url, accept in asks} == {"old"}
    thread = threading.Thread(target=client)
    thread.start()
    try:
        edit(kitchen / "facts" / "kitchen.yaml", OLD_NOTE, NEW_NOTE)
        build(kitchen)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not [a for a in answers[-3:] if a[3] == "new"][2:]:
            time.sleep(0.2)
        assert fetch(served + "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))[0] == 503  # a worker restarts
        time.sleep(2)
    finally:
        stop.set()
        thread.join(60)
    kinds = {generation for *_, generation in answers}
    assert kinds <= {"old", "new"}, kinds - {"old", "new"}
    first_new = min(received for _, received, _, generation in answers if generation == "new")
    late_old = [(accept, round(sent - first_new, 2)) for sent, _, accept, generation in answers
                if generation == "old" and sent > first_new]
    assert late_old == [], "old answers after a new one"
    assert {generation_of(fetch(url, accept)[1]) for url, accept in asks} == {"new"}
    build(kitchen)  # the server let the old generation go: the next writer deletes it
    assert [p.name for p in (kitchen / ".kg" / "stores").iterdir()] == [current_name(kitchen)]


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_the_catalogue_lists_every_case() -> None:
    """docs/reliability.md names every test of the catalogue, and only those."""
    listed = set(re.findall(r"`(test_\w+)`", (REPO / "docs" / "reliability.md").read_text("utf-8")))
    files = ["test_bad_input.py", "test_bad_import.py", "test_faults.py", "test_crash.py"]
    texts = [(REPO / "tests" / file).read_text("utf-8") for file in files]
    cases = {name for text in texts for name in re.findall(r"^def (test_\w+)", text, re.M)}
    cases -= {"test_the_catalogue_lists_every_case"}
    assert cases - listed == set(), "tests missing from docs/reliability.md"
    assert listed - cases == set(), "docs/reliability.md names tests that do not exist"
