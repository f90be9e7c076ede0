"""Printed letters and the briefing pack, opened back with python-docx."""

from __future__ import annotations

import io

import httpx
from docx import Document
from docx.shared import Pt
from litestar import Litestar

from app.datamap import Role
from app.sealed import Sealer
from events.services import documents, invitations, letters, scheduling
from participation import schemas
from tests.events.conftest import ORGANISER, SENDER, panel
from tests.support.auth import make_account, sign_in

TEAM = documents.Team("Northshire County Council", "0300 123 4567", "team@northshire.example")


def _text(docx: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(docx)).paragraphs]


async def test_a_letter_for_each_person_who_asked_for_letters(sealer: Sealer) -> None:
    setup = await panel(
        sealer,
        ann={"email": "ann@example.org"},
        bo={"email": None, "route": "post", "address": "4 Quay Road\nNorthtown NT2 2BB"},
        dee={
            "email": None,
            "route": "intermediary",
            "safe_contact": True,
            "intermediary": schemas.Intermediary(
                name="Sandra", organisation="Women's Aid", contact="01632 960400"
            ),
        },
    )
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    body, count = await letters.to_post(sealer, setup.event, ORGANISER, SENDER, TEAM)

    text = _text(body)
    assert count == 2
    assert text.count("Northshire County Council") == 2
    assert "Dear Bo," in text
    assert "Dear Dee," in text
    assert "For Dee, care of Sandra, Women's Aid" in text
    assert not any("Quay Road" in line for line in text)
    dee_part = text[text.index("Dear Dee,") :]
    assert not any("Housing support" in line for line in dee_part)
    assert any("/events/reply/" in line for line in dee_part)
    document = Document(io.BytesIO(body))
    assert document.styles["Normal"].font.size == Pt(14)


async def test_the_briefing_pack_says_when_where_access_and_afterwards(sealer: Sealer) -> None:
    setup = await panel(sealer)
    row, _ = await scheduling.get(setup.event)

    text = _text(await letters.briefing(setup.event, TEAM))

    headings = [
        p.text
        for p in Document(io.BytesIO(await letters.briefing(setup.event, TEAM))).paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings == [
        row["title"],
        "When and where",
        "Access at the venue",
        "What will happen",
        "Afterwards",
        "Questions?",
    ]
    assert "Hearing loop" in text
    assert any(line.startswith("Where: County Hall, Committee Room 2") for line in text)


async def test_organisers_download_them_and_participants_cannot(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    setup = await panel(sealer)
    organiser = await make_account(running_app, "staff", (Role.organiser,))
    await sign_in(running_app, client, organiser)

    response = await client.get(f"/events/{setup.event}/briefing.docx")
    client.cookies.clear()
    participant = await make_account(running_app, "participant", (Role.participant,))
    await sign_in(running_app, client, participant)
    refused = await client.get(f"/events/{setup.event}/briefing.docx")

    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="briefing-pack.docx"'
    assert _text(response.content)[0] == "Housing support evaluation panel"
    assert refused.status_code == 403
