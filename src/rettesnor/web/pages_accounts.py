"""The account application (Hustadvika 2a–f: why, for whom, dialogue, privacy, confidentiality,
resources) and its approval by a leader of the account's unit (Hjørring; Hustadvika 2g).

The registry itself, its problems and the public list are on ``/accounts`` (:mod:`rettesnor.web.pages`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from rettesnor import labels
from rettesnor.governance import accounts, people, publiclist, registry, tenants
from rettesnor.i18n import translator
from rettesnor.policy.loader import load_pack
from rettesnor.policy.model import ClauseRef, Pack
from rettesnor.records.models import DM_STATES, PLATFORMS, Account, Organisation
from rettesnor.web.auth import Principal
from rettesnor.web.deps import OrgSession, page_area
from rettesnor.web.inputs import IdPath
from rettesnor.web.pages import Csrf
from rettesnor.web.pages_people import _number
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import flash, language, page
from rettesnor.web.security import csrf_ok

router = APIRouter(include_in_schema=False)
BASELINE = "nordic-baseline"
OFFICE = frozenset({"communications_officer", "administrator"})
Answer = Annotated[str, Form(max_length=5000)]
QUESTIONS = (
    "purpose",
    "target_group",
    "dialogue_plan",
    "privacy_assessment",
    "confidentiality_assessment",
    "resources_plan",
)


@router.get("/accounts")
def accounts_page(request: Request, db: Annotated[OrgSession, page_area("accounts")]) -> HTMLResponse:
    """The registry, the applications a leader approves, the approved accounts to make live."""
    session, org = db.session, db.org
    rows = accounts.list_accounts(session, org)
    units = {u.id: u.name for u in tenants.list_units(session, org)}
    problems = registry.check_registry(session, org)
    public = publiclist.public_list(session, org)
    # Only a leader of the account's own unit may approve it: others see who is waiting, no button.
    approvable = {
        a.id
        for a in rows
        if a.status == "applied"
        and db.who.may("accounts:approve")
        and people.is_unit_leader(session, org, db.who.person_id, a.unit_id)
    }
    ready = {a.id: readiness(session, org, db.who, a) for a in rows if a.status == "approved"}
    return page(
        request,
        "accounts.html",
        db.who,
        rows=rows,
        units=units,
        problems=problems,
        public=public,
        statuses=labels.STATUSES,
        severities=labels.PROBLEM_SEVERITIES,
        approvable=approvable,
        ready=ready,
        dm_states=labels.DM_STATES,
    )


@router.get("/accounts/apply")
def application_form(
    request: Request, db: Annotated[OrgSession, page_area("accounts:apply")]
) -> HTMLResponse:
    today = dt.date.today()
    session, org = db.session, db.org
    units = tenants.list_units(session, org)
    staff = [p for p in people.list_people(session, org) if p.left_on is None or p.left_on > today]
    pack = load_pack(org.pack)
    return page(
        request,
        "account_apply.html",
        db.who,
        units=units,
        staff=staff,
        platforms=PLATFORMS,
        dm_states=[(d, labels.DM_STATES[d]) for d in DM_STATES],
        questions=QUESTIONS,
        photo_clause=photo_clause(pack),
    )


def photo_clause(pack: Pack) -> ClauseRef | None:
    """The organisation's own clause about pictures of people, quoted under the privacy question: the
    first clause of its own rule on pictures (one that replaces the Nordic baseline's), if it has one."""
    for rule in pack.rules:
        if "marker.image_people" in rule.signals and pack.origin.get(rule.code) != BASELINE and rule.clauses:
            return rule.clauses[0]
    return None


@router.post("/accounts/apply")
def apply(
    request: Request,
    db: Annotated[OrgSession, page_area("accounts:apply")],
    csrf: Csrf,
    unit: Annotated[str, Form(max_length=20)],
    platform: Annotated[str, Form(max_length=20)],
    handle: Annotated[str, Form(max_length=200)],
    name: Annotated[str, Form(max_length=200)],
    url: Annotated[str, Form(max_length=500)],
    purpose: Answer,
    target_group: Answer,
    dialogue_plan: Answer,
    privacy_assessment: Answer,
    confidentiality_assessment: Answer,
    resources_plan: Answer,
    responsible: Annotated[str, Form(max_length=20)] = "",
    profile_text: Answer = "",
    direct_messages: Annotated[str, Form(max_length=10)] = "unknown",
    password_attested: Annotated[str, Form(max_length=5)] = "",
) -> RedirectResponse:
    csrf_ok(request, csrf)
    application = accounts.Application(
        unit=_number(unit, "the unit"),
        platform=platform,
        handle=handle.strip(),
        name=name.strip(),
        url=url.strip(),
        purpose=purpose,
        target_group=target_group,
        dialogue_plan=dialogue_plan,
        privacy_assessment=privacy_assessment,
        confidentiality_assessment=confidentiality_assessment,
        resources_plan=resources_plan,
        applied_by=db.who.person_id,
        responsible=_number(responsible, "the responsible person") if responsible else db.who.person_id,
        profile_text=profile_text.strip() or None,
        direct_messages=direct_messages,
        password_attested=bool(password_attested),
    )
    session, org = db.session, db.org
    account = accounts.apply_for_account(session, org, application)
    account_id = account.id
    _ = translator(language(request, db.who))
    flash(
        request, _("Application {account} sent. A leader of the unit approves it.").format(account=account_id)
    )
    return RedirectResponse("/accounts" if db.who.may("accounts") else "/accounts/apply", status_code=303)


@router.post("/accounts/{account_id}/approve")
def approve(
    account_id: IdPath, request: Request, db: Annotated[OrgSession, page_area("accounts:approve")], csrf: Csrf
) -> RedirectResponse:
    """Approved by the signed-in leader today; the service refuses one who does not lead the unit."""
    csrf_ok(request, csrf)
    session, org = db.session, db.org
    account = accounts.approve_account(session, org, account_id, db.who.person_id, dt.date.today())
    account_name = account.name
    _ = translator(language(request, db.who))
    flash(request, _("{account} is approved.").format(account=account_name))
    return RedirectResponse("/accounts", status_code=303)


# --- Going live ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Readiness:
    """What an approved account still needs before it goes live (the service's conditions)."""

    responsible: bool  # a responsible person has accepted
    dms_off_needed: bool  # the guideline wants direct messages off, and they are not confirmed off
    profile_passes: bool
    may_activate: bool  # the signed-in person may make it live

    @property
    def ready(self) -> bool:
        return self.responsible and not self.dms_off_needed and self.profile_passes


def _may_activate(session: Session, org: Organisation, who: Principal, account: Account) -> bool:
    """Communications (who keeps the public list) or a leader of the account's own unit."""
    if not who.may("accounts:activate"):
        return False
    return bool(who.roles & OFFICE) or people.is_unit_leader(session, org, who.person_id, account.unit_id)


def readiness(session: Session, org: Organisation, who: Principal, account: Account) -> Readiness:
    pack = load_pack(tenants.unit_pack(session, org, tenants.get_unit(session, org, account.unit_id)))
    return Readiness(
        responsible=accounts.responsible_person(session, org, account.id) is not None,
        dms_off_needed=pack.parameters.direct_messages == "must_be_off" and account.direct_messages != "off",
        profile_passes=accounts.check_profile(session, org, account).passes,
        may_activate=_may_activate(session, org, who, account),
    )


def _activator(session: Session, org: Organisation, who: Principal, account_id: int) -> Account:
    account = accounts.get_account(session, org, account_id)
    if not _may_activate(session, org, who, account):
        raise ProblemError(403, "only communications or a leader of the account's unit makes it live")
    return account


@router.post("/accounts/{account_id}/direct-messages-off")
def direct_messages_off(
    account_id: IdPath,
    request: Request,
    db: Annotated[OrgSession, page_area("accounts:activate")],
    csrf: Csrf,
) -> RedirectResponse:
    """The person confirms that the message function is removed on the platform (Hjørring HJ-9)."""
    csrf_ok(request, csrf)
    session, org = db.session, db.org
    name = _activator(session, org, db.who, account_id).name
    accounts.set_direct_messages(session, org, account_id, "off")
    _ = translator(language(request, db.who))
    flash(request, _("Direct messages of {account} are recorded as off.").format(account=name))
    return RedirectResponse("/accounts", status_code=303)


@router.post("/accounts/{account_id}/activate")
def activate(
    account_id: IdPath,
    request: Request,
    db: Annotated[OrgSession, page_area("accounts:activate")],
    csrf: Csrf,
) -> RedirectResponse:
    """The account goes live: on the public list, and the service office is told."""
    csrf_ok(request, csrf)
    session, org = db.session, db.org
    _activator(session, org, db.who, account_id)
    account = accounts.activate_account(session, org, account_id)
    name = account.name
    _ = translator(language(request, db.who))
    flash(
        request,
        _("{account} is live and on the public list. The service office is told.").format(account=name),
    )
    return RedirectResponse("/accounts", status_code=303)
