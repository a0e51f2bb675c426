"""Stage 1, curated input: reads the source texts, their metadata records and the facts YAML
(and the drafts waiting for review), and checks them against the schema and the vocabularies.
It gives out located records (:class:`kg.curate.corpus.Corpus`) for the graph stage.
"""
