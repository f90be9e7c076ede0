"""What every participation API handler shares: reading bodies, and describing them in OpenAPI.

Bodies arrive as plain JSON objects and are validated here rather than by Litestar, because
Litestar's own 400 uses pydantic's wording for programmers and cannot name the field a model
validator complains about ("date_of_birth" in the future). Here every problem comes back as
``errors: [{field, message}]`` with the schema's own ``messages``, nested fields named with a
dot (``contact.email``). The OpenAPI document still shows each body's real schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, TypeVar

from litestar import Request
from litestar.params import Body
from pydantic import BaseModel, ValidationError

from app.errors import FieldError
from app.web.forms import FormInvalid, FormModel, field_errors, parse_form
from participation import schemas
from participation.api import models as m
from participation.services import profiles

ModelT = TypeVar("ModelT", bound=FormModel)
AnyRequest = Request[Any, Any, Any]
JSONObject = dict[str, Any]
PARTS: dict[str, type[schemas.Section]] = {
    "about": schemas.AboutYou,
    "contact": schemas.ContactDetails,
}
"""The sections a new profile is made of, each its own JSON object."""


def body(*models: type[BaseModel], description: str) -> Any:
    """Document a JSON object body as ``models`` (one of them, if several) in OpenAPI."""
    shapes = [_inlined(model.model_json_schema()) for model in models]
    extra: dict[str, Any]
    if len(shapes) == 1:
        extra = {key: shapes[0][key] for key in ("properties", "required") if key in shapes[0]}
        extra["additional_properties"] = False
    else:
        extra = {"one_of": shapes}
    return Body(title=models[0].__name__, description=description, schema_extra=extra)


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its ``$defs`` written in place: OpenAPI cannot resolve pydantic's refs."""
    definitions = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(dict(definitions[node["$ref"].rsplit("/", 1)[-1]]))
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    inlined: dict[str, Any] = walk(schema)
    return inlined


SectionBody = Annotated[
    JSONObject, body(*profiles.SECTIONS.values(), description="The section's answers")
]
"""The body of a section change: that section's schema, whichever it is."""


def parse(
    model: type[ModelT],
    data: Any,
    prefix: str = "",
    known: Iterable[str] = (),
    *,
    text: bool = False,
) -> ModelT:
    """``data`` as ``model``, or ``FormInvalid`` naming each field (``prefix.field``).

    ``known``: every key the body may have, when ``model`` checks only some of them.
    ``text``: the values are a query string's, all text, so ``"2"`` may be read as 2.
    """
    if not isinstance(data, Mapping):
        raise FormInvalid([FieldError(prefix or "body", _not_an_object(model))], {})
    try:
        return parse_form(model, data) if text else _strict(model, data)
    except FormInvalid as invalid:
        fields = list(known or model.model_fields)
        raise FormInvalid([_explained(fields, e, prefix) for e in invalid.errors], {}) from None


def _strict(model: type[ModelT], data: Mapping[str, Any]) -> ModelT:
    """``data`` read as the JSON it came as, in pydantic's strict mode.

    The OpenAPI document promises a boolean, an integer, a string: lax parsing (the pages',
    where every value arrives as text) would take ``0`` for false, ``"12"`` for 12 and a number
    for a date, so a script's mistake would pass silently as something it did not mean.
    """
    try:
        return model.model_validate_json(json.dumps(dict(data)), strict=True)
    except ValidationError as exc:
        raise FormInvalid(field_errors(model, exc), data) from exc


def parse_new_profile(data: Mapping[str, Any]) -> schemas.NewProfile:
    """A new profile: every part checked, so one answer lists every problem in the body."""
    errors: list[FieldError] = []
    sections: dict[str, schemas.Section] = {}
    for name, model in PARTS.items():
        try:
            sections[name] = parse(model, data.get(name, {}), prefix=name)
        except FormInvalid as invalid:
            errors += invalid.errors
    rest = {key: value for key, value in data.items() if key not in PARTS}
    try:
        options = parse(m.ProfileOptions, rest, known=schemas.NewProfile.model_fields)
    except FormInvalid as invalid:
        raise FormInvalid([*errors, *invalid.errors], {}) from None
    if errors:
        raise FormInvalid(errors, {})
    return schemas.NewProfile.model_validate(sections | options.model_dump())


def _explained(fields: list[str], error: FieldError, prefix: str) -> FieldError:
    """Prefix the field; say plainly that a key the body should not have must go."""
    message = error.message
    if error.field not in fields:
        message = f"Remove {error.field}: it is not one of {', '.join(fields)}"
    return FieldError(f"{prefix}.{error.field}" if prefix else error.field, message)


def _not_an_object(model: type[FormModel]) -> str:
    return f"Send a JSON object with the fields {', '.join(model.model_fields)}"
