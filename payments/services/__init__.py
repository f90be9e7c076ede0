"""Use cases of the payments domain: typed async functions, one use case = one transaction.

``policy``: remuneration policy versions and what they pay. ``thresholds``, ``benefits`` and
``choices``: benefit facts, what a person declares, and their informed payment choice.
``idempotency``, ``ledger`` and ``batches``: the append-only ledger and finance export batches;
``export``: the batch files. Other domains call these modules, never this domain's tables.
"""
