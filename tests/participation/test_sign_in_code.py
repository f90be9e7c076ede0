"""A coordinator gives someone they added a sign-in code on paper; it works once, in time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar

from app.datamap import Role
from app.sealed import Sealer
from app.tables import Account, SignInToken
from tests.participation.conftest import add_person
from tests.support.auth import form_token, make_account, sign_in

CODE = re.compile(r'<strong class="app-code">([A-Z0-9-]+)</strong>')


async def _letter(app: Litestar, client: httpx.AsyncClient, person: object) -> str:
    coordinator = await make_account(app, "staff", (Role.coordinator,))
    await sign_in(app, client, coordinator)
    token = form_token((await client.get(f"/people/{person}")).text)
    letter = await client.post(f"/people/{person}/sign-in-code", data={"_csrf_token": token})
    assert letter.status_code == 200
    code = CODE.search(letter.text)
    assert code
    client.cookies.clear()
    return code.group(1)


async def _activate(client: httpx.AsyncClient, code: str) -> httpx.Response:
    token = form_token((await client.get("/sign-in/activate")).text)
    return await client.post("/sign-in/activate", data={"_csrf_token": token, "code": code})


async def test_a_paper_code_signs_them_in_once_to_their_own_profile(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    person = await add_person(sealer, "Pat", email=None, route="post", address="1 High St")

    code = await _letter(running_app, client, person)
    first = await _activate(client, code.lower().replace("-", " "))
    profile = await client.get("/profile")
    client.cookies.clear()
    again = await _activate(client, code)

    assert (first.status_code, first.headers["location"]) == (303, "/account")
    assert "Pat" in profile.text
    assert again.status_code == 400
    assert "Enter the code exactly as it is on your letter" in again.text
    account = (
        await Account.select(Account.id, Account.assisted_by, Account.kind)
        .where(Account.kind == "participant")
        .first()
    )
    assert account is not None
    assert (account["id"], account["kind"]) == (person, "participant")
    assert account["assisted_by"] is not None


async def test_a_new_code_replaces_the_old_one_and_codes_expire(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    person = await add_person(sealer, "Sam", email="sam@example.org")
    old = await _letter(running_app, client, person)
    new = await _letter(running_app, client, person)

    replaced = await _activate(client, old)
    await SignInToken.update(
        {SignInToken.expires_at: datetime.now(UTC) - timedelta(seconds=1)}, force=True
    )
    late = await _activate(client, new)

    assert (replaced.status_code, late.status_code) == (400, 400)
    assert "session" not in client.cookies
    assert await Account.count() == 3  # two coordinators and one participant, never two


async def test_no_code_for_someone_unknown(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    person = await add_person(sealer)
    coordinator = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, coordinator)
    token = form_token((await client.get(f"/people/{person}")).text)

    missing = await client.post(
        "/people/00000000-0000-4000-8000-000000000001/sign-in-code",
        data={"_csrf_token": token},
    )

    assert missing.status_code == 404
    assert await SignInToken.count() == 0
