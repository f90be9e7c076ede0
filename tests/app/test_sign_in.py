"""Signing in as staff (password + authenticator) and as a participant (emailed code or link)."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
from litestar import Litestar

from app import mail
from app.auth import totp
from app.datamap import Role
from app.factory import provide_sealer
from app.tables import Account, AuditEvent, OutboxMessage, SignInToken
from tests.support.auth import form_token, make_account, sign_in
from tests.support.smtp import CapturingSMTPServer

PASSWORD = "correct horse battery staple"


async def post_form(
    client: httpx.AsyncClient, path: str, data: dict[str, str], page: str | None = None
) -> httpx.Response:
    token = form_token((await client.get(page or path)).text)
    return await client.post(path, data={"_csrf_token": token, **data})


async def staff_with_mfa(app: Litestar, client: httpx.AsyncClient, email: str) -> bytes:
    """A staff member who has signed in once and set up their authenticator; returns its secret."""
    await make_account(app, "staff", (Role.coordinator,), email=email, password=PASSWORD)
    await post_form(client, "/sign-in/staff", {"email": email, "password": PASSWORD})
    setup = await client.get("/account/two-step/set-up")
    secret = secret_from(setup.text)
    await post_form(client, "/account/two-step/set-up", {"code": totp.code_at(secret, time.time())})
    client.cookies.clear()
    return secret


def secret_from(html: str) -> bytes:
    import base64

    typed = re.search(r'<strong class="app-code">([A-Z2-7 ]+)</strong>', html)
    assert typed, "the set-up page shows no typed secret"
    text = typed.group(1).replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


async def delivered(app: Litestar, smtp: CapturingSMTPServer) -> list[EmailMessage]:
    settings = app.state.settings.model_copy(
        update={"smtp_host": smtp.host, "smtp_port": smtp.port}
    )
    await mail.deliver_due(provide_sealer(app.state), settings)
    return smtp.messages


async def test_staff_first_sign_in_sets_up_two_step_and_rotates_the_session(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    await make_account(
        running_app, "staff", (Role.coordinator,), email="sam@northshire.example", password=PASSWORD
    )

    password_step = await post_form(
        client, "/sign-in/staff", {"email": "Sam@Northshire.example", "password": PASSWORD}
    )
    first_session = client.cookies["session"]
    setup = await client.get("/account/two-step/set-up")
    secret = secret_from(setup.text)
    done = await post_form(
        client, "/account/two-step/set-up", {"code": totp.code_at(secret, time.time())}
    )

    assert (password_step.status_code, password_step.headers["location"]) == (
        303,
        "/account/two-step/set-up",
    )
    assert 'src="data:image/svg+xml;base64,' in setup.text
    assert done.status_code == 200
    assert (
        len(
            re.findall(
                r'<li><strong class="app-code">[a-z0-9]{4}-[a-z0-9]{4}</strong></li>', done.text
            )
        )
        == 10
    )
    assert client.cookies["session"] != first_session
    assert (await client.get("/account")).status_code == 200


async def test_password_alone_gives_no_session(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    await staff_with_mfa(running_app, client, "ola@northshire.example")

    step = await post_form(
        client, "/sign-in/staff", {"email": "ola@northshire.example", "password": PASSWORD}
    )
    account = await client.get("/account")
    me = await client.get("/api/v1/me")

    assert step.headers["location"] == "/sign-in/two-step"
    assert (account.status_code, account.headers["location"]) == (303, "/sign-in")
    assert me.status_code == 401


async def test_an_authenticator_code_works_once(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    secret = await staff_with_mfa(running_app, client, "kai@northshire.example")
    await post_form(
        client, "/sign-in/staff", {"email": "kai@northshire.example", "password": PASSWORD}
    )
    code = totp.code_at(secret, time.time() + 30)  # next step: the set-up used this one

    first = await post_form(client, "/sign-in/two-step", {"code": code})
    client.cookies.clear()
    await post_form(
        client, "/sign-in/staff", {"email": "kai@northshire.example", "password": PASSWORD}
    )
    replay = await post_form(client, "/sign-in/two-step", {"code": code})

    assert (first.status_code, first.headers["location"]) == (303, "/today")
    assert replay.status_code == 400
    assert "Enter the 6-digit code your authenticator app shows now" in replay.text


async def test_wrong_password_and_unknown_email_look_the_same(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    await make_account(
        running_app, "staff", (Role.admin,), email="ada@northshire.example", password=PASSWORD
    )

    wrong = await post_form(
        client, "/sign-in/staff", {"email": "ada@northshire.example", "password": "not it at all!"}
    )
    unknown = await post_form(
        client, "/sign-in/staff", {"email": "nobody@northshire.example", "password": "x" * 12}
    )

    assert wrong.status_code == unknown.status_code == 400
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", wrong.text) == strip.sub("", unknown.text).replace("nobody", "ada")
    assert "session" not in client.cookies


async def test_participant_signs_in_with_the_emailed_code(
    running_app: Litestar, client: httpx.AsyncClient, smtp_server: CapturingSMTPServer
) -> None:
    account = await make_account(
        running_app, "participant", (Role.participant,), email="jo@example.org"
    )

    asked = await post_form(client, "/sign-in/email", {"email": "JO@example.org "})
    [message] = await delivered(running_app, smtp_server)
    code = re.search(r"Your sign-in code is (\d{6})", message.get_content())
    assert code
    signed_in = await post_form(client, "/sign-in/email/code", {"code": code.group(1)})

    assert (asked.status_code, asked.headers["location"]) == (303, "/sign-in/email/code")
    assert message["Subject"] == "Your sign-in code"
    assert "Reciprocity" not in message.get_content()  # discreet: no service or programme name
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/account")
    me = (await client.get("/api/v1/me")).json()
    assert (me["account_id"], me["roles"]) == (str(account), ["participant"])
    assert "With a code we email to jo@example.org" in (await client.get("/account")).text


async def test_signing_out_expires_every_cookie_in_the_same_response(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    account = await make_account(running_app, "participant", (Role.participant,))
    await sign_in(running_app, client, account)

    signed_out = await post_form(client, "/sign-out", {}, page="/account")

    expired = {
        cookie.split("=", 1)[0]: cookie
        for cookie in signed_out.headers.get_list("set-cookie")
        if "max-age=0" in cookie.lower() or "expires=thu, 01 jan 1970" in cookie.lower()
    }
    assert signed_out.status_code == 200
    assert {"session", "csrftoken", "sign_in_attempt"} <= set(expired)
    assert signed_out.headers["cache-control"] == "no-store"
    assert "clear-site-data" not in signed_out.headers  # applied late by Chromium: see end_session
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_an_unknown_email_gets_the_same_answer_and_no_email(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    asked = await post_form(client, "/sign-in/email", {"email": "stranger@example.org"})
    page = await client.get("/sign-in/email/code")

    assert (asked.status_code, asked.headers["location"]) == (303, "/sign-in/email/code")
    assert "If you have an account with us, we have sent you an email" in page.text
    assert await OutboxMessage.count() == 0


async def test_a_link_survives_mail_scanners_and_works_once(
    running_app: Litestar, client: httpx.AsyncClient, smtp_server: CapturingSMTPServer
) -> None:
    await make_account(running_app, "participant", (Role.participant,), email="lee@example.org")
    await post_form(client, "/sign-in/email", {"email": "lee@example.org"})
    [message] = await delivered(running_app, smtp_server)
    link = re.search(r"http://127\.0\.0\.1:8000(/sign-in/link/\S+)", message.get_content())
    assert link
    path = link.group(1)

    scans = [await client.get(path) for _ in range(3)]
    token = form_token(scans[-1].text)
    racers = [
        httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
        for _ in range(2)
    ]
    for racer in racers:
        racer.cookies.set("csrftoken", client.cookies["csrftoken"])
    results = await asyncio.gather(*(r.post(path, data={"_csrf_token": token}) for r in racers))
    replay = await client.post(path, data={"_csrf_token": token})

    assert [scan.status_code for scan in scans] == [200, 200, 200]
    assert sorted(r.status_code for r in results) == [303, 400]
    assert replay.status_code == 400
    assert "This link has expired" in replay.text


async def test_an_expired_code_does_not_work(
    running_app: Litestar, client: httpx.AsyncClient, smtp_server: CapturingSMTPServer
) -> None:
    await make_account(running_app, "participant", (Role.participant,), email="max@example.org")
    await post_form(client, "/sign-in/email", {"email": "max@example.org"})
    [message] = await delivered(running_app, smtp_server)
    code = re.search(r"(\d{6})", message.get_content())
    assert code
    await SignInToken.update(
        {SignInToken.expires_at: datetime.now(UTC) - timedelta(seconds=1)}, force=True
    )

    late = await post_form(client, "/sign-in/email/code", {"code": code.group(1)})

    assert late.status_code == 400


async def test_attempts_are_throttled_across_two_app_instances(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    from app.factory import create_app

    other_app = create_app(running_app.state.settings)  # a second worker on the same store
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=other_app), base_url="http://testserver"
    )
    statuses = []
    for attempt in range(12):
        target = client if attempt % 2 else other
        response = await post_form(target, "/sign-in/email", {"email": "target@example.org"})
        statuses.append(response.status_code)
    await other.aclose()

    assert statuses == [303] * 10 + [429, 429]


async def test_changing_roles_ends_sessions(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    from app import audit
    from app.auth import accounts

    account = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, account)
    assert (await client.get("/api/v1/me")).status_code == 200

    await accounts.set_roles(account, (Role.organiser,), audit.SYSTEM)

    assert (await client.get("/api/v1/me")).status_code == 401


async def test_api_tokens_are_scoped_revocable_and_private(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    owner = await make_account(running_app, "staff", (Role.coordinator, Role.finance))
    await sign_in(running_app, client, owner)
    page = await post_form(
        client, "/account/tokens", {"name": "Export", "role-finance": "yes"}, page="/account"
    )
    token = re.search(r'<strong class="app-code app-break">(rcp_\w+)</strong>', page.text)
    assert token
    bearer = {"authorization": f"Bearer {token.group(1)}"}
    client.cookies.clear()

    me = await client.get("/api/v1/me", headers=bearer)
    stranger = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, stranger)
    token_id = (await running_app_tokens(owner))[0]
    foreign = await post_form(client, f"/account/tokens/{token_id}/revoke", {}, page="/account")
    client.cookies.clear()
    await sign_in(running_app, client, owner)
    own = await post_form(client, f"/account/tokens/{token_id}/revoke", {}, page="/account")
    client.cookies.clear()
    after = await client.get("/api/v1/me", headers=bearer)

    assert me.json() == {
        "account_id": str(owner),
        "kind": "staff",
        "roles": ["finance"],
        "via_token": True,
    }
    uses = await AuditEvent.select(AuditEvent.purpose).where(
        (AuditEvent.action == "token-use") & (AuditEvent.subject == owner)
    )
    assert uses == [{"purpose": "GET /api/v1/me"}]
    assert foreign.status_code == 404
    assert own.status_code == 303
    assert after.status_code == 401


async def running_app_tokens(account: Any) -> list[Any]:
    from app.tables import ApiToken

    return [
        row["id"] for row in await ApiToken.select(ApiToken.id).where(ApiToken.account == account)
    ]


async def test_sign_ins_and_failures_are_audited(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    await make_account(
        running_app, "staff", (Role.admin,), email="eve@northshire.example", password=PASSWORD
    )

    await post_form(
        client, "/sign-in/staff", {"email": "eve@northshire.example", "password": "wrong password!"}
    )
    await post_form(
        client,
        "/sign-in/staff",
        {"email": "nobody@northshire.example", "password": "wrong password!"},
    )

    failures = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.purpose)
        .where(AuditEvent.action == "sign-in-failed")
        .order_by(AuditEvent.id)  # the log outlives each test: the newest two are this test's
    )
    assert failures[-2:] == [
        {"action": "sign-in-failed", "purpose": "staff password"},
        {"action": "sign-in-failed", "purpose": "staff password"},
    ]


async def test_an_admin_changes_roles_and_disables_staff(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    admin = await make_account(running_app, "staff", (Role.admin,))
    colleague = await make_account(running_app, "staff", (Role.coordinator,))
    other = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    await sign_in(running_app, other, colleague)
    await sign_in(running_app, client, admin, fresh=True)

    listed = await client.get("/staff")
    changed = await post_form(
        client, f"/staff/{colleague}/roles", {"role-finance": "yes"}, page=f"/staff/{colleague}"
    )
    own = await post_form(
        client, f"/staff/{admin}/roles", {"role-finance": "yes"}, page=f"/staff/{admin}"
    )
    colleague_after_change = await other.get("/api/v1/me")
    disabled = await post_form(
        client, f"/staff/{colleague}/disable", {}, page=f"/staff/{colleague}"
    )

    assert listed.status_code == 200
    assert "Test staff" in listed.text
    assert (changed.status_code, changed.headers["location"]) == (303, "/staff")
    assert own.status_code == 400
    assert "You cannot remove your own administrator role" in own.text
    assert colleague_after_change.status_code == 401
    assert disabled.status_code == 303
    rows = await Account.select(Account.roles, Account.disabled_at).where(Account.id == colleague)
    assert rows[0]["roles"] == "finance"
    assert rows[0]["disabled_at"] is not None
    await other.aclose()
