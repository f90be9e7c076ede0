"""Reach: who came forward and who took part, by lived experience and equality answers, against
the council's targets, and how far up the ladder of co-production the work got.

Counts come from expressions of interest (EOIs, every one made, withdrawn included: reach is
who came forward) and selections (status "selected"). Lived experience and equality answers
are sealed under each person's key: one query reads everyone's sealed columns with their data
keys joined, so each person is decrypted once however many EOIs they made. Equality answers
count only for people who agreed to equality monitoring; the others form their own row.

Small numbers are suppressed before anything is shown: see ``participation.services.suppression``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from app import audit
from app.crypto import DecryptionFailed, KeyDestroyed
from app.db import transaction
from app.errors import NotFound
from app.sealed import KEY_COLUMNS, Sealer, key_join
from participation import vocabulary as v
from participation.services import lived_experience
from participation.services.suppression import (
    WITHHELD,
    Cell,
    cell,
    protect_pair,
    total_cell,
)
from participation.tables import CommissioningWork, Opportunity, Participant, ReachTarget

NO_CONSENT, NOT_ANSWERED, NO_EXPERIENCE = "no_consent", "not_answered", "none"
EQUALITY_EXTRA = {
    v.PREFER_NOT_TO_SAY: "Prefer not to say",
    NOT_ANSWERED: "Did not answer",
    NO_CONSENT: "Did not agree to equality monitoring",
}
HIGH_RUNGS = ("co_design", "co_production")
CSV_COLUMNS = ("Table", "Group", "Expressed interest", "Selected", "Share of selected", "Target")


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    interest: Cell
    selected: Cell
    share: str = ""
    target: int | None = None
    below_target: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    lines: list[Line]
    interest: Cell
    selected: Cell

    @property
    def scale(self) -> int:
        """The largest number shown: the full width of the chart's bars."""
        shown = [c.number or 0 for ln in self.lines for c in (ln.interest, ln.selected)]
        return max([1, *shown])


@dataclass(frozen=True)
class Report:
    title: str
    interest: Cell
    selected: Cell
    tables: list[Table]
    opportunities: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Rung:
    code: str
    label: str
    planned: int
    achieved: int
    interest: Cell
    selected: Cell
    high: bool


@dataclass(frozen=True)
class Ladder:
    rungs: list[Rung]
    archived: int
    high: int


# --- building tables ----------------------------------------------------------------------------


@dataclass
class _Person:
    experiences: list[str]
    equality: dict[str, str] | None  # None: no equality monitoring consent


def _table(
    key: str,
    title: str,
    groups: dict[str, str],
    *,
    counted: tuple[Counter[str], Counter[str]],
    totals: tuple[int, int],
    targets: dict[str, int],
    partition: bool,
) -> Table:
    interest = [counted[0][code] for code in groups]
    selected = [counted[1][code] for code in groups]
    kinds_i, kinds_s = protect_pair(interest, selected, partition)
    total_i = Cell(None, WITHHELD) if kinds_i[-1] == WITHHELD else total_cell(totals[0])
    total_s = Cell(None, WITHHELD) if kinds_s[-1] == WITHHELD else total_cell(totals[1])
    lines = []
    for n, (code, label) in enumerate(groups.items()):
        sel = cell(selected[n], kinds_s[n])
        share = None
        if sel.number is not None and total_s.number:
            share = round(100 * sel.number / total_s.number)
        target = targets.get(f"{key}:{code}")
        lines.append(
            Line(
                code,
                label,
                cell(interest[n], kinds_i[n]),
                sel,
                "" if share is None else f"{share}%",
                target,
                target is not None and share is not None and share < target,
            )
        )
    return Table(key, title, lines, total_i, total_s)


def _tables(
    people: dict[UUID, _Person],
    eois: list[tuple[UUID, str]],
    experiences: dict[str, str],
    targets: dict[str, int],
) -> list[Table]:
    """The lived-experience table, then one table per equality question."""
    totals = (len(eois), sum(status == "selected" for _, status in eois))
    nobody = _Person([], None)
    lived: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    for subject, status in eois:
        for code in people.get(subject, nobody).experiences or [NO_EXPERIENCE]:
            lived[0][code] += 1
            lived[1][code] += status == "selected"
    groups = {**experiences, NO_EXPERIENCE: "None recorded"}
    tables = [
        _table(
            "lived_experience",
            "Lived experience",
            groups,
            counted=lived,
            totals=totals,
            targets=targets,
            partition=False,
        )
    ]
    for question, (title, choices) in v.EQUALITY_QUESTIONS.items():
        counted: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
        for subject, status in eois:
            answers = people.get(subject, nobody).equality
            answer = NO_CONSENT if answers is None else answers.get(question) or NOT_ANSWERED
            counted[0][answer] += 1
            counted[1][answer] += status == "selected"
        groups = {**choices, **EQUALITY_EXTRA}
        tables.append(
            _table(
                question,
                title,
                groups,
                counted=counted,
                totals=totals,
                targets=targets,
                partition=True,
            )
        )
    return tables


# --- reading ------------------------------------------------------------------------------------


async def _people(sealer: Sealer, where: str, params: list[Any]) -> dict[UUID, _Person]:
    """Everyone with an EOI in scope: sealed columns and data keys in one query."""
    # ``where`` is this module's own SQL over ``expression e``; values are parameters
    sql = (
        f"SELECT p.id, p.consents, p.lived_experience, p.equality, {KEY_COLUMNS} "  # noqa: S608
        f"FROM participant p {key_join('p.id')} "
        f"WHERE p.id IN (SELECT e.subject FROM expression e WHERE {where})"
    )
    rows = sealer.prime_from(await Participant.raw(sql, *params), "id")
    people = {}
    for row in rows:
        consented = "equality_monitoring" in row["consents"].split(",")
        columns = ("lived_experience", "equality") if consented else ("lived_experience",)
        try:
            opened = await sealer.open(Participant, row, columns)
        except (KeyDestroyed, DecryptionFailed):
            continue  # erased: counted, but with nothing known about them
        lived, answers = opened["lived_experience"], opened.get("equality")
        people[_uuid(row["id"])] = _Person(
            json.loads(lived.reveal()) if lived else [],
            (json.loads(answers.reveal()) if answers else {}) if consented else None,
        )
    return people


async def _expressions(where: str, params: list[Any]) -> list[tuple[UUID, str]]:
    sql = f"SELECT e.subject, e.status FROM expression e WHERE {where}"  # noqa: S608
    return [(_uuid(r["subject"]), r["status"]) for r in await Participant.raw(sql, *params)]


async def _report(
    sealer: Sealer, where: str, params: list[Any], actor: audit.Actor, *, export: bool
) -> tuple[list[Table], Cell, Cell]:
    eois = await _expressions(where, params)
    people = await _people(sealer, where, params)
    experiences = await lived_experience.options(include_retired=True)
    targets = await current_targets()
    await _audit(actor, export)
    selected = sum(status == "selected" for _, status in eois)
    return (
        _tables(people, eois, experiences, targets),
        total_cell(len(eois)),
        total_cell(selected),
    )


async def for_opportunity(
    sealer: Sealer, opportunity: UUID, actor: audit.Actor, *, export: bool = False
) -> Report:
    row = await Opportunity.select().where(Opportunity.id == opportunity).first()
    if row is None:
        raise NotFound("There is no such opportunity.")
    tables, interest, selected = await _report(
        sealer, "e.opportunity = {}", [opportunity], actor, export=export
    )
    return Report(row["title"], interest, selected, tables)


async def for_work(
    sealer: Sealer, work: UUID, actor: audit.Actor, *, export: bool = False
) -> Report:
    row = await CommissioningWork.select().where(CommissioningWork.id == work).first()
    if row is None:
        raise NotFound("There is no such piece of work.")
    where = "e.opportunity IN (SELECT o.id FROM opportunity o WHERE o.work = {})"
    tables, interest, selected = await _report(sealer, where, [work], actor, export=export)
    listed = await Opportunity.select(Opportunity.id, Opportunity.title, Opportunity.status).where(
        Opportunity.work == work
    )
    return Report(row["title"], interest, selected, tables, list(listed))


async def _audit(actor: audit.Actor, export: bool) -> None:
    """A report names nobody: one event, without subjects, per read."""
    action = audit.Action.export if export else audit.Action.view
    await audit.record(actor, action, field_group="equality", purpose="reach report")


async def ladder(actor: audit.Actor, *, export: bool = False) -> Ladder:
    """Opportunities per rung, planned (all but drafts) and achieved (archived), with the
    interest and selections of those that achieved each rung."""
    rows = await Opportunity.raw(
        "SELECT o.rung_planned, o.rung_achieved, o.status, COUNT(e.id) AS interest, "
        "SUM(CASE WHEN e.status = 'selected' THEN 1 ELSE 0 END) AS selected "
        "FROM opportunity o LEFT JOIN expression e ON e.opportunity = o.id "
        "WHERE o.status <> 'draft' GROUP BY o.id, o.rung_planned, o.rung_achieved, o.status"
    )
    planned, achieved = Counter[str](), Counter[str]()
    interest, selected = Counter[str](), Counter[str]()
    for row in rows:
        planned[row["rung_planned"]] += 1
        if row["status"] == "archived" and row["rung_achieved"]:
            rung = row["rung_achieved"]
            achieved[rung] += 1
            interest[rung] += int(row["interest"] or 0)
            selected[rung] += int(row["selected"] or 0)
    codes = list(v.LADDER)
    kinds_i, kinds_s = protect_pair(
        [interest[c] for c in codes], [selected[c] for c in codes], partition=False
    )
    await _audit(actor, export)
    rungs = [
        Rung(
            code,
            v.LADDER[code],
            planned[code],
            achieved[code],
            cell(interest[code], kinds_i[n]),
            cell(selected[code], kinds_s[n]),
            code in HIGH_RUNGS,
        )
        for n, code in enumerate(codes)
    ]
    return Ladder(rungs, sum(achieved.values()), sum(achieved[c] for c in HIGH_RUNGS))


async def works() -> list[dict[str, Any]]:
    return list(await CommissioningWork.select().order_by(CommissioningWork.title))


# --- targets --------------------------------------------------------------------------------------


async def dimensions() -> dict[str, str]:
    """Every group a target can be set for: "lived_experience:homelessness" -> its label."""
    experiences = await lived_experience.options(include_retired=False)
    found = {
        f"lived_experience:{code}": f"Lived experience: {lb}" for code, lb in experiences.items()
    }
    for question, (title, choices) in v.EQUALITY_QUESTIONS.items():
        found |= {f"{question}:{code}": f"{title}: {label}" for code, label in choices.items()}
    return found


async def current_targets() -> dict[str, int]:
    return {row["dimension"]: row["percent"] for row in await ReachTarget.select()}


async def set_targets(targets: dict[str, int | None], actor: audit.Actor) -> None:
    """Replace the targets: a group given None has none."""
    async with transaction():
        await ReachTarget.delete(force=True)
        chosen = [
            ReachTarget(dimension=key, percent=percent)
            for key, percent in targets.items()
            if percent is not None
        ]
        if chosen:
            await ReachTarget.insert(*chosen)
        await audit.record(actor, audit.Action.change, field_group="reach", purpose="targets")


# --- CSV ------------------------------------------------------------------------------------------


def escape_cell(text: str) -> str:
    """A cell a spreadsheet will not run: formula starters get a leading apostrophe."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_bytes(rows: Iterable[Iterable[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([escape_cell(str(cell)) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def report_rows(report: Report) -> list[list[str]]:
    rows = []
    for table in report.tables:
        for ln in table.lines:
            target = "" if ln.target is None else f"{ln.target}%"
            rows.append(
                [table.title, ln.label, ln.interest.text, ln.selected.text, ln.share, target]
            )
        rows.append([table.title, "Total", table.interest.text, table.selected.text, "", ""])
    return rows


def ladder_rows(ladder_: Ladder) -> list[list[str]]:
    return [
        ["Ladder (achieved)", r.label, r.interest.text, r.selected.text, "", ""]
        for r in ladder_.rungs
    ]


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
