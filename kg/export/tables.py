"""CSV tables for spreadsheets: one row per entity or fact, with its source id, quote and gloss.

Every curated fact is in exactly one table (affiliations, splits, responsibility, casualty
reports, designations, strengths, allegations), each row ending with the same columns:
its claim status, who asserts it inside the source, its credibility when it differs
from the source's, whether its sentence has several readings (the row gives the
preferred one), the source, the quote and the gloss. An ongoing relation ends ``..``
with the day it is known to hold until (``ongoing_as_of``).
"""

from __future__ import annotations

import csv
import io

from rdflib import Graph
from rdflib.query import ResultRow

from kg.analysis.attacks import short
from kg.curate.readings import AMBIGUOUS
from kg.namespaces import sparql_prologue

_DATE = "OPTIONAL { ?fact mkg:date [ mkg:edtf ?date ; mkg:earliest ?earliest ; mkg:latest ?latest ] }"
_TAIL = "?status ?according_to ?credibility ?reading ?source ?quote ?gloss"
_GROUNDING = f"""?fact prov:wasDerivedFrom ?source ; mkg:quote ?quote ; mkg:claimStatus/skos:notation ?status .
  OPTIONAL {{ ?fact mkg:gloss ?gloss }} OPTIONAL {{ ?fact mkg:accordingTo ?according_to }}
  OPTIONAL {{ ?fact mkg:credibility ?credibility }}
  OPTIONAL {{ ?fact mkg:preferredReading ?preferred }} BIND (IF(BOUND(?preferred), "{AMBIGUOUS}", "") AS ?reading)"""
_LISTED = ("original", "resulting", "agents", "broke_with", "about", "place", "actors")
"""Columns that join several ids (GROUP_CONCAT); their order is not defined, so they are sorted."""


def _joined(name: str, variable: str) -> str:
    return f'(GROUP_CONCAT(DISTINCT STR(?{variable}); separator=" ") AS ?{name})'


QUERIES: dict[str, str] = {
    "entities": """SELECT ?entity ?type ?label_en ?label_ar ?kind ?note
                          (GROUP_CONCAT(DISTINCT STR(?flagged); separator=" | ") AS ?outside_knowledge) WHERE {
      ?entity a ?cls ; skos:prefLabel ?label_en , ?label_ar .
      FILTER (lang(?label_en) = "en" && lang(?label_ar) = "ar")
      VALUES (?cls ?type) { (mkg:Organization "Organization") (mkg:Person "Person")
                            (mkg:Location "Location") (mkg:Attack "Attack") (mkg:Event "Event") }
      OPTIONAL { ?entity (mkg:organizationKind|mkg:locationKind|mkg:attackKind|mkg:eventKind)/skos:notation ?kind }
      OPTIONAL { ?entity skos:scopeNote ?note . FILTER (lang(?note) = "en")
                 FILTER NOT EXISTS { ?entity mkg:outsideKnowledge ?note } }
      OPTIONAL { ?entity mkg:outsideKnowledge ?flagged }
    } GROUP BY ?entity ?type ?label_en ?label_ar ?kind ?note""",
    "affiliations": f"""SELECT ?fact ?member ?role ?organization ?start ?start_earliest ?start_latest
                            ?end ?end_earliest ?end_latest ?ongoing_as_of
                            ?attested ?attested_earliest ?attested_latest {_TAIL} WHERE {{
      ?fact a mkg:Affiliation ; org:member ?member ; org:organization ?organization ;
            org:role/skos:notation ?role . {_GROUNDING}
      OPTIONAL {{ ?fact org:memberDuring/time:hasBeginning
                 [ mkg:edtf ?start ; mkg:earliest ?start_earliest ; mkg:latest ?start_latest ] }}
      OPTIONAL {{ ?fact org:memberDuring/time:hasEnd
                 [ mkg:edtf ?endEdtf ; mkg:earliest ?end_earliest ; mkg:latest ?end_latest ] }}
      OPTIONAL {{ ?fact org:memberDuring/mkg:ongoingAsOf ?ongoing_as_of }}
      OPTIONAL {{ ?fact org:memberDuring/mkg:attestedAt
                 [ mkg:edtf ?attested ; mkg:earliest ?attested_earliest ; mkg:latest ?attested_latest ] }}
      # an ongoing relation ends ".." (still in effect when the source was written, as of that day)
      BIND (IF(BOUND(?ongoing_as_of), "..", ?endEdtf) AS ?end)
    }}""",
    "splits": f"""SELECT ?fact ?kind {_joined("original", "from")} {_joined("resulting", "to")}
                      {_joined("agents", "agent")} {_joined("broke_with", "brokeWith")} ?count ?qualifier
                      ?date ?earliest ?latest {_TAIL} WHERE {{
      ?fact a mkg:SplitFrom ; mkg:changeKind/skos:notation ?kind ; org:originalOrganization ?from .
      OPTIONAL {{ ?fact org:resultingOrganization ?to }} OPTIONAL {{ ?fact mkg:changeAgent ?agent }}
      OPTIONAL {{ ?fact mkg:brokeWith ?brokeWith }}
      OPTIONAL {{ ?fact mkg:count ?count }} OPTIONAL {{ ?fact mkg:qualifier/skos:notation ?qualifier }}
      {_DATE} {_GROUNDING}
    }} GROUP BY ?fact ?kind ?count ?qualifier ?date ?earliest ?latest {_TAIL}""",
    "attacks": f"""SELECT ?attack ?label_en ?kind ?outcome ?date ?earliest ?latest {_joined("place", "where")}
                       ?status ?source ?quote WHERE {{
      ?attack a mkg:Attack ; skos:prefLabel ?label_en ; mkg:attackKind/skos:notation ?kind ;
              mkg:outcome/skos:notation ?outcome ; prov:wasDerivedFrom ?source ; mkg:quote ?quote ;
              mkg:claimStatus/skos:notation ?status .
      FILTER (lang(?label_en) = "en")
      OPTIONAL {{ ?attack mkg:date [ mkg:edtf ?date ; mkg:earliest ?earliest ; mkg:latest ?latest ] }}
      OPTIONAL {{ ?attack mkg:place ?where }}
    }} GROUP BY ?attack ?label_en ?kind ?outcome ?date ?earliest ?latest ?status ?source ?quote""",
    "events": f"""SELECT ?event ?label_en ?kind ?date ?earliest ?latest {_joined("place", "where")}
                      {_joined("actors", "actor")} ?status ?source ?quote WHERE {{
      ?event a mkg:Event ; skos:prefLabel ?label_en ; mkg:eventKind/skos:notation ?kind ;
             prov:wasDerivedFrom ?source ; mkg:quote ?quote ; mkg:claimStatus/skos:notation ?status .
      FILTER (lang(?label_en) = "en")
      OPTIONAL {{ ?event mkg:date [ mkg:edtf ?date ; mkg:earliest ?earliest ; mkg:latest ?latest ] }}
      OPTIONAL {{ ?event mkg:place ?where }} OPTIONAL {{ ?event mkg:actor ?actor }}
    }} GROUP BY ?event ?label_en ?kind ?date ?earliest ?latest ?status ?source ?quote""",
    "responsibility": f"""SELECT ?fact ?attack ?perpetrator ?claimed_by ?channel ?date {_TAIL} WHERE {{
      ?fact a mkg:ResponsibilityClaim ; mkg:attack ?attack ; mkg:perpetrator ?perpetrator . {_GROUNDING}
      OPTIONAL {{ ?fact mkg:claimedBy ?claimed_by }} OPTIONAL {{ ?fact mkg:channel ?channel }}
      OPTIONAL {{ ?fact mkg:date/mkg:edtf ?date }}
    }}""",
    "casualty_reports": f"""SELECT ?fact ?attack ?measure ?qualifier ?value ?victims ?as_of ?reported_by
                                   {_TAIL} WHERE {{
      ?fact a mkg:CasualtyReport ; mkg:attack ?attack ; mkg:measure/skos:notation ?measure ;
            mkg:qualifier/skos:notation ?qualifier . {_GROUNDING}
      OPTIONAL {{ ?fact mkg:count ?value }} OPTIONAL {{ ?fact mkg:victims ?victims }}
      OPTIONAL {{ ?fact mkg:asOf/mkg:edtf ?as_of }} OPTIONAL {{ ?fact mkg:reportedBy ?reported_by }}
    }}""",
    "designations": f"""SELECT ?fact ?organization ?authority ?type ?instrument ?date ?earliest ?latest
                               {_TAIL} WHERE {{
      ?fact a mkg:Designation ; mkg:designatedOrganization ?organization ; mkg:authority ?authority ;
            mkg:designationType/skos:notation ?type . {_GROUNDING}
      OPTIONAL {{ ?fact mkg:legalInstrument ?instrument }} {_DATE}
    }}""",
    "strengths": f"""SELECT ?fact ?organization ?qualifier ?value ?as_of ?as_of_earliest ?as_of_latest ?place
                            {_TAIL} WHERE {{
      ?fact a mkg:StrengthEstimate ; mkg:estimateOf ?organization ; mkg:count ?value ;
            mkg:qualifier/skos:notation ?qualifier . {_GROUNDING}
      OPTIONAL {{ ?fact mkg:asOf [ mkg:edtf ?as_of ; mkg:earliest ?as_of_earliest ; mkg:latest ?as_of_latest ] }}
      OPTIONAL {{ ?fact mkg:place ?place }}
    }}""",
    "allegations": f"""SELECT ?fact ?alleged_by {_joined("about", "subject")} ?channel ?date ?earliest ?latest
                              {_TAIL} WHERE {{
      ?fact a mkg:Allegation ; mkg:allegedBy ?alleged_by ; mkg:about ?subject . {_GROUNDING}
      OPTIONAL {{ ?fact mkg:channel ?channel }} {_DATE}
    }} GROUP BY ?fact ?alleged_by ?channel ?date ?earliest ?latest {_TAIL}""",
}
FACT_TABLES = ("affiliations", "splits", "responsibility", "casualty_reports", "designations", "strengths",
               "allegations")
"""The tables that hold facts: every curated fact is a row of exactly one of them."""


def table(graph: Graph, name: str) -> bytes:
    """One CSV table, rows sorted, ids shortened, UTF-8 with a header row.

    >>> from pathlib import Path
    >>> from kg.build import compile_checked
    >>> graph = compile_checked(Path("tests/data/kitchen"))[1].graph
    >>> table(graph, "designations").decode().splitlines()[1].split(",")[:4]
    ['f-fixture-05', 'test-group', 'test-government', 'terrorist-organization']
    >>> table(graph, "allegations").decode().splitlines()[0].split(",")[:4]
    ['fact', 'alleged_by', 'about', 'channel']
    """
    result = graph.query(sparql_prologue() + QUERIES[name])
    header = [str(v) for v in result.vars or []]
    cells = sorted([_cell(h, row[h]) for h in header] for row in result if isinstance(row, ResultRow))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(cells)
    return buffer.getvalue().encode("utf-8")


def _cell(column: str, value: object) -> str:
    if value is None:
        return ""
    if column in _LISTED:  # GROUP_CONCAT order is not defined
        return " ".join(sorted(short(part) for part in str(value).split()))
    return short(value)


def all_tables(graph: Graph) -> dict[str, bytes]:
    """Every table, by file name under ``csv/``."""
    return {f"csv/{name}.csv": table(graph, name) for name in QUERIES}
