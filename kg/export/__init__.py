"""Stage 5, formats for other tools: takes the graph and the analyses and gives out files
(Turtle, N-Triples, JSON-LD, TriG, GraphML/GEXF, CSV tables, STIX 2.1).
"""
