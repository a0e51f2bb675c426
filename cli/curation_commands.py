"""``kg add-source``, ``kg extract``, ``kg drafts`` and ``kg extract-score``: curation assist."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from cli.choices import Choice
from cli.output import emit, render
from kg.atomic import check_output, write_files
from kg.curate.corpus import load
from kg.curate.drafts import review_drafts
from kg.curate.sources import add_source
from kg.errors import fail
from kg.extract.draft import build_draft, draft_path
from kg.extract.draft import render as render_draft
from kg.extract.index import AliasIndex
from kg.extract.kinds import DEV_TARGETS, KINDS, KindScore, meets_dev_targets
from kg.extract.kinds import total as kinds_total
from kg.extract.pipeline import extract_source
from kg.extract.rules import load_rules
from kg.extract.score import TARGETS, meets_targets, score, score_dev, totals
from kg.store.store import open_graph


def _root(obj: dict[str, object]) -> Path:
    return Path(str(obj["root"]))


@click.command("add-source")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publisher", help="The outlet, as the text or page names it.")
@click.option("--author", help="The author, only as the text states it.")
@click.option("--published", metavar="EDTF", help="EDTF publication date (2024-03-25, 2014-10, 2015-11/2016-12). "
              "Without it a placeholder is written that kg build refuses until replaced.")
@click.option("--published-reason", help="Why that date (the dateline, or the reasoning).")
@click.option("--lang", type=Choice(["ar", "en"]), help="Language (default: from the script).")
@click.option("--grade", help="Admiralty grade, reliability A-F and credibility 1-6, e.g. B2 (default F6).")
@click.option("--grade-reason", help="Why that grade.")
@click.option("--title", help="The headline as printed.")
@click.option("--title-en", help="An English rendering of the headline.")
@click.pass_obj
def add_source_command(obj: dict[str, object], file: Path, publisher: str | None, author: str | None,
                       published: str | None, published_reason: str | None, lang: str | None,
                       grade: str | None, grade_reason: str | None, title: str | None,
                       title_en: str | None) -> None:
    """Store an article's text in sources/ byte for byte, with its metadata record.

    The id is src- and the first 8 hex digits of the text's SHA-256. A text already
    stored is refused (exit 2, an input error), naming the source it duplicates.

    \b
    Example:
      kg add-source article.txt --published 2024-03-25 --publisher 'Sky News Arabia' --grade B2
    """
    added = add_source(_root(obj), file, publisher=publisher, author=author, published=published,
                       published_reason=published_reason, lang=lang, grade=grade, grade_reason=grade_reason,
                       title=title, title_en=title_en)
    click.echo(f"added {added.id}: {added.text_file.name}, {added.record_file.name}")
    if added.placeholder:
        click.echo(f"note: no --published given; set published in sources/{added.id}.yaml before kg build "
                   "(kg extract leaves relative dates unresolved until then)", err=True)


@click.command("extract")
@click.argument("source")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Draft file to write (default facts/drafts/SOURCE.yaml); '-' for standard output.")
@click.option("--format", "-f", "fmt", type=Choice(["yaml", "json"]), default="yaml", show_default=True,
              help="Draft file format.")
@click.option("--force", is_flag=True, help="Overwrite an existing draft (it may hold review edits).")
@click.pass_obj
def extract_command(obj: dict[str, object], source: str, output: Path | None, fmt: str, force: bool) -> None:
    """Draft candidate facts from a stored source: mentions, new entities, dates, figures, relations.

    Every candidate has status: candidate and span: [start, end] into the source text
    (text[start:end] == quote); relation and figure candidates name the rule that fired
    (cue:). kg build ignores facts/drafts/. Needs a built graph (kg build).

    \b
    Example:
      kg extract src-3fb481a9 -o - -f json
    """
    root = _root(obj)
    rules = load_rules()
    index = AliasIndex.from_graph(open_graph(root), rules=rules)
    extraction = extract_source(root, source, index=index, rules=rules)
    draft = build_draft(extraction, index)
    if fmt == "json":
        dates = [asdict(d) for d in extraction.dates]
        text = json.dumps({**draft, "dates": dates}, ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_draft(extraction, draft)
    if output is not None and str(output) == "-":
        click.echo(text, nl=False)
        return
    target = output or draft_path(root, source)
    check_output(root, target, example=f"{source}.yaml", allowed=draft_path(root, source).parent)
    if target.exists() and not force:
        raise fail(str(target), "a draft exists (it may hold review edits)",
                   hint="pass --force to overwrite it, or -o another file", exit_code=2)
    write_files(target.parent, {target.name: text.encode("utf-8")})
    click.echo(f"wrote {target}: {len(draft['mentions'])} mentions, {len(draft['entities'])} new entities, "
               f"{len(draft['facts'])} facts, {len(extraction.dates)} dates (candidates)")


@click.command("drafts")
@click.option("--check", is_flag=True, help="Exit 1 when a candidate's span does not give its quote.")
@click.option("--format", "-f", "fmt", type=Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@click.pass_obj
def drafts_command(obj: dict[str, object], check: bool, fmt: str) -> None:
    """List the drafts in facts/drafts/, the candidates each still holds, and check their spans.

    A span [start, end] must still give the quote (text[start:end] == quote); the ones that
    do not are listed after the table.

    \b
    Example:
      kg drafts --check
    """
    reports = review_drafts(_root(obj))
    rows = [{"file": r.file, "source": r.source, **r.counts, "bad_spans": len(r.bad_spans),
             "note": r.unreadable or ""} for r in reports]
    emit(render(rows, fmt, ["file", "source", "entities", "mentions", "facts", "bad_spans", "note"], {},
                empty="no drafts in facts/drafts/"), None)
    for report in reports:
        for problem in report.bad_spans:
            click.echo(f"bad span: {problem}", err=True)
    if check and any(r.bad_spans or r.unreadable for r in reports):
        raise SystemExit(1)


@click.command("extract-score")
@click.option("--source", "sources", multiple=True, help="Only these sources (default: every curated one).")
@click.option("--dev", "dev", type=click.Path(file_okay=False, path_type=Path),
              help="The development set: texts with their expected candidates "
              "(default: tests/data/extract/unseen of the project, when present).")
@click.option("--misses", is_flag=True, help="Also list what was not found, per source.")
@click.option("--check", is_flag=True, help="Exit 1 when the totals miss the targets.")
@click.option("--format", "-f", "fmt", type=Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@click.pass_obj
def extract_score_command(obj: dict[str, object], sources: tuple[str, ...], dev: Path | None, misses: bool,
                          check: bool, fmt: str) -> None:
    """Extract each curated source as if new and score the candidates against its curated facts.

    Recall of entities (mentions and facts' references), dates (EDTF, relative ones resolved)
    and casualty figures; targets: entities 90%, dates 80%, every figure. Then precision,
    recall and wrong links to existing entities per kind of candidate, on the seed articles
    and on the development set (targets there: recall 80%, precision 85% per kind, at most
    one wrong link to an existing attack).

    \b
    Example:
      kg extract-score --misses
    """
    root = _root(obj)
    rules = load_rules()
    graph = open_graph(root)
    scores = score(load(root), graph, rules=rules, sources=list(sources) or None)
    total = totals(scores)
    seeds = kinds_total("seed articles", [s.kinds for s in scores if s.kinds is not None])
    folder = dev or root / "tests" / "data" / "extract" / "unseen"
    if dev is not None and not folder.is_dir():
        raise fail(str(folder), "no such development set", hint="a folder of NN-name.txt with NN-name.yaml",
                   exit_code=2)
    devs = score_dev(graph, folder, rules=rules) if folder.is_dir() else []
    dev_total = kinds_total(f"development set ({folder.name})", devs) if devs else None
    rows = [s.row() for s in [*scores, total]]
    columns = ["source", "entities", "+alt", "unseen", "dates", "readings", "figures", "qualifier", "attack"]
    if fmt == "json":
        payload = [{**s.row(), "misses": s.misses()} for s in scores]
        emit(json.dumps({"query": {"targets": TARGETS, "dev_targets": DEV_TARGETS}, "results": payload,
                         "total": total.row(), "kinds": {k.name: _kind_rows(k) for k in [seeds, dev_total] if k}},
                        ensure_ascii=False, indent=2), None)
    else:
        emit(render(rows, fmt, columns, {}), None)
        for kinds in [seeds, dev_total]:
            if kinds is not None:
                click.echo(f"\nper kind, {kinds.name}:")
                emit(render([{"kind": k, **v} for k, v in _kind_rows(kinds).items()], fmt,
                            ["kind", "recall", "precision", "wrong_links"], {}), None)
    if misses and fmt == "table":
        for s in scores:
            for kind, missed in s.misses().items():
                if missed:
                    click.echo(f"{s.source} missed {kind}: {', '.join(missed)}")
        for kinds in [k for k in (seeds, dev_total) if k is not None]:
            for kind in KINDS:
                for label, items in (("missed", kinds.missed[kind]), ("extra", kinds.extra[kind])):
                    for item in items:
                        click.echo(f"{kinds.name} {kind} {label}: {item}")
    if check and (not meets_targets(total) or (dev_total is not None and not meets_dev_targets(dev_total))):
        raise SystemExit(1)


def _kind_rows(kinds: KindScore) -> dict[str, dict[str, object]]:
    return {kind: kinds.tallies[kind].row() for kind in KINDS}


COMMANDS = [add_source_command, extract_command, drafts_command, extract_score_command]
