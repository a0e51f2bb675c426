"""Concurrency and crashes: a second build fails clearly on the lock; a killed build never
leaves a half-written export behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kg.atomic import locked
from tests.test_build import edit, run, snapshot


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_second_build_fails_clearly_on_the_lock(kitchen: Path) -> None:
    assert run(kitchen, "build")[0] == 0
    before = snapshot(kitchen / "exports")
    edit(kitchen / "facts" / "kitchen.yaml", "A fixture organization.", "Changed while locked.")
    with locked(kitchen / ".kg" / "build.lock"):
        code, _, err = run(kitchen, "build")
    assert code == 2
    assert err.strip() == (f"error: {kitchen}/.kg/build.lock: another kg build or kg import is running "
                           "(hint: wait for it to finish, then run this again)")
    assert snapshot(kitchen / "exports") == before
    assert run(kitchen, "build")[0] == 0
    assert snapshot(kitchen / "exports") != before


def test_killed_build_leaves_old_or_new_files_never_half(kitchen: Path) -> None:
    assert run(kitchen, "build")[0] == 0
    old = files_of(kitchen / "exports")
    edit(kitchen / "facts" / "kitchen.yaml", "A fixture organization.", "A new note.")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "cli", "-C", str(kitchen), "build", "--check"],
                   capture_output=True, check=False)
    duration = time.monotonic() - started
    observed = []
    for fraction in (0.5, 0.8, 0.9, 0.95, 1.0):
        proc = subprocess.Popen([sys.executable, "-m", "cli", "-C", str(kitchen), "build"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        observed.append({name: data for name, data in files_of(kitchen / "exports").items()
                         if not name.endswith(".tmp")})
    code, out, _ = run(kitchen, "build")
    assert code == 0
    new = files_of(kitchen / "exports")
    assert not [name for name in new if name.endswith(".tmp")]
    assert new != old
    for files in observed:
        assert set(files) == set(old)
        for name, data in files.items():
            assert data in (old[name], new[name]), name
