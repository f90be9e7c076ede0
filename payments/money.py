"""Money as people read and type it, and as finance systems take it. Always whole pence inside:
no floats anywhere, so 0.1 + 0.2 never becomes a payment nobody meant."""

from __future__ import annotations

import re

from app.errors import DomainError, FieldError
from app.i18n import N_
from app.i18n import gettext as _

MAX_PENCE = 10_000_000
"""£100,000: more than any one involvement payment; a bigger figure is a typing slip."""

TYPED = re.compile(r"^£?(\d{1,7})(?:\.(\d{2}))?$")


def pounds(pence: int) -> str:
    """For pages (GOV.UK style, no '.00'): 20350 -> '£203.50'; 7500 -> '£75'; 100000 -> '£1,000'."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}" + (f".{part:02d}" if part else "")


def decimal_pounds(pence: int) -> str:
    """For finance files (two decimals, no symbol or commas): 2505 -> '25.05', -5 -> '-0.05'."""
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def typed_pounds(pence: int) -> str:
    """What to put back in a form box: 7500 -> '75', 2050 -> '20.50'."""
    return pounds(pence).removeprefix("-").removeprefix("£").replace(",", "")


def parse_pounds(text: str, field: str, what: str = N_("an amount")) -> int:
    """'£12.50', '12.50', '1,250' or '12' -> pence, exactly. Anything else (12.5, 12.505, -3,
    1e3) is refused with a message naming ``what``, never rounded. ``what`` is translated
    into the reader's language when it was marked with ``N_``."""
    match = TYPED.match(text.strip().replace(",", ""))
    if match is None:
        message = _("Enter %(what)s in pounds and pence, like 25 or 25.50") % {"what": _(what)}
        raise DomainError(message, errors=[FieldError(field, message)])
    pence = int(match[1]) * 100 + int(match[2] or "0")
    if pence > MAX_PENCE:
        message = _("Enter %(what)s of £100,000 or less") % {"what": _(what)}
        raise DomainError(message, errors=[FieldError(field, message)])
    return pence
