"""A scripted review session in Chromium: a seed article's draft curated in ``kg review``, timed.

Usage: python bench/review_session.py [--source src-aa238b89] [--limit N] [--screenshots DIR]

It copies the project to a temporary folder, keeps the source's curated entities and mentions
but sets its curated facts aside, drafts the source with ``kg extract`` and opens ``kg review``
on it. Then it replays, in the browser, the decisions the curators made by hand: a candidate
whose quote overlaps a curated record of the same kind is accepted, as drafted when it
agrees with that record, else edited to agree (another entity of an ambiguous name, the
status, a role); any other candidate is dropped. Keyboard first: a click selects the
candidate, ``a``/``d``/``e`` act on it, the editor's Accept button accepts an edit.

It prints the time the session took next to the number of YAML edits the same decisions take
by hand (docs/curation.md, "Review"): for each accepted candidate the keys deleted (``status``,
``span``, ``cue``, ``note``), the values changed or added (the id, the status, an entity), and
one cut and one paste to move it into ``facts/``; for each dropped one, one deletion. Then one
JSON line. ``kg build`` must conform at the end (exit 1 otherwise).

``--screenshots DIR`` writes instead the two pictures of docs/review.md (the queue, and a source
page with an editor open), taken on the test article of ``tests/data/review``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.curate.accept import accepted, draft_items  # noqa: E402
from kg.curate.arabic import normalize  # noqa: E402
from kg.curate.roundtrip import dump, load, plain  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DRAFT_KEYS = ("status", "span", "cue", "note")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", "-C", str(root), *args], capture_output=True, text=True,
                          cwd=REPO, check=False)


def prepare(root: Path, source: str) -> dict[str, Any]:
    """A project copy whose source keeps its entities and mentions; its curated facts are returned."""
    for folder in ("facts", "sources", "exports"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("drafts"))
    path = root / "facts" / f"{source}.yaml"
    doc = load(path.read_text(encoding="utf-8"))
    curated = plain(doc)
    if "facts" in doc:
        doc["facts"] = []
    path.write_text(dump(doc), encoding="utf-8")
    done = kg(root, "extract", source)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return curated


def overlaps(a: str, b: str) -> bool:
    a, b = normalize(a), normalize(b)
    return bool(a and b) and (a in b or b in a)


def decide(item: Any, curated: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What the curators did with this candidate: ``accept``, ``edit`` (with the fields to set) or ``drop``."""
    quote = str(item.data.get("quote", ""))
    if item.section == "mentions":
        match = next((m for m in curated.get("mentions") or [] if overlaps(quote, str(m.get("quote", "")))), None)
        if match is None:
            return "drop", {}
        return ("accept", {}) if match["entity"] == item.data.get("entity") else ("edit", {"entity": match["entity"]})
    if item.section == "facts":
        match = next((f for f in curated.get("facts") or [] if f.get("type") == item.type
                      and overlaps(quote, str(f.get("quote", "")))), None)
        if match is None:
            return "drop", {}
        drafted = accepted(item)
        changes = {k: match[k] for k in ("status", "role", "member", "organization", "agent", "by", "attack")
                   if k in match and match[k] != drafted.get(k)}
        return ("edit", changes) if changes else ("accept", {})
    return "drop", {}


def hand_edits(item: Any, decision: str, changes: dict[str, Any]) -> int:
    """The YAML edits the same decision takes by hand."""
    if decision == "drop":
        return 1
    record = accepted(item)
    deleted = sum(1 for k in DRAFT_KEYS if k in item.data and k not in record)
    changed = sum(1 for k, v in record.items() if item.data.get(k) != v)  # a suggested status set
    changed += len([k for k in changes if k not in record or record[k] != changes[k]])
    new_id = 1 if item.section == "facts" else 0
    return deleted + changed + new_id + 2  # + cut and paste


def act(page: Any, key: str, decision: str, changes: dict[str, Any]) -> bool:
    """Do one decision in the browser; whether the workspace took it."""
    page.click(f"#cand-{key} .head")
    with page.expect_navigation():
        page.keyboard.press({"accept": "a", "drop": "d", "edit": "e"}[decision])
    if decision != "edit":
        return page.query_selector(f"#cand-{key}") is None
    for name, value in changes.items():
        if page.query_selector(f"select[name='f.{name}']"):
            page.select_option(f"select[name='f.{name}']", str(value))
        elif page.query_selector(f"input[name='f.{name}'][value='{value}']"):
            page.check(f"input[name='f.{name}'][value='{value}']")
        elif page.query_selector(f"input[name='other.{name}']"):
            page.fill(f"input[name='other.{name}']", str(value))
        else:
            page.fill(f"input[name='f.{name}']", ", ".join(value) if isinstance(value, list) else str(value))
    with page.expect_navigation():
        page.click("#editor-accept")
    return page.query_selector("#editor") is None


def serve(root: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-m", "cli", "-C", str(root), "review", "--port", str(port)],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/review/", timeout=1).read()
            return process
        except OSError:
            if process.poll() is not None:
                why = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"kg review exited: {why}") from None
            time.sleep(0.1)
    raise SystemExit("kg review did not answer within 60 s")


def session(root: Path, source: str, curated: dict[str, Any], limit: int | None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    draft_path = root / "facts" / "drafts" / f"{source}.yaml"
    items = draft_items(load(draft_path.read_text(encoding="utf-8")))[:limit]
    plan = [(item, *decide(item, curated)) for item in items]
    port = free_port()
    process = serve(root, port)
    figures: dict[str, Any] = {"source": source, "candidates": len(plan), "accepted": 0, "edited": 0, "dropped": 0,
                               "refused": 0, "yaml_edits_by_hand": sum(hand_edits(i, d, c) for i, d, c in plan)}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/review/{source}")
            start = time.monotonic()
            for item, decision, changes in plan:
                if act(page, item.key, decision, changes):
                    figures[{"accept": "accepted", "edit": "edited", "drop": "dropped"}[decision]] += 1
                else:  # the checks refused it (the editor shows why): drop it, as a curator would fix or drop it
                    figures["refused"] += 1
                    page.goto(f"http://127.0.0.1:{port}/review/{source}")
                    act(page, item.key, "drop", {})
            figures["seconds"] = round(time.monotonic() - start, 2)
            browser.close()
    finally:
        process.terminate()
        process.wait(30)
    figures["seconds_per_candidate"] = round(figures["seconds"] / max(1, len(plan)), 2)
    built = kg(root, "build")
    figures["build_conforms"] = built.returncode == 0
    figures["build"] = (built.stdout or built.stderr).strip().splitlines()[0] if (built.stdout or built.stderr) else ""
    return figures


def screenshots(folder: Path) -> None:
    """The queue and a source page with the editor of an ambiguous candidate, on the test article."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        for name in ("facts", "sources", "exports"):
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("drafts"))
        fixture = REPO / "tests" / "data" / "review"
        shutil.copytree(fixture / "sources", root / "sources", dirs_exist_ok=True)
        shutil.copytree(fixture / "facts", root / "facts", dirs_exist_ok=True)
        for seed in ("src-aa238b89", "src-ec87dddc"):  # a queue of more than one draft
            kg(root, "extract", seed)
        blame = next(i.key for i in draft_items(load((root / "facts" / "drafts" / "src-07f3032a.yaml").read_text(
            encoding="utf-8"))) if i.data.get("id") == "f-07f3032a-c04")
        port = free_port()
        process = serve(root, port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1360, "height": 860})
                page.goto(f"http://127.0.0.1:{port}/review/src-07f3032a")
                page.keyboard.press("j")  # past the new entity candidate, to the first mention
                for key in "aad":  # a few changes, so the counts and the undo button show something
                    with page.expect_navigation():
                        page.keyboard.press(key)
                page.goto(f"http://127.0.0.1:{port}/review/")
                top = {"x": 0, "y": 0, "width": 1360, "height": 290}
                page.screenshot(path=str(folder / "review-queue.png"), clip=top)
                page.goto(f"http://127.0.0.1:{port}/review/src-07f3032a?edit={blame}")
                page.click(f"mark[data-keys^='{blame}']")
                page.screenshot(path=str(folder / "review-source.png"))
                browser.close()
        finally:
            process.terminate()
            process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default="src-aa238b89")
    parser.add_argument("--limit", type=int, help="curate only the first N candidates (a smoke run)")
    parser.add_argument("--screenshots", type=Path, help="write docs/review.md's screenshots here instead")
    args = parser.parse_args()
    if args.screenshots:
        screenshots(args.screenshots)
        print(f"wrote {args.screenshots / 'review-queue.png'} and {args.screenshots / 'review-source.png'}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        curated = prepare(root, args.source)
        figures = session(root, args.source, curated, args.limit)
    print(f"{figures['source']}: {figures['candidates']} candidates curated in the browser in {figures['seconds']} s "
          f"({figures['seconds_per_candidate']} s each: {figures['accepted']} accepted, {figures['edited']} edited, "
          f"{figures['dropped']} dropped, {figures['refused']} refused by the checks and dropped)")
    print(f"by hand, the same decisions take {figures['yaml_edits_by_hand']} YAML edits")
    print(f"kg build: {figures['build']}")
    print(json.dumps(figures, ensure_ascii=False))
    if not figures["build_conforms"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
