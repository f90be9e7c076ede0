"""The ledger and export batches over JSON, under ``/api/v1/payments``, for staff scripts.

Every POST needs an ``Idempotency-Key`` (see ``payments.services.idempotency``): a retry gets
the first answer byte for byte, so a script that lost its connection can always send again.
Bodies are checked before anything is written; money is whole pence, and a fraction, a
negative, a number in quotes or more than £100,000 is refused with 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, MediaType, Response, get, post
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIType
from litestar.params import FromPath, HeaderParameter, Parameter, QueryParameter
from pydantic import Field, TypeAdapter, field_validator

from app import audit
from app.api import Problem, problems
from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import PROBLEM_JSON, DomainError
from app.web.forms import FormInvalid, FormModel, StrictForm
from participation.api.support import AnyRequest, JSONObject, body, parse
from payments import vocabulary
from payments.services import batches, idempotency, ledger
from payments.services.batches import BatchView
from payments.services.ledger import EntryView

Pence = Annotated[int, Field(strict=True, ge=1, le=ledger.MAX_PENCE)]
Minutes = Annotated[int, Field(strict=True, ge=1, le=24 * 60)]
KEY_PATTERN = f'^(?:{idempotency.KEY_SHAPE.pattern}|"{idempotency.KEY_SHAPE.pattern}")$'
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name=idempotency.HEADER,
        description="Required. A new random value (a UUID) for each request; send the same "
        "key again only to repeat the same request and get its first answer.",
        # Documented as required, with its shape; checked by idempotency.checked_key, whose
        # 400 says what to send, rather than by Litestar's generic validation.
        required=True,
        schema_extra={"type": OpenAPIType.STRING, "one_of": None, "pattern": KEY_PATTERN},
    ),
]
PENCE_MESSAGE = (
    f"Enter the amount in whole pence as a number without quotes, from 1 to {ledger.MAX_PENCE} "
    "(£100,000): 1250 for £12.50"
)


class ProposalBody(StrictForm):
    """A payment to propose: a fee, an expense or a voucher for one person."""

    subject: UUID
    kind: Literal["fee", "expense", "voucher"]
    amount_pence: Pence
    policy: UUID | None = None
    event: UUID | None = None
    opportunity: UUID | None = None
    choice: UUID | None = None
    method: str = ""
    minutes: Minutes | None = None
    description: Annotated[str, Field(max_length=200)] = ""
    once: Annotated[str, Field(min_length=1, max_length=120)] | None = None

    messages = {
        "subject": "Enter the person's profile id (a UUID)",
        "kind": "Enter fee, expense or voucher",
        "amount_pence": PENCE_MESSAGE,
        "policy": "Enter the policy version's id (a UUID), or leave it out",
        "event": "Enter the event's id (a UUID), or leave it out",
        "opportunity": "Enter the opportunity's id (a UUID), or leave it out",
        "choice": "Enter the payment choice's id (a UUID), or leave it out",
        "method": "Enter a payment method code: " + ", ".join(vocabulary.METHODS),
        "minutes": "Enter the minutes paid as a whole number from 1 to 1440, or leave it out",
        "description": "Keep the description to 200 characters or fewer",
        "once": "Enter at most 120 characters, or leave it out",
    }

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        if value and value not in vocabulary.METHODS:
            raise ValueError("unknown method")
        return value


class ReasonBody(StrictForm):
    """Why a batch is voided: what went wrong, never anything about a person."""

    reason: Annotated[str, Field(min_length=1, max_length=300)]

    messages = {"reason": "Enter why you are voiding the batch, in 300 characters or fewer"}


class ReversalBody(StrictForm):
    """Why a payment is reversed: what went wrong with it, never anything about the person."""

    reason: Annotated[str, Field(min_length=1, max_length=200)]

    messages = {"reason": "Enter why you are reversing this payment, in 200 characters or fewer"}


class LockBody(StrictForm):
    """The approved entries to lock into one batch."""

    entries: Annotated[list[UUID], Field(min_length=1, max_length=5000)]

    messages = {"entries": "Enter a list of 1 to 5000 approved payment ids (UUIDs)"}


class PaidBody(StrictForm):
    """When finance paid the batch, and their payment run's reference."""

    paid_on: date
    reference: Annotated[str, Field(min_length=1, max_length=100)]

    messages = {
        "paid_on": "Enter the date it was paid as YYYY-MM-DD",
        "reference": "Enter the payment reference, in 100 characters or fewer",
    }


@dataclass(frozen=True)
class Entries:
    entries: list[EntryView]


@dataclass(frozen=True)
class Batches:
    batches: list[BatchView]


@dataclass(frozen=True)
class Voided:
    """The voided batch and the new proposed entries that replace its payments."""

    batch: BatchView
    reissued: list[UUID]


ENTRY = TypeAdapter(EntryView)
BATCH = TypeAdapter(BatchView)
VOIDED = TypeAdapter(Voided)
INVALID_BODY = {
    422: ResponseSpec(
        data_container=Problem,
        description="A field needs correcting: errors names it",
        media_type=PROBLEM_JSON,
        generate_examples=False,
    )
}
KEYED = problems(400, 401, 403, 404, 409) | INVALID_BODY


def _answer(status: int, model: Any, description: str) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(data_container=model, description=description),
        **KEYED,
    }


def _parsed(model: type[FormModel], data: Any) -> Any:
    """The body as ``model``, or 422 naming each field to correct."""
    try:
        return parse(model, data)
    except FormInvalid as invalid:
        raise DomainError(
            invalid.message, errors=invalid.errors, status_code=422, title="Check the request"
        ) from None


async def _once(
    request: AnyRequest,
    key: str | None,
    data: Any,
    work: Callable[[audit.Actor], Awaitable[tuple[int, bytes]]],
) -> Response[bytes]:
    """Run ``work`` once per Idempotency-Key; answer its JSON, or the stored first answer."""
    checked = idempotency.checked_key(key)
    actor = actor_of(request)

    answer = await idempotency.run_once(
        actor,
        checked,
        request.route_handler.name or "",
        idempotency.fingerprint(request.method, request.url.path, data),
        lambda: work(actor),
    )
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
    return Response(
        answer.body, status_code=answer.status, media_type=MediaType.JSON, headers=headers
    )


ProposalData = Annotated[JSONObject, body(ProposalBody, description="The payment")]
ReasonData = Annotated[JSONObject, body(ReasonBody, description="Why")]
ReversalData = Annotated[JSONObject, body(ReversalBody, description="Why")]
LockData = Annotated[JSONObject, body(LockBody, description="The entries")]
PaidData = Annotated[JSONObject, body(PaidBody, description="When and how it was paid")]
KEY_RULES = (
    " Needs an Idempotency-Key header; a retry with the same key and body gets the first "
    "answer (marked Idempotent-Replayed), the same key with another body 422."
)


class EntriesApi(Controller):
    path = "/payments/entries"
    tags = ["payments (finance)"]

    @post(
        "/",
        name="payment-api-propose",
        summary="Propose a payment",
        description="A fee, expense or voucher for one person, in whole pence. Someone other "
        "than the proposer approves it. With once set, proposing the same thing again answers "
        "the first entry. Answers 201 with the entry." + KEY_RULES,
        responses=_answer(201, EntryView, "The proposed entry"),
    )
    async def propose(
        self, request: AnyRequest, data: ProposalData, key: IdempotencyKey = None
    ) -> Response[bytes]:
        idempotency.checked_key(key)
        proposal = ledger.Proposal(**_parsed(ProposalBody, data).model_dump())

        async def work(actor: audit.Actor) -> tuple[int, bytes]:
            return 201, ENTRY.dump_json(await ledger.view(await ledger.propose(proposal, actor)))

        return await _once(request, key, data, work)

    @post(
        "/{entry:uuid}/approve",
        name="payment-api-approve",
        status_code=200,
        summary="Approve a proposed payment",
        description="403 when you proposed it yourself; 409 when it is not waiting for "
        "approval. No body is needed. Answers the entry." + KEY_RULES,
        responses=_answer(200, EntryView, "The approved entry"),
    )
    async def approve(
        self, request: AnyRequest, entry: FromPath[UUID], key: IdempotencyKey = None
    ) -> Response[bytes]:
        async def work(actor: audit.Actor) -> tuple[int, bytes]:
            await ledger.approve(entry, actor)
            return 200, ENTRY.dump_json(await ledger.view(entry))

        return await _once(request, key, None, work)

    @post(
        "/{entry:uuid}/reverse",
        name="payment-api-reverse",
        summary="Reverse a payment that is not in a batch",
        description="Records a reversal: a new entry of the opposite amount that names this "
        "one. 409 when it is already reversed (once only), in a batch (void the batch) or "
        "paid. The reason says what went wrong, never anything about the person. Answers "
        "201 with the reversal." + KEY_RULES,
        responses=_answer(201, EntryView, "The reversal entry"),
    )
    async def reverse(
        self,
        request: AnyRequest,
        entry: FromPath[UUID],
        data: ReversalData,
        key: IdempotencyKey = None,
    ) -> Response[bytes]:
        idempotency.checked_key(key)
        reason = _parsed(ReversalBody, data).reason

        async def work(actor: audit.Actor) -> tuple[int, bytes]:
            return 201, ENTRY.dump_json(
                await ledger.view(await ledger.reverse(entry, reason, actor))
            )

        return await _once(request, key, data, work)

    @get(
        "/",
        name="payment-api-entries",
        summary="Ledger entries",
        description="Oldest first, at most limit (1 to 1000). state: proposed, approved, "
        "batched, paid or reversed; subject: one person's profile id.",
        responses=problems(400, 401, 403),
    )
    async def listing(
        self,
        request: AnyRequest,
        in_state: Annotated[
            str | None, QueryParameter(name="state", description=", ".join(ledger.STATES))
        ] = None,
        subject: Annotated[UUID | None, Parameter(description="A profile id")] = None,
        limit: Annotated[int, Parameter(ge=1, le=1000, description="1 to 1000")] = 200,
    ) -> Entries:
        found = await ledger.entries(state=in_state, subject=subject, limit=limit)
        await audit.record_views(
            actor_of(request),
            list(dict.fromkeys(view.subject for view in found)),
            field_group="payments",
            purpose="list payments",
        )
        return Entries(entries=found)


class BatchesApi(Controller):
    path = "/payments/batches"
    tags = ["payments (finance)"]

    @post(
        "/",
        name="payment-api-lock",
        summary="Lock approved payments into an export batch",
        description="All or nothing: 409 when any is not approved or already in a batch, and "
        "nothing is written. A locked batch never changes. Answers 201 with the batch and its "
        "reference (RCP-<year>-<number>)." + KEY_RULES,
        responses=_answer(201, BatchView, "The locked batch"),
    )
    async def lock(
        self, request: AnyRequest, data: LockData, key: IdempotencyKey = None
    ) -> Response[bytes]:
        idempotency.checked_key(key)
        chosen = _parsed(LockBody, data).entries

        async def work(actor: audit.Actor) -> tuple[int, bytes]:
            return 201, BATCH.dump_json(await batches.view(await batches.lock(chosen, actor)))

        return await _once(request, key, data, work)

    @post(
        "/{batch:uuid}/void",
        name="payment-api-void",
        status_code=200,
        summary="Void a locked batch",
        description="Reverses every payment in it and proposes each again (reissued), so "
        "people are still paid once it is corrected. 409 when the batch is paid or already "
        "voided." + KEY_RULES,
        responses=_answer(200, Voided, "The voided batch and the reissued entries"),
    )
    async def void(
        self,
        request: AnyRequest,
        batch: FromPath[UUID],
        data: ReasonData,
        key: IdempotencyKey = None,
    ) -> Response[bytes]:
        idempotency.checked_key(key)
        reason = _parsed(ReasonBody, data).reason

        async def work(actor: audit.Actor) -> tuple[int, bytes]:
            reissued = await batches.void(batch, reason, actor)
            return 200, VOIDED.dump_json(Voided(await batches.view(batch), reissued))

        return await _once(request, key, data, work)

    @post(
        "/{batch:uuid}/paid",
        name="payment-api-paid",
        status_code=200,
        summary="Record that a locked batch was paid",
        description="The date paid (not in the future, not before it was locked) and the "
        "payment run's reference. 409 when it is voided or already paid." + KEY_RULES,
        responses=_answer(200, BatchView, "The paid batch"),
    )
    async def paid(
        self,
        request: AnyRequest,
        batch: FromPath[UUID],
        data: PaidData,
        key: IdempotencyKey = None,
    ) -> Response[bytes]:
        idempotency.checked_key(key)
        form = _parsed(PaidBody, data)

        async def work(actor: audit.Actor) -> tuple[int, bytes]:
            await batches.mark_paid(batch, form.paid_on, form.reference, actor)
            return 200, BATCH.dump_json(await batches.view(batch))

        return await _once(request, key, data, work)

    @get(
        "/",
        name="payment-api-batches",
        summary="Export batches",
        description="Newest first, at most limit (1 to 500).",
        responses=problems(400, 401, 403),
    )
    async def listing(
        self, limit: Annotated[int, Parameter(ge=1, le=500, description="1 to 500")] = 50
    ) -> Batches:
        return Batches(batches=await batches.batches(limit))


FINANCE: Rule = roles(Role.finance)
ROUTES: list[Any] = [EntriesApi, BatchesApi]
ACCESS: dict[str, Rule] = {
    "payment-api-propose": roles(Role.finance, Role.coordinator, Role.organiser),
    "payment-api-approve": FINANCE,
    "payment-api-reverse": FINANCE,
    "payment-api-entries": FINANCE,
    "payment-api-lock": FINANCE,
    "payment-api-void": FINANCE,
    "payment-api-paid": FINANCE,
    "payment-api-batches": FINANCE,
}
