"""Organisers' venues: the list, and the form to add or change one (a place with its access
features, or an online room). Events pick a venue from this list."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import NotFound
from app.web.forms import FormInvalid, parse_form, read_form
from app.web.pages import page
from app.web.templates import NavItem
from events import vocabulary as v
from events.schemas import VenueForm
from events.services import scheduling

AnyRequest = Request[Any, Any, Any]
ORGANISERS = roles(Role.organiser, Role.coordinator)
TEXTS = ("name", "address", "directions", "public_transport", "join_link", "dial_in")


class VenuePages(Controller):
    path = "/venues"
    include_in_schema = False

    @get("/", name="venues")
    async def list_venues(self, saved: FromQuery[str] = "") -> Template:
        rows = [
            row | {"feature_labels": [v.VENUE_FEATURES[f] for f in _codes(row["features"])]}
            for row in await scheduling.venues()
        ]
        return page("events/venues_list.html", "Venues", rows=rows, saved=bool(saved))

    @get("/new", name="venue-new")
    async def new_form(self) -> Template:
        return _form_page(None, {"features": []}, [])

    @post("/new", name="venue-new-submit")
    async def create(self, request: AnyRequest) -> Any:
        return await _save(request, None)

    @get("/{venue:uuid}/edit", name="venue-edit")
    async def edit_form(self, venue: FromPath[UUID]) -> Template:
        row = await _venue(venue)
        values: dict[str, Any] = {name: row[name] or "" for name in TEXTS}
        return _form_page(venue, values | {"features": _codes(row["features"])}, [])

    @post("/{venue:uuid}/edit", name="venue-edit-submit")
    async def edit(self, request: AnyRequest, venue: FromPath[UUID]) -> Any:
        await _venue(venue)
        return await _save(request, venue)


async def _save(request: AnyRequest, venue: UUID | None) -> Any:
    data = await read_form(request, VenueForm)
    try:
        form = parse_form(VenueForm, data)
    except FormInvalid as invalid:
        return _form_page(venue, invalid.values, invalid.errors, status_code=400)
    await scheduling.save_venue(form, actor_of(request), venue)
    return Redirect("/venues?saved=1", status_code=HTTP_303_SEE_OTHER)


async def _venue(venue: UUID) -> dict[str, Any]:
    for row in await scheduling.venues():
        if row["id"] == venue:
            return row
    raise NotFound("There is no such venue.")


def _codes(text: str) -> list[str]:
    return [code for code in text.split(",") if code]


def _form_page(
    venue: UUID | None, values: dict[str, Any], errors: Any, status_code: int = 200
) -> Template:
    return page(
        "events/venues_form.html",
        "Change a venue" if venue else "Add a venue",
        status_code=status_code,
        action=f"/venues/{venue}/edit" if venue else "/venues/new",
        values=values,
        errors=errors,
        field_ids={},
        features=v.VENUE_FEATURES,
    )


ROUTES: list[Any] = [VenuePages]
ACCESS: dict[str, Rule] = dict.fromkeys(
    ("venues", "venue-new", "venue-new-submit", "venue-edit", "venue-edit-submit"), ORGANISERS
)
NAVIGATION: list[Any] = [
    NavItem("Events", "/events", roles=frozenset({Role.organiser, Role.coordinator}))
]
