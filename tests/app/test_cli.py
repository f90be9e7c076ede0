"""The operator's command line, run the way an officer would: in a fresh process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import TEST_SECRET

RECIPROCITY = str(Path(sys.executable).with_name("reciprocity"))


def run(
    tmp_path: Path, *args: str, environment: str = "development", stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "RECIPROCITY_ENVIRONMENT": environment,
        "RECIPROCITY_VAR_DIR": str(tmp_path),
        "RECIPROCITY_SECRET_KEY": TEST_SECRET,
    }
    return subprocess.run(
        [RECIPROCITY, *args], env=env, capture_output=True, text=True, timeout=60, input=stdin
    )


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
        "Data map: OK (106 personal-data columns)",
        f"Database: OK (SQLite file {migrated / 'reciprocity.sqlite'})",
        "Migrations: OK",
    ]


def test_migrate_check_confirms_models_and_database_agree(migrated: Path) -> None:
    result = run(migrated, "migrate", "--check")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Models, migrations and the database agree.\n"


ADDED = [
    "Added demo data:",
    "  4 pieces of anonymous service feedback",
    "  staff accounts: Priya Sharma (coordinator), Tom Reilly (organiser), Helen Carter "
    "(finance), Chris Adebayo (admin); sign in with the links below",
    "  a participant account: sign in at /sign-in/email as jordan@example.org",
    "  5 Easy Read symbols (coin, calendar, house, speech, tick)",
    "  24 participant profiles (2 marked safe contact, 2 paused)",
    "  11 of them signed up online and can sign in with their email; "
    "jordan@example.org sees a filled-in profile",
    "  13 set up on paper, by phone or in person by Priya Sharma, coordinator "
    "(priya.sharma@northshire.example)",
    "  176 more people on the register (71 signed up online, 7 paused, 10 marked safe contact)",
    "  3 pieces of commissioning work and 3 opportunities (2 open to the public at "
    "/take-part, 1 archived with the rung of the ladder it reached)",
    "  25 expressions of interest in the housing panel, shortlisted and selected on its "
    "review board",
    "  jordan@example.org took part in the carers' breaks listening event and was sent what "
    "changed, with Easy Read words, at /profile/what-changed",
    "  a market event opportunity, now closed: 25 expressions of interest (8 selected, "
    "2 reserve, 3 not selected, 4 shortlisted, 1 withdrawn, 7 received)",
    "  2 venues (County Hall with its access features, an online room) and the housing "
    "panel's first session, with 1 selected person invited",
    "  the panel's briefing session under way now: 1 checked in, 1 check-in note",
    "  a market event three weeks ago: 8 invited, 5 came (hours recorded), 1 did not",
    "  its second afternoon in a fortnight: 8 invited, 3 coming, 1 might, 2 can't, "
    "2 not replied yet",
    "  jordan@example.org and gwen.morgan@example.org asked for places on the housing panel "
    "and were selected (Gwen Morgan was told in Welsh, the language on her profile)",
    "  jordan@example.org and gwen.morgan@example.org invited to Housing support panel: day 1 "
    "(2 emails, Gwen's in Welsh) and both coming; 6 things to arrange from their shared "
    "access needs, Jordan's taxi booked",
    "  38 benefit and tax figures for 2025/26 and 2026/27, and an approved remuneration "
    "policy paying £25 an hour for panels",
    "  benefits told to us with consent by jordan@example.org and by the person selected "
    "for the housing panel, who chose a smaller fee after reading the facts",
    "  benefits told to us with consent by 33 more people",
    "  payment choices by the 5 people who came to the market event: no fee (expenses only), "
    "a smaller fee, a voucher, the fee to Shelter, the full fee",
    "  payment choices for the housing panel by jordan@example.org (voucher) and "
    "gwen.morgan@example.org (full), shown in What you will be paid at /your-payments",
    "  1 fee proposed by the organiser from the attendance of Housing support panel: "
    "briefing (£20)",
    "  4 fees proposed by the organiser from the attendance of Housing support market event: "
    "afternoon one (£30, £50, £50, £50)",
    "  bank details given by jordan@example.org, shown masked as ****6819 at "
    "/your-payments/bank-details",
    "  expense claims by jordan@example.org: a £4.80 bus fare approved (its payment waits "
    "in Payments) and a £16.50 taxi waiting for finance at /finance/expenses",
    "  a £25 Love2shop e-voucher for jordan@example.org, proposed and approved by two "
    "different staff, issued and waiting to be handed over at /finance/vouchers",
    "  the market event's 4 fees approved by finance; batch RCP-{year}-0001 paid (BACS run "
    "4471), batch RCP-{year}-0002 locked and waiting to be paid, the voucher approved; a fee "
    "entered twice reversed; the briefing's fee waits for finance to approve at /finance",
]
LINKS = re.compile(
    r"Sign in to the demo council \(each link works once, for 10 minutes\):\n"
    + "".join(
        rf"  {re.escape(who)}: http://127\.0\.0\.1:8000/sign-in/dev/[\w-]{{40,}}\n"
        for who in (
            "Priya Sharma, coordinator",
            "Tom Reilly, organiser",
            "Helen Carter, finance",
            "Chris Adebayo, admin",
            "Jordan, participant",
            "Gwen Morgan, participant, in Welsh",
        )
    )
    + r"New links: reciprocity demo --links\n"
)


def test_demo_fills_an_empty_database_once_then_prints_fresh_links(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate").returncode == 0

    first = run(tmp_path, "demo", "--if-empty")
    second = run(tmp_path, "demo", "--if-empty")
    links = run(tmp_path, "demo", "--links")

    year = datetime.now(ZoneInfo("Europe/London")).year
    added, printed = first.stdout.split("\n\n", 1)
    assert added.splitlines() == [line.replace("{year}", str(year)) for line in ADDED]
    assert LINKS.fullmatch(printed), printed
    assert second.stdout == "The database already has data; no demo data added.\n"
    assert links.returncode == 0
    assert LINKS.fullmatch(links.stdout.removeprefix("\n")), links.stdout
    assert set(re.findall(r"/sign-in/dev/\S+", printed)).isdisjoint(
        re.findall(r"/sign-in/dev/\S+", links.stdout)
    )


def test_demo_refuses_a_database_holding_data_it_did_not_make(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate").returncode == 0
    admin = run(
        tmp_path,
        "users",
        "create-admin",
        "--email=officer@northshire.example",
        "--name=Real Officer",
        "--password-stdin",
        stdin="a long and real passphrase 4471\n",
    )
    assert admin.returncode == 0, admin.stderr

    refused = run(tmp_path, "demo")
    quiet = run(tmp_path, "demo", "--if-empty")
    links = run(tmp_path, "demo", "--links")

    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.splitlines()[-1] == (
        "This database holds data that is not demo data; the demo is refused so nothing real "
        "is mixed with made-up people. Point RECIPROCITY_VAR_DIR (or DATABASE_URL) at an empty "
        "database."
    )
    assert (quiet.returncode, quiet.stdout) == (
        0,
        "The database holds data that is not demo data; no demo data added.\n",
    )
    assert links.returncode == 1


def test_demo_links_need_a_demo_first(migrated: Path) -> None:
    result = run(migrated, "demo", "--links")

    assert result.returncode == 1
    assert "This database holds no demo council yet. Run 'reciprocity demo' first." in (
        result.stderr
    )


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
