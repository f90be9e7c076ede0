"""Secret keys: loaded from the environment or a file, never from the database or the repository.

In development the keys are generated once under ``var/dev-keys/`` with a loud warning, so that
``make run`` works on a fresh machine. Production refuses to start on a missing, short or
development key: a weak key there would let anyone forge requests.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import sys
from pathlib import Path

from app.settings import Settings

logger = logging.getLogger(__name__)

MIN_SECRET_LENGTH = 32
DEV_KEY_MARKER = "dev-only-"
KNOWN_EXAMPLE_KEYS = frozenset({"changeme", "secret", "change-me-to-a-long-random-string"})

WARNING_BANNER = """
************************************************************************
*  DEVELOPMENT KEYS IN USE ({path})
*  These keys were generated on this machine for development only.
*  Never use them with real people's data. Production needs its own
*  keys: see "Configuration" in the README.
************************************************************************
"""


class ConfigurationError(RuntimeError):
    """The service cannot start safely with this configuration; the message says how to fix it."""


def dev_key_dir(settings: Settings) -> Path:
    return settings.var_dir / "dev-keys"


def ensure_dev_keys(settings: Settings) -> Path:
    """Create the development secret key once; later runs reuse it."""
    key_file = dev_key_dir(settings) / "secret.key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        token = DEV_KEY_MARKER + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token + "\n")
    return key_file


def load_secret_key(settings: Settings) -> str:
    """Return the secret key, refusing an unsafe one in production."""
    key = settings.secret_key.get_secret_value().strip()
    if not key and settings.secret_key_file is not None:
        key = _read_key_file(settings.secret_key_file)
    if not key and not settings.is_production:
        key_file = ensure_dev_keys(settings)
        print(WARNING_BANNER.format(path=key_file), file=sys.stderr)
        return _read_key_file(key_file)
    check_secret_key(key, production=settings.is_production)
    return key


def check_secret_key(key: str, *, production: bool) -> None:
    """Raise ``ConfigurationError`` for a missing, short or example key, or a production dev key."""
    if not key:
        raise ConfigurationError(
            "No secret key is set. Set RECIPROCITY_SECRET_KEY (at least 32 random characters) "
            "or RECIPROCITY_SECRET_KEY_FILE."
        )
    if key.lower() in KNOWN_EXAMPLE_KEYS:
        raise ConfigurationError("The secret key is an example value. Generate a random one.")
    if len(key) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"The secret key is too short ({len(key)} characters). "
            f"Use at least {MIN_SECRET_LENGTH}."
        )
    if production and key.startswith(DEV_KEY_MARKER):
        raise ConfigurationError(
            "A development key is configured in production. Generate a production key."
        )


def _read_key_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigurationError(f"Cannot read the key file {path}: {exc.strerror}.") from exc
