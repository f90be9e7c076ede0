"""The symbol library pages: coordinators and admins list, add, replace and delete the
pictures Easy Read documents put beside their lines; anyone may fetch a picture (adverts are
public), with a long cache because a replaced picture gets a new address.

Thin: ``app.symbols`` checks and keeps the pictures. Staff pages, so plain English only.
Access rules: ``app.auth.access.KERNEL_RULES`` (staff pages for coordinators and admins).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import symbols
from app.datamap import Role
from app.errors import DomainError, FieldError, NotFound
from app.web.pages import page
from app.web.templates import NavItem

AnyRequest = Request[Any, Any, Any]
FIELD_IDS = {"alt": "alt", "words": "words", "image": "image"}
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"


class SymbolPages(Controller):
    path = "/symbols"
    include_in_schema = False

    @get("/", name="symbols")
    async def library(self, done: FromQuery[str] = "") -> Template:
        return await _library({"alt": "", "words": ""}, notice=NOTICES.get(done, ""))

    @post("/", name="symbols-add")
    async def add(self, request: AnyRequest) -> Template | Redirect:
        values, content = await _posted(request)
        try:
            await symbols.add(values["alt"], values["words"], content or b"")
        except DomainError as problem:
            return await _library(values, problem.errors, problem.status_code)
        return Redirect(path="/symbols?done=1", status_code=303)

    @get("/{symbol:uuid}/change", name="symbol-change")
    async def change_form(self, symbol: FromPath[UUID]) -> Template:
        found = await symbols.get(symbol)
        return _change(found, {"alt": found.alt, "words": found.words_text})

    @post("/{symbol:uuid}/change", name="symbol-change-submit")
    async def change(self, request: AnyRequest, symbol: FromPath[UUID]) -> Template | Redirect:
        found = await symbols.get(symbol)
        values, content = await _posted(request)
        try:
            await symbols.change(symbol, values["alt"], values["words"], content)
        except DomainError as problem:
            return _change(found, values, problem.errors, problem.status_code)
        return Redirect(path="/symbols?done=2", status_code=303)

    @post("/{symbol:uuid}/delete", name="symbol-delete")
    async def delete(self, symbol: FromPath[UUID]) -> Redirect:
        await symbols.remove(symbol)
        return Redirect(path="/symbols?done=3", status_code=303)

    @get("/{file:str}", name="symbol-image")
    async def picture(self, file: FromPath[str], v: FromQuery[str] = "") -> Response[bytes]:
        """``<id>.png`` or ``<id>.jpg``; the cache is long only for the current version."""
        name, _, extension = file.partition(".")
        try:
            found = await symbols.image(UUID(name))
        except ValueError as wrong:
            raise NotFound("There is no such symbol.") from wrong
        if symbols.EXTENSIONS[found.media_type] != extension:
            raise NotFound("There is no such symbol.")
        cache = LONG_CACHE if v == str(found.version) else SHORT_CACHE
        return Response(found.data, media_type=found.media_type, headers={"Cache-Control": cache})


NOTICES = {"1": "Symbol added", "2": "Symbol changed", "3": "Symbol deleted"}


async def _posted(request: AnyRequest) -> tuple[dict[str, str], bytes | None]:
    """The typed fields and the uploaded file's bytes (None when no file was chosen)."""
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ("alt", "words")}
    upload = form.get("image")
    if isinstance(upload, UploadFile) and upload.filename:
        return values, await upload.read()
    return values, None


async def _library(
    values: dict[str, str],
    errors: list[FieldError] | None = None,
    status: int = 400,
    notice: str = "",
) -> Template:
    return page(
        "kernel/symbols.html",
        "Easy Read symbols",
        status_code=status if errors else 200,
        symbols=await symbols.listing(),
        values=values,
        errors=errors or [],
        field_ids=FIELD_IDS,
        notice=notice,
        most_kb=symbols.MOST_BYTES // 1024,
    )


def _change(
    found: symbols.SymbolView,
    values: dict[str, str],
    errors: list[FieldError] | None = None,
    status: int = 400,
) -> Template:
    return page(
        "kernel/symbols_change.html",
        "Change a symbol",
        status_code=status if errors else 200,
        symbol=found,
        values=values,
        errors=errors or [],
        field_ids=FIELD_IDS,
    )


ROUTES: list[Any] = [SymbolPages]
NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Symbols", "/symbols", roles=frozenset({Role.coordinator, Role.admin})),
)
