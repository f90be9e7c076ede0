"""Form parsing with messages a person can act on.

A form is a pydantic model whose ``messages`` say, per field, what to do when the value is
wrong ("Select how you feel about the service"), because pydantic's own wording is written for
programmers. ``parse_form`` returns the model or raises ``FormInvalid`` with one message per
field, in the form's order, ready for the GOV.UK error summary.

Messages are module constants, written before anyone's language is known, so forms mark them
with ``N_("...")`` and ``field_errors`` translates each one into the request's language when it
builds the list: one place, so no form can forget.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from app.errors import DomainError, FieldError
from app.i18n import N_
from app.i18n import gettext as _

FormT = TypeVar("FormT", bound="FormModel")
CHECK_THIS_ANSWER = N_("Check this answer")


class FormModel(BaseModel):
    """Base for HTML forms: strips whitespace and names a message for every field."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    messages: ClassVar[dict[str, str]] = {}
    """Field name to what to do, each marked ``N_("...")``; shown translated."""


class StrictForm(FormModel):
    """A form or API body where an unknown key is an error (a typo must not pass silently)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


def some_of(choices: Mapping[str, str]) -> Any:
    """Validator: a list of codes from ``choices``, without repeats, in the choices' order."""

    def check(values: list[str]) -> list[str]:
        if any(value not in choices for value in values):
            raise ValueError("unknown choice")
        return [code for code in choices if code in values]

    return AfterValidator(check)


def one_of(choices: Mapping[str, str]) -> Any:
    """Validator: one code from ``choices``."""

    def check(value: str) -> str:
        if value not in choices:
            raise ValueError("unknown choice")
        return value

    return AfterValidator(check)


class FormInvalid(DomainError):
    """The form has problems; ``errors`` lists them, ``values`` keeps what the person typed."""

    def __init__(self, errors: list[FieldError], values: Mapping[str, Any]) -> None:
        super().__init__(
            message=_("Some answers need correcting: see the list of errors."), errors=errors
        )
        self.values = dict(values)


class FieldProblem(ValueError):
    """Raised by a model validator about one field, with its own message ("Enter your email
    address, or choose another way for us to contact you"). Mark the message ``N_("...")``:
    ``field_errors`` translates it."""

    def __init__(self, field: str, message: str = "") -> None:
        super().__init__(field)
        self.field = field
        self.message = message


def parse_form(form: type[FormT], data: Mapping[str, Any]) -> FormT:
    try:
        return form.model_validate(dict(data))
    except ValidationError as exc:
        raise FormInvalid(field_errors(form, exc), data) from exc


def field_errors(form: type[FormModel], exc: ValidationError) -> list[FieldError]:
    """One message per field that failed, in the form's order; unknown fields come last, each
    in the request's language."""
    failed: dict[str, str] = {}
    for error in exc.errors():
        problem = error.get("ctx", {}).get("error")
        if isinstance(problem, FieldProblem):
            failed.setdefault(problem.field, problem.message)
        elif error["loc"]:
            failed.setdefault(str(error["loc"][0]), "")
    order = [*form.model_fields, *sorted(set(failed) - set(form.model_fields))]
    return [
        FieldError(
            field=name,
            message=_(failed[name] or form.messages.get(name) or CHECK_THIS_ANSWER),
        )
        for name in order
        if name in failed
    ]


async def read_form(request: Any, form: type[FormModel]) -> dict[str, Any]:
    """The posted fields ``form`` declares: lists (checkboxes) as every value ticked, the rest as
    text. Unticked checkboxes send nothing, so a list field missing from the post is empty."""
    return read_fields(await request.form(), form)


def read_fields(posted: Any, form: type[FormModel]) -> dict[str, Any]:
    """``read_form`` over any multi-dict: a form body, or a GET form's query parameters."""
    data: dict[str, Any] = {}
    for name, info in form.model_fields.items():
        if _is_list(info.annotation):
            data[name] = [value for value in posted.getall(name, []) if value]
        elif name in posted:
            data[name] = posted[name]
    return data


def _is_list(annotation: Any) -> bool:
    """True for ``list[...]`` however it is wrapped (``Annotated[list[str], ...]``)."""
    origin = getattr(annotation, "__origin__", None)
    return origin is list or any(_is_list(arg) for arg in getattr(annotation, "__args__", ()))
