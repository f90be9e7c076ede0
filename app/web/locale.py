"""Which language a request is answered in, chosen once at the edge of the app.

Order: a ``?lang=`` link from the language switcher (remembered in a cookie for a year), then
that cookie, then the browser's Accept-Language, then English. Only offered languages count. The
choice goes into ``app.i18n``'s context variable for everything the request renders.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from babel import negotiate_locale
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app import i18n

ONE_YEAR = 365 * 24 * 3600


class LocaleMiddleware:
    """Sets the request's language and remembers a switcher choice in the ``lang`` cookie."""

    def __init__(self, app: ASGIApp, languages: tuple[i18n.Language, ...]) -> None:
        self.app = app
        self.codes = [language.code for language in languages]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        chosen = self._from_query(scope)
        with i18n.use_locale(chosen or self._from_cookie(scope) or self._from_browser(scope)):
            await self.app(scope, receive, send if chosen is None else self._remember(chosen, send))

    @staticmethod
    def _remember(chosen: str, send: Send) -> Send:
        """Passes messages on, adding the cookie that keeps a switcher choice for a year."""

        async def remember(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = f"{i18n.COOKIE}={chosen}; Path=/; Max-Age={ONE_YEAR}; SameSite=Lax"
                message["headers"] = [*message.get("headers", ()), (b"set-cookie", cookie.encode())]
            await send(message)

        return remember

    def _from_query(self, scope: Scope) -> str | None:
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[0]
        return asked if asked in self.codes else None

    def _from_cookie(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                morsel = SimpleCookie(value.decode("latin-1")).get(i18n.COOKIE)
                if morsel is not None and morsel.value in self.codes:
                    return morsel.value
        return None

    def _from_browser(self, scope: Scope) -> str:
        header = dict(scope.get("headers", ())).get(b"accept-language", b"").decode("latin-1")
        asked = [part.split(";")[0].strip().replace("-", "_") for part in header.split(",")]
        found = negotiate_locale([code for code in asked if code], self.codes, sep="_")
        return found or i18n.DEFAULT
