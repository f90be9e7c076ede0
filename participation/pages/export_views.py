"""The "download my data" page: a subject access export as headings and readable rows.

The export walks the whole data map, so tables the events and payments domains add later turn
up here too: known tables get a plain heading, unknown ones a heading made from their name,
and any value (text, JSON inside text, dates, lists) is shown as words, never as a crash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Response

from app.web.pages import attachment
from participation.services import rights

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Row:
    """One line of a summary list: a key, and a value or items (one per line)."""

    key: str
    value: str = ""
    items: tuple[str, ...] = ()


def when(moment: datetime | str) -> str:
    """A moment as people in the UK read it: 3 March 2026 at 2:15pm (London time)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(LONDON)
    hour, minutes, half = local.strftime("%I"), local.strftime("%M"), local.strftime("%p")
    return f"{local.day} {local:%B %Y} at {hour.lstrip('0')}:{minutes}{half.lower()}"


TABLE_HEADINGS: dict[str, str] = {
    "participant": "Your profile",
    "account": "Your sign-in account",
    "consent_event": "What you agreed to, and when",
    "erasure_record": "Deletions",
    "sign_in_token": "Sign-in codes and links",
    "outbox_message": "Emails we are sending or have sent you",
    "audit_event": "When your details were seen or changed",
}
"""Headings for the tables known today, in the order shown; tables added later come before
the audit trail, under a heading made from their name."""
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FEW = 3
NOTHING = "Nothing recorded"


@dataclass(frozen=True)
class Words:
    """How to say a column's name (``names``) and its stored codes (``labels``, per column).

    A column not listed gets its own name, made readable; a code not listed stays as it is."""

    names: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def name(self, column: str) -> str:
        return self.names.get(column) or column.replace("_", " ").strip().capitalize() or column

    def value(self, column: str, value: Any) -> str:
        """Any exported value as text: JSON inside text unpacked, codes labelled, dates in
        words (London time), an object as "Name: value" parts."""
        codes = self.labels.get(column, {})
        if isinstance(value, str) and codes and set(value.split(",")) <= set(codes):
            return ", ".join(codes[code] for code in value.split(","))  # "bsl,step_free"
        value = _unpacked(value) if isinstance(value, str) else value
        if value is None or value in ("", [], {}):
            return NOTHING
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, dict):
            parts = [_said(self.name(k), self.value(k, item)) for k, item in value.items() if item]
            return "; ".join(parts) or NOTHING
        if isinstance(value, list):
            return ", ".join(self.value(column, item) for item in value)
        return str(value)


@dataclass(frozen=True)
class Group:
    """One table of the export. A few records are a card each; many (the audit trail grows
    with every visit) are one row each in a single list that starts folded away."""

    heading: str
    records: list[list[Row]]
    folded: bool = False


def downloaded(
    tables: dict[str, list[dict[str, Any]]], subject: str = "", words: Words | None = None
) -> list[Group]:
    """The subject access export as headed groups; any table, known or not. The person's own
    id, repeated on every row, is left out: it tells them nothing."""
    words = words or Words()
    order = [name for name in TABLE_HEADINGS if name != "audit_event"]
    ranked = sorted(tables, key=lambda name: order.index(name) if name in order else len(order))
    ranked.sort(key=lambda name: name == "audit_event")
    groups = []
    for name in ranked:
        records = [
            {k: val for k, val in r.items() if not subject or val != subject} for r in tables[name]
        ]
        heading = TABLE_HEADINGS.get(name, words.name(name))
        if len(records) <= FEW:
            cards = [
                [Row(words.name(k), words.value(k, val)) for k, val in r.items()] for r in records
            ]
            groups.append(Group(heading, cards))
        else:
            lines = [_one_line(words, number, r) for number, r in enumerate(records, 1)]
            groups.append(Group(heading, [lines], folded=True))
    return groups


def _one_line(words: Words, number: int, record: dict[str, Any]) -> Row:
    """A record as one summary row: its first moment (or its number) and its other fields."""
    moment = next((k for k, val in record.items() if _is_moment(val)), "")
    items = tuple(
        f"{words.name(k)}: {words.value(k, val)}" for k, val in record.items() if k != moment
    )
    return Row(when(record[moment]) if moment else str(number), items=items)


def _said(name: str, value: str) -> str:
    """ "Your age: 25 to 34", or "Do you consider yourself disabled? No"."""
    return f"{name} {value}" if name.endswith("?") else f"{name}: {value}"


def _is_moment(value: Any) -> bool:
    return isinstance(value, str) and bool(ISO_MOMENT.match(value))


def _unpacked(text: str) -> Any:
    """JSON kept inside a text field (a list, an object) as values; dates as words."""
    try:
        if text[:1] in ("[", "{"):
            return json.loads(text)
        if _is_moment(text):
            return when(text)
        if ISO_DAY.match(text):
            day = date.fromisoformat(text)
            return f"{day.day} {day:%B %Y}"
    except ValueError:
        pass
    return text


def json_download(export: dict[str, Any], filename: str) -> Response[bytes]:
    """The subject access file as an attachment."""
    return attachment(rights.download_json(export), "application/json", filename)
