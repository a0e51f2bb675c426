"""Where the tool's own files are: the ontology, the shapes, the query library and the
extraction rules.

They are found through one function. An installed wheel carries them as package data
under ``kg/_data``; a checkout (the editable install) has them at the top level.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

KINDS = ("ontology", "shapes", "queries", "rules")


def resource_dir(kind: str) -> Path:
    """The folder holding one kind of resource.

    >>> resource_dir("ontology").joinpath("mkg.ttl").is_file()
    True
    """
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {KINDS}")
    packaged = Path(str(resources.files("kg"))) / "_data" / kind
    if packaged.is_dir():
        return packaged
    return Path(str(resources.files("kg"))).parent / kind
