"""Checks on the whole registry, and the public list of accounts (JSON and HTML)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session

from rettesnor.governance import accounts, assignments, permissions, publiclist, registry
from rettesnor.governance.errors import NotFound
from rettesnor.records.models import Account
from support.govdata import TODAY, application, live_account, make_town


def codes(db: Session, town_org: object, account: Account, **kw: object) -> set[str]:
    problems = registry.check_registry(db, town_org, **kw)  # type: ignore[arg-type]
    return {p.code for p in problems if p.account_id == account.id}


def test_a_well_kept_account_has_no_problems(db: Session) -> None:
    town = make_town(db, "cleantown")
    account = live_account(db, town)
    assert registry.check_registry(db, town.org) == []
    assert account.status == "active"


def test_registry_lists_what_is_wrong(db: Session) -> None:
    town = make_town(db, "messytown", pack="dk-hjorring")
    org = town.org
    account = live_account(db, town)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=45)
    assert codes(db, org, account, now=later) == {"inactive"}  # Hustadvika: keep it alive
    assert codes(db, org, account, now=later, inactive_days=60) == set()

    accounts.set_direct_messages(db, org, account.id, "on")
    assert "dms-on" in codes(db, org, account)
    (dm,) = [p for p in registry.check_registry(db, org) if p.code == "dms-on"]
    assert dm.severity == "error" and "requires them off" in dm.message  # Hjørring requires it

    outsider = town.staff[2]  # wrote on the page without being designated (Norsjö 4.3)
    activity = accounts.record_activity(db, org, account.id, outsider.id)
    assert activity.designated is False
    assert "undesignated-author" in codes(db, org, account)

    account.service_office_notified_at = None
    account.approved_by_id = None
    account.profile_verdict = "block"
    db.flush()
    assert codes(db, org, account) >= {"service-office", "not-approved", "profile-text"}


def test_missing_responsible_and_service_assignment_are_reported(db: Session) -> None:
    town = make_town(db, "assigntown")
    org = town.org
    account = live_account(db, town)
    proposal = assignments.assign(db, org, account.id, town.staff[2].id, "author", town.leader.id)
    assignments.accept(db, org, proposal.id, town.staff[2].id)  # designated, but no service assignment
    (problem,) = registry.check_registry(db, org)
    assert problem.code == "no-service-assignment" and problem.message.startswith("1 designated")
    grant = permissions.grant_permission(
        db,
        org,
        person_id=town.staff[2].id,
        kind="service_assignment",
        granted_by=town.leader.id,
        valid_from=TODAY,
    )
    assert registry.check_registry(db, org) != []  # not in force before the person accepts (Sønderborg)
    permissions.accept_permission(db, org, grant.id, town.staff[2].id)
    assert registry.check_registry(db, org) == []

    # A responsible person who never accepted: reported, and the account cannot go live.
    other = accounts.apply_for_account(db, org, application(town, "second-page", responsible=town.b.id))
    accounts.approve_account(db, org, other.id, town.leader.id, TODAY)
    assert "no-responsible" in codes(db, org, other)


def test_public_list_shows_only_active_accounts_and_nothing_personal(db: Session) -> None:
    town = make_town(db, "publictown", pack="se-norsjo")
    org = town.org
    live = live_account(db, town)
    accounts.apply_for_account(db, org, application(town, "still-applying"))
    entries = publiclist.public_list(db, org)
    assert [e["handle"] for e in entries] == [live.handle]
    assert set(entries[0]) == set(publiclist.PUBLIC_FIELDS)
    doc = json.dumps(publiclist.public_list_document(org, entries), ensure_ascii=False)
    html = publiclist.public_list_html(org, entries)
    for private in [p.name for p in (town.a, town.b, town.leader)] + [live.purpose, live.privacy_assessment]:
        assert private not in doc and private not in html
    assert live.url in html and "<table>" in html and 'lang="sv"' in html


def test_public_list_html_is_escaped(db: Session) -> None:
    town = make_town(db, "escapetown")
    account = live_account(db, town)
    account.name = "<script>alert(1)</script>"
    db.flush()
    html = publiclist.public_list_html(town.org, publiclist.public_list(db, town.org))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_activity_on_unknown_account_is_refused(db: Session) -> None:
    town = make_town(db, "acttown")
    with pytest.raises(NotFound, match="no account 31337"):
        accounts.record_activity(db, town.org, 31337, town.a.id)
