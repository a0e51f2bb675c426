"""An import's incidents as N-Triples, chunk by chunk: in this process, or in worker processes.

Mapping rows to triples is most of a large import's compile time, and a row's triples
depend only on the row, the dataset and what the linker answers for its names. So the
good incidents of a large file are cut into consecutive chunks, mapped in up to one
worker process per CPU (the ``spawn`` context, as :mod:`kg.gtd.check` does), and put
back together in chunk order, byte for byte what one mapper over the whole file makes:

* a chunk's rows come back in their order, and chunks are joined in theirs;
* each worker keeps one :class:`~kg.gtd.triples.Mapper` for all its chunks, and returns
  with a chunk the shared nodes (groups, places, dates) that mapper met first in it, by
  key, in the order met. A worker takes its chunks in file order (the pool hands them
  out in the order given), so the chunk a node first appears in always returns it,
  where one mapper would have met it; returns of the same node from later chunks are
  dropped. A node's triples depend on its key alone (see :class:`~kg.gtd.triples.Mapper`),
  so which copy is kept changes no byte.

The resolver stays in this process: a chunk travels with the answers for the names in
it (:class:`~kg.gtd.link.Answers`).
"""

from __future__ import annotations

import io
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, islice

import pyoxigraph
from pyoxigraph import Triple

from kg.atomic import exit_with_parent
from kg.gtd.link import Answers, Linker
from kg.gtd.rows import Incident
from kg.gtd.triples import Mapper
from kg.store.precomputed import Parts

CHUNK_ROWS = 5_000
"""Incidents in a chunk: about 150,000 triples."""

Key = tuple[str, ...]


@dataclass
class Chunk:
    """Consecutive good incidents of a file, each with its line."""

    incidents: list[tuple[int, Incident]]
    read: int  # rows of the file read up to the end of this chunk, good or not (for progress)


@dataclass
class Compiled:
    """Chunks as N-Triples: their rows in order, and each shared node they met, once, first met first."""

    rows: list[bytes] = field(default_factory=list)  # one part a chunk
    triples: int = 0  # in ``rows``
    shared: dict[Key, bytes] = field(default_factory=dict)
    parts: Parts = field(default_factory=Parts)  # what the precomputed index needs of them


class ChunkFailed(Exception):
    """A row could not be mapped, or a worker process failed: ``args`` are the line, the message and a hint."""


def worker_count(workers: int | None = None) -> int:
    """``workers``, or by default one process per CPU, at most 4."""
    return workers or min(os.cpu_count() or 1, 4)


def compile_chunks(chunks: Iterator[Chunk], dataset_id: str, linker: Linker, *, workers: int = 1,
                   progress: Callable[[int], None] | None = None) -> Compiled:
    """All chunks as N-Triples, in this process or (``workers`` > 1) in worker processes.

    ``progress`` is called with :attr:`Chunk.read` as each chunk is joined; a failure is
    a :class:`ChunkFailed`.
    """
    if workers > 1:
        parts = _in_workers(chunks, dataset_id, linker, workers)
    else:
        mapper = Mapper(dataset_id, linker)
        parts = ((chunk, compile_chunk(mapper, chunk)) for chunk in chunks)
    whole = Compiled()
    for chunk, part in parts:
        whole.rows += part.rows
        whole.triples += part.triples
        whole.parts.merge(part.parts)
        for key, lines in part.shared.items():
            whole.shared.setdefault(key, lines)  # kept from the chunk the node first appears in
        if progress:
            progress(chunk.read)
    return whole


def compile_chunk(mapper: Mapper, chunk: Chunk) -> Compiled:
    """One chunk's rows as N-Triples, and the shared nodes ``mapper`` met first in it."""
    triples: list[Triple] = []
    for line, incident in chunk.incidents:
        try:
            triples += mapper.triples(incident)
        except Exception as exc:  # not a bad row to skip: the row passed every check before it came here
            raise ChunkFailed(line, f"the row could not be mapped to triples: {type(exc).__name__}: {exc}",
                              "check the row's text; if it looks right, this is a bug in kg: please report it"
                              ) from None
    shared, mapper.shared = mapper.shared, {}  # the next chunk returns only the nodes met first in it
    lines = iter(ntriples(chain.from_iterable(shared.values())).splitlines(keepends=True))  # one triple a line
    parts = Parts()
    parts.add(chain(triples, chain.from_iterable(shared.values())))  # each row's triples, and each node's, whole
    return Compiled([ntriples(triples)], len(triples),
                    {key: b"".join(islice(lines, len(node))) for key, node in shared.items()}, parts)


def ntriples(triples: Iterable[Triple]) -> bytes:
    """Triples as N-Triples, one a line."""
    out = io.BytesIO()
    pyoxigraph.serialize(triples, out, pyoxigraph.RdfFormat.N_TRIPLES)
    return out.getvalue()


def _in_workers(chunks: Iterator[Chunk], dataset_id: str, linker: Linker,
                workers: int) -> Iterator[tuple[Chunk, Compiled]]:
    """Chunks mapped in worker processes, in order; a few are in flight, so that no worker waits."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(dataset_id,)) as pool:
        pending: deque[tuple[Future[Compiled], Chunk]] = deque()
        try:
            for chunk in chunks:
                pending.append((pool.submit(_compile_in_worker, chunk, _answers(linker, chunk)), chunk))
                if len(pending) > 2 * workers:
                    yield _result(*pending.popleft())
            while pending:
                yield _result(*pending.popleft())
        finally:
            pool.shutdown(cancel_futures=True)


def _answers(linker: Linker, chunk: Chunk) -> Answers:
    """What the linker answers for the chunk's group and country names."""
    incidents = [incident for _, incident in chunk.incidents]
    return linker.answers(dict.fromkeys(p.name for i in incidents for p in i.perpetrators),
                          dict.fromkeys(i.country for i in incidents))


def _result(future: Future[Compiled], chunk: Chunk) -> tuple[Chunk, Compiled]:
    try:
        return chunk, future.result()
    except ChunkFailed:
        raise
    except Exception as exc:  # the pool broke (a worker died), or a chunk could not be sent or returned
        raise ChunkFailed(chunk.incidents[0][0], f"a worker process failed on the rows from this line on: "
                          f"{type(exc).__name__}: {exc}", "a worker the system stops (out of memory?) fails so: "
                          "retry, and if it happens again, please report it") from None


_worker: tuple[Mapper, Answers] | None = None
"""In a worker process: its mapper, and the answers it links from (all chunks' so far)."""


def _start(dataset_id: str) -> None:
    """Set up a new worker process: one mapper for all its chunks, so that it makes each shared node once."""
    global _worker
    exit_with_parent()
    known = Answers()
    _worker = (Mapper(dataset_id, Linker.answering(known)), known)


def _compile_in_worker(chunk: Chunk, answers: Answers) -> Compiled:
    """:func:`compile_chunk` in a worker process, linking names with the answers the chunk came with."""
    assert _worker is not None, "started by _start"
    mapper, known = _worker
    known.matches.update(answers.matches)
    known.places.update(answers.places)
    return compile_chunk(mapper, chunk)
