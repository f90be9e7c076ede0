"""Use cases of the events domain: typed async functions, one use case = one transaction.

Other domains call this module, never this domain's tables.
"""
