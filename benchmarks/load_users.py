"""The load test's users, for locust (run as its own process, never imported by the app).

Closed loop, no think time: each virtual user sends its next request as soon as the last one
answered. Three kinds of people, each using the service the way they would:

- participants, in a browser: sign in with a one-time link from their email (the confirm page,
  then its button with the CSRF token from the form), view their profile, edit their access
  needs, reply to an event invitation, choose how to be paid, sign out and in again;
- coordinators, with a script and an API token: search the register, read the review board,
  shortlist and select people, invite the selected to the event, propose a fee (sent twice, as
  a double click would, with the same ``once`` key);
- finance officers, with a script and an API token: approve proposed fees (one in five sent
  again with the same Idempotency-Key, as a retry after a lost answer would), list approved
  payments, lock them into a batch and download its CSV file.

Every write the server confirms is recorded and written to ``LOAD_DONE`` when the test stops,
with the count of 5xx answers: the benchmark then checks the database against it. The people,
tokens and links come from ``LOAD_STATE`` (written by ``benchmarks.load_setup``).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

STATE: dict[str, Any] = json.loads(Path(os.environ["LOAD_STATE"]).read_text())
DONE_PATH = Path(os.environ["LOAD_DONE"])
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
SHOWN = re.compile(r'name="shown_version" value="([^"]*)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}  # the API refuses a POST not declared as JSON
ACTIVITIES = ("evaluation_panels", "surveys", "peer_research", "listening_events", "interviews")

DONE: dict[str, Any] = {
    "profile_edits": {},  # subject -> the last "other" text the server confirmed
    "replies": {},  # invitation -> the last answer confirmed
    "choices": Counter(),  # subject -> payment choices confirmed
    "sign_ins": 0,
    "statuses": {},  # expression -> the last status confirmed
    "invited": Counter(),  # event -> people the invite step said it invited
    "proposed": {},  # once key -> entry id (both clicks must answer the same entry)
    "approved": [],  # entries approved (first answers, not replays)
    "replayed": 0,  # retries answered from the idempotency record
    "batches": {},  # batch id -> entries locked into it
    "csv_lines": {},  # batch id -> data lines in its CSV file
    "server_errors": Counter(),  # request name -> 5xx answers
}
_next = {kind: itertools.count() for kind in ("participant", "coordinator", "finance")}


def _identity(kind: str, pool: list[dict[str, Any]]) -> dict[str, Any]:
    """The next unused person of this kind: no two virtual users share anyone's data."""
    n = next(_next[kind])
    if n >= len(pool):
        raise StopUser(f"only {len(pool)} {kind}s were set up")
    return pool[n]


def _fields(page: str) -> dict[str, str]:
    token = CSRF.search(page)
    if token is None:
        raise ValueError("no CSRF token in the form")
    return {"_csrf_token": token.group(1)}


class Load(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    me: dict[str, Any]  # the person this virtual user is (from the state file)

    def send(self, method: str, path: str, name: str, ok: tuple[int, ...], **kw: Any) -> Any:
        """One request; anything but ``ok`` is a failure, and 5xx answers are counted apart."""
        with self.client.request(
            method, path, name=name, catch_response=True, allow_redirects=False, **kw
        ) as response:
            status = response.status_code
            if status >= 500:
                DONE["server_errors"][name] += 1
            if status in ok:
                response.success()
                return response
            response.failure(f"{status}")
        return None


class Participant(Load):
    fixed_count = int(os.environ.get("LOAD_PARTICIPANTS", "8"))

    def on_start(self) -> None:
        self.me = _identity("participant", STATE["participants"])
        self.links = list(self.me["links"])
        self.edits = 0
        if not self.sign_in():
            raise StopUser("could not sign in")

    def sign_in(self) -> bool:
        if not self.links:
            return False
        link = f"/sign-in/link/{self.links.pop(0)}"
        page = self.send("GET", link, "participant: sign-in link page", (200,))
        if page is None:
            return False
        done = self.post(link, "participant: sign in", _fields(page.text))
        if done is not None:
            DONE["sign_ins"] += 1
        return done is not None

    def post(self, path: str, name: str, fields: dict[str, Any]) -> Any:
        body = urlencode(list(fields.items()), doseq=True)
        return self.send("POST", path, name, (303,), data=body, headers=FORM)

    @task(4)
    def profile(self) -> None:
        self.send("GET", "/profile", "participant: profile", (200,))

    @task(2)
    def edit_access_needs(self) -> None:
        page = self.send("GET", "/profile/access-needs", "participant: access needs form", (200,))
        if page is None:
            return
        self.edits += 1
        text = f"Load edit {self.edits}: please send papers a week before."
        fields = {**_fields(page.text), "adjustments": ["breaks"], "other": text}
        if self.post("/profile/access-needs", "participant: save access needs", fields) is not None:
            DONE["profile_edits"][self.me["subject"]] = text

    @task(2)
    def reply(self) -> None:
        page = self.send("GET", "/profile/events", "participant: your events", (200,))
        if page is None:
            return
        answer = random.choice(("accepted", "tentative", "declined"))
        path = f"/profile/events/{self.me['invitation']}/reply"
        fields = {**_fields(page.text), "answer": answer}
        if self.post(path, "participant: reply to invitation", fields) is not None:
            DONE["replies"][self.me["invitation"]] = answer

    @task(2)
    def choose_payment(self) -> None:
        path = f"/your-payments/{self.me['opportunity']}"
        page = self.send("GET", path, "participant: how to be paid", (200,))
        if page is None:
            return
        shown = SHOWN.search(page.text)
        fields = {
            **_fields(page.text),
            "shown_version": shown.group(1) if shown else "",
            "choice": random.choice(("full", "voucher", "expenses_only")),
            "advice": "yes",
        }
        if self.post(path, "participant: choose how to be paid", fields) is not None:
            DONE["choices"][self.me["subject"]] += 1

    @task(1)
    def payments(self) -> None:
        self.send("GET", "/your-payments", "participant: your payments", (200,))

    @task(1)
    def sign_out_and_in(self) -> None:
        if not self.links:
            self.profile()  # out of links: never a task without a request (a busy loop)
            return
        page = self.send("GET", "/profile", "participant: profile", (200,))
        if page is None:
            return
        body = urlencode(_fields(page.text))
        if (
            self.send("POST", "/sign-out", "participant: sign out", (200,), data=body, headers=FORM)
            is None
        ):
            return
        if not self.sign_in():
            raise StopUser("could not sign in again")


class Script(Load):
    abstract = True

    def api(self, method: str, path: str, name: str, ok: tuple[int, ...], **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.me['token']}", **kw.pop("headers", {})}
        return self.send(method, path, name, ok, headers=headers, **kw)


class Coordinator(Script):
    fixed_count = int(os.environ.get("LOAD_COORDINATORS", "2"))

    def on_start(self) -> None:
        self.me = _identity("coordinator", STATE["coordinators"])
        self.waiting = list(zip(self.me["expressions"], self.me["subjects"], strict=True))
        self.shortlisted: list[tuple[str, str]] = []
        self.selected: list[str] = []
        self.paid: set[str] = set()

    @task(4)
    def search(self) -> None:
        filters = {"activities": [random.choice(ACTIVITIES)], "page": random.randint(1, 2)}
        self.api(
            "POST", "/api/v1/participants/search", "coordinator: search (API)", (200,), json=filters
        )

    @task(1)
    def board(self) -> None:
        path = f"/api/v1/staff/opportunities/{self.me['opportunity']}/board"
        self.api("GET", path, "coordinator: review board (API)", (200,))

    @task(2)
    def shortlist_or_select(self) -> None:
        """Shortlist the next person; every other time, select the one shortlisted first."""
        if self.shortlisted and (len(self.shortlisted) > 1 or not self.waiting):
            expression, subject = self.shortlisted.pop(0)
            if self.move(expression, "selected"):
                self.selected.append(subject)
        elif self.waiting:
            expression, subject = self.waiting.pop(0)
            if self.move(expression, "shortlisted"):
                self.shortlisted.append((expression, subject))
        else:
            self.board()  # everyone moved: never a task without a request (a busy loop)

    def move(self, expression: str, status: str) -> bool:
        path = f"/api/v1/staff/opportunities/{self.me['opportunity']}/board"
        body = {"expressions": [expression], "status": status}
        if (
            self.api("POST", path, f"coordinator: {status[:-2]} (API)", (200,), json=body)
            is not None
        ):
            DONE["statuses"][expression] = status
            return True
        return False

    @task(1)
    def invite(self) -> None:
        event = self.me["event"]
        path = f"/api/v1/events/{event}/invite-selection"
        answer = self.api(
            "POST", path, "coordinator: invite the selected (API)", (200,), headers=JSON
        )
        if answer is not None:
            DONE["invited"][event] += int(answer.json()["invited"])

    @task(1)
    def propose_fee(self) -> None:
        """A fee for someone selected, sent twice (a double click): one entry, same answer."""
        unpaid = [s for s in self.selected if s not in self.paid]
        if not unpaid:
            self.search()
            return
        subject = unpaid[0]
        once = f"load:{self.me['event']}:{subject}"
        body = {
            "subject": subject,
            "kind": "fee",
            "amount_pence": 7500,
            "event": self.me["event"],
            "opportunity": self.me["opportunity"],
            "once": once,
        }
        answers = [
            self.api(
                "POST",
                "/api/v1/payments/entries",
                "coordinator: propose a fee (API)",
                (201,),
                json=body,
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            for _ in range(2)
        ]
        ids = {a.json()["id"] for a in answers if a is not None}
        if len(ids) > 1:
            DONE["proposed"][once] = sorted(ids)  # two entries for one fee: the check fails it
        elif ids:  # a failed click is counted by locust; the fee is there once
            self.paid.add(subject)
            DONE["proposed"][once] = ids.pop()


class Finance(Script):
    fixed_count = int(os.environ.get("LOAD_FINANCE", "2"))

    def on_start(self) -> None:
        self.me = _identity("finance", STATE["finance"])
        self.waiting = list(self.me["entries"])
        self.approved: list[str] = []

    @task(4)
    def approve(self) -> None:
        if not self.waiting:
            self.listing()
            return
        entry = self.waiting.pop(0)
        path = f"/api/v1/payments/entries/{entry}/approve"
        key = {"Idempotency-Key": str(uuid.uuid4()), **JSON}
        if (
            self.api("POST", path, "finance: approve a payment (API)", (200,), headers=key)
            is not None
        ):
            self.approved.append(entry)
            DONE["approved"].append(entry)
            if random.random() < 0.2:  # the answer was lost: the script sends it again
                again = self.api("POST", path, "finance: approve again (API)", (200,), headers=key)
                if again is not None and again.headers.get("Idempotent-Replayed") == "true":
                    DONE["replayed"] += 1

    @task(1)
    def listing(self) -> None:
        path = "/api/v1/payments/entries?state=approved&limit=50"
        self.api("GET", path, "finance: approved payments (API)", (200,))

    @task(1)
    def export(self) -> None:
        if len(self.approved) < 5:
            self.listing()
            return
        chosen, self.approved = self.approved, []
        key = {"Idempotency-Key": str(uuid.uuid4())}
        locked = self.api(
            "POST",
            "/api/v1/payments/batches",
            "finance: lock a batch (API)",
            (201,),
            json={"entries": chosen},
            headers=key,
        )
        if locked is None:
            return
        batch = locked.json()["id"]
        DONE["batches"][batch] = chosen
        path = f"/finance/batches/{batch}/file.csv"
        csv = self.api("GET", path, "finance: download the batch CSV", (200,))
        if csv is not None:
            DONE["csv_lines"][batch] = len(csv.content.decode("utf-8").splitlines()) - 1


def _write_done(**_: Any) -> None:
    DONE_PATH.write_text(json.dumps(DONE))


events.test_stop.add_listener(_write_done)  # type: ignore[no-untyped-call]
