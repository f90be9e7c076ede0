"""The composition root: ``create_app(settings)`` wires the kernel and the three domains together.

This module and ``app.cli`` are the only kernel modules that import the domains (checked by the
import contracts in ``pyproject.toml``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from uuid import UUID

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Contact
from litestar.static_files import create_static_files_router

import events.api
import events.datamap
import events.pages
import events.services.attention
import events.services.invitations
import events.services.reminders
import events.services.retention
import participation.api
import participation.datamap
import participation.pages
import participation.services.attention
import participation.services.contact
import participation.services.retention
import payments.api
import payments.datamap
import payments.pages
import payments.services.attention
import payments.services.retention
from app import mail, observability, symbols_pages, worker
from app.api import API_PREFIX, api_router
from app.auth.flow import CSRF_COOKIE
from app.auth.wiring import GUARDS, auth_routes, auth_state
from app.datamap import DataMap
from app.db import all_tables, build_engine, open_engine
from app.errors import EXCEPTION_HANDLERS
from app.health import HEALTH_HANDLERS
from app.kernel_datamap import account_maps, kernel_maps
from app.keyring import load_keyring
from app.keys import ConfigurationError, load_secret_key
from app.retention import KERNEL_RETENTION, RetentionRule, RetentionRun, run_rules
from app.sealed import Sealer
from app.settings import PROJECT_ROOT, Settings
from app.vault import Vault
from app.web import middleware, today
from app.web.pages import KernelPages
from app.web.templates import KERNEL_NAVIGATION, site_from, template_config

STATIC_DIR = PROJECT_ROOT / "app" / "static"
DOMAINS = (participation, events, payments)


def data_map() -> DataMap:
    """The kernel's and every domain's entries in the record of processing."""
    complete = DataMap()
    complete.add(*kernel_maps(), *account_maps(), *_domain_attr("datamap", "MAPS"))
    return complete


def retention_rules() -> tuple[RetentionRule, ...]:
    """The kernel's retention rules, then each domain's, in dependency order."""
    return (
        *KERNEL_RETENTION,
        *participation.services.retention.RETENTION,
        *events.services.retention.RETENTION,
        *payments.services.retention.RETENTION,
    )


def check_data_map(datamap: DataMap) -> None:
    """Refuse to run with a column that the data map does not classify."""
    tables = [t for t in all_tables() if t._meta.tablename != "migration"]
    gaps = datamap.gaps(tables)
    if gaps:
        raise ConfigurationError(
            "These columns are not in the data map (app/datamap.py and each domain's "
            "datamap.py): " + ", ".join(gaps)
        )
    unsafe = datamap.unsafe_indexes(tables)
    if unsafe:
        raise ConfigurationError(
            "These personal-data columns carry a database index; only blind indexes and "
            "identifiers may: " + ", ".join(unsafe)
        )


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the whole service from its settings; nothing is read from the environment later."""
    settings = settings or Settings()
    secret_key = load_secret_key(settings)
    keyring = load_keyring(settings)
    datamap = data_map()
    check_data_map(datamap)
    site = site_from(settings, _navigation())
    app = Litestar(
        route_handlers=[
            KernelPages,
            *today.ROUTES,
            *symbols_pages.ROUTES,
            *auth_routes(settings),
            *HEALTH_HANDLERS,
            *_domain_attr("pages", "ROUTES"),
            api_router(_domain_attr("api", "ROUTES")),
            create_static_files_router(path="/static", directories=[STATIC_DIR], name="static"),
        ],
        lifespan=[_database_lifespan(settings), _worker_lifespan(settings)],
        state=State(
            {
                "settings": settings,
                "site": site,
                "version": _version(),
                "keyring": keyring,
                "datamap": datamap,
                "attention": attention_providers(),
                "language_of": _language_of,
                **auth_state(settings, secret_key, _domain_rules()),
            }
        ),
        guards=GUARDS,
        dependencies={"sealer": Provide(provide_sealer, sync_to_thread=False)},
        template_config=template_config(site),
        csrf_config=CSRFConfig(
            secret=secret_key,
            cookie_name=CSRF_COOKIE,
            cookie_secure=settings.uses_https,
            cookie_httponly=True,
            cookie_samesite="strict",
            exclude=[f"^{API_PREFIX}/", "^/health/"],
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=_openapi_config(settings),
        logging_config=_logging_config(settings),
        debug=False,
    )
    middleware.wrap(app, https=settings.uses_https, languages=site.languages)
    return app


def provide_sealer(state: State) -> Sealer:
    """A fresh vault per request: unwrapped data keys never outlive the request."""
    settings: Settings = state.settings
    return Sealer(Vault(state.keyring), state.datamap, settings.blind_index_population)


def _domain_attr(module: str, name: str) -> list[Any]:
    """Collect a list each domain module exposes (``participation.api.ROUTES`` ...)."""
    return [item for domain in DOMAINS for item in getattr(getattr(domain, module), name)]


async def _language_of(state: State, account: UUID) -> str | None:
    """The language a participant chose on their profile (the kernel's sign-in applies it)."""
    return await participation.services.contact.language_of(provide_sealer(state), account)


def attention_providers() -> list[today.Provider]:
    """Each domain's "what needs a coordinator today" (``services.attention``) for /today."""
    return [
        participation.services.attention.needs_attention,
        events.services.attention.needs_attention,
        payments.services.attention.needs_attention,
    ]


def _domain_rules() -> dict[str, Any]:
    """Each domain's access rules (``ACCESS`` in its api and pages modules)."""
    rules: dict[str, Any] = {}
    for domain in DOMAINS:
        rules |= domain.api.ACCESS | domain.pages.ACCESS
    return rules


def _navigation() -> tuple[Any, ...]:
    return (
        *KERNEL_NAVIGATION[:1],
        *today.NAVIGATION,
        *symbols_pages.NAVIGATION,
        *_domain_attr("pages", "NAVIGATION"),
        *KERNEL_NAVIGATION[1:],
    )


def _database_lifespan(settings: Settings) -> Any:
    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        async with open_engine(build_engine(settings), settings):
            yield

    return lifespan


def _worker_lifespan(settings: Settings) -> Any:
    """On the embedded default each web process runs the background jobs too (claims stop two
    processes sending one email or reminder); RECIPROCITY_OUTBOX_POLL_S=0 leaves them to
    ``reciprocity worker``."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if settings.outbox_poll_s <= 0:
            yield
            return
        jobs = background_jobs(settings, lambda: provide_sealer(app.state), app.state.secret_key)
        runner = asyncio.create_task(worker.run_forever(jobs))
        try:
            yield
        finally:
            runner.cancel()
            with suppress(asyncio.CancelledError):
                await runner

    return lifespan


def background_jobs(
    settings: Settings, make_sealer: Callable[[], Sealer], secret_key: str
) -> list[worker.Job]:
    """Every background job with its schedule. Each run gets a fresh sealer, so no data key
    outlives a run. A job says "" when it found nothing to do."""
    sender = events.services.invitations.Sender(settings.mail_from, settings.public_url, secret_key)

    async def send_email() -> str:
        report = await mail.deliver_due(make_sealer(), settings)
        return "" if report == mail.DeliveryReport() else report.summary()

    async def send_reminders() -> str:
        done = await events.services.reminders.send_due(make_sealer(), sender)
        if not (done.emailed or done.to_tell):
            return ""
        return f"{done.emailed} reminders emailed, {done.to_tell} for staff to ring or text"

    async def apply_retention() -> str:
        run = RetentionRun(datetime.now(UTC), False, make_sealer(), settings)
        removed = sum(count for _, count in await run_rules(retention_rules(), run))
        return f"{removed} records past their retention period removed" if removed else ""

    return [
        worker.Job("email", settings.outbox_poll_s or 10.0, send_email),
        worker.Job("reminders", 15 * 60, send_reminders, fleet_once=True),
        worker.Job("retention", 24 * 60 * 60, apply_retention, fleet_once=True),
    ]


def _openapi_config(settings: Settings) -> OpenAPIConfig:
    return OpenAPIConfig(
        title=f"{settings.service_name} API",
        version=_version(),
        description=(
            "JSON API for staff scripts. Authenticate with an API token. Errors are "
            "problem details (RFC 9457) with a request_id to quote to support."
        ),
        contact=Contact(name="Co-production team", email=settings.contact_email),
        path="/schema",
        render_plugins=[JsonRenderPlugin()],
    )


def _logging_config(settings: Settings) -> LoggingConfig:
    """One stderr handler, text or JSON (``RECIPROCITY_LOG_FORMAT``), every line with the
    request id; exceptions as type and frames only (app.observability). The access log's fields
    are an allow-list (see app.web.middleware)."""
    parts = observability.logging_parts(settings)
    return LoggingConfig(
        root={"level": settings.log_level, "handlers": ["console"]},
        formatters=parts["formatters"],
        filters=parts["filters"],
        handlers=parts["handlers"],
        loggers={
            **{name: {"level": "INFO"} for name in observability.QUIET_LOGGERS},
            "litestar": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
        log_exceptions="never",
        disable_stack_trace={404, 400, 401, 403, 405, 409, 415, 429},
    )


def _version() -> str:
    try:
        return version("reciprocity")
    except PackageNotFoundError:
        return "0.0.0"
