"""Printed invitations for the people who asked for letters (by post, or through someone they
trust), and the briefing pack, for an organiser to download."""

from __future__ import annotations

from uuid import UUID

from app import audit
from app.sealed import Sealer
from events.services import documents, scheduling
from events.services.invitations import OPEN_REPLIES, Sender, reply_link
from events.tables import Invitation
from participation.services import contact

BY_HAND = ("post", "intermediary")


async def to_post(
    sealer: Sealer, event: UUID, actor: audit.Actor, sender: Sender, team: documents.Team
) -> tuple[bytes, int]:
    """One letter for each invited person whose route is a letter; returns the .docx and how
    many letters it holds."""
    row, venue = await scheduling.get(event)
    invited = await Invitation.select().where(
        (Invitation.event == event) & Invitation.reply.is_in(list(OPEN_REPLIES))
    )
    people = []
    for invitation in invited:
        route = await contact.route_for(sealer, invitation["subject"], actor)
        if route.route not in BY_HAND:
            continue
        middle = route.intermediary
        care_of = ", ".join(filter(None, [middle.get("name", ""), middle.get("organisation", "")]))
        people.append(
            documents.Letter(
                name=route.name.reveal() if route.name else "",
                reply_link=reply_link(sender, invitation["id"]),
                discreet=route.safe_contact,
                care_of=care_of if route.route == "intermediary" else "",
                language=route.language,
            )
        )
    return documents.letters(row, venue, people, team), len(people)


async def briefing(event: UUID, team: documents.Team) -> bytes:
    row, venue = await scheduling.get(event)
    return documents.briefing_pack(row, venue, team)
