"""Benchmarks: each compares the service's code with a raw baseline measured in the same run.

Absolute numbers depend on the machine; the ratios are what the targets are about, so every
benchmark measures its own baseline rather than comparing against figures from another day.
Run them all with ``make bench`` (``python -m benchmarks``).
"""
