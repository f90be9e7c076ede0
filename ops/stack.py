"""The scale-out stack on one machine: ``python -m ops.stack up|down|status``.

PostgreSQL and Redis (the machine's, started when needed), N app workers (``reciprocity serve``
on ports port+1 .. port+N), nginx in front of them on ``port``, and M outbox workers
(``reciprocity worker``). It is the production shape in miniature (docs/scaling.md), run for
real so that the load test and the fault drills exercise what a council would deploy.

Every process is started in its own session, so it outlives the command and can be signalled
as a group; its pid goes to ``<run_dir>/pids/<name>.pid`` and its output to
``<run_dir>/logs/<name>.log``. ``up`` is idempotent: what already runs is left alone.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from app.keyring import new_keyring_json
from app.settings import PROJECT_ROOT
from ops import backing, nginx
from ops.backing import StackError
from ops.processes import Processes, free_port_base, tail

__all__ = [
    "PROJECT_ROOT", "Stack", "StackConfig", "StackError", "free_port_base", "saved_config",
]  # fmt: skip

_BESIDE_PYTHON = Path(sys.executable).parent / "reciprocity"
RECIPROCITY = (
    _BESIDE_PYTHON if _BESIDE_PYTHON.exists() else PROJECT_ROOT / ".venv" / "bin" / "reciprocity"
)
"""The command line installed beside the Python running this (the project's .venv)."""


@dataclass(frozen=True)
class StackConfig:
    """Where the stack lives and how big it is. Indexes of workers count from 0."""

    run_dir: Path = PROJECT_ROOT / "var" / "scale"
    port: int = 8100  # nginx; app workers on port+1 .. port+app_workers
    app_workers: int = 2
    outbox_workers: int = 1
    database_url: str = "postgresql://postgres@127.0.0.1:5432/reciprocity_scale"
    redis_url: str = "redis://127.0.0.1:6379/0"
    extra_env: Mapping[str, str] = field(default_factory=dict)  # e.g. SMTP port, lease
    outbox_poll_s: float = 1.0
    """How often the outbox workers look for email: a sign-in code should not wait 10 s."""


class Stack:
    """Start, inspect and stop one stack; the fault drills drive single workers through it."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.run_dir = config.run_dir.resolve()
        self.processes = Processes(self.run_dir)

    # --- addresses and environment -----------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.port}"

    def app_port(self, index: int) -> int:
        return self.config.port + 1 + index

    def app_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.app_port(index)}"

    def env(self) -> dict[str, str]:
        """The environment of the app workers, and of any ``reciprocity ...`` run against the
        stack. Inherited RECIPROCITY_* variables are dropped (``make`` exports its own for
        ``make run``): the stack's settings are these and ``extra_env``, nothing else.

        Development, not production: on loopback there is no mail server, and only development
        writes email to RECIPROCITY_MAIL_DIR; the load test needs ``demo`` data and the dev
        sign-in link, both refused in production. The keys are real random ones all the same;
        pass RECIPROCITY_ENVIRONMENT=production in ``extra_env`` (with SMTP) to run as live.
        """
        keys = self.run_dir / "keys"
        ours = {
            "RECIPROCITY_ENVIRONMENT": "development",
            "RECIPROCITY_DATABASE_URL": self.config.database_url,
            "RECIPROCITY_REDIS_URL": self.config.redis_url,
            "RECIPROCITY_VAR_DIR": str(self.run_dir / "var"),
            "RECIPROCITY_KEYRING_FILE": str(keys / "keyring.json"),
            "RECIPROCITY_SECRET_KEY_FILE": str(keys / "secret.key"),
            "RECIPROCITY_PUBLIC_URL": self.url,
            "RECIPROCITY_TRUSTED_PROXIES": "127.0.0.1",
        }
        if not any(name.startswith("RECIPROCITY_SMTP_") for name in self.config.extra_env):
            ours["RECIPROCITY_MAIL_DIR"] = str(self.run_dir / "mail")
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("RECIPROCITY_") and name not in {"DATABASE_URL", "REDIS_URL"}
        }
        # Never email from the web processes, whatever extra_env says: outbox_poll_s is theirs.
        return {**inherited, **ours, **self.config.extra_env, "RECIPROCITY_OUTBOX_POLL_S": "0"}

    def run_cli(self, *args: str) -> str:
        """Run ``reciprocity <args>`` against the stack and return what it printed."""
        done = subprocess.run(  # noqa: S603 - our own command line
            [str(RECIPROCITY), *args], env=self.env(), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise StackError(f"reciprocity {' '.join(args)} failed:\n{tail(done.stderr)}")
        return done.stdout

    # --- the whole stack -----------------------------------------------------------------------

    def up(self, *, fresh: bool = False) -> None:
        """Start whatever is not running, migrate, and wait until every worker is ready."""
        for sub in ("logs", "pids", "mail", "var"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        state = self._state()
        state["postgres"] = backing.ensure_postgres(self.config.database_url) or state["postgres"]
        self._save_state(state)
        state["redis"] = backing.ensure_redis(self.config.redis_url, self.run_dir) or state["redis"]
        self._save_state(state)
        self._ensure_keys()
        if fresh:
            self._stop_workers()
        backing.create_database(self.config.database_url, fresh=fresh)
        self.run_cli("migrate")
        for index in range(self.config.outbox_workers):
            self.start_outbox_worker(index)
        for index in range(self.config.app_workers):
            self._start_app_worker(index)
        self._start_nginx()
        for index in range(self.config.app_workers):
            self.processes.wait_ready(f"app-{index}", self.app_port(index))
        self.processes.wait_ready("nginx", self.config.port)
        for index in range(self.config.outbox_workers):
            if not self.processes.alive(f"outbox-{index}"):
                raise StackError(
                    f"outbox-{index} stopped:\n{self.processes.log_tail(f'outbox-{index}')}"
                )

    def down(self) -> None:
        """Stop nginx (gracefully), then the workers; PostgreSQL and Redis only if ``up``
        started them (a server found running belongs to someone else)."""
        self.processes.stop(["nginx"], signal.SIGQUIT)
        self._stop_workers()
        state = self._state()
        if state["redis"]:
            backing.stop_redis(state["redis_url"] or self.config.redis_url)
            state["redis"] = False
            self._save_state(state)
        if state["postgres"]:
            backing.stop_postgres()
            state["postgres"] = False
            self._save_state(state)

    def status(self) -> list[tuple[str, int | None, bool]]:
        """Each process this stack knows of: name, pid, alive."""
        return [
            (name, self.processes.pid(name), self.processes.alive(name))
            for name in self.processes.names()
        ]

    def drop_database(self) -> None:
        backing.drop_database(self.config.database_url)

    # --- single workers (the fault drills) -------------------------------------------------

    def kill_app_worker(self, index: int, sig: int = signal.SIGKILL) -> None:
        self.processes.signal(f"app-{index}", sig)

    def start_app_worker(self, index: int) -> None:
        """Start app worker ``index`` unless it runs, and wait until it is ready."""
        self._start_app_worker(index)
        self.processes.wait_ready(f"app-{index}", self.app_port(index))

    def kill_outbox_worker(self, index: int, sig: int = signal.SIGKILL) -> None:
        self.processes.signal(f"outbox-{index}", sig)

    def start_outbox_worker(self, index: int) -> None:
        env = self.env()
        env["RECIPROCITY_OUTBOX_POLL_S"] = str(self.config.outbox_poll_s)
        self.processes.start(f"outbox-{index}", [str(RECIPROCITY), "worker"], env)

    # --- processes ------------------------------------------------------------------------

    def _start_app_worker(self, index: int) -> None:
        port = self.app_port(index)
        argv = [str(RECIPROCITY), "serve", "--host", "127.0.0.1", "--port", str(port)]
        self.processes.start(f"app-{index}", argv, self.env(), port)

    def _start_nginx(self) -> None:
        ports = [self.app_port(index) for index in range(self.config.app_workers)]
        prefix = nginx.write_config(self.run_dir, self.config.port, ports)
        checked = subprocess.run(  # noqa: S603
            nginx.command(prefix, "-t", "-q"), capture_output=True, text=True, check=False
        )
        if checked.returncode != 0:
            raise StackError(f"nginx refuses its configuration:\n{checked.stderr}")
        if self.processes.alive("nginx"):  # reload: the app workers may have changed
            self.processes.signal("nginx", signal.SIGHUP, group=False)
            return
        self.processes.start("nginx", nginx.command(prefix), os.environ.copy(), self.config.port)

    def _stop_workers(self) -> None:
        workers = [name for name in self.processes.names() if name != "nginx"]
        self.processes.stop(workers, signal.SIGTERM)

    # --- keys and state ---------------------------------------------------------------------

    def _ensure_keys(self) -> None:
        """One keyring and one secret key for every process (mode 600, made once): a session
        or a sealed field written by one worker must open in every other."""
        keys = self.run_dir / "keys"
        keys.mkdir(mode=0o700, exist_ok=True)
        _write_secret(keys / "keyring.json", new_keyring_json(key_id="scale-1"))
        _write_secret(keys / "secret.key", secrets.token_urlsafe(48))

    def _state(self) -> dict[str, Any]:
        path = self.run_dir / "state.json"
        state: dict[str, Any] = {"postgres": False, "redis": False, "redis_url": ""}
        if path.exists():
            state |= json.loads(path.read_text(encoding="utf-8"))
        return state

    def _save_state(self, state: dict[str, Any]) -> None:
        state["redis_url"] = self.config.redis_url
        state["config"] = {**asdict(self.config), "run_dir": str(self.run_dir)}
        state["config"]["extra_env"] = dict(self.config.extra_env)
        (self.run_dir / "state.json").write_text(json.dumps(state, indent=2), encoding="utf-8")


def _write_secret(path: Path, text: str) -> None:
    if path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text.strip() + "\n")


def saved_config(run_dir: Path) -> StackConfig:
    """The configuration ``up`` last used in ``run_dir`` (so ``down`` and ``status`` need no
    options), or the defaults there."""
    path = run_dir / "state.json"
    if not path.exists():
        return StackConfig(run_dir=run_dir)
    saved = dict(json.loads(path.read_text(encoding="utf-8")).get("config", {}))
    saved["run_dir"] = Path(saved.get("run_dir", run_dir))
    return StackConfig(**saved)


# --- the command line -----------------------------------------------------------------------

RUN_DIR_OPTION = click.option(
    "--run-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=StackConfig.run_dir,
    show_default=True,
    help="Keys, logs, pids, nginx.conf and emails of this stack.",
)


@click.group()
def main() -> None:
    """The scale-out stack on this machine: PostgreSQL, Redis, app workers behind nginx and
    outbox workers (docs/scaling.md)."""


@main.command()
@RUN_DIR_OPTION
@click.option("--port", default=8100, show_default=True, help="nginx; app workers above it.")
@click.option("--app-workers", default=2, show_default=True)
@click.option("--outbox-workers", default=1, show_default=True)
@click.option("--database-url", default=StackConfig.database_url, show_default=True)
@click.option("--redis-url", default=StackConfig.redis_url, show_default=True)
@click.option("--env", "extra", multiple=True, metavar="NAME=VALUE", help="Extra setting.")
@click.option("--fresh", is_flag=True, help="Drop and recreate the database first.")
def up(
    *,
    run_dir: Path,
    port: int,
    app_workers: int,
    outbox_workers: int,
    database_url: str,
    redis_url: str,
    extra: tuple[str, ...],
    fresh: bool,
) -> None:
    """Start the stack (what already runs is left alone) and wait until it answers."""
    if any("=" not in item for item in extra):
        raise click.BadParameter("write each as NAME=VALUE", param_hint="--env")
    extra_env = dict(item.split("=", 1) for item in extra)
    config = StackConfig(
        run_dir, port, app_workers, outbox_workers, database_url, redis_url, extra_env
    )
    stack = Stack(config)
    try:
        stack.up(fresh=fresh)
        link = (
            stack.run_cli("users", "dev-sign-in")
            if "RECIPROCITY_ENVIRONMENT" not in extra_env
            else ""
        )
    except StackError as exc:
        click.secho(f"The stack did not come up: {exc}", fg="red", err=True)
        click.echo(f"Stop what did start with: python -m ops.stack down --run-dir {run_dir}")
        sys.exit(1)
    click.secho(
        f"Reciprocity is up at {stack.url} (nginx in front of {app_workers} workers)", fg="green"
    )
    _print_status(stack)
    click.echo(link.strip("\n"))


@main.command()
@RUN_DIR_OPTION
def down(run_dir: Path) -> None:
    """Stop nginx, then the workers; PostgreSQL and Redis only if 'up' started them."""
    Stack(saved_config(run_dir)).down()
    click.echo("The stack is stopped.")


@main.command()
@RUN_DIR_OPTION
def status(run_dir: Path) -> None:
    """Say which of the stack's processes are alive."""
    stack = Stack(saved_config(run_dir))
    if not _print_status(stack):
        sys.exit(1)


@main.command("env")
@RUN_DIR_OPTION
def env_command(run_dir: Path) -> None:
    """Print the settings to run 'reciprocity ...' against the stack: eval "$(... env)"."""
    for name, value in sorted(Stack(saved_config(run_dir)).env().items()):
        if name.startswith("RECIPROCITY_"):
            click.echo(f"export {name}={shlex.quote(value)}")


def _print_status(stack: Stack) -> bool:
    """Print each process and what it serves; True when all are alive."""
    config = stack.config
    where = {"nginx": stack.url} | {
        f"app-{index}": stack.app_url(index) for index in range(config.app_workers)
    }
    rows = stack.status()
    if not rows:
        click.echo(f"  Nothing of the stack in {stack.run_dir} runs.")
    for name, pid, alive in rows:
        click.echo(f"  {name:<10} {'alive' if alive else 'DEAD':<6} pid {pid or '-':<8} "
                   f"{where.get(name, '')}")  # fmt: skip
    click.echo(f"  postgres   {config.database_url}")
    click.echo(f"  redis      {config.redis_url}")
    click.echo(f"  logs       {stack.run_dir / 'logs'}")
    if "RECIPROCITY_MAIL_DIR" in stack.env():
        click.echo(f"  emails     {stack.run_dir / 'mail'} (written as .eml files, not sent)")
    return bool(rows) and all(alive for _, _, alive in rows)


if __name__ == "__main__":
    main()
