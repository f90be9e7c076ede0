"""Easy Read and large-print versions of two documents: an opportunity's advert, and what
happens when a participant withdraws. Each is a list of sections (``app.accessible_docs``), so
the web page and the .docx say the same words.

Why: issue 11 and the Accessible Information Standard; many participants find reading hard.
The advert's Easy Read words are the coordinator's own (the opportunity's Easy Read field, one
sentence a line), followed by how to take part in our plain words. Nothing here is personal:
the withdrawal explanation is the same for everyone. Our words are in the current language
(each translation keeps to the Easy Read rule too: a test counts the words); the coordinator's
are as they wrote them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.accessible_docs import Line, NotEasyRead, Section, check_sentence, sentences
from app.i18n import N_
from app.i18n import gettext as _
from participation.services.rights import KEPT_FOR_FINANCE


@dataclass(frozen=True)
class Team:
    """How to reach the co-production team: printed in every document."""

    council: str
    phone: str
    email: str


def _lines(*texts: str) -> tuple[Line, ...]:
    return tuple(Line(text) for text in texts)


def advert_easy_read(row: dict[str, Any], closes: str, team: Team) -> list[Section]:
    """The advert in Easy Read; NotEasyRead when the coordinator wrote none, or a sentence is
    longer than 15 words (the message says which)."""
    about = sentences(row["easy_read"])
    if not about:
        raise NotEasyRead("This opportunity has no Easy Read version yet.")
    for sentence in about:
        check_sentence(sentence)
    return [
        Section(_("What it is about"), lines=_lines(*about)),
        Section(
            _("How to take part"),
            lines=_lines(
                _("Tell us you are interested by %(closing)s.") % {"closing": closes},
                _("Fill in a short form on our website."),
                _("Or ring us on %(phone)s.") % {"phone": team.phone},
                _("Someone you trust can help you."),
            ),
        ),
    ]


def is_easy_read(text: str) -> bool:
    """Whether typed Easy Read words make an Easy Read version (for the advert's link)."""
    found = sentences(text)
    try:
        for sentence in found:
            check_sentence(sentence)
    except NotEasyRead:
        return False
    return bool(found)


def advert_large_print(
    row: dict[str, Any], facts: list[tuple[str, str]], sought: list[str], team: Team
) -> list[Section]:
    """The advert as on the web page, for large print: the facts, the description, who for."""
    described = tuple(block for block in row["description"].replace("\r\n", "\n").split("\n\n"))
    who = (
        _("We especially want to hear from people with experience of:")
        if sought
        else _("Anyone who uses, or has used, the services this is about.")
    )
    described = tuple(b.strip() for b in described if b.strip())
    reach = {"phone": team.phone, "email": team.email}
    return [
        *(Section(label, paragraphs=(value,)) for label, value in facts),
        Section(_("What it is about"), paragraphs=described),
        Section(_("Who we would like to hear from"), paragraphs=(who,), bullets=tuple(sought)),
        Section(
            _("How to tell us you are interested"),
            paragraphs=(
                _("Answer a few short questions on our website. It takes about 5 minutes."),
                _("Or ring the co-production team on %(phone)s, or email %(email)s.") % reach,
            ),
        ),
    ]


WITHDRAW_TITLE = N_("If you stop taking part")
"""Translated where shown: ``_(WITHDRAW_TITLE)``."""


def withdrawal_easy_read(team: Team) -> list[Section]:
    """What withdrawing means, in Easy Read: what we delete, what we keep and why, coming back."""
    return [
        Section(
            _("You can stop at any time"),
            lines=_lines(
                _("You can stop taking part at any time."),
                _("You do not have to tell us why."),
                _("You will not get into trouble."),
            ),
        ),
        Section(
            _("What we delete"),
            lines=_lines(
                _("We delete your name and date of birth."),
                _("We delete your phone number, email and other contact details."),
                _("We delete what you told us about your needs."),
                _("We delete what you told us about your life."),
                _("We delete your answers to the equality questions."),
                _("We do this straight away."),
                _("You will be signed out."),
            ),
        ),
        Section(
            _("What we keep, and why"),
            lines=_lines(
                _("We keep a record of the money we paid you."),
                _("The law says we must keep it for 6 years."),
                _("Only the finance team can see it."),
                _("We keep a note of what you agreed to, and when."),
                _("We keep a note of when we deleted your details."),
                _("These notes do not have your name on them."),
            ),
        ),
        Section(
            _("Coming back"),
            lines=_lines(
                _("You can come back and take part again."),
                _("Ring us on %(phone)s.") % {"phone": team.phone},
                _("Or email us at %(email)s.") % {"email": team.email},
                _("You will need to tell us your details again."),
            ),
        ),
        Section(
            _("Need a break instead?"),
            lines=_lines(
                _("You can pause contact instead of stopping."),
                _("Go to your profile and choose pause."),
            ),
        ),
    ]


def withdrawal_large_print(team: Team) -> list[Section]:
    """The same facts as the withdraw page, in full sentences, for large print."""
    reach = {"phone": team.phone, "email": team.email}
    return [
        Section(
            _("You can stop at any time"),
            paragraphs=(_("You can stop at any time. You do not have to give a reason."),),
        ),
        Section(
            _("What we delete straight away"),
            bullets=(
                _("your profile: your name and date of birth"),
                _("your contact details"),
                _("your access needs and what you want to be involved in"),
                _("what you told us about your lived experience, and your equality answers"),
                _("your sign-in, so you will be signed out"),
            ),
        ),
        Section(
            _("What we must keep, and why"),
            paragraphs=(
                _(KEPT_FOR_FINANCE),
                _(
                    "A record of what you agreed to and when, because the law says we must be "
                    "able to prove it. It does not include your name or contact details."
                ),
                _(
                    "A record of when your details were seen, changed and deleted, to prove "
                    "they were looked after properly. It does not name you."
                ),
            ),
        ),
        Section(
            _("Taking part again"),
            paragraphs=(
                _(
                    "Withdrawing cannot be undone, but you are welcome back at any time. Ring "
                    "the co-production team on %(phone)s or email %(email)s. We will ask for "
                    "your details again."
                )
                % reach,
                _("If you only need a break, you can pause contact from your profile instead."),
            ),
        ),
    ]
