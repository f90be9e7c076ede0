"""Typed settings, read once from the environment (prefix ``RECIPROCITY_``).

Every field is documented here and in the README's configuration table. Settings are built in
the composition root (``create_app`` or the CLI) and passed down, never read at import time, so
tests can build their own without patching the environment.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    """Where the service runs; production refuses development shortcuts."""

    development = "development"
    test = "test"
    production = "production"


class Settings(BaseSettings):
    """Configuration of one Reciprocity process."""

    model_config = SettingsConfigDict(env_prefix="RECIPROCITY_", extra="ignore", frozen=True)

    environment: Environment = Environment.production
    """``production`` (default) refuses dev keys; ``development`` generates them under ``var/``."""

    database_url: Annotated[
        str, Field(validation_alias=AliasChoices("RECIPROCITY_DATABASE_URL", "DATABASE_URL"))
    ] = ""
    """``postgresql://...`` for PostgreSQL; ``sqlite:///path`` or empty for the embedded default."""

    redis_url: Annotated[
        str, Field(validation_alias=AliasChoices("RECIPROCITY_REDIS_URL", "REDIS_URL"))
    ] = ""
    """Shared store for sessions and rate limits when several workers run; empty = in-process."""

    var_dir: Path = PROJECT_ROOT / "var"
    """Where the embedded database, dev keys and other local state live."""

    secret_key: SecretStr = SecretStr("")
    """At least 32 characters; signs CSRF tokens. Empty in development = generated dev key."""

    secret_key_file: Path | None = None
    """A file holding the secret key instead of the environment (for container secrets)."""

    keyring: SecretStr = SecretStr("")
    """Master and blind-index keys as JSON (app/keyring.py). Empty in development = generated."""

    keyring_file: Path | None = None
    """A file holding the keyring JSON instead of the environment."""

    blind_index_population: int = 100_000
    """How many people the service is designed for; sets how short blind indexes are."""

    db_pool_min: int = 1
    """Smallest PostgreSQL pool per worker."""

    db_pool_max: int = 10
    """Largest PostgreSQL pool per worker; workers x this must stay under the server's limit."""

    sqlite_busy_timeout_s: float = 30.0
    """How long an embedded-database write waits for another process's lock before failing."""

    profile_inactive_days: int = 730
    """A profile nobody has used for this long gets a reminder (retention), then is erased."""

    profile_reminder_days: int = 60
    """How long after that reminder an inactive profile is erased if nobody uses it."""

    public_url: str = "http://127.0.0.1:8000"
    """The address people use to reach the service; links in emails and letters start with it."""

    council_name: str = "Northshire County Council"
    """Shown in the header, footer and documents."""

    languages: str = "en,cy,ar"
    """Languages people can choose for pages, emails and letters, as codes (``en,cy,ar,ur``).
    Each needs a complete catalogue under ``translations/``; English is always offered."""

    service_name: str = "Reciprocity"
    """The service's name in the header and page titles."""

    contact_email: str = "coproduction@northshire.example"
    """Where people write to the co-production team (contact page, accessibility statement)."""

    contact_phone: str = "0300 123 4567"
    """The co-production team's phone number, free from most mobiles."""

    contact_postal_address: str = "Co-production team, County Hall, Northshire, NS1 1AA"
    """Postal address for letters to the team."""

    smtp_host: str = "127.0.0.1"
    """Mail server for outgoing email (the outbox sends through it)."""

    smtp_port: int = 25
    """Its port: 25 or 587 (with STARTTLS) usually."""

    smtp_username: str = ""
    """Account on the mail server, if it needs one."""

    smtp_password: SecretStr = SecretStr("")
    """Its password."""

    smtp_starttls: bool = False
    """Upgrade the connection with STARTTLS before sending (set true for port 587)."""

    mail_from: str = "Northshire County Council <no-reply@northshire.example>"
    """The sender of every email: generic on purpose (an abuser may read a participant's inbox),
    so it names the council, never the programme."""

    mail_dir: Path | None = None
    """Development only: write outgoing emails here as .eml files instead of sending them
    (``make run`` uses var/mail)."""

    trusted_proxies: str = ""
    """Comma-separated addresses of the reverse proxies in front of the service. Only requests
    from these have their client address taken from X-Forwarded-For (sign-in throttles key on
    it); empty = use the connecting address."""

    outbox_poll_s: float = 10.0
    """How often each web process sends waiting emails (and runs reminders and retention on
    their own schedules); 0 turns that off: run `reciprocity worker` as its own service."""

    log_level: str = "INFO"
    """Python log level for the service's own logs."""

    log_format: str = "text"
    """``text`` (plain lines, for a person at a terminal) or ``json`` (one JSON object a line,
    with the request id, for a log collector). Neither ever carries personal data."""

    metrics_token: SecretStr = SecretStr("")
    """When set, ``/metrics`` answers only requests carrying ``Authorization: Bearer <token>``;
    empty = open (keep it unreachable from outside at the load balancer)."""

    outbox_lease_s: float = 120.0
    """How long a worker's claim on a queued email lasts; after a crash, another worker sends
    the message once the claim runs out."""

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.production

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        """The embedded database file: ``sqlite:///path`` or ``var/reciprocity.sqlite``."""
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return self.var_dir / "reciprocity.sqlite"

    @property
    def uses_https(self) -> bool:
        return self.public_url.startswith("https://")
