"""Settings come from RECIPROCITY_* variables, with the common DATABASE_URL and REDIS_URL too."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import Environment, Settings


def test_defaults_are_safe_for_production(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)

    assert settings.environment is Environment.production
    assert settings.uses_postgres is False
    assert settings.sqlite_path == tmp_path / "reciprocity.sqlite"


def test_plain_database_url_selects_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db.internal:5432/reciprocity")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")

    settings = Settings()

    assert settings.uses_postgres is True
    assert settings.database_url == "postgresql://app@db.internal:5432/reciprocity"
    assert settings.redis_url == "redis://cache.internal:6379/0"


def test_prefixed_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RECIPROCITY_DATABASE_URL", f"sqlite:///{tmp_path}/other.sqlite")
    monkeypatch.setenv("RECIPROCITY_COUNCIL_NAME", "Eastshire Borough Council")
    monkeypatch.setenv("RECIPROCITY_PUBLIC_URL", "https://coproduction.eastshire.example")

    settings = Settings()

    assert settings.sqlite_path == tmp_path / "other.sqlite"
    assert settings.council_name == "Eastshire Borough Council"
    assert settings.uses_https is True


def test_an_unknown_environment_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECIPROCITY_ENVIRONMENT", "staging")

    with pytest.raises(ValueError, match="environment"):
        Settings()
