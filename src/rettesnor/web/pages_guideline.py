"""The guideline page: the organisation's rules with contents, search and an anchor per rule and clause;
each rule of the Nordic baseline says so and quotes the law it rests on; the coverage of every clause of
the guideline, in the reader's language.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from rettesnor import labels
from rettesnor.i18n import N_, Gettext, translator
from rettesnor.policy.coverage import CoverageRow, coverage
from rettesnor.policy.loader import load_pack
from rettesnor.policy.model import LawRef, Pack, Rule
from rettesnor.web.deps import OrgSession, page_area
from rettesnor.web.render import language, page

router = APIRouter(include_in_schema=False)
BASELINE = "nordic-baseline"
LAW_LANGUAGE = {"DK": "da", "NO": "nb", "SE": "sv"}
IMPLEMENTATIONS = {"check": N_("Check"), "workflow": N_("Workflow"), "guidance": N_("Guidance")}
SHOWN_KINDS = {**labels.KINDS, "image": N_("Photo")}
# Where each workflow clause is enforced (``policy.workflows.IMPLEMENTED``), to translate on the page.
WORKFLOWS: tuple[str, ...] = (
    N_("archive: every message received or sent is an immutable record with versions in a hash chain"),
    N_("archive: records searchable with filters; access-request export with personal data redacted"),
    N_("archive: retention rules per record kind, disposal run with a disposal log, legal hold, dry run"),
    N_("archive: yearly snapshot of an account as self-contained HTML (`rettesnor archive snapshot`)"),
    N_("governance: a new, unshared password is attested when an account is registered; none is stored"),
    N_("governance: account roles follower and administrator, each accepted by the person"),
    N_("governance: an account application requires answers a–f"),
    N_("governance: an account goes live only after approval by a leader of its unit"),
    N_("governance: an account goes live only with direct messages off; the registry check lists DMs on"),
    N_("governance: an assignment to an account counts only after the person's own acceptance"),
    N_("governance: approval of the account by the unit leader"),
    N_("governance: approved channels per unit, kept by its leader; internal messages are checked with them"),
    N_("governance: blog links approved by the website's communications officer, disclaimer checked"),
    N_("governance: consent register for pictures; withdrawal creates a takedown task"),
    N_("governance: designated authors per account; posts by others are flagged by the registry check"),
    N_("governance: exactly one accepted responsible person per account; registry check for inactivity"),
    N_(
        "governance: going live puts a message for the service office in the outbox; "
        "`rettesnor mail send` e-mails it in the organisation's language"
    ),
    N_("governance: guideline approved by a named body; onboarding acknowledgement; overdue list"),
    N_("governance: guideline versions draft → hearing (named committees) → approved → published"),
    N_("governance: incident consequence ladder, visible only to the employee, their leaders and HR"),
    N_("governance: management approval of workplace pictures and content, recorded by a unit leader"),
    N_("governance: misuse incident with a conversation with the closest manager as consequence"),
    N_("governance: only a channel open to the colleagues concerned and to management can be approved"),
    N_("governance: public list of active accounts, HTML and JSON (`rettesnor accounts public-list`)"),
    N_("governance: service assignment from the manager, accepted by the employee; registry check"),
    N_("governance: the registry records the people who administer each page, each accepted by the person"),
    N_("governance: the unit's leader designates the people of an account; one is responsible"),
    N_("governance: units bound to packs; a unit's pack must extend its parent's"),
    N_("governance: work photos need written consent or management approval in the consent register"),
    N_("governance: work-environment incident, opened by the leader or HR, from a finding"),
    N_("governance: work-time use permission (granted or refused) recorded by the person's leader"),
    N_("governance: yearly review per employee by their leader; overdue list per leader"),
    N_("moderation: a complaint becomes a registration task, closed only with a journal ref or a reason"),
    N_("moderation: a deletion needs one of the pack's deletion grounds; refused with the reason otherwise"),
    N_("moderation: a privately received inquiry is marked and registered like any other"),
    N_("moderation: case questions become registration tasks (forward and archive), journal ref to close"),
    N_("moderation: case questions get a registration task and a reply template asking for a formal inquiry"),
    N_("moderation: citizens' comments and messages nobody answered (`rettesnor moderation unanswered`)"),
    N_("moderation: content and author archived before a hide or delete is sent; refused otherwise"),
    N_("moderation: escalation of a case to the moderator's closest leader"),
    N_("moderation: inquiries are routed to the account's responsible person as owner of the task"),
)


def _law(ref: LawRef, lang: str) -> dict[str, str]:
    """A law's citation and quote in the reader's language where there is one, else in the law's own."""
    own = LAW_LANGUAGE.get(ref.country or "", "en")
    sources = {str(k): v for k, v in ref.source.items()}
    quotes = {str(k): v for k, v in ref.quote.items()}
    quote_lang = next(x for x in (lang, own, "en", *quotes) if x in quotes)
    return {
        "source": sources.get(lang) or sources.get("en") or next(iter(sources.values())),
        "quote": quotes[quote_lang],
        "lang": quote_lang,
    }


def _rule(pack: Pack, rule: Rule, lang: str, country: str) -> dict[str, Any]:
    baseline = pack.origin.get(rule.code) == BASELINE
    laws = [_law(r, lang) for r in rule.law if r.country in (None, country)]
    return {
        "code": rule.code,
        "title": pack.text(rule.title, lang),
        "message": pack.text(rule.message, lang),
        "remedy": pack.text(rule.remedy, lang),
        "severity": rule.severity,
        "clauses": rule.clauses,
        "kinds": rule.applies_to,
        "baseline": baseline,
        "laws": laws,
    }


def _matches(rule: dict[str, Any], words: list[str]) -> bool:
    """Every word of the search in the rule's code, texts, clause quotes or laws (case ignored)."""
    hay = " ".join(
        [
            rule["code"],
            rule["title"],
            rule["message"],
            rule["remedy"],
            *(f"{c.id} {c.quote}" for c in rule["clauses"]),
            *(f"{x['source']} {x['quote']}" for x in rule["laws"]),
        ]
    ).casefold()
    return all(w in hay for w in words)


def _parts(row: CoverageRow, _: Gettext) -> list[dict[str, Any]]:
    """A coverage row's detail in the reader's language; rule codes become links to the rules."""
    out: list[dict[str, Any]] = []
    for what, value in row.parts:
        if what == "rules":
            out.append({"label": _("Rules"), "rules": [c.strip() for c in value.split(",")]})
        elif what == "shown_when":
            kinds = ", ".join(_(SHOWN_KINDS[k]) if k in SHOWN_KINDS else k for k in value.split(", "))
            out.append({"text": _("Shown when checking: {kinds}").format(kinds=kinds)})
        elif what == "workflow":
            out.append({"text": _(value)})
        elif what == "guidance":
            out.append({"text": _("Guidance")})
        elif what == "missing":
            out.append({"text": _("No rule cites this check clause")})
        else:
            out.append({"text": _("Planned")})
    return out


@router.get("/guideline")
def guideline_page(
    request: Request,
    db: Annotated[OrgSession, page_area("guideline")],
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    _session, org = db.session, db.org
    pack = load_pack(org.pack)
    country = org.country
    lang = language(request, db.who)
    _ = translator(lang)
    rules = [_rule(pack, r, lang, country) for r in pack.rules]
    words = q.casefold().split()
    shown = [r for r in rules if _matches(r, words)] if words else rules
    rows = [
        {
            "clause": c.clause,
            "status": c.status,
            "parts": _parts(c, _),
            "implementation": [
                _(IMPLEMENTATIONS[i]) for i in c.implementation.split(" + ") if i in IMPLEMENTATIONS
            ],
        }
        for c in coverage(pack)
    ]
    return page(
        request,
        "guideline.html",
        db.who,
        pack=pack,
        title=pack.text(pack.title, lang),
        rules=shown,
        total=len(rules),
        q=q,
        own=[r for r in shown if not r["baseline"]],
        baseline=[r for r in shown if r["baseline"]],
        coverage=rows,
        severities=labels.SEVERITIES,
        statuses=labels.COVERAGE,
        kinds=labels.KINDS,
    )
