"""The review board of one opportunity: who expressed interest and what they answered; moving
them in bulk (shortlisted, selected, reserve, not selected), marking those told by phone or
post, a note on each, and adding someone's interest for them.

Coordinators only. A blind opportunity's board numbers applicants instead of naming them. A
search for a person is POSTed, so what was typed never reaches a URL; the status filter in the
query is a fixed code.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.sealed import Sealer
from app.web.forms import FormInvalid, parse_form, read_form
from app.web.pages import page
from participation import schemas
from participation import vocabulary as v
from participation.pages.people_views import person_row
from participation.pages.profile_views import CHANNEL_WORDS
from participation.pages.recruitment_views import BANNERS
from participation.schemas.recruitment import Interest, StatusChange
from participation.services import expressions, opportunities, search, selection

AnyRequest = Request[Any, Any, Any]
TEMPLATES = "participation/recruitment"
MOVES_TO = {code: label for code, label in v.EOI_STATUSES.items() if code != "withdrawn"}
ASSISTED = {code: CHANNEL_WORDS[code] for code in ("phone", "paper", "in_person")}


class BoardPages(Controller):
    path = "/opportunities/{opportunity:uuid}/board"
    include_in_schema = False

    @get("/", name="board")
    async def board(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        status: FromQuery[str] = "",
        saved: FromQuery[str] = "",
    ) -> Template:
        return await _board_page(request, sealer, opportunity, status, BANNERS.get(saved, ""))

    @post("/", name="board-status")
    async def set_status(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Any:
        """Move the ticked people; each is told their way (email now, others listed)."""
        values = await read_form(request, StatusChange)
        try:
            if values.get("status") == "withdrawn":
                raise FormInvalid([FieldError("status", StatusChange.messages["status"])], values)
            change = parse_form(StatusChange, values)
            settings = request.app.state.settings
            sender = selection.Sender(settings.mail_from, settings.public_url)
            await selection.set_status(sealer, opportunity, change, actor_of(request), sender)
        except FormInvalid as invalid:
            return await _board_page(
                request, sealer, opportunity, errors=invalid.errors, values=values
            )
        return _saved(opportunity, "moved")

    @post("/{expression:uuid}/told", name="board-told")
    async def mark_told(
        self, request: AnyRequest, opportunity: FromPath[UUID], expression: FromPath[UUID]
    ) -> Redirect:
        await selection.mark_told(opportunity, expression, actor_of(request))
        return _saved(opportunity, "told")

    @post("/{expression:uuid}/note", name="board-note")
    async def note(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        expression: FromPath[UUID],
    ) -> Any:
        text = str((await request.form()).get("note", "")).strip()
        try:
            await selection.set_note(sealer, opportunity, expression, text, actor_of(request))
        except DomainError as problem:
            if not problem.errors:
                raise
            errors = [FieldError(f"note-{expression}", e.message) for e in problem.errors]
            values = {f"note-{expression}": text}
            return await _board_page(request, sealer, opportunity, errors=errors, values=values)
        return _saved(opportunity, "note")

    @get("/add", name="board-add")
    async def add_form(self, opportunity: FromPath[UUID]) -> Template:
        return await _add_page(opportunity)

    @post("/add/search", name="board-add-search")
    async def add_search(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Template:
        values = await read_form(request, schemas.SearchFilters)
        query = str(values.get("query", "")).strip()
        try:
            filters = parse_form(schemas.SearchFilters, {"query": query})
        except FormInvalid as invalid:
            return await _add_page(opportunity, values, invalid.errors)
        if not query:
            problem = FieldError("query", "Enter their email address or phone number")
            return await _add_page(opportunity, values, [problem])
        found = await search.search(sealer, filters, actor_of(request))
        people = [person_row(person) for person in found.people]
        return await _add_page(opportunity, values, people=people, searched=True)

    @post("/add", name="board-add-submit")
    async def add(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Any:
        """Their interest, recorded as assisted by this coordinator, through the channel used."""
        row = await opportunities.get(opportunity)
        posted = await request.form()
        values = {key: posted.get(key, "") for key in ("person", "channel")}
        errors = _add_problems(values)
        answers = _answers(posted, row["questions"])
        if not errors:
            try:
                await expressions.express(
                    sealer,
                    opportunity,
                    UUID(values["person"]),
                    Interest(answers=answers),
                    actor_of(request),
                    channel=values["channel"],
                )
            except DomainError as problem:
                errors = problem.errors or [FieldError("person", problem.message)]
        if errors:
            values |= {f"answers.{key}": answer for key, answer in answers.items()}
            return await _add_page(opportunity, values, errors, status_code=400)
        return _saved(opportunity, "added")


async def _board_page(
    request: AnyRequest,
    sealer: Sealer,
    opportunity: UUID,
    status: str = "",
    banner: str = "",
    *,
    errors: list[FieldError] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    row = await opportunities.get(opportunity)
    blind = bool(row["blind_review"])
    applicants = await selection.board(sealer, opportunity, actor_of(request), blind=blind)
    notes = await selection.notes_of(sealer, opportunity)
    wanted = status if status in v.EOI_STATUSES else ""
    rows = [
        _row(number, applicant, row["questions"], notes.get(applicant.expression))
        for number, applicant in enumerate(applicants, start=1)
        if not wanted or applicant.status == wanted
    ]
    return page(
        f"{TEMPLATES}/board_page.html",
        f"Review board: {row['title']}",
        status_code=400 if errors else 200,
        opportunity=row,
        rows=rows,
        total=len(applicants),
        wanted=wanted,
        banner=banner,
        errors=errors or [],
        values=values or {},
        field_ids={"expressions": rows[0]["box"] if rows else "status"},
        moves_to=MOVES_TO,
        vocabulary=v,
    )


def _row(
    number: int, applicant: selection.Applicant, questions: list[dict[str, Any]], note: Any
) -> dict[str, Any]:
    """One applicant as the board shows them: a label (a number when blind), never codes."""
    answers = []
    for question in questions:
        answer = applicant.answers.get(str(question["id"]), "")
        shown = ", ".join(answer) if isinstance(answer, list) else answer
        answers.append((question["prompt"], shown or "No answer"))
    return {
        "expression": applicant.expression,
        "box": f"expression-{applicant.expression}",
        "label": applicant.name.reveal() if applicant.name else f"Applicant {number}",
        "status": applicant.status,
        "status_label": v.EOI_STATUSES[applicant.status],
        "date": applicant.created_at.strftime("%-d %B %Y"),
        "answers": answers,
        "told": applicant.told,
        "route": v.CONTACT_ROUTES.get(applicant.route, "their chosen way"),
        "note": note.reveal() if note else "",
    }


def _add_problems(values: dict[str, Any]) -> list[FieldError]:
    errors = []
    try:
        UUID(str(values["person"]))
    except ValueError:
        errors.append(FieldError("person", "Select the person to add"))
    if values["channel"] not in ASSISTED:
        errors.append(FieldError("channel", "Select how they told you they are interested"))
    return errors


def _answers(posted: Any, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """The answers typed for them, by question id (several for a "choose any" question)."""
    answers: dict[str, Any] = {}
    for question in questions:
        name = f"answers.{question['id']}"
        if question["kind"] == "multiple":
            answers[str(question["id"])] = [x for x in posted.getall(name, []) if x]
        elif posted.get(name):
            answers[str(question["id"])] = str(posted.get(name))
    return answers


async def _add_page(
    opportunity: UUID,
    values: dict[str, Any] | None = None,
    errors: list[FieldError] | None = None,
    *,
    people: list[dict[str, Any]] | None = None,
    searched: bool = False,
    status_code: int | None = None,
) -> Template:
    row = await opportunities.get(opportunity)
    values = values or {}
    return page(
        f"{TEMPLATES}/board_add.html",
        "Add someone's interest for them",
        status_code=status_code or (400 if errors else 200),
        opportunity=row,
        values=values,
        errors=errors or [],
        field_ids={"answers": "person"},
        people=people or [],
        searched=searched,
        is_open=opportunities.is_open(row),
        chosen=str(values.get("person", "")),
        channels=ASSISTED,
        vocabulary=v,
    )


def _saved(opportunity: UUID, word: str) -> Redirect:
    return Redirect(
        path=f"/opportunities/{opportunity}/board?saved={word}", status_code=HTTP_303_SEE_OTHER
    )


BOARD_ROUTES = (
    "board",
    "board-status",
    "board-told",
    "board-note",
    "board-add",
    "board-add-search",
    "board-add-submit",
)

ROUTES: list[Any] = [BoardPages]
ACCESS: dict[str, Rule] = dict.fromkeys(BOARD_ROUTES, roles(Role.coordinator))
NAVIGATION: list[Any] = []
