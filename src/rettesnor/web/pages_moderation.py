"""Bulk decisions in the moderation queue: several comments, one action, one reason.

Each comment is decided by :func:`rettesnor.moderation.queue.decide` on its own (evidence first, the
ground of its own case); one that is refused is reported and the others are still decided.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from rettesnor.i18n import translator
from rettesnor.item import InputError
from rettesnor.moderation import queue as moderation
from rettesnor.platforms.connector import connected_platform
from rettesnor.web import labels
from rettesnor.web.auth import require
from rettesnor.web.pages import Csrf, User, _csrf, _safe_next, known_decision
from rettesnor.web.pages_archive import record_ids, record_in_org
from rettesnor.web.render import flash, language
from rettesnor.web.views import work
from rettesnor.web.webhooks import platform_settings

router = APIRouter(include_in_schema=False)
MAX_BULK = 100


@router.post("/moderation/bulk")
def bulk_decide(
    request: Request,
    who: User,
    csrf: Csrf,
    action: Annotated[str, Form(max_length=12)],
    record: Annotated[list[str] | None, Form(max_length=MAX_BULK * 2)] = None,
    reason: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    require(who, "moderation:write")
    _csrf(request, csrf)
    known_decision(action)
    ids = record_ids(record or [], MAX_BULK, "decide")
    _ = translator(language(request, who))
    done: list[int] = []
    refused: list[str] = []
    with work(request, who) as (session, org):
        for rid in ids:
            record_in_org(session, org, rid)  # a record of another organisation: 404, nothing decided
        for rid in ids:
            try:  # on the page's connector when it is connected; by hand otherwise
                with connected_platform(session, org, rid, platform_settings(request)) as platform:
                    outcome = moderation.decide(
                        session,
                        org,
                        rid,
                        action,
                        by=who.person_id,
                        platform=platform,
                        reason=reason or _("Decided in the moderation queue"),
                    )
                done.append(rid)
                if outcome.decision.platform_result == "failed":  # recorded, but the platform refused
                    refused.append(f"{rid}: {outcome.message}")
            except InputError as exc:  # refused: nothing of it was written (a savepoint per decision)
                refused.append(f"{rid}: {exc}")
    if done:
        flash(
            request,
            _("{count} comments decided: {action}.").format(
                count=len(done), action=_(labels.DECISIONS[action])
            ),
        )
    for line in refused:
        flash(request, _("Not decided: {why}").format(why=line), "error")
    target = _safe_next(back) if back.startswith("/moderation") else "/moderation"
    return RedirectResponse(target, status_code=303)
