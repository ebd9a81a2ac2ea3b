"""The moderation queue: the comments, what the engine recommends and why, and the decisions on them.

A decision (keep, hide, delete, escalate, reply) is made on one comment or on several at once; each is
decided by :func:`rettesnor.moderation.queue.decide` on its own (evidence first, the ground of its own
case unless one is chosen), and one that is refused is told in the user's language while the others are
still decided. The page says what really happened on the platform: sent, refused, or to do by hand
where the page has no connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor import labels
from rettesnor.archive.lookup import record_in_org
from rettesnor.governance import accounts, tenants
from rettesnor.i18n import N_, Gettext, translator
from rettesnor.item import InputError
from rettesnor.moderation import queue as moderation
from rettesnor.moderation.queue import Outcome
from rettesnor.moderation.templates import TEMPLATES
from rettesnor.platforms.connector import connected_platform
from rettesnor.platforms.meta_client import GraphError
from rettesnor.policy.loader import load_pack
from rettesnor.records.archive_models import ModerationDecision
from rettesnor.records.models import Account, Organisation
from rettesnor.web import queries
from rettesnor.web.deps import OrgSession, page_area
from rettesnor.web.inputs import IdPath
from rettesnor.web.pages import PAGE_SIZE, Csrf, _form_account, known_decision
from rettesnor.web.pages_archive import record_ids
from rettesnor.web.problems import ProblemError
from rettesnor.web.render import flash, language, page
from rettesnor.web.security import csrf_ok, safe_next
from rettesnor.web.webhooks import platform_settings

router = APIRouter(include_in_schema=False)
MAX_BULK = 100
# One key per decision (digits: the same on every keyboard layout and in every language).
SHORTCUTS = {"keep": "1", "hide": "2", "delete": "3", "escalate": "4", "reply": "5"}
# What a moderator must still do on the platform when the page has no connection to it.
BY_HAND = {
    "hide": N_(
        "No connection to {platform}: the comment is still visible there. Hide it on {platform} by hand."
    ),
    "unhide": N_("No connection to {platform}: show the comment again on {platform} by hand."),
    "delete": N_("No connection to {platform}: the comment is still on {platform}. Delete it there by hand."),
    "reply": N_(
        "No connection to {platform}: the reply is saved in the archive. Post it on {platform} by hand."
    ),
}


def _platform(name: str) -> str:
    return {"facebook": "Facebook", "instagram": "Instagram"}.get(name, name)


def _packs(session: Session, org: Organisation, all_accounts: Sequence[Account]) -> dict[int | None, str]:
    """The pack of each account (its unit's), and the organisation's for comments on no account."""
    units = {u.id: u for u in tenants.list_units(session, org)}
    packs: dict[int | None, str] = {None: org.pack}
    for a in all_accounts:
        packs[a.id] = tenants.unit_pack(session, org, units.get(a.unit_id))
    return packs


def _comment_categories(pack_names: set[str]) -> list[str]:
    """The categories a comment rule of these packs can give: the choices of the category filter."""
    found: set[str] = set()
    for name in pack_names:
        for rule in load_pack(name).rules:
            if "comment" in rule.applies_to:
                found.update(rule.category or s for s in rule.signals if not s.startswith("marker."))
    return sorted(c for c in found if c in labels.CATEGORIES)


def _escalations(session: Session, org: Organisation, record_ids_: list[int]) -> dict[int, dict[str, Any]]:
    """The last escalation of each escalated comment: who, to whom, when and why (the leader reads it)."""
    if not record_ids_:
        return {}
    rows = session.scalars(
        select(ModerationDecision)
        .where(
            ModerationDecision.organisation_id == org.id,
            ModerationDecision.record_id.in_(record_ids_),
            ModerationDecision.action == "escalate",
        )
        .order_by(ModerationDecision.id)
    ).all()
    last = {d.record_id: d for d in rows}
    ids = {d.decided_by_id for d in last.values()} | {d.escalated_to_id or 0 for d in last.values()}
    names = queries.person_names(session, org, ids - {0})
    return {
        rid: {
            "by": names.get(d.decided_by_id, ""),
            "to": names.get(d.escalated_to_id or 0, ""),
            "at": d.decided_at,
            "reason": d.reason,
        }
        for rid, d in last.items()
    }


@router.get("/moderation")
def moderation_page(
    request: Request,
    db: Annotated[OrgSession, page_area("moderation")],
    status: Annotated[str, Query(pattern="^(open|escalated|decided|all)$")] = "open",
    account: Annotated[str, Query(max_length=20)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    action: Annotated[str, Query(pattern="^(|keep|review|hide|delete)$")] = "",
) -> HTMLResponse:
    account_id = _form_account(account)
    if category and category not in labels.CATEGORIES:
        raise ProblemError(422, f"unknown category {category!r}")
    lang = language(request, db.who)
    session, org = db.session, db.org
    if account_id is not None:
        accounts.get_account(session, org, account_id)  # 404 for an account of another organisation
    rows, total = moderation.queue_page(
        session,
        org,
        status=status,
        account_id=account_id,
        category=category or None,
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
        recommended=action or None,
    )
    all_accounts = accounts.list_accounts(session, org)
    packs = _packs(session, org, all_accounts)
    escalated = _escalations(session, org, [r.record.id for r in rows if r.case.status == "escalated"])
    cases = {}
    for r in rows:
        pack = load_pack(packs.get(r.case.account_id, packs[None]))
        rule = pack.rule(r.case.rule_code) if r.case.rule_code else None
        grounds = list(moderation.deletion_grounds(pack.name))
        if r.case.ground and r.case.ground not in grounds:  # a hide's ground the deletion list lacks
            grounds.append(r.case.ground)
        cases[r.record.id] = {
            "grounds": grounds,
            "rule": pack.text(rule.title, lang) if rule is not None else "",
            "categories": [c for c in r.case.categories.split(",") if c],
            "register": [c for c in moderation.REGISTER if c in r.case.categories.split(",")],
            "escalation": escalated.get(r.record.id),
        }
    filters = {"status": status, "account": account, "category": category, "action": action}
    base = {k: v for k, v in filters.items() if v}
    pages = {
        "prev": f"?{urlencode({**base, 'page': page_no - 1})}" if page_no > 1 else None,
        "next": f"?{urlencode({**base, 'page': page_no + 1})}" if page_no * PAGE_SIZE < total else None,
    }
    return page(
        request,
        "moderation.html",
        db.who,
        rows=rows,
        total=total,
        filters=filters,
        accounts=all_accounts,
        account_names={a.id: a.name for a in all_accounts},
        statuses=labels.STATUSES,
        decisions=labels.DECISIONS,
        verdicts=labels.VERDICTS,
        pages=pages,
        page_no=page_no,
        may_decide=db.who.may("moderation:write"),
        cases=cases,
        grounds=labels.GROUNDS,
        categories=labels.CATEGORIES,
        category_choices=_comment_categories(set(packs.values())),
        templates=labels.REPLY_TEMPLATES,
        shortcuts=SHORTCUTS,
        task_kinds=labels.TASK_KINDS,
    )


def _form_choice(value: str, allowed: Sequence[str], what: str) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise ProblemError(422, f"unknown {what} {value!r}")
    return value


def _why(failure: Exception | None, lang: str) -> str:
    """The platform's refusal in the user's language (the Graph API's errors come in four)."""
    return failure.message(lang) if isinstance(failure, GraphError) else str(failure or "")


def _report(
    request: Request, _: Gettext, lang: str, outcome: Outcome, platform: str, leader: str | None
) -> None:
    """Flash what happened to one comment, and what is left to do on the platform by hand."""
    d = outcome.decision
    if d.action == "escalate":
        flash(
            request,
            _("Comment {record} escalated to {leader}.").format(record=d.record_id, leader=leader or ""),
        )
    else:
        flash(
            request,
            _("Decision recorded: {action} (comment {record}).").format(
                action=_(labels.DECISIONS[d.action]), record=d.record_id
            ),
        )
    if d.platform_result == "failed":  # recorded, but the platform refused to carry it out
        flash(
            request,
            _("Not carried out on {platform}: {why}").format(
                platform=platform, why=_why(outcome.failure, lang)
            ),
            "error",
        )
    elif d.platform_result == "none" and d.action in BY_HAND:
        flash(request, _(BY_HAND[d.action]).format(platform=platform), "warning")


@router.post("/moderation/{record_id}/decide")
def moderation_decide(
    record_id: IdPath,
    request: Request,
    db: Annotated[OrgSession, page_area("moderation:write")],
    csrf: Csrf,
    action: Annotated[str, Form(max_length=12)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    ground: Annotated[str, Form(max_length=30)] = "",
    template: Annotated[str, Form(max_length=30)] = "",
    reply: Annotated[str, Form(max_length=8000)] = "",
    back: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    csrf_ok(request, csrf)
    session, org, who = db.session, db.org, db.who
    lang = language(request, who)
    _ = translator(lang)
    target = safe_next(back) if back.startswith("/moderation") else "/moderation"
    if not action:
        flash(request, _("Choose a decision for comment {record}.").format(record=record_id), "error")
        return RedirectResponse(target, status_code=303)
    known_decision(action)
    chosen_ground = _form_choice(ground, moderation.ALL_GROUNDS, "ground")
    chosen_template = _form_choice(template, tuple(TEMPLATES), "reply template")
    where = _platform(record_in_org(session, org, record_id).platform)  # another organisation's: 404
    try:
        with connected_platform(session, org, record_id, platform_settings(request)) as platform:
            outcome = moderation.decide(
                session,
                org,
                record_id,
                action,
                by=who.person_id,
                platform=platform,
                reason=reason or _("Decided in the moderation queue"),
                ground=chosen_ground,
                template=chosen_template if action == "reply" else None,
                reply=reply if action == "reply" else None,
                lang=lang,
            )
        to = outcome.decision.escalated_to_id
        leader = queries.person_names(session, org, {to}).get(to) if to else None
    except InputError as exc:  # refused: decide wrote nothing of it (a savepoint); said on the page
        flash(request, _("Not decided: {why}").format(why=labels.say(exc, _)), "error")
        return RedirectResponse(target, status_code=303)
    _report(request, _, lang, outcome, where, leader)
    return RedirectResponse(target, status_code=303)


@router.post("/moderation/bulk")
def bulk_decide(
    request: Request,
    db: Annotated[OrgSession, page_area("moderation:write")],
    csrf: Csrf,
    action: Annotated[str, Form(max_length=12)],
    record: Annotated[list[str] | None, Form(max_length=MAX_BULK * 2)] = None,
    reason: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=500)] = "",
    ground: Annotated[str, Form(max_length=30)] = "",
    template: Annotated[str, Form(max_length=30)] = "",
) -> RedirectResponse:
    csrf_ok(request, csrf)
    lang = language(request, db.who)
    _ = translator(lang)
    target = safe_next(back) if back.startswith("/moderation") else "/moderation"
    if not record:  # nothing ticked: said on the page, nothing decided
        flash(request, _("Choose at least one comment for the bulk decision."), "error")
        return RedirectResponse(target, status_code=303)
    known_decision(action)
    chosen_ground = _form_choice(ground, moderation.ALL_GROUNDS, "ground")
    chosen_template = _form_choice(template, tuple(TEMPLATES), "reply template")
    ids = record_ids(record, MAX_BULK, "decide")
    done: list[int] = []
    refused: list[str] = []
    by_hand: dict[str, int] = {}
    session, org = db.session, db.org
    where = {rid: _platform(record_in_org(session, org, rid).platform) for rid in ids}  # others': 404
    for rid in ids:
        try:  # on the page's connector when it is connected; by hand otherwise
            with connected_platform(session, org, rid, platform_settings(request)) as platform:
                outcome = moderation.decide(
                    session,
                    org,
                    rid,
                    action,
                    by=db.who.person_id,
                    platform=platform,
                    ground=chosen_ground,
                    reason=reason or _("Decided in the moderation queue"),
                    lang=lang,
                    template=chosen_template if action == "reply" else None,
                )
            done.append(rid)
            result = outcome.decision.platform_result
            if result == "failed":  # recorded, but the platform refused
                refused.append(
                    _("comment {record} on {platform}: {why}").format(
                        record=rid, platform=where[rid], why=_why(outcome.failure, lang)
                    )
                )
            elif result == "none" and action in BY_HAND:
                by_hand[where[rid]] = by_hand.get(where[rid], 0) + 1
        except InputError as exc:  # refused: nothing of it was written (a savepoint per decision)
            refused.append(_("comment {record}: {why}").format(record=rid, why=labels.say(exc, _)))
    if done:
        flash(
            request,
            _("{count} comments decided: {action}.").format(
                count=len(done), action=_(labels.DECISIONS[action])
            ),
        )
    for name in sorted(by_hand):
        flash(request, _(BY_HAND[action]).format(platform=name), "warning")
    for line in refused:
        flash(request, _("Not decided: {why}").format(why=line), "error")
    return RedirectResponse(target, status_code=303)
