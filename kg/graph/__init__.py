"""Stage 2, the graph: takes the curated records and gives out one validated rdflib graph
(compiled under the ontology, checked with SHACL); it also reads analysts' own RDF files for validation.
"""
