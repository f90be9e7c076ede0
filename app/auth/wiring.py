"""What the factory needs from sign-in: routes, the session and throttle stores, the guard."""

from __future__ import annotations

from typing import Any

from app.auth.access import KERNEL_RULES, Rule, access_guard
from app.auth.account_pages import AccountPages
from app.auth.dev import DevSignIn
from app.auth.pages import SignInPages
from app.auth.sessions import SessionCookies, Sessions, Throttle
from app.auth.staff_pages import StaffPages
from app.settings import Environment, Settings
from app.store import shared_store

GUARDS = [access_guard]


def auth_routes(settings: Settings) -> list[Any]:
    development = settings.environment is Environment.development
    return [SignInPages, AccountPages, StaffPages, *([DevSignIn] if development else [])]


def auth_state(
    settings: Settings, secret_key: str, domain_rules: dict[str, Rule]
) -> dict[str, Any]:
    """Objects every request's guard and sign-in page use, kept in ``app.state``."""
    return {
        "secret_key": secret_key,
        "sessions": Sessions(
            shared_store(settings.redis_url, "sessions"), SessionCookies(settings.uses_https)
        ),
        "throttle": Throttle(shared_store(settings.redis_url, "throttle")),
        "access_rules": {**KERNEL_RULES, **domain_rules},
    }
