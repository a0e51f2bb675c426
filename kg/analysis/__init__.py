"""Stage 4, questions over time: takes the store and gives out answers (affiliations with certain or
possible status, lineage, timelines, attacks, conflicts, name resolution) as plain Python records.
"""
