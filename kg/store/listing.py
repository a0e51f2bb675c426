"""An attack as a listing shows it, in two steps: what its own triples say, then what that points at.

:func:`gather` reads an attack's own triples and those of the facts on it (claims, casualty
reports) into a :data:`Record`: plain JSON values, the terms it points at (its date, places,
outcome, each fact's status or measure) kept as IRIs. :func:`resolve` then reads those
terms (a concept's notation, a place's label, a date's days) and gives the listing's fields.

The first step needs only the attack's own records, so it is done where they are made: at
each import and at the build, for every attack (:class:`kg.store.precomputed.Parts`), and
the store generation's index keeps the records. ``kg attacks --limit 0`` then reads an
attack in one row, instead of the dozen store lookups (1.4 ms) it took; the second step
reads the few nodes attacks share, once each. An attack the index does not keep is
gathered from the store, by the same function.
"""

from __future__ import annotations

from typing import Any, Protocol

import pyoxigraph as ox

from kg.namespaces import PREFIXES

_MKG, _ID = PREFIXES["mkg"], PREFIXES["mkgd"]
_LABEL, _NOTATION = PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "notation"
_TYPE, _DERIVED = PREFIXES["rdf"] + "type", PREFIXES["prov"] + "wasDerivedFrom"
ON = _MKG + "attack"
"""What points a fact at its attack."""
OWN = (_LABEL, *(_MKG + name for name in ("date", "place", "outcome", "recordId")))
"""What a listing reads of an attack itself."""
FACT = (_TYPE, _DERIVED, *(_MKG + name for name in (
    "claimStatus", "claimedBy", "channel", "quote", "preferredReading", "perpetrator", "measure", "count",
    "qualifier", "victims", "asOf", "reportedBy")))
"""And of each fact on it."""

Record = list[Any]
"""``[label_en, label_ar, date, places, outcome, record_id, claims, figures]``: see :func:`gather`.
A kept record may give its date as ``[date, edtf, earliest, latest]`` (:class:`kg.store.precomputed.Parts`)."""


class Reader(Protocol):
    """Where :func:`gather` reads triples: the store (:class:`kg.store.nodes.Nodes`) or the triples of an import."""

    def out(self, node: Any) -> dict[str, list[Any]]: ...

    def subjects(self, predicate: str, obj: Any) -> list[Any]: ...


def text_of(term: Any) -> str:
    """An IRI of ours as its id, another IRI whole, a blank node as ``_:label``, a literal as its text ("" for none).

    >>> text_of(ox.NamedNode("https://w3id.org/mkg/id/isis-k")), text_of(ox.Literal("3")), text_of(None)
    ('isis-k', '3', '')
    """
    if term is None:
        return ""
    if type(term) is ox.BlankNode:  # noqa: E721
        return f"_:{term.value}"
    return str(term.value).removeprefix(_ID) if type(term) is ox.NamedNode else str(term.value)  # noqa: E721


def term_of(text: str) -> ox.NamedNode | ox.BlankNode | None:
    """The node :func:`text_of` gave as text, ``None`` for "".

    >>> term_of("isis-k").value, term_of("http://example.org/x").value, term_of("_:b1").value, term_of("")
    ('https://w3id.org/mkg/id/isis-k', 'http://example.org/x', 'b1', None)
    """
    if not text:
        return None
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    return ox.NamedNode(text if ":" in text else _ID + text)


def iri_of(text: str) -> str | ox.BlankNode | None:
    """The node :func:`text_of` gave as text, an IRI as text (as :class:`kg.store.nodes.Nodes` takes it fastest).

    >>> iri_of("isis-k"), iri_of("")
    ('https://w3id.org/mkg/id/isis-k', None)
    """
    if not text:
        return None
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    return text if ":" in text else _ID + text


def _first(terms: list[Any]) -> Any:
    """The first term by its text: not in the order a store or a file gives them."""
    return min(terms, key=lambda term: str(term.value)) if terms else None


def gather(reader: Reader, attack: Any) -> Record:
    """What the attack's own triples, and those of the facts on it, say: its :data:`Record`.

    Claims are ``[fact, status, by, channel, quote, ambiguous, agents, sources]``, figures
    ``[fact, measure, count, qualifier, victims, as_of, reported_by, quote, sources]``, each
    in the order of its fact; terms as :func:`text_of` gives them.
    """
    own = reader.out(attack)
    labels = {(getattr(label, "language", None) or "").lower(): label.value
              for label in sorted(own.get(_LABEL, []), key=lambda t: str(t.value), reverse=True)}
    record_id = _first(own.get(_MKG + "recordId", []))
    claims, figures = [], []
    for fact in sorted(reader.subjects(ON, attack), key=lambda term: str(term.value)):
        out = reader.out(fact)

        def one(name: str, out: dict[str, list[Any]] = out) -> str:
            found = out.get(_MKG + name)
            return text_of(found[0]) if found else ""

        kinds = {kind.value for kind in out.get(_TYPE, [])}
        sources = [text_of(source) for source in out.get(_DERIVED, [])]
        if _MKG + "ResponsibilityClaim" in kinds:
            claims.append([text_of(fact), one("claimStatus"), one("claimedBy"), one("channel"), one("quote"),
                           _MKG + "preferredReading" in out, [text_of(a) for a in out.get(_MKG + "perpetrator", [])],
                           sources])
        if _MKG + "CasualtyReport" in kinds:
            figures.append([text_of(fact), one("measure"), one("count"), one("qualifier"), one("victims"),
                            one("asOf"), one("reportedBy"), one("quote"), sources])
    return [labels.get("en", ""), labels.get("ar", ""), text_of(_first(own.get(_MKG + "date", []))),
            sorted(text_of(place) for place in own.get(_MKG + "place", [])),
            text_of(_first(own.get(_MKG + "outcome", []))), text_of(record_id), claims, figures]


def facts_of(record: Record) -> set[str]:
    """The IRIs of the facts a record was gathered from."""
    return {str(term_of(fact[0]).value) for fact in (*record[6], *record[7])}  # type: ignore[union-attr]


class Given:
    """A :class:`Reader` over triples held in memory: each subject's objects by predicate."""

    def __init__(self, nodes: dict[Any, dict[str, list[Any]]], pointing: dict[Any, list[Any]]) -> None:
        self.nodes = nodes
        self.pointing = pointing  # attack: the facts on it

    def out(self, node: Any) -> dict[str, list[Any]]:
        return self.nodes.get(node, {})

    def subjects(self, predicate: str, obj: Any) -> list[Any]:
        assert predicate == ON, "only the facts on an attack are asked for"
        return self.pointing.get(obj, [])
