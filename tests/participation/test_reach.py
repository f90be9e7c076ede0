"""Reach: exact counts, consent respected, small numbers never shown nor recoverable, CSV safe,
and the pages audited and open to coordinators only."""

from __future__ import annotations

import csv
import io
from uuid import UUID, uuid4

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from litestar import Litestar

from app.datamap import Role
from app.sealed import Sealer
from app.tables import AuditEvent
from participation import schemas
from participation import vocabulary as v
from participation.services import profiles, reach, suppression
from participation.tables import Expression, ReachTarget
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import published
from tests.support.auth import form_token, make_account, sign_in

EXPERIENCES = dict(list(v.LIVED_EXPERIENCE_DEFAULTS.items())[:3])
AGES = [*v.EQUALITY_QUESTIONS["age"][1], v.PREFER_NOT_TO_SAY, ""]
STATUSES = ["received", "selected", "not_selected", "withdrawn"]

person = st.tuples(
    st.lists(st.sampled_from(list(EXPERIENCES)), max_size=2, unique=True),
    st.none() | st.sampled_from(AGES),  # None: no equality monitoring consent
    st.sampled_from(STATUSES),
)


def _build(people: list[tuple[list[str], str | None, str]]) -> list[reach.Table]:
    known, eois = {}, []
    for experiences, age, status in people:
        subject = uuid4()
        equality = None if age is None else {"age": age}
        known[subject] = reach._Person(experiences, equality)
        eois.append((subject, status))
    return reach._tables(known, eois, EXPERIENCES, {})


def _numbers(cells: list[suppression.Cell]) -> list[int]:
    return [c.number for c in cells if c.number is not None]


def _possible(kinds: list[str], known: list[int | None], total: int, caps: list[int]) -> list[int]:
    """How many values each hidden cell could take, given the total (a reader's view)."""
    bounds = {
        i: (0, min(4, caps[i])) if k == suppression.FEWER else (5, min(total, caps[i]))
        for i, k in enumerate(kinds)
        if k
    }
    rest = total - sum(n for n in known if n is not None)
    widths = []
    for i, (lo, hi) in bounds.items():
        lo_o = sum(b[0] for j, b in bounds.items() if j != i)
        hi_o = sum(b[1] for j, b in bounds.items() if j != i)
        widths.append(min(hi, rest - lo_o) - max(lo, rest - hi_o) + 1)
    return widths


@settings(max_examples=300, deadline=None)
@given(st.lists(person, max_size=40))
def test_no_small_number_is_shown_or_recoverable(
    people: list[tuple[list[str], str | None, str]],
) -> None:
    tables = _build(people)
    rows = reach.report_rows(
        reach.Report("Work", suppression.shown(0), suppression.shown(0), tables)
    )
    cells = [
        c
        for t in tables
        for c in [
            t.interest,
            t.selected,
            *(x for ln in t.lines for x in (ln.interest, ln.selected)),
        ]
    ]
    assert not [n for n in _numbers(cells) if 0 < n < 5]
    assert not [cell for row in rows for cell in row[2:4] if cell.isdigit() and 0 < int(cell) < 5]
    for table in tables[1:]:  # equality tables are partitions: check subtraction
        for column, total in (("interest", table.interest), ("selected", table.selected)):
            if total.number is None:
                continue
            line_cells = [getattr(ln, column) for ln in table.lines]
            caps = [
                ln.interest.number if ln.interest.number is not None else 10_000
                for ln in table.lines
            ]
            caps = caps if column == "selected" else [10_000] * len(caps)
            kinds = [c.text if c.number is None else "" for c in line_cells]
            widths = _possible(kinds, [c.number for c in line_cells], total.number, caps)
            assert all(w >= 2 for w in widths), (table.key, column, kinds, widths)


def test_exact_counts_on_a_hand_made_set() -> None:
    people = (
        [(["homelessness"], "25_34", "selected")] * 6
        + [(["homelessness", "domestic_abuse"], "25_34", "received")] * 5
        + [([], None, "received")] * 7
        + [(["domestic_abuse"], "50_64", "selected")] * 2
    )
    tables = {t.key: t for t in _build(people)}

    lived = {
        ln.code: (ln.interest.text, ln.selected.text) for ln in tables["lived_experience"].lines
    }
    age = {ln.code: (ln.interest.text, ln.selected.text) for ln in tables["age"].lines}

    assert lived["homelessness"] == ("11", "6")
    assert lived["domestic_abuse"] == ("7", "fewer than 5")
    assert lived["none"] == ("7", "0")
    assert (tables["age"].interest.text, tables["age"].selected.text) == ("20", "8")
    assert age["25_34"] == ("11", "6")
    assert age[reach.NO_CONSENT] == ("7", "0")
    assert age["50_64"][0] == "fewer than 5"
    # a lone 2 in a column adding up to 20 would be 20 - 11 - 7: so something else is hidden
    assert sum(text != "0" and not text.isdigit() for text, _ in age.values()) >= 2


def test_people_without_equality_consent_are_only_in_their_own_row() -> None:
    people = [([], None, "selected")] * 9
    age = {ln.code: ln.interest.text for ln in _build(people)[1].lines}

    assert age[reach.NO_CONSENT] == "9"
    assert {code: n for code, n in age.items() if code != reach.NO_CONSENT} == dict.fromkeys(
        [c for c in age if c != reach.NO_CONSENT], "0"
    )


def test_csv_cells_cannot_run_as_formulas() -> None:
    rows = [["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "plain", "a=b"]]
    text = reach.csv_bytes(rows).decode("utf-8-sig")

    read = list(csv.reader(io.StringIO(text)))
    assert read[0] == list(reach.CSV_COLUMNS)
    assert read[1] == ["'=SUM(A1)", "'+1", "'-2", "'@cmd", "'\tx", "'\rx", "plain", "a=b"]


async def _person(sealer: Sealer, name: str, lived: list[str], age: str | None) -> UUID:
    consents = ("register", "contact") + (("equality_monitoring",) if age is not None else ())
    subject = await add_person(sealer, name, email=f"{name}@example.org", consents=consents)
    await profiles.update(
        sealer, subject, schemas.LivedExperience(lived_experience=lived), COORDINATOR
    )
    await profiles.update(sealer, subject, schemas.Equality(age=age or "25_34"), COORDINATOR)
    return subject


async def _interest(opportunity: UUID, subject: UUID, status: str) -> None:
    await Expression.insert(
        Expression(
            id=uuid4(),
            opportunity=opportunity,
            subject=subject,
            once=f"{opportunity}:{subject}",
            status=status,
        )
    )


async def test_the_report_decrypts_and_counts_real_profiles(sealer: Sealer) -> None:
    opportunity = await published()
    for n in range(6):
        subject = await _person(sealer, f"p{n}", ["homelessness"], "25_34" if n < 5 else None)
        await _interest(opportunity, subject, "selected" if n < 5 else "received")
    await ReachTarget.insert(ReachTarget(id=uuid4(), dimension="age:25_34", percent=90))

    found = await reach.for_opportunity(sealer, opportunity, COORDINATOR)

    tables = {t.key: t for t in found.tables}
    lived = {ln.code: ln for ln in tables["lived_experience"].lines}
    age = {ln.code: ln for ln in tables["age"].lines}
    assert (found.interest.text, found.selected.text) == ("6", "5")
    assert (lived["homelessness"].interest.text, lived["homelessness"].selected.text) == ("6", "5")
    assert (age["25_34"].interest.text, age["25_34"].selected.text) == ("5", "5")
    assert (age["25_34"].share, age["25_34"].target, age["25_34"].below_target) == (
        "100%",
        90,
        False,
    )
    assert age[reach.NO_CONSENT].interest.text == "fewer than 5"
    events = await AuditEvent.select().where(
        (AuditEvent.purpose == "reach report") & (AuditEvent.actor == COORDINATOR.id)
    )
    assert [(e["action"], e["field_group"], e["subject"]) for e in events] == [
        ("view", "equality", None)
    ]


async def test_pages_and_csv_for_coordinators_only(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity = await published(title="=HYPERLINK(1)")
    subject = await _person(sealer, "ada", ["homelessness"], "25_34")
    await _interest(opportunity, subject, "selected")
    organiser = await make_account(running_app, "staff", (Role.organiser,))
    await sign_in(running_app, client, organiser)
    refused = await client.get(f"/reach/opportunities/{opportunity}")
    coordinator = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, coordinator)

    shown = await client.get(f"/reach/opportunities/{opportunity}")
    download = await client.get(f"/reach/opportunities/{opportunity}.csv")
    overview = await client.get("/reach")
    unknown = await client.get("/reach/opportunities/not-a-report.csv")

    assert refused.status_code == 403
    assert shown.status_code == 200
    assert "fewer than 5" in shown.text.lower()
    assert "Chart of lived experience" in shown.text  # no bar: every count here is hidden
    assert "<meter" not in shown.text
    assert download.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert lines[0] == list(reach.CSV_COLUMNS)
    assert ["Lived experience", "Homelessness", "fewer than 5", "fewer than 5", "", ""] in lines
    assert overview.status_code == 200
    assert "Co-production" in overview.text
    assert unknown.status_code == 404
    actions = [
        e["action"]
        for e in await AuditEvent.select().where(
            (AuditEvent.purpose == "reach report") & (AuditEvent.actor == str(coordinator))
        )
    ]
    assert sorted(actions) == ["export", "view", "view"]


async def test_admins_set_targets_and_bad_ones_name_the_field(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    admin = await make_account(running_app, "staff", (Role.admin,))
    await sign_in(running_app, client, admin, fresh=True)
    page = await client.get("/reach/targets")
    token = form_token(page.text)

    bad = await client.post(
        "/reach/targets", data={"_csrf_token": token, "ethnicity--black": "150"}
    )
    good = await client.post(
        "/reach/targets",
        data={"_csrf_token": token, "lived_experience--homelessness": "30", "age--18_24": ""},
    )

    assert bad.status_code == 400
    assert "Enter a whole number from 0 to 100 for Your ethnic group" in bad.text
    assert good.status_code == 303
    assert await reach.current_targets() == {"lived_experience:homelessness": 30}
