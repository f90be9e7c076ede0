"""Small-number suppression for reach reports: no count from 1 to 4 is ever shown, and no
hidden count can be worked out from the numbers that are shown.

A count from 1 to 4 shows as "fewer than 5" (zero shows as 0). Each
equality table is a partition (every person is in exactly one row, including "prefer not to
say", "not answered" and "did not agree to equality monitoring"), so its column adds up to the
total shown, and one hidden cell could be worked out by subtraction. So, per column, we model
what a reader knows: a "fewer than 5" cell lies in 0-4, a "withheld" cell is 5 or more, a
selection is never more than the interest in its row, and the hidden cells add up to the total
minus the cells shown. While any hidden cell has only one possible value, we hide one more:
first a zero (shown as "fewer than 5", which is true), then the smallest number shown (as
"withheld"). A total under 5 is itself "fewer than 5", and then every cell in it is hidden too.
Lived experience is not a partition (a person may have several, or none), so its rows do not
add up to the total and need no second cell; the ladder has no total. Known limit: two reports
of overlapping sets (an opportunity and its piece of work, or the ladder) can be compared by
someone reading both; they are for coordinators, who already see the board itself.
"""

from __future__ import annotations

from dataclasses import dataclass

FEWER, WITHHELD = "fewer than 5", "withheld"
THRESHOLD = 5


@dataclass(frozen=True)
class Cell:
    """A count as shown: ``number`` is None when it is hidden, and only ``text`` says why."""

    number: int | None
    text: str


def shown(value: int) -> Cell:
    return Cell(value, str(value))


def _range(kind: str, total: int) -> tuple[int, int]:
    return (0, THRESHOLD - 1) if kind == FEWER else (THRESHOLD, total)


def _determined(
    values: list[int], kinds: list[str], total: int, low: list[int], high: list[int]
) -> bool:
    """True when some hidden cell has one possible value, given the total and the bounds."""
    hidden = [i for i, kind in enumerate(kinds) if kind]
    rest = total - sum(val for val, kind in zip(values, kinds, strict=True) if not kind)
    bounds = {}
    for i in hidden:
        lo, hi = _range(kinds[i], total)
        bounds[i] = (max(lo, low[i]), min(hi, high[i]))
    for i in hidden:
        others_lo = sum(b[0] for j, b in bounds.items() if j != i)
        others_hi = sum(b[1] for j, b in bounds.items() if j != i)
        lo, hi = max(bounds[i][0], rest - others_hi), min(bounds[i][1], rest - others_lo)
        if hi <= lo:
            return True
    return False


def _protect(
    values: list[int],
    total: int | None,
    kinds: list[str],
    low: list[int] | None = None,
    high: list[int] | None = None,
) -> list[str]:
    """Hide 1-4; for a partition (``total`` given and shown), hide more until no hidden cell
    can be worked out. Returns each cell's kind ("" shown, FEWER or WITHHELD), then the
    total's: withheld only when every number is hidden and they still add up (all 4s)."""
    kinds = [
        kind or (FEWER if 0 < val < THRESHOLD else "")
        for val, kind in zip(values, kinds, strict=True)
    ]
    if total is None or 0 < total < THRESHOLD:
        return [*kinds, FEWER if total and total < THRESHOLD else ""]
    low, high = low or [0] * len(values), high or [total] * len(values)
    while any(kinds) and _determined(values, kinds, total, low, high):
        candidates = [(val > 0, val, i) for i, val in enumerate(values) if not kinds[i]]
        candidates = [c for c in candidates if c[1] > 0 or high[c[2]] > 0]
        if not candidates:
            return [*kinds, WITHHELD]  # every cell is hidden and still adds up: hide the total
        _, val, i = min(candidates)
        kinds[i] = FEWER if val == 0 else WITHHELD
    return [*kinds, ""]


def cell(value: int, kind: str) -> Cell:
    return shown(value) if not kind else Cell(None, kind)


def total_cell(value: int) -> Cell:
    return Cell(None, FEWER) if 0 < value < THRESHOLD else shown(value)


def _upper(cell_kind: str, value: int, total: int) -> int:
    """What a reader knows as the most a hidden or shown interest cell can be."""
    return value if not cell_kind else _range(cell_kind, total)[1]


def _lower(cell_kind: str, value: int) -> int:
    return value if not cell_kind else _range(cell_kind, 0)[0]


def protect_pair(
    interest: list[int], selected: list[int], partition: bool
) -> tuple[list[str], list[str]]:
    """Both columns, each bounding the other (selected <= interest), until neither changes.
    Each list ends with the kind of the column's total."""
    totals = (sum(interest), sum(selected)) if partition else (None, None)
    kinds_i = _protect(interest, totals[0], [""] * len(interest))
    kinds_s = [""] * (len(selected) + 1)
    while True:
        top = totals[0] or 0
        high = [_upper(k, val, top) for k, val in zip(kinds_i, interest, strict=False)]
        kinds_s = _protect(selected, totals[1], kinds_s[:-1], high=high)
        low = [_lower(k, val) for k, val in zip(kinds_s, selected, strict=False)]
        again = _protect(interest, totals[0], kinds_i[:-1], low=low)
        if again == kinds_i:
            return kinds_i, kinds_s
        kinds_i = again
