"""``reciprocity outbox ...``: send the emails the service has queued, and count them.

The service never talks to the mail server while someone waits for a page: it saves each
email together with the change it reports, and these commands send them.
"""

from __future__ import annotations

import click

from app import mail
from app.cli_keys import sealer_for
from app.db import with_database
from app.keys import ConfigurationError
from app.sealed import Sealer
from app.settings import Settings

STATUS_LABELS = {
    mail.Status.queued: "Waiting to be sent",
    mail.Status.sent: "Sent",
    mail.Status.failed: f"Failed (gave up after {mail.MAX_ATTEMPTS} tries)",
    mail.Status.dropped: "Not sent: the person's data was erased",
}


@click.group()
def outbox() -> None:
    """Send queued emails and see how many are waiting.

    Emails go through the mail server set in RECIPROCITY_SMTP_HOST and RECIPROCITY_SMTP_PORT.
    The web server sends them every RECIPROCITY_OUTBOX_POLL_S seconds; at scale, set that to 0
    and run 'reciprocity worker' as its own service. 'deliver' sends what is due once, now.
    """


@outbox.command()
@click.pass_obj
def deliver(settings: Settings) -> None:
    """Send every email that is due, once. Safe to run in several places at once.

    An email that cannot be sent is tried again after 1, 2, 4 ... minutes and marked failed
    after the last try.
    """
    sealer = _sealer(settings)
    report = with_database(settings, lambda: mail.deliver_due(sealer, settings))
    click.echo(report.summary())


@outbox.command()
@click.pass_obj
def status(settings: Settings) -> None:
    """Count the emails waiting, sent, failed and not sent."""
    counts = with_database(settings, mail.status_counts)
    for state, label in STATUS_LABELS.items():
        click.echo(f"{label}: {counts[state]}")
    if counts[mail.Status.failed]:
        click.echo(
            "Some emails failed: check the RECIPROCITY_SMTP_* settings and the service log "
            "(it names the kind of error for each email id).",
            err=True,
        )


@outbox.command()
@click.option(
    "--keep-days",
    default=mail.SENT_KEPT_DAYS,
    show_default=True,
    help="Days to keep finished emails.",
)
@click.pass_obj
def purge(settings: Settings, keep_days: int) -> None:
    """Delete finished emails (sent, failed or not sent) older than the retention period.

    Safe to run daily; emails still waiting are never deleted.
    """
    deleted = with_database(settings, lambda: mail.purge_sent(keep_days=keep_days))
    click.echo(f"Deleted {deleted} finished emails older than {keep_days} days.")


def _sealer(settings: Settings) -> Sealer:
    from app.factory import data_map  # noqa: PLC0415 - the composition root, imported when used

    try:
        return sealer_for(settings, data_map())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
