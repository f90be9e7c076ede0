"""Reach reports, the ladder, the council's targets and "you said, we did".

Coordinators only: the reports count people by lived experience and equality answers, which
serve the coordinator's duty to reach everyone. Organisers arrange events and need none of it
(data minimisation), so they do not see even the counts. Targets are set by administrators.
Every report is a table (the real content), a chart of the same numbers, and a CSV at the
same address with ".csv" on the end. "You said, we did" lives under the opportunity's report.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import Conflict, FieldError, NotFound
from app.sealed import Sealer
from app.web.forms import FormInvalid, parse_form, read_form
from app.web.pages import attachment, page
from app.web.templates import NavItem
from participation import vocabulary as v
from participation.pages.export_views import when
from participation.services import opportunities, outcomes, reach
from participation.services.selection import Sender

AnyRequest = Request[Any, Any, Any]
TEMPLATES = "participation/recruitment"
BANNERS = {
    "targets": "The targets are saved.",
    "recorded": "The outcome is saved.",
    "sent": "The outcome was sent to the people who took part by email.",
    "easy-read": "The Easy Read words are saved.",
}
ROUTE_WORDS = {**v.CONTACT_ROUTES, "email": "Email (no address on their profile)"}


def _report_id(report: str) -> tuple[UUID, bool]:
    """'<uuid>' for the page, '<uuid>.csv' for the download; anything else is not found."""
    wanted_csv = report.endswith(".csv")
    try:
        return UUID(report.removesuffix(".csv")), wanted_csv
    except ValueError:
        raise NotFound("There is no such report.") from None


def _csv(rows: list[list[str]], name: str) -> Response[bytes]:
    return attachment(reach.csv_bytes(rows), "text/csv; charset=utf-8", f"{name}.csv")


class ReachPages(Controller):
    path = "/reach"
    include_in_schema = False

    @get("/", name="reach")
    async def overview(self, request: AnyRequest) -> Template:
        ladder = await reach.ladder(actor_of(request))
        return page(
            f"{TEMPLATES}/reach_overview.html",
            "Reach and the ladder of co-production",
            ladder=ladder,
            works=await reach.works(),
            opportunities=await opportunities.for_staff(),
            statuses=v.OPPORTUNITY_STATUSES,
        )

    @get("/ladder.csv", name="reach-ladder-csv")
    async def ladder_csv(self, request: AnyRequest) -> Response[bytes]:
        ladder = await reach.ladder(actor_of(request), export=True)
        return _csv(reach.ladder_rows(ladder), "ladder")

    @get("/opportunities/{report:str}", name="reach-opportunity")
    async def opportunity(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], report: FromPath[str]
    ) -> Any:
        opportunity, wanted_csv = _report_id(report)
        found = await reach.for_opportunity(
            sealer, opportunity, actor_of(request), export=wanted_csv
        )
        if wanted_csv:
            return _csv(reach.report_rows(found), f"reach-{opportunity}")
        return _report_page(found, f"/reach/opportunities/{opportunity}", opportunity)

    @get("/commissioning/{report:str}", name="reach-work")
    async def work(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], report: FromPath[str]
    ) -> Any:
        work, wanted_csv = _report_id(report)
        found = await reach.for_work(sealer, work, actor_of(request), export=wanted_csv)
        if wanted_csv:
            return _csv(reach.report_rows(found), f"reach-{work}")
        return _report_page(found, f"/reach/commissioning/{work}")

    @get("/targets", name="reach-targets")
    async def targets(self, saved: FromQuery[str] = "") -> Template:
        current = await reach.current_targets()
        values = {_field(key): str(percent) for key, percent in current.items()}
        return await _targets_page(values, [], BANNERS.get(saved, ""))

    @post("/targets", name="reach-targets-submit")
    async def save_targets(self, request: AnyRequest) -> Any:
        posted = await request.form()
        groups = await reach.dimensions()
        chosen: dict[str, int | None] = {}
        errors = []
        for key, label in groups.items():
            text = str(posted.get(_field(key), "")).strip().removesuffix("%")
            if not text:
                continue
            if not text.isdigit() or int(text) > 100:
                errors.append(
                    FieldError(_field(key), f"Enter a whole number from 0 to 100 for {label}")
                )
                continue
            chosen[key] = int(text)
        if errors:
            values = {_field(k): str(posted.get(_field(k), "")) for k in groups}
            return await _targets_page(values, errors, "", 400)
        await reach.set_targets(chosen, actor_of(request))
        return Redirect("/reach/targets?saved=targets", status_code=HTTP_303_SEE_OTHER)


def _field(key: str) -> str:
    """A form field name for a target ("ethnicity:black" -> "ethnicity--black")."""
    return key.replace(":", "--")


async def _targets_page(
    values: dict[str, str], errors: list[FieldError], banner: str, status_code: int = 200
) -> Template:
    groups = [(_field(key), label) for key, label in (await reach.dimensions()).items()]
    return page(
        f"{TEMPLATES}/reach_targets.html",
        "Reach targets",
        status_code=status_code,
        groups=groups,
        values=values,
        errors=errors,
        banner=banner,
    )


def _report_page(found: reach.Report, address: str, opportunity: UUID | None = None) -> Template:
    return page(
        f"{TEMPLATES}/reach_report.html",
        f"Reach: {found.title}",
        report=found,
        address=address,
        opportunity=opportunity,
        statuses=v.OPPORTUNITY_STATUSES,
    )


class OutcomePages(Controller):
    path = "/reach/opportunities/{opportunity:uuid}/outcomes"
    include_in_schema = False

    @get("/", name="reach-outcomes")
    async def list_outcomes(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        saved: FromQuery[str] = "",
    ) -> Template:
        return await _outcomes_page(
            request, sealer, opportunity, values={}, errors=[], banner=BANNERS.get(saved, "")
        )

    @post("/", name="reach-outcomes-submit")
    async def record(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Any:
        values = await read_form(request, outcomes.OutcomeForm)
        try:
            form = parse_form(outcomes.OutcomeForm, values)
        except FormInvalid as invalid:
            return await _outcomes_page(
                request,
                sealer,
                opportunity,
                values=values,
                errors=invalid.errors,
                banner="",
                status_code=400,
            )
        await outcomes.record(opportunity, form, actor_of(request))
        return _saved(opportunity, "recorded")

    @post("/{outcome:uuid}/send", name="reach-outcome-send")
    async def send(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        outcome: FromPath[UUID],
    ) -> Any:
        settings = request.app.state.settings
        sender = Sender(settings.mail_from, settings.public_url)
        with suppress(Conflict):  # sent already (a second click): show the page as it is
            await outcomes.send(sealer, opportunity, outcome, actor_of(request), sender)
        return _saved(opportunity, "sent")


def _saved(opportunity: UUID, what: str) -> Redirect:
    return Redirect(
        f"/reach/opportunities/{opportunity}/outcomes?saved={what}",
        status_code=HTTP_303_SEE_OTHER,
    )


async def _outcomes_page(
    request: AnyRequest,
    sealer: Sealer,
    opportunity: UUID,
    *,
    values: dict[str, Any],
    errors: list[FieldError],
    banner: str,
    status_code: int = 200,
) -> Template:
    details = await opportunities.get(opportunity)
    recorded = await outcomes.of(opportunity)
    any_sent = any(row["sent_at"] for row in recorded)
    by_hand = (
        await outcomes.to_tell_by_hand(sealer, opportunity, actor_of(request)) if any_sent else []
    )
    return page(
        f"{TEMPLATES}/reach_outcomes.html",
        f"You said, we did: {details['title']}",
        status_code=status_code,
        row=details,
        outcomes=[
            {**row, "sent": when(row["sent_at"]) if row["sent_at"] else ""} for row in recorded
        ],
        by_hand=[
            (p.subject, p.name.reveal() if p.name else "", ROUTE_WORDS.get(p.route, p.route))
            for p in by_hand
        ],
        changed=outcomes.CHANGED,
        values=values,
        errors=errors,
        banner=banner,
    )


ROUTES: list[Any] = [ReachPages, OutcomePages]
ACCESS: dict[str, Rule] = {
    "reach": roles(Role.coordinator),
    "reach-ladder-csv": roles(Role.coordinator),
    "reach-opportunity": roles(Role.coordinator),
    "reach-work": roles(Role.coordinator),
    "reach-targets": roles(Role.admin),
    "reach-targets-submit": roles(Role.admin),
    "reach-outcomes": roles(Role.coordinator),
    "reach-outcomes-submit": roles(Role.coordinator),
    "reach-outcome-send": roles(Role.coordinator),
}
NAVIGATION: list[Any] = [NavItem("Reach", "/reach", roles=frozenset({Role.coordinator}))]
