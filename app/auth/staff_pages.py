"""Administrators manage staff: see who has which roles, change roles, disable an account.

Changing roles or disabling needs a fresh confirmation and ends the person's sessions at once.
An administrator cannot remove their own administrator role or disable themselves, so the
council is never left without one by a slip.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth import accounts
from app.auth.access import current_user
from app.auth.flow import ROLE_LABELS, actor_of
from app.datamap import Role
from app.sealed import Sealer
from app.tables import Account
from app.web.pages import page

Form = URLEncodedBody[dict[str, str]]


class StaffPages(Controller):
    include_in_schema = False

    @get("/staff", name="staff-list")
    async def staff_list(self, sealer: NamedDependency[Sealer]) -> Template:
        rows = await Account.select().where(Account.kind == "staff").order_by(Account.created_at)
        people = [await _person(sealer, row) for row in rows]
        return page("auth/staff_list.html", "Staff", people=people)

    @get("/staff/{account_id:uuid}", name="staff-edit")
    async def staff_edit(
        self, account_id: FromPath[UUID], sealer: NamedDependency[Sealer]
    ) -> Template:
        row = await _staff_row(account_id)
        return page(
            "auth/staff_edit.html",
            "Change a staff member's access",
            person=await _person(sealer, row),
            role_labels=ROLE_LABELS,
            errors=[],
        )

    @post("/staff/{account_id:uuid}/roles", name="staff-roles")
    async def change_roles(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[UUID],
        data: Form,
        sealer: NamedDependency[Sealer],
    ) -> Any:
        row = await _staff_row(account_id)
        roles = tuple(r for r in ROLE_LABELS if data.get(f"role-{r}") == "yes")
        problem = _roles_problem(request, account_id, roles)
        if problem:
            return page(
                "auth/staff_edit.html",
                "Change a staff member's access",
                status_code=400,
                person=await _person(sealer, row),
                role_labels=ROLE_LABELS,
                errors=[problem],
            )
        await accounts.set_roles(account_id, roles, actor_of(request))
        return Redirect("/staff", status_code=HTTP_303_SEE_OTHER)

    @post("/staff/{account_id:uuid}/disable", name="staff-disable")
    async def disable(
        self, request: Request[Any, Any, Any], account_id: FromPath[UUID]
    ) -> Redirect:
        await _staff_row(account_id)
        if account_id == current_user(request).account_id:
            raise NotFoundException()  # never yourself; the page offers no button for it
        await accounts.disable(account_id, actor_of(request))
        return Redirect("/staff", status_code=HTTP_303_SEE_OTHER)


def _roles_problem(
    request: Request[Any, Any, Any], account_id: UUID, roles: tuple[str, ...]
) -> Any:
    from app.errors import FieldError  # noqa: PLC0415 - only needed on the error path

    if not roles:
        return FieldError("roles", "Select at least one role, or disable the account instead")
    if account_id == current_user(request).account_id and Role.admin not in roles:
        return FieldError("roles", "You cannot remove your own administrator role")
    return None


async def _staff_row(account_id: UUID) -> dict[str, Any]:
    """The staff account, or 404: participants and unknown ids look the same."""
    row: dict[str, Any] | None = (
        await Account.select().where((Account.id == account_id) & (Account.kind == "staff")).first()
    )
    if row is None:
        raise NotFoundException()
    return row


async def _person(sealer: Sealer, row: dict[str, Any]) -> dict[str, Any]:
    opened = await sealer.open(Account, row, ("display_name",))
    name = opened["display_name"]
    return {
        "id": row["id"],
        "name": name.reveal() if name else "",
        "roles": [r for r in row["roles"].split(",") if r],
        "role_names": [ROLE_LABELS.get(r, r) for r in row["roles"].split(",") if r],
        "mfa": row["mfa_enabled_at"] is not None,
        "disabled": row["disabled_at"] is not None,
    }
