"""CSV tables for spreadsheets: one row per fact, with its source id, quote and gloss."""

from __future__ import annotations

import csv
import io

from rdflib import Graph
from rdflib.query import ResultRow

from kg.analysis.attacks import short
from kg.namespaces import sparql_prologue

_DATE = "OPTIONAL { ?fact mkg:date [ mkg:edtf ?date ; mkg:earliest ?earliest ; mkg:latest ?latest ] }"
_GROUNDING = """?fact prov:wasDerivedFrom ?source ; mkg:quote ?quote ; mkg:claimStatus/skos:notation ?status .
  OPTIONAL { ?fact mkg:gloss ?gloss }"""

QUERIES: dict[str, str] = {
    "entities": """SELECT ?entity ?type ?label_en ?label_ar ?kind ?note WHERE {
      ?entity a ?cls ; skos:prefLabel ?label_en , ?label_ar .
      FILTER (lang(?label_en) = "en" && lang(?label_ar) = "ar")
      VALUES (?cls ?type) { (mkg:Organization "Organization") (mkg:Person "Person")
                            (mkg:Location "Location") (mkg:Attack "Attack") (mkg:Event "Event") }
      OPTIONAL { ?entity (mkg:organizationKind|mkg:locationKind|mkg:attackKind|mkg:eventKind)/skos:notation ?kind }
      OPTIONAL { ?entity skos:scopeNote ?note . FILTER (lang(?note) = "en") }
    }""",
    "affiliations": f"""SELECT ?fact ?member ?role ?organization ?start ?start_earliest ?start_latest
                            ?end ?end_earliest ?end_latest ?ongoing_as_of
                            ?attested ?attested_earliest ?attested_latest ?status ?source ?quote ?gloss WHERE {{
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
    "splits": f"""SELECT ?fact ?kind (GROUP_CONCAT(DISTINCT STR(?from); separator=" ") AS ?original)
                      (GROUP_CONCAT(DISTINCT STR(?to); separator=" ") AS ?resulting)
                      (GROUP_CONCAT(DISTINCT STR(?agent); separator=" ") AS ?agents)
                      ?date ?earliest ?latest ?status ?source ?quote ?gloss WHERE {{
      ?fact a mkg:SplitFrom ; mkg:changeKind/skos:notation ?kind ; org:originalOrganization ?from .
      OPTIONAL {{ ?fact org:resultingOrganization ?to }} OPTIONAL {{ ?fact mkg:changeAgent ?agent }}
      {_DATE} {_GROUNDING}
    }} GROUP BY ?fact ?kind ?date ?earliest ?latest ?status ?source ?quote ?gloss""",
    "attacks": """SELECT ?attack ?label_en ?kind ?outcome ?date ?earliest ?latest ?place ?source ?quote WHERE {
      ?attack a mkg:Attack ; skos:prefLabel ?label_en ; mkg:attackKind/skos:notation ?kind ;
              mkg:outcome/skos:notation ?outcome ; prov:wasDerivedFrom ?source ; mkg:quote ?quote .
      FILTER (lang(?label_en) = "en")
      OPTIONAL { ?attack mkg:date [ mkg:edtf ?date ; mkg:earliest ?earliest ; mkg:latest ?latest ] }
      OPTIONAL { ?attack mkg:place ?place }
    }""",
    "responsibility": f"""SELECT ?fact ?attack ?perpetrator ?claimed_by ?channel ?status ?source ?quote ?gloss WHERE {{
      ?fact a mkg:ResponsibilityClaim ; mkg:attack ?attack ; mkg:perpetrator ?perpetrator . {_GROUNDING}
      OPTIONAL {{ ?fact mkg:claimedBy ?claimed_by }} OPTIONAL {{ ?fact mkg:channel ?channel }}
    }}""",
    "casualty_reports": f"""SELECT ?fact ?attack ?measure ?qualifier ?value ?victims ?as_of ?reported_by
                                   ?status ?source ?quote ?gloss WHERE {{
      ?fact a mkg:CasualtyReport ; mkg:attack ?attack ; mkg:measure/skos:notation ?measure ;
            mkg:qualifier/skos:notation ?qualifier . {_GROUNDING}
      OPTIONAL {{ ?fact mkg:count ?value }} OPTIONAL {{ ?fact mkg:victims ?victims }}
      OPTIONAL {{ ?fact mkg:asOf/mkg:edtf ?as_of }} OPTIONAL {{ ?fact mkg:reportedBy ?reported_by }}
    }}""",
    "designations": f"""SELECT ?fact ?organization ?authority ?type ?instrument ?date ?earliest ?latest
                               ?status ?source ?quote ?gloss WHERE {{
      ?fact a mkg:Designation ; mkg:designatedOrganization ?organization ; mkg:authority ?authority ;
            mkg:designationType/skos:notation ?type . {_GROUNDING}
      OPTIONAL {{ ?fact mkg:legalInstrument ?instrument }} {_DATE}
    }}""",
}


def table(graph: Graph, name: str) -> bytes:
    """One CSV table, rows sorted, ids shortened, UTF-8 with a header row.

    >>> from pathlib import Path
    >>> from kg.build import compile_checked
    >>> graph = compile_checked(Path("tests/data/kitchen"))[1].graph
    >>> table(graph, "designations").decode().splitlines()[1].split(",")[:4]
    ['f-fixture-05', 'test-group', 'test-government', 'terrorist-organization']
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
    if column in ("original", "resulting", "agents"):  # GROUP_CONCAT order is not defined
        return " ".join(sorted(short(part) for part in str(value).split()))
    return short(value)


def all_tables(graph: Graph) -> dict[str, bytes]:
    """Every table, by file name under ``csv/``."""
    return {f"csv/{name}.csv": table(graph, name) for name in QUERIES}
