"""The operator's command line, run the way an officer would: in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET

RECIPROCITY = str(Path(sys.executable).with_name("reciprocity"))


def run(
    tmp_path: Path, *args: str, environment: str = "development"
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "RECIPROCITY_ENVIRONMENT": environment,
        "RECIPROCITY_VAR_DIR": str(tmp_path),
        "RECIPROCITY_SECRET_KEY": TEST_SECRET,
    }
    return subprocess.run([RECIPROCITY, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    assert run(tmp, "migrate").returncode == 0
    return tmp


def test_migrate_then_check_reports_all_clear(migrated: Path) -> None:
    result = run(migrated, "check")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Keys: OK (development, active master key dev-1)",
        "Data map: OK (19 personal-data columns)",
        f"Database: OK (SQLite file {migrated / 'reciprocity.sqlite'})",
        "Migrations: OK",
    ]


def test_migrate_check_confirms_models_and_database_agree(migrated: Path) -> None:
    result = run(migrated, "migrate", "--check")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Models, migrations and the database agree.\n"


def test_demo_fills_an_empty_database_once(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate").returncode == 0

    first = run(tmp_path, "demo", "--if-empty")
    second = run(tmp_path, "demo", "--if-empty")

    assert first.stdout == (
        "Added demo data:\n  4 pieces of anonymous service feedback\n"
        "  a participant account: sign in at /sign-in/email as jordan@example.org\n"
    )
    assert second.stdout == "The database already has data; no demo data added.\n"


def test_demo_is_refused_in_production(migrated: Path) -> None:
    result = run(migrated, "demo", environment="production")

    assert result.returncode == 1
    assert "Demo data is refused in production" in result.stderr


def test_check_fails_clearly_on_a_weak_production_key(tmp_path: Path) -> None:
    env_key = {"RECIPROCITY_SECRET_KEY": "changeme"}
    result = subprocess.run(
        [RECIPROCITY, "check"],
        env={"PATH": os.environ["PATH"], "RECIPROCITY_VAR_DIR": str(tmp_path), **env_key},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert (
        result.stderr.strip() == "Keys: The secret key is an example value. Generate a random one."
    )


def test_every_command_explains_itself() -> None:
    for command in ("serve", "migrate", "check", "demo"):
        result = subprocess.run(
            [RECIPROCITY, command, "--help"], capture_output=True, text=True, timeout=60
        )

        assert result.returncode == 0
        assert "Usage: reciprocity " + command in result.stdout
