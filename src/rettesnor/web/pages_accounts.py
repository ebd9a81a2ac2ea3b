"""The account application (Hustadvika 2a–f: why, for whom, dialogue, privacy, confidentiality,
resources) and its approval by a leader of the account's unit (Hjørring; Hustadvika 2g).

The registry itself, its problems and the public list are on ``/accounts`` (:mod:`rettesnor.web.pages`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from rettesnor.governance import accounts, people, tenants
from rettesnor.records.models import DM_STATES, PLATFORMS
from rettesnor.web import labels
from rettesnor.web.auth import require
from rettesnor.web.i18n import translator
from rettesnor.web.inputs import IdPath
from rettesnor.web.pages import Csrf, User, _csrf
from rettesnor.web.pages_people import _number
from rettesnor.web.render import flash, language, page
from rettesnor.web.views import work

router = APIRouter(include_in_schema=False)
Answer = Annotated[str, Form(max_length=5000)]
QUESTIONS = ("purpose", "target_group", "dialogue_plan", "privacy_assessment", "confidentiality_assessment",
             "resources_plan")  # fmt: skip


@router.get("/accounts/apply")
def application_form(request: Request, who: User) -> HTMLResponse:
    require(who, "accounts:apply")
    today = dt.date.today()
    with work(request, who) as (session, org):
        units = tenants.list_units(session, org)
        staff = [p for p in people.list_people(session, org) if p.left_on is None or p.left_on > today]
    return page(
        request, "account_apply.html", who, units=units, staff=staff, platforms=PLATFORMS,
        dm_states=[(d, labels.DM_STATES[d]) for d in DM_STATES], questions=QUESTIONS,
    )  # fmt: skip


@router.post("/accounts/apply")
def apply(
    request: Request, who: User, csrf: Csrf,
    unit: Annotated[str, Form(max_length=20)], platform: Annotated[str, Form(max_length=20)],
    handle: Annotated[str, Form(max_length=200)], name: Annotated[str, Form(max_length=200)],
    url: Annotated[str, Form(max_length=500)], purpose: Answer, target_group: Answer, dialogue_plan: Answer,
    privacy_assessment: Answer, confidentiality_assessment: Answer, resources_plan: Answer,
    responsible: Annotated[str, Form(max_length=20)] = "", profile_text: Answer = "",
    direct_messages: Annotated[str, Form(max_length=10)] = "unknown",
    password_attested: Annotated[str, Form(max_length=5)] = "",
) -> RedirectResponse:  # fmt: skip
    require(who, "accounts:apply")
    _csrf(request, csrf)
    application = accounts.Application(
        unit=_number(unit, "the unit"), platform=platform, handle=handle.strip(), name=name.strip(),
        url=url.strip(), purpose=purpose, target_group=target_group, dialogue_plan=dialogue_plan,
        privacy_assessment=privacy_assessment, confidentiality_assessment=confidentiality_assessment,
        resources_plan=resources_plan, applied_by=who.person_id,
        responsible=_number(responsible, "the responsible person") if responsible else who.person_id,
        profile_text=profile_text.strip() or None, direct_messages=direct_messages,
        password_attested=bool(password_attested),
    )  # fmt: skip
    with work(request, who) as (session, org):
        account = accounts.apply_for_account(session, org, application)
        account_id = account.id
    _ = translator(language(request, who))
    flash(request, _("Application {account} sent. A leader of the unit approves it.").format(
        account=account_id))  # fmt: skip
    return RedirectResponse("/accounts" if who.may("accounts") else "/accounts/apply", status_code=303)


@router.post("/accounts/{account_id}/approve")
def approve(account_id: IdPath, request: Request, who: User, csrf: Csrf) -> RedirectResponse:
    """Approved by the signed-in leader today; the service refuses one who does not lead the unit."""
    require(who, "accounts:approve")
    _csrf(request, csrf)
    with work(request, who) as (session, org):
        account = accounts.approve_account(session, org, account_id, who.person_id, dt.date.today())
        account_name = account.name
    _ = translator(language(request, who))
    flash(request, _("{account} is approved.").format(account=account_name))
    return RedirectResponse("/accounts", status_code=303)
