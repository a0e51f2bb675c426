"""Imports: takes a Global Terrorism Database CSV (or a file shaped like it) and the store's names,
and gives out a validated dataset in ``imports/`` (the file, its N-Triples, an import record).
"""
