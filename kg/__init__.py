"""A temporal, source-grounded knowledge graph of militant organizations and attacks.

The library never imports click: `cli/` is a thin layer over it.
"""

__version__ = "0.1.0"
