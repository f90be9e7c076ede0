"""What the coordinators' opportunity pages and review board read and show.

The opportunity form is flat HTML (GOV.UK date inputs in three boxes, a closing time, five
question slots that work without JavaScript); ``read_opportunity`` maps it onto
``OpportunityForm`` and checks every part at once, so the error summary lists every problem,
each linked to the input to fix (a question's problem to that question's slot).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from litestar.datastructures import FormMultiDict

from app.errors import FieldError
from app.web.forms import FormInvalid, parse_form
from participation import vocabulary as v
from participation.pages.profile_views import Values
from participation.schemas.recruitment import OpportunityForm, Question

LONDON = ZoneInfo("Europe/London")
SLOTS = 5
DATE_PARTS = ("day", "month", "year")
DATES = ("starts_on", "ends_on", "closes_at")
TEXTS: tuple[str, ...] = ("title", "description", "easy_read", "activity", "rung_planned")
TEXTS += ("stage", "time_commitment", "payment_offer", "access_offer", "places", "closes_at-time")
LISTS = ("lived_experience_sought", "formats", "group_sizes")
YES_NO = {"yes": "Yes", "no": "No"}
LADDER_BOTTOM_FIRST = dict(v.LADDER)
LADDER_HINT = (
    "The ladder of co-production runs from coercion at the bottom, where people have no say, "
    "through informing and consultation, to co-design and co-production at the top, where "
    "people share power over decisions. Choose the rung you plan to reach."
)
STAGE_CHOICES = {str(n): f"{n}. {label}" for n, label in v.STAGES.items()}
FIELD_IDS = {
    **{name: f"{name}-day" for name in DATES},
    "closes_at-time": "closes_at-time",
    "blind_review": "blind_review",
}
BANNERS = {
    "created": "The opportunity has been saved as a draft",
    "saved": "Your changes have been saved",
    "publish": "The opportunity is open: people can see it and express interest",
    "close": "The opportunity is closed: it no longer takes expressions of interest",
    "reopen": "The opportunity is open again",
    "archive": "The opportunity has been archived",
    "moved": "The people you chose have been moved",
    "told": "Marked as told",
    "note": "The note has been saved",
    "added": "Their interest has been recorded",
}
"""Success messages by the ``saved`` query value (a fixed word, never anything personal)."""


def posted_values(posted: FormMultiDict) -> Values:
    """Everything the opportunity form sends, by input name, to check and to show again."""
    values: Values = {name: str(posted.get(name, "")) for name in TEXTS}
    values |= {name: [x for x in posted.getall(name, []) if x] for name in LISTS}
    values |= {f"{d}-{p}": str(posted.get(f"{d}-{p}", "")) for d in DATES for p in DATE_PARTS}
    values["blind_review"] = str(posted.get("blind_review", ""))
    for n in range(1, SLOTS + 1):
        for part in ("kind", "prompt", "choices", "required"):
            values[f"q{n}-{part}"] = str(posted.get(f"q{n}-{part}", ""))
    return values


def read_opportunity(values: Values) -> tuple[OpportunityForm, bool]:
    """The checked form and whether the board is blind; ``FormInvalid`` lists every problem."""
    errors: list[FieldError] = []
    questions: list[Question] = []
    for n in range(1, SLOTS + 1):
        try:
            question = _question(values, n)
        except FormInvalid as invalid:
            errors += [_in_slot(n, e) for e in invalid.errors]
            continue
        if question is not None:
            questions.append(question)
    data: dict[str, Any] = {k: values[k] for k in (*TEXTS[:-1], *LISTS) if values.get(k) != ""}
    data |= {name: _typed_date(values, name) for name in ("starts_on", "ends_on")}
    data["closes_at"] = _closing(values)
    data["questions"] = questions
    form: OpportunityForm | None = None
    try:
        form = parse_form(OpportunityForm, data)
    except FormInvalid as invalid:
        errors = _in_form_order(invalid.errors + _date_problems(data, invalid.errors)) + errors
    blind = values.get("blind_review")
    if blind not in YES_NO:
        errors.append(FieldError("blind_review", "Select whether to hide applicants' names"))
    if errors or form is None:
        raise FormInvalid(errors, values)
    return form, blind == "yes"


def _date_problems(data: dict[str, Any], found: list[FieldError]) -> list[FieldError]:
    """The schema checks dates only once every field is valid; list them with the rest."""
    named = {error.field for error in found}
    closes, starts, ends = data["closes_at"], data["starts_on"], data["ends_on"]
    problems = []
    if "closes_at" not in named and isinstance(closes, datetime) and closes <= datetime.now(UTC):
        problems.append(FieldError("closes_at", OpportunityForm.messages["closes_at"]))
    first, last = _iso(starts or ""), _iso(ends or "")
    if "ends_on" not in named and first and last and last < first:
        problems.append(FieldError("ends_on", OpportunityForm.messages["ends_on"]))
    return problems


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _in_form_order(errors: list[FieldError]) -> list[FieldError]:
    order = list(OpportunityForm.model_fields)
    return sorted(errors, key=lambda e: order.index(e.field) if e.field in order else len(order))


def _question(values: Values, n: int) -> Question | None:
    """One slot; an empty slot (no wording, no choices) is not a question."""
    prompt, choices = values[f"q{n}-prompt"].strip(), values[f"q{n}-choices"]
    if not prompt and not choices.strip():
        return None
    data = {
        "kind": values[f"q{n}-kind"],
        "prompt": prompt,
        "choices": [line.strip() for line in choices.splitlines() if line.strip()],
        "required": values[f"q{n}-required"] == "yes",
    }
    return parse_form(Question, data)


def _in_slot(n: int, error: FieldError) -> FieldError:
    return FieldError(f"q{n}-{error.field}", f"Question {n}: {error.message}")


def _typed_date(values: Values, name: str) -> str | None:
    """None when all three boxes are empty; otherwise what pydantic checks as a date."""
    day, month, year = (str(values.get(f"{name}-{p}", "")).strip() for p in DATE_PARTS)
    if not (day or month or year):
        return None
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return f"{year}-{month}-{day}"


def _closing(values: Values) -> datetime | str:
    """The closing moment in UK time (what a coordinator means by "5pm")."""
    typed = _typed_date(values, "closes_at")
    clock = str(values.get("closes_at-time", "")).strip().replace(".", ":")
    try:
        day = date.fromisoformat(typed or "")
        hour, minute = (int(x) for x in clock.split(":"))
        return datetime.combine(day, time(hour, minute), tzinfo=LONDON)
    except ValueError:
        return "not a date"


def form_values(row: dict[str, Any]) -> Values:
    """A stored opportunity as the form's inputs (to edit it)."""
    values: Values = {k: "" if row.get(k) is None else str(row[k]) for k in TEXTS[:-1]}
    values |= {name: list(row[name]) for name in LISTS}
    for name in ("starts_on", "ends_on"):
        values |= _date_parts(name, row[name])
    closes = row["closes_at"].astimezone(LONDON)
    values |= _date_parts("closes_at", closes.date())
    values["closes_at-time"] = closes.strftime("%H:%M")
    values["blind_review"] = "yes" if row["blind_review"] else "no"
    for n in range(1, SLOTS + 1):
        question = row["questions"][n - 1] if n <= len(row["questions"]) else None
        values |= _slot_values(n, question)
    return values


def blank_values() -> Values:
    """A new opportunity: 5pm closing, names shown, every slot a written answer."""
    values: Values = {name: [] for name in LISTS}
    values |= {"closes_at-time": "17:00", "blind_review": "no", "places": "1"}
    for n in range(1, SLOTS + 1):
        values |= _slot_values(n, None)
    return values


def _date_parts(name: str, day: date | None) -> Values:
    parts = (day.day, day.month, day.year) if day else ("", "", "")
    return {f"{name}-{p}": str(x) for p, x in zip(DATE_PARTS, parts, strict=True)}


def _slot_values(n: int, question: dict[str, Any] | None) -> Values:
    if question is None:
        return {f"q{n}-kind": "text", f"q{n}-prompt": "", f"q{n}-choices": "", f"q{n}-required": ""}
    return {
        f"q{n}-kind": question["kind"],
        f"q{n}-prompt": question["prompt"],
        f"q{n}-choices": "\n".join(question["choices"]),
        f"q{n}-required": "yes" if question["required"] else "",
    }


def renamed(errors: list[FieldError]) -> list[FieldError]:
    """The lived-experience check names the profile's field; on this form it is another."""
    rename = {"lived_experience": "lived_experience_sought"}
    return [FieldError(rename.get(e.field, e.field), e.message) for e in errors]


def summary_rows(row: dict[str, Any], lived: dict[str, str]) -> list[tuple[str, str]]:
    """The opportunity as staff read it: labels, never codes."""
    closes = row["closes_at"].astimezone(LONDON)
    dates = " to ".join(d.strftime("%-d %B %Y") for d in (row["starts_on"], row["ends_on"]) if d)
    return [
        ("Status", v.OPPORTUNITY_STATUSES[row["status"]]),
        ("Description", row["description"]),
        ("Easy Read version", row["easy_read"] or "None"),
        ("Commissioning stage", STAGE_CHOICES.get(str(row["stage"]), "")),
        ("What people will do", v.ACTIVITIES.get(row["activity"], "")),
        ("Rung of the ladder planned", v.LADDER.get(row["rung_planned"], "")),
        ("Rung of the ladder reached", v.LADDER.get(row["rung_achieved"], "Not recorded yet")),
        ("Lived experience sought", _listed(v.labels(lived, row["lived_experience_sought"]))),
        (
            "How",
            _listed(
                v.labels(v.FORMATS, row["formats"]) + v.labels(v.GROUP_SIZES, row["group_sizes"])
            ),
        ),
        ("Dates", dates or "Not set"),
        ("Time it takes", row["time_commitment"] or "Not set"),
        ("What is paid", row["payment_offer"] or "Not set"),
        ("Access help offered", row["access_offer"] or "Not set"),
        ("Closes", closes.strftime("%-d %B %Y at %H:%M")),
        ("Places", str(row["places"])),
        ("Blind review", "Yes: names are hidden on the board" if row["blind_review"] else "No"),
    ]


def _listed(labels: list[str]) -> str:
    return ", ".join(labels) or "Any"
