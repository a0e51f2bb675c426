"""The server's default limits, in a module that imports nothing: the CLI shows them in its help."""

MAX_QUERY_BYTES = 1_000_000
"""The default cap on a ``/sparql`` request body (``kg serve --max-query-bytes``), as on a form field."""
