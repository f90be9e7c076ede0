"""Form parsing with messages a person can act on.

A form is a pydantic model whose ``messages`` say, per field, what to do when the value is
wrong ("Select how you feel about the service"), because pydantic's own wording is written for
programmers. ``parse_form`` returns the model or raises ``FormInvalid`` with one message per
field, in the form's order, ready for the GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from app.errors import DomainError, FieldError

FormT = TypeVar("FormT", bound="FormModel")


class FormModel(BaseModel):
    """Base for HTML forms: strips whitespace and names a message for every field."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    messages: ClassVar[dict[str, str]] = {}


class FormInvalid(DomainError):
    """The form has problems; ``errors`` lists them, ``values`` keeps what the person typed."""

    def __init__(self, errors: list[FieldError], values: Mapping[str, Any]) -> None:
        super().__init__(
            message="Some answers need correcting: see the list of errors.", errors=errors
        )
        self.values = dict(values)


def parse_form(form: type[FormT], data: Mapping[str, Any]) -> FormT:
    try:
        return form.model_validate(dict(data))
    except ValidationError as exc:
        failed = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        errors = [
            FieldError(field=name, message=form.messages.get(name, "Check this answer"))
            for name in form.model_fields
            if name in failed
        ]
        raise FormInvalid(errors, data) from exc
