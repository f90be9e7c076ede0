"""Scored and blind panel review: who may review, what they see, scoring rules, the ranking."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.datamap import Role
from app.errors import DomainError, Forbidden, NotFound
from app.sealed import Sealer
from participation.schemas.recruitment import Interest
from participation.services import expressions, opportunities, profiles, review, review_panel
from participation.tables import Opportunity, ReviewCriterion, Score
from tests.participation.conftest import COORDINATOR, add_person, new_profile
from tests.participation.recruiting import published
from tests.support.auth import csrf_headers, make_account, sign_in
from tests.support.canaries import canary

CRITERIA = [
    ("Lived experience", "Do they know the service from the inside?", 5),
    ("Ideas", "", 3),
]


async def _apply(
    sealer: Sealer, opportunity: UUID, subject: UUID, answer: str = "I know it"
) -> UUID:
    first = (await opportunities.questions_of(opportunity))[0]
    expression, _ = await expressions.express(
        sealer,
        opportunity,
        subject,
        Interest(answers={str(first["id"]): answer}),
        audit.Actor(id=str(subject), role="participant"),
    )
    return expression


async def _panel(app: Litestar, *, blind: bool = True) -> tuple[UUID, list[review.Criterion], UUID]:
    """A published opportunity with the two criteria and one staff reviewer."""
    opportunity = await published()
    await Opportunity.update({Opportunity.blind_review: blind}).where(Opportunity.id == opportunity)
    await review_panel.set_criteria(opportunity, CRITERIA, COORDINATOR)
    reviewer = await make_account(app, "staff", (Role.organiser,))
    assert await review_panel.add_reviewer(opportunity, reviewer, COORDINATOR)
    return opportunity, await review.criteria(opportunity), reviewer


async def _person(sealer: Sealer, name: str) -> UUID:
    return await add_person(sealer, name, email=f"{name.lower()}@example.org")


def _actor(account: UUID) -> audit.Actor:
    return audit.Actor(id=str(account), role="organiser")


async def _score(
    sealer: Sealer,
    opportunity: UUID,
    reviewer: UUID,
    expression: UUID,
    *marks: Any,
    comment: str = "",
) -> None:
    listed = await review.criteria(opportunity)
    given = {str(c.id): mark for c, mark in zip(listed, marks, strict=True)}
    await review.score(
        sealer, opportunity, reviewer, expression, given, comment=comment, actor=_actor(reviewer)
    )


async def test_a_blind_reviewers_pages_show_no_name_email_or_phone(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity, listed, reviewer = await _panel(running_app)
    planted = []
    for n in range(3):
        name, email = canary(f"name{n}"), f"{canary(f'email{n}')}@example.org"
        phone = f"07700 90{n}{n}{n}{n}"
        planted += [name, email, phone, phone.replace(" ", "")]
        subject = await add_person(sealer, name, email=email, phone=phone)
        await _apply(sealer, opportunity, subject, answer=f"Answer number {n}")
    await sign_in(running_app, client, reviewer)
    first = (await review.applicants_for_review(sealer, opportunity, reviewer, _actor(reviewer)))[
        2
    ][0]

    pages = [
        await client.get("/reviews"),
        await client.get(f"/reviews/{opportunity}"),
        await client.get(f"/reviews/{opportunity}/{first.expression}"),
        await client.post(
            f"/reviews/{opportunity}/{first.expression}",
            data={f"score-{listed[0].id}": "9"},
            headers=await csrf_headers(client),
        ),
    ]

    assert [p.status_code for p in pages] == [200, 200, 200, 400]
    html = "".join(p.text for p in pages)
    assert [value for value in planted if value in html] == []
    assert all(f"Applicant {n}" in pages[1].text for n in (1, 2, 3))
    assert "Answer number 0" in pages[2].text
    assert "Give a score from 0 to 5 for: Lived experience" in pages[3].text


async def test_a_review_that_is_not_blind_shows_names_but_never_contact_details(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity, _, reviewer = await _panel(running_app, blind=False)
    name, email = canary("open-name"), f"{canary('open-email')}@example.org"
    await _apply(
        sealer, opportunity, await add_person(sealer, name, email=email, phone="07700 900777")
    )
    await sign_in(running_app, client, reviewer)

    html = (await client.get(f"/reviews/{opportunity}")).text

    assert f"Applicant 1: {name}" in html
    assert email not in html
    assert "07700 900777" not in html


async def test_scores_out_of_range_or_for_unknown_criteria_are_refused_by_name(
    running_app: Litestar, sealer: Sealer
) -> None:
    opportunity, listed, reviewer = await _panel(running_app)
    expression = await _apply(sealer, opportunity, await _person(sealer, "Ada"))
    cases = [
        ({str(listed[0].id): 6, str(listed[1].id): 1}, [f"score-{listed[0].id}"]),
        ({str(listed[0].id): -1, str(listed[1].id): "2.5"}, [f"score-{c.id}" for c in listed]),
        ({str(listed[0].id): "3"}, [f"score-{listed[1].id}"]),
        ({str(listed[0].id): 1, str(listed[1].id): True}, [f"score-{listed[1].id}"]),
        (
            {str(listed[0].id): 1, str(listed[1].id): 1, "not-a-criterion": 2},
            ["score-not-a-criterion"],
        ),
    ]
    for given, fields in cases:
        with pytest.raises(DomainError) as refused:
            await review.score(
                sealer, opportunity, reviewer, expression, given, actor=_actor(reviewer)
            )
        assert sorted(e.field for e in refused.value.errors) == sorted(fields)

    with pytest.raises(DomainError) as long_comment:
        await _score(sealer, opportunity, reviewer, expression, 1, 1, comment="x" * 2001)
    assert [e.field for e in long_comment.value.errors] == ["comment"]
    assert await Score.count() == 0


async def test_only_reviewers_of_the_opportunity_may_score_and_nobody_their_own_interest(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity, listed, _ = await _panel(running_app)
    co_opted = await make_account(running_app, "participant", (Role.participant,))
    await profiles.create(
        sealer, new_profile("Co Opted", email="co.opted@example.org"), COORDINATOR, co_opted
    )
    own = await _apply(sealer, opportunity, co_opted)
    other = await _apply(sealer, opportunity, await _person(sealer, "Bo"))
    outsider = await make_account(running_app, "staff", (Role.coordinator,))

    with pytest.raises(NotFound):
        await _score(sealer, opportunity, outsider, other, 1, 1)
    with pytest.raises(NotFound):
        await review.applicants_for_review(sealer, opportunity, outsider, _actor(outsider))
    await review_panel.add_reviewer(opportunity, co_opted, COORDINATOR)
    with pytest.raises(Forbidden):
        await _score(sealer, opportunity, co_opted, own, 1, 1)
    seen = (await review.applicants_for_review(sealer, opportunity, co_opted, _actor(co_opted)))[2]

    assert [(a.expression, a.label) for a in seen] == [(other, "Applicant 2")]
    await sign_in(running_app, client, outsider)
    for path in (
        f"/reviews/{opportunity}",
        f"/reviews/{opportunity}/{other}",
        f"/reviews/{uuid4()}",
    ):
        assert (await client.get(path)).status_code == 404
    denied = await client.post(
        f"/reviews/{opportunity}/{other}",
        data={f"score-{c.id}": "1" for c in listed},
        headers=await csrf_headers(client),
    )
    assert denied.status_code == 404
    await sign_in(running_app, client, co_opted)
    assert (await client.get(f"/reviews/{opportunity}/{own}")).status_code == 404
    assert (await client.get(f"/reviews/{opportunity}/{other}")).status_code == 200
    assert await Score.count() == 0


async def test_re_scoring_updates_the_one_row_even_when_twenty_arrive_at_once(
    running_app: Litestar, sealer: Sealer
) -> None:
    opportunity, listed, reviewer = await _panel(running_app)
    expression = await _apply(sealer, opportunity, await _person(sealer, "Ada"))

    await asyncio.gather(
        *(
            _score(sealer, opportunity, reviewer, expression, n % 6, n % 4, comment=f"take {n}")
            for n in range(20)
        )
    )
    after_race = await Score.select(Score.criterion, Score.score).order_by(Score.criterion)
    await _score(sealer, opportunity, reviewer, expression, 4, 2, comment="final word")
    mine = (await review.applicants_for_review(sealer, opportunity, reviewer, _actor(reviewer)))[2]

    assert len(after_race) == 2
    assert await Score.count() == 2
    assert mine[0].scores == {listed[0].id: 4, listed[1].id: 2}
    assert mine[0].comment is not None
    assert mine[0].comment.reveal() == "final word"


async def test_the_ranking_is_exact_and_ties_go_to_fewer_missing_scores(
    running_app: Litestar, sealer: Sealer
) -> None:
    opportunity, listed, first = await _panel(running_app, blind=False)
    second = await make_account(running_app, "staff", (Role.coordinator,))
    await review_panel.add_reviewer(opportunity, second, COORDINATOR)
    ada, bo, cy, di = [
        await _apply(
            sealer, opportunity, await add_person(sealer, name, email=f"{name}@example.org")
        )
        for name in ("Ada", "Bo", "Cy", "Di")
    ]
    await _score(sealer, opportunity, first, ada, 5, 1)
    await _score(sealer, opportunity, second, ada, 2, 2)  # means 7/2 + 3/2 = 5
    await _score(sealer, opportunity, first, bo, 4, 1)  # only one reviewer: 4 + 1 = 5
    await _score(sealer, opportunity, first, cy, 5, 3)
    await _score(sealer, opportunity, second, cy, 4, 3)  # 9/2 + 3 = 15/2

    ranked = await review_panel.ranking(sealer, opportunity, COORDINATOR)

    assert [(r.label, r.rank, r.mean_total, r.reviewers, r.missing) for r in ranked] == [
        ("Applicant 3", 1, Fraction(15, 2), 2, 0),
        ("Applicant 1", 2, Fraction(5), 2, 0),
        ("Applicant 2", 3, Fraction(5), 1, 2),
        ("Applicant 4", 4, None, 0, 4),
    ]
    assert ranked[1].means == {listed[0].id: Fraction(7, 2), listed[1].id: Fraction(3, 2)}
    assert ranked[1].totals == {listed[0].id: 7, listed[1].id: 3}
    assert [r.name.reveal() if r.name else None for r in ranked] == ["Cy", "Ada", "Bo", "Di"]
    assert di == ranked[3].expression


async def test_equal_totals_and_missing_share_a_rank_and_blind_rankings_name_nobody(
    running_app: Litestar, sealer: Sealer
) -> None:
    opportunity, _, reviewer = await _panel(running_app)
    ada, bo = [await _apply(sealer, opportunity, await _person(sealer, n)) for n in ("Ada", "Bo")]
    await _score(sealer, opportunity, reviewer, ada, 3, 1)
    await _score(sealer, opportunity, reviewer, bo, 2, 2)

    ranked = await review_panel.ranking(sealer, opportunity, COORDINATOR)

    assert [(r.label, r.rank, r.name) for r in ranked] == [
        ("Applicant 1", 1, None),
        ("Applicant 2", 1, None),
    ]


async def test_withdrawing_keeps_everyone_elses_number_and_removing_a_reviewer_drops_scores(
    running_app: Litestar, sealer: Sealer
) -> None:
    opportunity, _, reviewer = await _panel(running_app)
    subjects = [await add_person(sealer, n, email=f"{n}@example.org") for n in ("Ada", "Bo", "Cy")]
    applied = [await _apply(sealer, opportunity, s) for s in subjects]
    await _score(sealer, opportunity, reviewer, applied[2], 1, 1)
    await expressions.withdraw(subjects[0], applied[0], COORDINATOR)

    labels = [r.label for r in await review_panel.ranking(sealer, opportunity, COORDINATOR)]
    await review_panel.remove_reviewer(opportunity, reviewer, COORDINATOR)

    assert labels == ["Applicant 3", "Applicant 2"]
    assert await Score.count() == 0
    assert await review.my_reviews(reviewer) == []
    with pytest.raises(NotFound):
        await review_panel.remove_reviewer(opportunity, reviewer, COORDINATOR)


async def test_criteria_are_checked_and_an_emptied_slot_takes_its_scores_with_it(
    running_app: Litestar, sealer: Sealer
) -> None:
    opportunity, listed, reviewer = await _panel(running_app)
    expression = await _apply(sealer, opportunity, await _person(sealer, "Ada"))
    await _score(sealer, opportunity, reviewer, expression, 5, 2)
    bad = [("", "No title", 5), ("T" * 151, "", 0), ("", "", 0), ("Fine", "d" * 1001, 11)]

    with pytest.raises(DomainError) as refused:
        await review_panel.set_criteria(opportunity, bad, COORDINATOR)
    with pytest.raises(DomainError) as lowered:
        await review_panel.set_criteria(opportunity, [("Lived experience", "", 4)], COORDINATOR)
    with pytest.raises(DomainError) as nothing:
        await review_panel.set_criteria(opportunity, [("", "", 5)], COORDINATOR)
    await review_panel.set_criteria(
        opportunity, [("", "", 5), ("Ideas, reworded", "", 3)], COORDINATOR
    )

    assert [e.field for e in refused.value.errors] == [
        "criteria.0.title",
        "criteria.1.title",
        "criteria.1.max_score",
        "criteria.3.description",
        "criteria.3.max_score",
    ]
    assert [e.message for e in lowered.value.errors] == [
        "Reviewers have already given 5: enter 5 or more"
    ]
    assert [e.field for e in nothing.value.errors] == ["criteria.0.title"]
    kept = await review.criteria(opportunity)
    assert [(c.id, c.position, c.title) for c in kept] == [(listed[1].id, 1, "Ideas, reworded")]
    assert [r["criterion"] for r in await Score.select(Score.criterion)] == [listed[1].id]


async def test_my_reviews_counts_who_i_have_scored_in_full(
    running_app: Litestar, sealer: Sealer
) -> None:
    opportunity, _, reviewer = await _panel(running_app)
    ada, _bo = [await _apply(sealer, opportunity, await _person(sealer, n)) for n in ("Ada", "Bo")]
    await _score(sealer, opportunity, reviewer, ada, 1, 1)
    again = await review_panel.add_reviewer(opportunity, reviewer, COORDINATOR)

    found = await review.my_reviews(reviewer)

    assert again is False
    assert [(f["id"], f["applicants"], f["scored"]) for f in found] == [(opportunity, 2, 1)]


async def test_the_coordinator_sets_criteria_adds_reviewers_and_sees_the_ranking(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity = await published()
    coordinator = await make_account(running_app, "staff", (Role.coordinator,))
    await make_account(running_app, "participant", (Role.participant,), email="pat@example.org")
    await sign_in(running_app, client, coordinator)
    headers = await csrf_headers(client)
    base = f"/opportunities/{opportunity}/review"

    wrong = await client.post(
        f"{base}/criteria",
        data={"title-1": "Ideas", "max_score-1": "12", "description-3": "No title here"},
        headers=headers,
    )
    saved = await client.post(
        f"{base}/criteria", data={"title-2": "Ideas", "max_score-2": "4"}, headers=headers
    )
    unknown = await client.post(
        f"{base}/reviewers", data={"email": "nobody@example.org"}, headers=headers
    )
    added = await client.post(
        f"{base}/reviewers", data={"email": "PAT@example.org"}, headers=headers
    )
    shown = await client.get(f"{base}?saved=added")

    assert wrong.status_code == 400
    assert 'href="#max_score-1">Enter a highest score from 1 to 10' in wrong.text
    assert 'href="#title-3">Enter a title for the criterion' in wrong.text
    assert (saved.status_code, saved.headers["location"]) == (303, f"{base}?saved=criteria")
    assert [(c.position, c.title, c.max_score) for c in await review.criteria(opportunity)] == [
        (1, "Ideas", 4)
    ]
    assert unknown.status_code == 400
    assert 'href="#email"' in unknown.text
    assert (added.status_code, added.headers["location"]) == (303, f"{base}?saved=added")
    assert "The reviewer has been added" in shown.text
    assert "Participant" in shown.text
    assert await ReviewCriterion.count() == 1
