"""Piccolo tables of the payments domain: the remuneration policy, benefit-aware payment choices,
the ledger and finance exports.

Declarations only.
"""
