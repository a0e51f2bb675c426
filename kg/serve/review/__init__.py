"""The review workspace (``kg review``): drafted candidates checked and accepted into the facts
files from the browser, on loopback only, each change checked as ``kg build`` checks it.
"""
