"""Service calls a fault drill makes against a running stack, as an operator's script would.

Run as ``python -m tests.ops.drill_tool <command>`` with the stack's environment
(``Stack.env()``), so it uses the stack's database and keys exactly as its processes do:

- ``token``: a staff account with the coordinator role and an API token for it (printed);
- ``queue-mail N``: N emails queued through the outbox (``app.mail.queue``), as every feature
  queues them; prints their outbox ids, one a line.
"""

from __future__ import annotations

import sys
from uuid import UUID, uuid4

from app import audit, mail
from app.auth import accounts, tokens
from app.cli_keys import sealer_for
from app.datamap import Role
from app.db import with_database
from app.factory import data_map
from app.keys import load_secret_key
from app.settings import Settings

DRILL_SUBJECT = "Drill message {number}"


def make_token(settings: Settings) -> str:
    sealer = sealer_for(settings, data_map())
    secret_key = load_secret_key(settings)
    roles = (Role.coordinator,)

    async def work() -> str:
        new = accounts.NewAccount("staff", f"drill.{uuid4().hex[:8]}@example.org", "Drill", roles)
        account = await accounts.create(sealer, new, audit.SYSTEM)
        return await tokens.create(secret_key, account, "drill", roles, 30, audit.SYSTEM)

    return with_database(settings, work)


def queue_mail(settings: Settings, count: int) -> list[UUID]:
    sealer = sealer_for(settings, data_map())

    async def work() -> list[UUID]:
        ids = []
        for number in range(count):
            email = mail.Email(
                to=f"drill.{number}@example.org",
                subject=DRILL_SUBJECT.format(number=number),
                text=f"Message {number} of a fault drill.\n",
            )
            ids.append(await mail.queue(sealer, uuid4(), email, settings.mail_from))
        return ids

    return with_database(settings, work)


def main(argv: list[str]) -> None:
    settings = Settings()
    if argv[:1] == ["token"]:
        print(make_token(settings))
    elif argv[:1] == ["queue-mail"] and len(argv) == 2:
        print("\n".join(str(row_id) for row_id in queue_mail(settings, int(argv[1]))))
    else:
        sys.exit("usage: python -m tests.ops.drill_tool token | queue-mail N")


if __name__ == "__main__":
    main(sys.argv[1:])
