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
        "Data map: OK (105 personal-data columns)",
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
        "  24 participant profiles (2 marked safe contact, 2 paused)\n"
        "  11 of them signed up online and can sign in with their email; "
        "jordan@example.org sees a filled-in profile\n"
        "  13 set up on paper, by phone or in person by Priya Sharma, coordinator "
        "(priya.sharma@northshire.example)\n"
        "  3 pieces of commissioning work and 3 opportunities (2 open to the public at "
        "/take-part, 1 archived with the rung of the ladder it reached)\n"
        "  5 expressions of interest in the housing panel, shortlisted and selected on its "
        "review board\n"
        "  2 venues (County Hall with its access features, an online room) and the housing "
        "panel's first session, with 1 selected person invited\n"
        "  the panel's briefing session under way now: 1 checked in, 1 check-in note\n"
        "  38 benefit and tax figures for 2025/26 and 2026/27, and an approved remuneration "
        "policy paying £25 an hour for panels\n"
        "  benefits told to us with consent by jordan@example.org and by the person selected "
        "for the housing panel, who chose a smaller fee after reading the facts\n"
        "  1 fee proposed from the attendance of Housing support panel: briefing (£20), waiting "
        "for finance to approve at /finance\n"
        "  bank details given by jordan@example.org, shown masked as ****6819 at "
        "/your-payments/bank-details\n"
        "  expense claims by jordan@example.org: a £4.80 bus fare approved (its payment waits "
        "in Payments) and a £16.50 taxi waiting for finance at /finance/expenses\n"
        "  a £25 Love2shop e-voucher for jordan@example.org, proposed and approved by two "
        "different staff, issued and waiting to be handed over at /finance/vouchers\n"
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


def test_retention_dry_run_names_every_rule_and_removes_nothing(migrated: Path) -> None:
    from app.factory import retention_rules

    dry = run(migrated, "retention", "run", "--dry-run")
    real = run(migrated, "retention", "run")

    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        f"Would remove      0  {rule.name} ({rule.period})" for rule in retention_rules()
    ]
    assert real.stdout.splitlines()[0].startswith("Removed      0  ")


def test_the_worker_runs_every_job_once_and_says_what_each_did(migrated: Path) -> None:
    result = run(migrated, "worker", "--once")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "email: nothing to do",
        "reminders: nothing to do",
        "retention: nothing to do",
    ]
