"""Use cases of the participation domain: typed async functions, one use case = one transaction.

Other domains call this package, never this domain's tables.
"""
