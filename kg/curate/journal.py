"""The review journal: each change to a source's facts and draft, so the last one can be undone.

Each entry keeps the text every file had before the change and the SHA-256 it has after.
Undo restores the texts of the last entry, but only while the files still hold what that
change wrote: a file edited since (in an editor, or by another tab) is never overwritten.
The journal also counts the candidates accepted and dropped, for the review queue. It lives
in ``.kg/review/SOURCE.json``, beside the store, outside the curated files.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> journal = Journal(root, "src-1")
>>> write_texts(root, {"facts/src-1.yaml": "source: src-1\\n"})
>>> journal.record("accept", "accept x", {"facts/src-1.yaml": None}, {"facts/src-1.yaml": "source: src-1\\n"}, 1)
>>> journal.counts()
{'accepted': 1, 'dropped': 0}
>>> label, files = journal.undo_files(root)
>>> label, files
('accept x', {'facts/src-1.yaml': None})
>>> write_texts(root, files); journal.pop(); (root / "facts" / "src-1.yaml").exists(), journal.counts()
(False, {'accepted': 0, 'dropped': 0})
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from kg.atomic import write_files
from kg.errors import fail

JOURNAL = Path(".kg") / "review"
KEEP = 200
"""Entries kept per source; older changes can no longer be undone."""
COUNTED = ("accepted", "dropped")


def digest(text: str | None) -> str | None:
    """The SHA-256 of a file's text (``None`` for a file that does not exist)."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(root: Path, name: str) -> str | None:
    """A curated file's text, or ``None`` when it does not exist."""
    path = root / _checked(name)
    return path.read_bytes().decode("utf-8") if path.is_file() else None


def write_texts(root: Path, files: Mapping[str, str | None]) -> None:
    """Write (or, for ``None``, delete) files under ``facts/``, each replaced atomically."""
    folder = root / "facts"
    texts = {str(PurePosixPath(_checked(n)).relative_to("facts")): t for n, t in files.items()}
    write_files(folder, {name: text.encode("utf-8") for name, text in texts.items() if text is not None})
    for name, text in texts.items():
        if text is None:
            (folder / name).unlink(missing_ok=True)


def _checked(name: str) -> str:
    path = PurePosixPath(name)
    if path.parts[:1] != ("facts",) or ".." in path.parts or path.suffix != ".yaml":
        raise ValueError(f"not a curated file under facts/: {name}")
    return name


class Journal:
    """The changes made to one source in the workspace, newest last."""

    def __init__(self, root: Path, source: str) -> None:
        self.path = root / JOURNAL / f"{source}.json"

    def _read(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
            return data
        except (OSError, ValueError):
            return {"accepted": 0, "dropped": 0, "entries": []}

    def _write(self, data: dict[str, Any]) -> None:
        data["entries"] = data["entries"][-KEEP:]
        write_files(self.path.parent, {self.path.name: json.dumps(data, ensure_ascii=False).encode("utf-8")})

    def counts(self) -> dict[str, int]:
        """How many candidates were accepted and dropped (undone changes not counted)."""
        data = self._read()
        return {key: int(data.get(key, 0)) for key in COUNTED}

    def last(self) -> str | None:
        """The label of the change undo would revert, if any."""
        entries = self._read()["entries"]
        return str(entries[-1]["label"]) if entries else None

    def record(self, action: str, label: str, before: Mapping[str, str | None], after: Mapping[str, str | None],
               count: int) -> None:
        """Remember a change just written: the files' texts before it and their hashes after it."""
        data = self._read()
        files = {name: {"before": before[name], "after": digest(after[name])} for name in before}
        data["entries"].append({"action": action, "label": label, "count": count, "files": files})
        if action in ("accept", "drop"):
            key = "accepted" if action == "accept" else "dropped"
            data[key] = int(data.get(key, 0)) + count
        self._write(data)

    def undo_files(self, root: Path) -> tuple[str, dict[str, str | None]]:
        """The label of the last change and the texts that revert it; refused if a file moved on since."""
        entries = self._read()["entries"]
        if not entries:
            raise fail(str(self.path), "nothing to undo", hint="undo reverts changes made in the workspace",
                       exit_code=2)
        entry = entries[-1]
        for name, state in entry["files"].items():
            if digest(read_text(root, name)) != state["after"]:
                raise fail(name, f"changed since '{entry['label']}': undo would overwrite that edit",
                           hint="reload the page; revert the file by hand (git diff) if needed")
        return str(entry["label"]), {name: state["before"] for name, state in entry["files"].items()}

    def pop(self) -> None:
        """Forget the last change (after undoing it) and take it off the counts."""
        data = self._read()
        if not data["entries"]:
            return
        entry = data["entries"].pop()
        if entry["action"] in ("accept", "drop"):
            key = "accepted" if entry["action"] == "accept" else "dropped"
            data[key] = max(0, int(data.get(key, 0)) - int(entry.get("count", 0)))
        self._write(data)
