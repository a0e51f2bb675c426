"""Curation assist: takes a stored source text, the rules in ``rules/`` and the store's names, and
gives out a draft of candidate facts (``facts/drafts/``), each with its quote, span and rule,
for a curator to review; ``kg extract-score`` measures it against the curated facts.
"""
