"""Secret keys: generated for development, refused in production when unsafe."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from app.keys import ConfigurationError, load_secret_key
from app.settings import Environment, Settings

GOOD_KEY = "k" * 16 + "9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(var_dir=tmp_path, **values)  # type: ignore[arg-type]


def test_development_generates_a_key_once_with_a_loud_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = settings(tmp_path, environment=Environment.development)

    first = load_secret_key(dev)
    second = load_secret_key(dev)

    key_file = tmp_path / "dev-keys" / "secret.key"
    assert first == second == key_file.read_text().strip()
    assert first.startswith("dev-only-")
    assert len(first) >= 40
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "DEVELOPMENT KEYS IN USE" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "No secret key is set"),
        ("changeme", "example value"),
        ("short-key", "too short (9 characters)"),
        ("dev-only-" + "x" * 40, "development key is configured in production"),
    ],
)
def test_production_refuses_unsafe_keys(tmp_path: Path, key: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        load_secret_key(settings(tmp_path, secret_key=key))

    assert not (tmp_path / "dev-keys").exists()


def test_production_accepts_a_strong_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text(GOOD_KEY + "\n")

    assert load_secret_key(settings(tmp_path, secret_key_file=key_file)) == GOOD_KEY


def test_unreadable_key_file_says_which_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"Cannot read the key file .*nowhere"):
        load_secret_key(settings(tmp_path, secret_key_file=tmp_path / "nowhere"))
