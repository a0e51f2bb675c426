"""Everything dated that involves an entity, in order, with its precision and sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from pyoxigraph import NamedNode

from kg.analysis.attacks import Graph, Term, short
from kg.curate.readings import AMBIGUOUS
from kg.namespaces import PREFIXES
from kg.store.nodes import Nodes
from kg.store.reader import iri, node, oxigraph_of, texts

# Named nodes rather than paths, and the entity reached through a triple pattern in each
# branch: so Oxigraph starts from the entity (see queries/timeline.rq).
_TIMELINE = """
SELECT DISTINCT ?entity ?fact ?type ?what ?edtf ?earliest ?latest ?precision ?status ?source ?gloss ?quote
                ?preferred WHERE {
  { ?fact ?p ?entity . FILTER (?p != mkg:entity) } UNION { ?entity a ?any . BIND (?entity AS ?fact) }
  ?fact a ?cls .
  VALUES (?cls ?type) {
    (mkg:Attack "attack") (mkg:Event "event") (mkg:Affiliation "affiliation") (mkg:SplitFrom "split")
    (mkg:ResponsibilityClaim "responsibility") (mkg:CasualtyReport "casualties")
    (mkg:Designation "designation") (mkg:StrengthEstimate "strength") (mkg:Allegation "allegation")
  }
  { ?fact mkg:date ?d . BIND ("date" AS ?what) }
  UNION { ?fact mkg:asOf ?d . BIND ("as of" AS ?what) }
  UNION { ?fact org:memberDuring ?during . ?during time:hasBeginning ?d . BIND ("start" AS ?what) }
  UNION { ?fact org:memberDuring ?during . ?during time:hasEnd ?d . BIND ("end" AS ?what) }
  UNION { ?fact org:memberDuring ?during . ?during mkg:attestedAt ?d . BIND ("attested" AS ?what) }
  UNION { ?fact mkg:attack ?attack . ?attack mkg:date ?d . BIND ("attack date" AS ?what) }
  ?d mkg:edtf ?edtf ; mkg:earliest ?earliest ; mkg:latest ?latest ; mkg:precision ?precisionNode .
  ?precisionNode skos:notation ?precision .
  ?fact prov:wasDerivedFrom ?source ; mkg:claimStatus ?statusNode .
  ?statusNode skos:notation ?status .
  # curated facts only (they carry a quote); asked as OPTIONAL + FILTER, since a required
  # mkg:quote made Oxigraph start from every quoted fact (320 s, not 0.08 s, at 200k rows)
  OPTIONAL { ?fact mkg:quote ?quote }
  FILTER (BOUND(?quote))
  OPTIONAL { ?fact mkg:gloss ?gloss }
  OPTIONAL { ?fact mkg:preferredReading ?preferred }
}"""


@dataclass(frozen=True)
class Event:
    """One dated fact about an entity."""

    earliest: str
    latest: str
    date: str
    precision: str
    what: str
    type: str
    fact: str
    status: str
    source: str
    gloss: str
    quote: str
    others: tuple[str, ...] = ()
    """The other parties or events of the fact: the organization joined, the attack claimed, the place."""
    reading: str = ""  # "ambiguous reading" when the fact has several readings (this is its preferred one)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "others": list(self.others)}


def timeline(graph: Graph, entity: Term, *, first: dt.date | None = None,
             last: dt.date | None = None) -> list[Event]:
    """Dated facts involving ``entity``; partial dates sort by their earliest bound.

    With ``first``/``last``, an event is kept when its date may fall in the window.
    """
    events = set()
    others: dict[str, tuple[str, ...]] = {}
    nodes = Nodes(oxigraph_of(graph))
    for r in texts(graph, _TIMELINE, entity=node(entity)):  # as text: an entity page's time went to making terms
        earliest, latest, fact = str(r["earliest"]), str(r["latest"]), str(r["fact"])
        if first and dt.date.fromisoformat(latest) < first or last and dt.date.fromisoformat(earliest) > last:
            continue
        if fact not in others:
            others[fact] = _others(nodes, fact, iri(entity))
        events.add(Event(earliest, latest, str(r["edtf"]), str(r["precision"]), str(r["what"]),
                         str(r["type"]), short(fact), str(r["status"]), short(r["source"]),
                         r["gloss"] or "", str(r["quote"]), others[fact],
                         AMBIGUOUS if r["preferred"] is not None else ""))
    return sorted(events, key=lambda e: (e.earliest, e.latest, e.type, e.fact, e.what))


def _others(nodes: Nodes, fact: str, entity: str) -> tuple[str, ...]:
    """The curated entities a fact names besides ``entity``: not its sources, nor its own nodes (dates)."""
    ours = PREFIXES["mkgd"]
    found = {short(o) for objects in nodes.out(fact).values() for o in objects
             if isinstance(o, NamedNode) and o.value != entity and o.value.startswith(ours) and "#" not in o.value}
    return tuple(sorted(name for name in found if not name.startswith("src-")))
