"""Jinja set-up: our ``templates/`` folder plus the GOV.UK Frontend macros, and the site context.

Every page gets ``site`` (council, service name, contact details, navigation) so no controller
has to pass them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from litestar.plugins.jinja import JinjaTemplateEngine as Engine
from litestar.template import TemplateConfig

from app import i18n
from app.settings import PROJECT_ROOT, Settings

TEMPLATE_DIR = PROJECT_ROOT / "templates"


@dataclass(frozen=True)
class NavItem:
    """A link in the header; ``roles`` limits it to signed-in people with one of them."""

    text: str
    href: str
    roles: frozenset[str] = frozenset()

    def shown_to(self, user: Any) -> bool:
        if not self.roles:
            return True
        return bool(user and user.is_signed_in and self.roles & user.roles)


@dataclass(frozen=True)
class Site:
    """What the page shell shows about the council and the service."""

    council_name: str
    service_name: str
    contact_email: str
    contact_phone: str
    contact_postal_address: str
    navigation: tuple[NavItem, ...] = field(default=())
    languages: tuple[i18n.Language, ...] = field(default=())
    """Offered in the language switcher on the pages participants use."""

    @property
    def language_names(self) -> dict[str, str]:
        """Code to the language's own name, for a choice of language on a form."""
        return {language.code: language.endonym for language in self.languages}


KERNEL_NAVIGATION = (NavItem(i18n.N_("Home"), "/"), NavItem(i18n.N_("Contact us"), "/contact"))


def site_from(settings: Settings, navigation: tuple[NavItem, ...]) -> Site:
    return Site(
        council_name=settings.council_name,
        service_name=settings.service_name,
        contact_email=settings.contact_email,
        contact_phone=settings.contact_phone,
        contact_postal_address=settings.contact_postal_address,
        navigation=navigation,
        languages=i18n.offered(settings.languages),
    )


def template_config(site: Site) -> TemplateConfig[Engine]:
    environment = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATE_DIR),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]  # the i18n extension
        i18n.page_gettext,
        i18n.ngettext,
        newstyle=True,
        pgettext=i18n.pgettext,
        npgettext=i18n.npgettext,
    )
    environment.globals["site"] = site
    environment.globals["current_language"] = i18n.current_language
    environment.globals["N_"] = i18n.N_
    environment.filters["day"] = i18n.day
    environment.filters["weekday_and_day"] = i18n.weekday_and_day
    environment.filters["time_of_day"] = i18n.time_of_day
    environment.filters["moment"] = i18n.moment
    return TemplateConfig(engine=Engine.from_environment(environment))
