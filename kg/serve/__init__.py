"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint and pages for people.

* :mod:`kg.serve.negotiate`: which results format a client asked for (``Accept``).
* :mod:`kg.serve.execute`: one query against the store, in a worker process.
* :mod:`kg.serve.pool`: the worker processes, and the deadline that kills a runaway query.
* :mod:`kg.serve.pages`: what an entity page shows, read from the built graph.
* :mod:`kg.serve.app`: the Starlette application that joins them.
"""
