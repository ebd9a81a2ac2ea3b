"""People and reviews: who is overdue for going through the guideline, recording a review, each
person's own acknowledgements; and the consent register for photos and video (register, withdraw).

The rules are the governance services' (:mod:`rettesnor.governance.reviews`, ``consents``): a review is
recorded by a leader of the person, only the person acknowledges it, the bases of a consent follow the
guideline. These pages only collect the input and show the answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from rettesnor import labels
from rettesnor.governance import accounts, consents, lifecycle, people, reviews, tenants
from rettesnor.i18n import translator
from rettesnor.policy.loader import load_pack
from rettesnor.records.models import CONSENT_GIVERS
from rettesnor.web import queries
from rettesnor.web.deps import OrgSession, page_area
from rettesnor.web.inputs import IdPath, parse_id
from rettesnor.web.pages import Csrf, _form_account
from rettesnor.web.pages_archive import parse_day
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import flash, language, page
from rettesnor.web.security import csrf_ok

router = APIRouter(include_in_schema=False)
RECENT = 50
# The kind of review the form starts with, by the guideline's rule (reviews.overdue counts them).
USUAL_KIND = {"yearly_by_leader": "yearly", "with_all_and_onboarding": "policy"}


def _number(value: str, what: str) -> int:
    if not value.strip():
        raise ProblemError(422, f"{what} must be chosen")
    return parse_id(value, what)


@router.get("/people")
def people_page(
    request: Request,
    db: Annotated[OrgSession, page_area(None)],
    mine: Annotated[str, Query(pattern="^(|1)$")] = "",
) -> HTMLResponse:
    """Everyone sees their own reviews; leaders, HR and communications see who is overdue."""
    today = dt.date.today()
    session, org = db.session, db.org
    own = reviews.list_reviews(session, org, db.who.person_id)
    late: list[reviews.Overdue] = []
    recent = []
    staff = []
    versions = []
    if db.who.may("people"):
        late = reviews.overdue(session, org, today, leader_id=db.who.person_id if mine else None)
        recent = reviews.list_reviews(session, org)[-RECENT:][::-1]
    if db.who.may("people:write"):  # a leader records reviews with their own people only
        staff = [p for p in people.led_by(session, org, db.who.person_id, today) if p.kind == "employee"]
        versions = [v for v in lifecycle.list_policy_versions(session, org) if v.status == "published"]
        versions.sort(key=lambda v: (v.published_on or today, v.id), reverse=True)  # the newest first
    policy = load_pack(org.pack).parameters.guideline_review
    ids = {o.leader_id for o in late if o.leader_id} | {r.person_id for r in recent}
    ids |= {r.leader_id for r in [*recent, *own] if r.leader_id}
    names = queries.person_names(session, org, ids)
    return page(
        request,
        "people.html",
        db.who,
        own=own,
        overdue=late,
        recent=recent,
        staff=staff,
        versions=versions,
        names=names,
        mine=bool(mine),
        today=today,
        review_kinds=labels.REVIEW_KINDS,
        usual_kind=USUAL_KIND.get(policy, "yearly"),
    )


@router.post("/people/reviews")
def record_review(
    request: Request,
    db: Annotated[OrgSession, page_area("people:write")],
    csrf: Csrf,
    person: Annotated[str, Form(max_length=20)],
    kind: Annotated[str, Form(max_length=20)],
    held_on: Annotated[str, Form(max_length=20)] = "",
    version: Annotated[str, Form(max_length=20)] = "",
) -> RedirectResponse:
    """A leader went through the guideline with one of their people."""
    csrf_ok(request, csrf)
    if kind not in labels.REVIEW_KINDS:
        raise ProblemError(
            422, f"unknown kind of review {kind!r}; choose one of: {', '.join(labels.REVIEW_KINDS)}"
        )
    day = parse_day(held_on, "held on") or dt.date.today()
    version_id = _number(version, "the guideline version") if kind == "policy" else None
    session, org = db.session, db.org
    review = reviews.record_review(
        session,
        org,
        person_id=_number(person, "the person"),
        leader_id=db.who.person_id,
        kind=kind,
        held_on=day,
        policy_version_id=version_id,
    )
    review_id = review.id
    _ = translator(language(request, db.who))
    flash(
        request,
        _("Review {review} recorded. The employee acknowledges it on their own page.").format(
            review=review_id
        ),
    )
    return RedirectResponse("/people", status_code=303)


@router.post("/people/reviews/{review_id}/acknowledge")
def acknowledge_review(
    review_id: IdPath, request: Request, db: Annotated[OrgSession, page_area(None)], csrf: Csrf
) -> RedirectResponse:
    """The employee confirms they have read and understood the guideline."""
    csrf_ok(request, csrf)
    reviews.acknowledge(db.session, db.org, review_id, db.who.person_id)
    _ = translator(language(request, db.who))
    flash(request, _("Thank you. Your acknowledgement is recorded."))
    return RedirectResponse("/people", status_code=303)


# --- Consents --------------------------------------------------------------------------------------


@router.get("/consents")
def consents_page(request: Request, db: Annotated[OrgSession, page_area("consents")]) -> HTMLResponse:
    session, org = db.session, db.org
    rows = consents.list_consents(session, org)[::-1]
    bases = consents.allowed_bases(session, org, None) if db.who.may("consents:write") else ()
    live = accounts.list_accounts(session, org)
    units = tenants.list_units(session, org)
    own_unit = next(
        (u.id for u in units if people.is_unit_leader(session, org, db.who.person_id, u.id)), None
    )
    return page(
        request,
        "consents.html",
        db.who,
        rows=rows,
        bases=bases,
        accounts=live,
        account_names={a.id: a.name for a in live},
        basis_names=labels.CONSENT_BASES,
        givers=labels.CONSENT_GIVERS,
        today=dt.date.today(),
        units=units,
        own_unit=own_unit,
    )


@router.post("/consents")
def register_consent(
    request: Request,
    db: Annotated[OrgSession, page_area("consents:write")],
    csrf: Csrf,
    media_ref: Annotated[str, Form(max_length=500)],
    subject: Annotated[str, Form(max_length=200)],
    basis: Annotated[str, Form(max_length=30)],
    given_on: Annotated[str, Form(max_length=20)] = "",
    given_by: Annotated[str, Form(max_length=200)] = "",
    given_by_role: Annotated[str, Form(max_length=20)] = "",
    child: Annotated[str, Form(max_length=5)] = "",
    account: Annotated[str, Form(max_length=20)] = "",
    unit: Annotated[str, Form(max_length=20)] = "",
) -> RedirectResponse:
    csrf_ok(request, csrf)
    if given_by_role and given_by_role not in CONSENT_GIVERS:
        raise ProblemError(
            422, f"unknown giver {given_by_role!r}; choose one of: {', '.join(CONSENT_GIVERS)}"
        )
    account_id = _form_account(account)
    session, org = db.session, db.org
    # the unit whose guideline applies: the one chosen, else the account's (management approval
    # is given by a leader of the unit)
    unit_id = _number(unit, "the unit") if unit else None
    if unit_id is None and account_id is not None:
        unit_id = accounts.get_account(session, org, account_id).unit_id
    consent = consents.record_consent(
        session,
        org,
        media_ref=media_ref,
        subject=subject,
        basis=basis,
        given_on=parse_day(given_on, "given on") or dt.date.today(),
        given_by=given_by or None,
        given_by_role=given_by_role or None,
        subject_is_child=bool(child),
        account_id=account_id,
        recorded_by=db.who.person_id,
        unit=unit_id,
    )
    consent_id = consent.id
    _ = translator(language(request, db.who))
    flash(request, _("Consent {consent} registered.").format(consent=consent_id))
    return RedirectResponse("/consents", status_code=303)


@router.post("/consents/{consent_id}/withdraw")
def withdraw_consent(
    consent_id: IdPath, request: Request, db: Annotated[OrgSession, page_area("consents:write")], csrf: Csrf
) -> RedirectResponse:
    """The person (or guardian) objects: the consent ends today and a takedown task is created."""
    csrf_ok(request, csrf)
    session, org = db.session, db.org
    _consent, task = consents.withdraw_consent(session, org, consent_id, dt.date.today())
    due = task.due_on
    _ = translator(language(request, db.who))
    flash(
        request,
        _("Consent {consent} withdrawn. A takedown task is due on {due}.").format(
            consent=consent_id, due=due.isoformat()
        ),
    )
    return RedirectResponse("/consents", status_code=303)
