"""Curation assist: draft grounded candidate facts from a new article, offline.

``kg extract`` runs the rules of ``rules/`` (data files) over a stored source text:

* :mod:`kg.extract.mentions`: mentions of known entities (the alias index of the built
  graph, prefixes and misspellings handled) and attacks described by place, date or label;
* :mod:`kg.extract.names`: quoted and capitalised names that are not known yet;
* :mod:`kg.extract.timex`: explicit, partial and relative dates as EDTF;
* :mod:`kg.extract.figures`: casualty figures with measure and qualifier;
* :mod:`kg.extract.cues`: relation cues (claims, splits, allegiance, designations...).

:mod:`kg.extract.draft` writes the candidates as a draft facts file and
:mod:`kg.extract.score` measures them against the curated facts.
"""
