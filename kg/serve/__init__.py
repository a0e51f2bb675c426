"""Serving: takes the store and the analyses and gives out, over HTTP on loopback, a read-only
SPARQL 1.1 Protocol endpoint (``/sparql``) and entity pages, search and query forms for people; the
pages' charts (affiliations over time, lineage, timeline) and the link chart (``/graph``).
"""
