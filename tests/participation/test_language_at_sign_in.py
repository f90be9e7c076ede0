"""A participant's profile language follows them: their pages switch to it when they sign in."""

from __future__ import annotations

import re

import httpx
from litestar import Litestar

from app.datamap import Role
from app.factory import provide_sealer
from participation.services import profiles
from tests.app.test_sign_in import delivered, post_form
from tests.participation.conftest import COORDINATOR, new_profile
from tests.support.auth import make_account
from tests.support.smtp import CapturingSMTPServer


async def signed_in_by_code(
    app: Litestar, client: httpx.AsyncClient, smtp: CapturingSMTPServer, email: str
) -> httpx.Response:
    await post_form(client, "/sign-in/email", {"email": email})
    [message] = await delivered(app, smtp)
    code = re.search(r"\b(\d{6})\b", message.get_content())
    assert code, "no code in the email"
    return await post_form(client, "/sign-in/email/code", {"code": code.group(1)})


async def test_signing_in_switches_pages_to_the_profile_language(
    running_app: Litestar, client: httpx.AsyncClient, smtp_server: CapturingSMTPServer
) -> None:
    email = "eira.jones@example.org"
    account = await make_account(running_app, "participant", (Role.participant,), email=email)
    profile = new_profile("Eira", email=email, language="cy")
    await profiles.create(provide_sealer(running_app.state), profile, COORDINATOR, subject=account)

    signed_in = await signed_in_by_code(running_app, client, smtp_server, email)
    page = await client.get("/contact")

    assert signed_in.status_code == 303
    assert "lang=cy; Max-Age=31536000; Path=/; SameSite=lax" in signed_in.headers.get_list(
        "set-cookie"
    )
    assert '<html lang="cy" dir="ltr"' in page.text


async def test_no_profile_language_leaves_the_choice_alone(
    running_app: Litestar, client: httpx.AsyncClient, smtp_server: CapturingSMTPServer
) -> None:
    email = "pat.lee@example.org"
    account = await make_account(running_app, "participant", (Role.participant,), email=email)
    await profiles.create(
        provide_sealer(running_app.state),
        new_profile("Pat", email=email),
        COORDINATOR,
        subject=account,
    )
    client.cookies.set("lang", "ar")

    signed_in = await signed_in_by_code(running_app, client, smtp_server, email)
    page = await client.get("/contact")

    assert not [c for c in signed_in.headers.get_list("set-cookie") if c.startswith("lang=")]
    assert '<html lang="ar" dir="rtl"' in page.text
