"""Stage 3, the store: takes the built graph (and the imports) and gives out an Oxigraph store on
disk, with safe, parameter-bound SPARQL over it, locally or on a remote endpoint.
"""
