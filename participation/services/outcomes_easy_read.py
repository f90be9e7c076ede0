""" "You said, we did" in Easy Read and large print, for the people it was sent to (everyone
selected for the opportunity) and for the coordinator who wrote it.

Why: issue 11; the "What changed" letter is the part of co-production people most often never
hear, and many find long text hard. The large-print version is the coordinator's own words in
full. The Easy Read version needs Easy Read words, which only the coordinator can write (a
machine cannot shorten meaning safely): ``easy_said`` and ``easy_did`` on the outcome, each
sentence checked at 15 words as it is typed, like the advert's Easy Read text. Until they are
written there is no Easy Read version, never a half-made one. Our own fixed sentences are
translated; the coordinator's words are shown as written.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import Field, model_validator

from app import audit
from app.accessible_docs import Letter, Line, NotEasyRead, Section, check_sentence, sentences
from app.db import transaction
from app.errors import NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.web.forms import FieldProblem, FormModel
from participation.services import opportunities
from participation.services.easy_read import Team, is_easy_read
from participation.services.outcomes import MAX_TEXT
from participation.tables import Expression, Opportunity, Outcome

CHANGE_LINES = {
    "yes": N_("Things changed because of what you told us."),
    "partly": N_("Some things changed because of what you told us."),
    "no": N_("We could not change this."),
}
CHANGE_IN_FULL = {
    "yes": N_("Yes. Things changed because of what you told us."),
    "partly": N_("Partly. Some things changed because of what you told us."),
    "no": N_("No. We could not change this."),
}


class EasyReadWords(FormModel):
    """The coordinator's Easy Read words for one outcome: what people said, what we did."""

    easy_said: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] = ""
    easy_did: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] = ""

    messages: ClassVar[dict[str, str]] = {
        "easy_said": f"Write what people told you in Easy Read, in {MAX_TEXT} characters or fewer",
        "easy_did": f"Write what you did, or why not, in Easy Read, in {MAX_TEXT} characters "
        "or fewer",
    }

    @model_validator(mode="after")
    def _easy(self) -> EasyReadWords:
        """Each sentence has at most 15 words: said while the coordinator writes."""
        for name in ("easy_said", "easy_did"):
            for sentence in sentences(getattr(self, name)):
                try:
                    check_sentence(sentence)
                except NotEasyRead as problem:
                    raise FieldProblem(name, problem.message) from problem
        return self


async def of_opportunity(opportunity: UUID, outcome: UUID) -> dict[str, Any]:
    """One outcome of this opportunity, with the opportunity's ``title``; or not found."""
    details = await opportunities.get(opportunity)
    row = (
        await Outcome.select()
        .where((Outcome.id == outcome) & (Outcome.opportunity == opportunity))
        .first()
    )
    if row is None:
        raise NotFound("There is no such outcome.")
    return {**row, "title": details["title"]}


async def save_words(
    opportunity: UUID, outcome: UUID, form: EasyReadWords, actor: audit.Actor
) -> None:
    await of_opportunity(opportunity, outcome)
    async with transaction():
        await Outcome.update(
            {Outcome.easy_said: form.easy_said, Outcome.easy_did: form.easy_did}
        ).where(Outcome.id == outcome)
        await audit.record(actor, audit.Action.change, field_group="outcome", purpose="easy read")


async def sent_to(subject: UUID) -> list[dict[str, Any]]:
    """The outcomes sent back for the opportunities this person was selected for, newest
    first, each with its opportunity's ``title`` and whether it has an Easy Read version."""
    chosen = await Expression.select(Expression.opportunity).where(
        (Expression.subject == subject) & (Expression.status == "selected")
    )
    ids = [row["opportunity"] for row in chosen]
    if not ids:
        return []
    rows = (
        await Outcome.select()
        .where(Outcome.opportunity.is_in(ids) & Outcome.sent_at.is_not_null())
        .order_by(Outcome.sent_at, ascending=False)
    )
    titles = {
        row["id"]: row["title"]
        for row in await Opportunity.select(Opportunity.id, Opportunity.title).where(
            Opportunity.id.is_in(ids)
        )
    }
    return [
        {**row, "title": titles.get(row["opportunity"], ""), "easy": has_easy(row)} for row in rows
    ]


async def for_participant(subject: UUID, outcome: UUID) -> dict[str, Any]:
    """An outcome this person was sent; anything else is not found (never "forbidden": that
    would say it exists)."""
    for row in await sent_to(subject):
        if row["id"] == outcome:
            return row
    raise NotFound("There is no such outcome.")


def has_easy(row: dict[str, Any]) -> bool:
    return is_easy_read(row["easy_said"]) and is_easy_read(row["easy_did"])


def letter_of(team: Team) -> Letter:
    """Who the printed letter is from."""
    return Letter(letterhead=team.council, sign_off=_("From the co-production team"))


def title_of(row: dict[str, Any]) -> str:
    return _("You said, we did: %(title)s") % {"title": row["title"]}


def outcome_easy_read(row: dict[str, Any], team: Team) -> list[Section]:
    """The outcome in Easy Read; NotEasyRead when the coordinator has not written its words."""
    if not has_easy(row):
        raise NotEasyRead("This outcome has no Easy Read version yet.")
    said, did = sentences(row["easy_said"]), sentences(row["easy_did"])
    changed = row["changed"] if row["changed"] in CHANGE_LINES else "yes"
    heading = _("Why we could not change it") if changed == "no" else _("What we did")
    return [
        Section(
            _("Thank you"),
            lines=_lines(
                _("Thank you for taking part."),
                _("This is what happened because of what you told us."),
            ),
        ),
        Section(_("What you told us"), lines=_lines(*said)),
        Section(heading, lines=_lines(_(CHANGE_LINES[changed]), *did)),
        Section(
            _("Questions"),
            lines=_lines(
                _("Do you have questions about this?"),
                _("Ring us on %(phone)s.") % {"phone": team.phone},
                _("Or email %(email)s.") % {"email": team.email},
            ),
        ),
    ]


def outcome_large_print(row: dict[str, Any], team: Team) -> list[Section]:
    """The coordinator's words in full, under our translated headings, for large print."""
    changed = row["changed"] if row["changed"] in CHANGE_IN_FULL else "yes"
    thanks = _(
        "Thank you for taking part in %(title)s. This is what happened because of what you told us."
    ) % {"title": row["title"]}
    sections = [
        Section(_("Thank you"), paragraphs=(thanks,)),
        Section(_("What you told us"), paragraphs=_blocks(row["said"])),
        Section(_("Did it change anything?"), paragraphs=(_(CHANGE_IN_FULL[changed]),)),
    ]
    if row["did"]:
        sections.append(Section(_("What we did"), paragraphs=_blocks(row["did"])))
    if row["why_not"]:
        why = _("Why not all of it") if changed == "partly" else _("Why we could not change it")
        sections.append(Section(why, paragraphs=_blocks(row["why_not"])))
    contact = _(
        "If you have a question, ring the co-production team on %(phone)s or email %(email)s."
    ) % {"phone": team.phone, "email": team.email}
    sections.append(Section(_("Questions"), paragraphs=(contact,)))
    return sections


def _lines(*texts: str) -> tuple[Line, ...]:
    return tuple(Line(text) for text in texts)


def _blocks(text: str) -> tuple[str, ...]:
    """Typed text as paragraphs: a blank line starts a new one."""
    return tuple(b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip())
