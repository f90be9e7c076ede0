"""The "download my data" page: a subject access export as headings and readable rows.

The export walks the whole data map, so tables the events and payments domains add later turn
up here too: known tables get a plain heading, unknown ones a heading made from their name,
and any value (text, JSON inside text, dates, lists) is shown as words, never as a crash.
Headings, fixed words and dates are in the reader's language (a participant may read Welsh).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from litestar import Response

from app import i18n
from app.i18n import N_
from app.i18n import gettext as _
from app.web.pages import attachment
from participation.services import rights

LONDON = i18n.LONDON


@dataclass(frozen=True)
class Row:
    """One line of a summary list: a key, and a value or items (one per line)."""

    key: str
    value: str = ""
    items: tuple[str, ...] = ()
    language: i18n.Language | None = None
    """The value's own language when it differs from the page's (a language's own name)."""


def when(moment: datetime | str) -> str:
    """A moment as people read it, in London time and the reader's language: 3 March 2026 at
    2:15pm ('3 Mawrth 2026 am 2:15 yp')."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(i18n.LONDON)
    return _("%(day)s at %(time)s") % {
        "day": i18n.day(local.date()),
        "time": i18n.time_of_day(local),
    }


TABLE_HEADINGS: dict[str, str] = {
    "participant": N_("Your profile"),
    "account": N_("Your sign-in account"),
    "consent_event": N_("What you agreed to, and when"),
    "erasure_record": N_("Deletions"),
    "sign_in_token": N_("Sign-in codes and links"),
    "outbox_message": N_("Emails we are sending or have sent you"),
    "audit_event": N_("When your details were seen or changed"),
}
"""Headings for the tables known today, in the order shown; tables added later come before
the audit trail, under a heading made from their name."""
COLUMN_NAMES: dict[str, str] = {
    "email": N_("Email"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "date_of_birth": N_("Date of birth"),
    "lived_experience": N_("Lived experience"),
    "equality": N_("Equality"),
    "times_of_day": N_("Times of day"),
    "shorter_sessions": N_("Shorter sessions"),
    "paused_at": N_("Paused at"),
    "created_at": N_("Created at"),
    "updated_at": N_("Updated at"),
    "last_active_at": N_("Last active at"),
    "reminded_at": N_("Reminded at"),
    "display_name": N_("Display name"),
    "roles": N_("Roles"),
    "kind": N_("Kind"),
    "last_sign_in_at": N_("Last sign in at"),
    "at": N_("At"),
    "actor": N_("Actor"),
    "actor_role": N_("Actor role"),
    "action": N_("Action"),
    "field_group": N_("Field group"),
    "purpose": N_("Purpose"),
    "granted": N_("Granted"),
    "wording_version": N_("Wording version"),
    "channel": N_("Channel"),
    "recipient": N_("Recipient"),
    "message": N_("Message"),
    "status": N_("Status"),
    "sent_at": N_("Sent at"),
    "expires_at": N_("Expires at"),
    "used_at": N_("Used at"),
}
"""Names of common columns, as the readable fallback says them in English, so a participant
reading in another language gets them translated too; any other column stays as made."""
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FEW = 3
NOTHING = N_("Nothing recorded")


@dataclass(frozen=True)
class Words:
    """How to say a column's name (``names``) and its stored codes (``labels``, per column).

    A column not listed gets its own name, made readable; a code not listed stays as it is."""

    names: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def name(self, column: str) -> str:
        if column in self.names:
            return self.names[column]
        if column in COLUMN_NAMES:
            return _(COLUMN_NAMES[column])
        return column.replace("_", " ").strip().capitalize() or column

    def value(self, column: str, value: Any) -> str:
        """Any exported value as text: JSON inside text unpacked, codes labelled, dates in
        words (London time), an object as "Name: value" parts."""
        codes = self.labels.get(column, {})
        if isinstance(value, str) and codes and set(value.split(",")) <= set(codes):
            return ", ".join(codes[code] for code in value.split(","))  # "bsl,step_free"
        value = _unpacked(value) if isinstance(value, str) else value
        if value is None or value in ("", [], {}):
            return _(NOTHING)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, dict):
            parts = [_said(self.name(k), self.value(k, item)) for k, item in value.items() if item]
            return "; ".join(parts) or _(NOTHING)
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
        heading = _(TABLE_HEADINGS[name]) if name in TABLE_HEADINGS else words.name(name)
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
            return i18n.day(date.fromisoformat(text))
    except ValueError:
        pass
    return text


def json_download(export: dict[str, Any], filename: str) -> Response[bytes]:
    """The subject access file as an attachment."""
    return attachment(rights.download_json(export), "application/json", filename)
