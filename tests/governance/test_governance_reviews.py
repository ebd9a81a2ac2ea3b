"""The guideline's life (draft → hearing → approved → published), yearly reviews, onboarding, overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from rettesnor.governance import lifecycle, people, reviews, tenants
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from support.govdata import TODAY, make_town, snapshot


def test_guideline_goes_from_draft_through_hearing_to_published(db: Session) -> None:
    town = make_town(db, "lifetown", pack="dk-norddjurs")
    org = town.org
    tenants.add_unit(
        db, org, slug_="tandplejen", name="Tandplejen", parent="school", pack="dk-norddjurs-tandplejen"
    )
    draft = lifecycle.draft_policy(
        db, org, version="2026-1", title="Sociale medier i Tandplejen", unit="tandplejen"
    )
    assert draft.pack == "dk-norddjurs-tandplejen" and draft.status == "draft"
    before = snapshot(db)
    with pytest.raises(Conflict, match=r"it can go to: hearing, approved \(not published\)"):
        lifecycle.publish_policy(db, org, draft.id, TODAY)
    with pytest.raises(InvalidValue, match="name the committees"):
        lifecycle.send_to_hearing(db, org, draft.id, [" "], TODAY)
    with pytest.raises(InvalidValue, match="must extend dk-norddjurs"):
        lifecycle.draft_policy(db, org, version="x", title="Forkert", unit="tandplejen", pack="dk-hjorring")
    assert snapshot(db) == before

    start = TODAY - dt.timedelta(days=40)
    lifecycle.send_to_hearing(db, org, draft.id, ["LMU Tandplejen", "LMU Dagtilbud"], start)
    with pytest.raises(InvalidValue, match="before the hearing began"):
        lifecycle.approve_policy(db, org, draft.id, "MED", start - dt.timedelta(days=1))
    lifecycle.approve_policy(db, org, draft.id, "MED-udvalget", TODAY - dt.timedelta(days=10))
    published = lifecycle.publish_policy(db, org, draft.id, TODAY - dt.timedelta(days=5))
    assert (published.status, published.hearing_bodies) == ("published", "LMU Tandplejen; LMU Dagtilbud")
    unit = tenants.get_unit(db, org, "tandplejen")
    assert lifecycle.current_policy(db, org, unit) == published

    second = lifecycle.draft_policy(db, org, version="2026-2", title="Revideret", unit="tandplejen")
    lifecycle.approve_policy(db, org, second.id, "MED-udvalget", TODAY)
    lifecycle.publish_policy(db, org, second.id, TODAY)
    assert published.status == "retired" and lifecycle.current_policy(db, org, unit) == second


def test_yearly_review_overdue_list_per_leader(db: Session) -> None:
    town = make_town(db, "yearly", pack="no-hustadvika")  # the leader reviews every year
    org = town.org
    assert {o.person_id for o in reviews.overdue(db, org)} >= {p.id for p in town.staff}
    last_year = TODAY - dt.timedelta(days=200)
    for person in town.staff:
        reviews.record_review(
            db, org, person_id=person.id, leader_id=town.leader.id, kind="yearly", held_on=last_year
        )
    mine = reviews.overdue(db, org, leader_id=town.leader.id)
    assert mine == []
    later = reviews.overdue(db, org, today=TODAY + dt.timedelta(days=200))
    assert {o.person_id for o in later if o.leader_id == town.leader.id} == {p.id for p in town.staff}
    assert all(
        o.kind == "yearly" and o.due_on == last_year + reviews.YEAR
        for o in later
        if o.leader_id == town.leader.id
    )

    before = snapshot(db)
    with pytest.raises(NotAllowed, match="not a leader of person"):
        reviews.record_review(db, org, person_id=town.a.id, leader_id=town.b.id, kind="yearly", held_on=TODAY)
    with pytest.raises(InvalidValue, match="invalid date for held on"):
        reviews.record_review(
            db, org, person_id=town.a.id, leader_id=town.leader.id, kind="yearly", held_on="i går"
        )
    with pytest.raises(InvalidValue, match="unknown kind of review"):
        reviews.record_review(
            db, org, person_id=town.a.id, leader_id=town.leader.id, kind="weekly", held_on=TODAY
        )
    assert snapshot(db) == before


def test_onboarding_acknowledgement_and_review_of_a_new_version(db: Session) -> None:
    town = make_town(db, "onboard", pack="dk-norddjurs")  # with all employees, and at onboarding
    org = town.org
    newcomer = people.add_person(
        db,
        org,
        name="Runa Thorsager",
        unit="school",
        started_on=TODAY - dt.timedelta(days=45),
        manager_id=town.leader.id,
    )
    due = {(o.person_id, o.kind) for o in reviews.overdue(db, org)}
    assert (newcomer.id, "onboarding") in due
    review = reviews.record_review(
        db, org, person_id=newcomer.id, leader_id=town.leader.id, kind="onboarding", held_on=TODAY
    )
    assert (newcomer.id, "onboarding") in {(o.person_id, o.kind) for o in reviews.overdue(db, org)}
    with pytest.raises(NotAllowed, match="only person"):
        reviews.acknowledge(db, org, review.id, town.leader.id)  # the employee acknowledges, not the leader
    reviews.acknowledge(db, org, review.id, newcomer.id)
    assert (newcomer.id, "onboarding") not in {(o.person_id, o.kind) for o in reviews.overdue(db, org)}

    version = lifecycle.draft_policy(db, org, version="1", title="Politik")
    lifecycle.approve_policy(db, org, version.id, "MED", TODAY - dt.timedelta(days=100))
    lifecycle.publish_policy(db, org, version.id, TODAY - dt.timedelta(days=100))
    pending = {o.person_id for o in reviews.overdue(db, org) if o.kind == "policy"}
    assert {p.id for p in town.staff} <= pending and newcomer.id not in pending  # onboarding covers it
    reviews.record_review(
        db,
        org,
        person_id=town.a.id,
        leader_id=town.leader.id,
        kind="policy",
        held_on=TODAY,
        policy_version_id=version.id,
    )
    assert town.a.id not in {o.person_id for o in reviews.overdue(db, org) if o.kind == "policy"}


def test_no_reviews_are_due_where_the_guideline_says_nothing(db: Session) -> None:
    town = make_town(db, "quiet", pack="dk-hjorring")
    assert reviews.overdue(db, town.org) == []
