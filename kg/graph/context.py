"""The published JSON-LD context and the document loader that never fetches.

Shared by reading RDF (``kg validate`` of JSON-LD) and by the JSON-LD exports: contexts
ship with the files, so no remote document is ever loaded.
"""

from __future__ import annotations

import json
from typing import Any

from pyld import jsonld

from kg.resources import resource_dir


def no_remote_documents(url: str, options: dict[str, Any] | None = None) -> Any:
    """A JSON-LD document loader that refuses every fetch: contexts ship with the files."""
    raise jsonld.JsonLdError(f"refusing to load remote document {url}", "loading document failed")


def context() -> dict[str, Any]:
    """The published JSON-LD context (``ontology/context.jsonld``)."""
    data: dict[str, Any] = json.loads((resource_dir("ontology") / "context.jsonld").read_text("utf-8"))
    return data
