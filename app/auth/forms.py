"""The sign-in steps' forms: fields, guidance and messages, kept apart from the flow.

The participant's steps (email, code, paper code) are in the reader's language; the staff steps
stay in English, like every staff page."""

from __future__ import annotations

from litestar.response import Template

from app.auth.flow import form_page
from app.errors import FieldError
from app.i18n import gettext as _

CODE_FIELD = {
    "name": "code",
    "label": "Code",
    "width": "10",
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "spellcheck": False,
}


def staff_form(
    values: dict[str, str], errors: list[FieldError] | None = None, status: int = 400
) -> Template:
    return form_page(
        "Sign in with your work account",
        "/sign-in/staff",
        [
            {
                "name": "email",
                "label": "Work email address",
                "type": "email",
                "autocomplete": "username",
                "spellcheck": False,
            },
            {
                "name": "password",
                "label": "Password",
                "type": "password",
                "autocomplete": "current-password",
            },
        ],
        values,
        errors or [],
        submit="Continue",
        status_code=status if errors else 200,
    )


def mfa_form(
    values: dict[str, str], errors: list[FieldError] | None = None, status: int = 400
) -> Template:
    return form_page(
        "Enter your authenticator code",
        "/sign-in/two-step",
        [CODE_FIELD],
        values,
        errors or [],
        guidance=["Open the authenticator app on your phone and enter the 6-digit code it shows."],
        links=[{"href": "/sign-in/recovery", "text": "I cannot use my authenticator app"}],
        submit="Sign in",
        status_code=status if errors else 200,
    )


def recovery_form(
    values: dict[str, str], errors: list[FieldError] | None = None, status: int = 400
) -> Template:
    field = {
        "name": "code",
        "label": "Recovery code",
        "width": "10",
        "autocomplete": "off",
        "spellcheck": False,
    }
    return form_page(
        "Use a recovery code",
        "/sign-in/recovery",
        [field],
        values,
        errors or [],
        guidance=[
            "Enter one of the recovery codes you saved when you set up two-step verification.",
            "Each code works once.",
        ],
        submit="Sign in",
        status_code=status if errors else 200,
    )


def email_form(
    values: dict[str, str], errors: list[FieldError] | None = None, status: int = 400
) -> Template:
    field = {
        "name": "email",
        "label": _("Email address"),
        "type": "email",
        "autocomplete": "email",
        "spellcheck": False,
        "hint": _("We will email you a code to sign in. You do not need a password."),
    }
    return form_page(
        _("Sign in with your email"),
        "/sign-in/email",
        [field],
        values,
        errors or [],
        submit=_("Send me a code"),
        status_code=status if errors else 200,
    )


def code_form(
    values: dict[str, str], errors: list[FieldError] | None = None, status: int = 400
) -> Template:
    return form_page(
        _("Check your email"),
        "/sign-in/email/code",
        [{**CODE_FIELD, "label": _("Code")}],
        values,
        errors or [],
        guidance=[
            _(
                "If you have an account with us, we have sent you an email with a 6-digit code. "
                "It works for 10 minutes."
            ),
            _("The email may take a few minutes to arrive. Check your spam folder."),
        ],
        links=[{"href": "/sign-in/email", "text": _("Send a new code")}],
        submit=_("Sign in"),
        status_code=status if errors else 200,
    )


def activate_form(
    values: dict[str, str], errors: list[FieldError] | None = None, status: int = 400
) -> Template:
    field = {
        "name": "code",
        "label": _("Your code"),
        "width": "10",
        "autocomplete": "off",
        "spellcheck": False,
        "hint": _("It is on the letter the co-production team gave you, for example 3K7 M2X 9QPW."),
    }
    return form_page(
        _("Enter your code"),
        "/sign-in/activate",
        [field],
        values,
        errors or [],
        submit=_("Sign in"),
        status_code=status if errors else 200,
    )
