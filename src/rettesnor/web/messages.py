"""Error details in the reader's language (the pages, and the API's RFC 9457 ``detail``).

The services raise one-line English messages (the CLI prints them as they are). The web translates a
message by its template: each template below is matched against the whole message, and the values it
held are put into the translation. A message without a template is shown as it is (English).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rettesnor.i18n import N_, Gettext
from rettesnor.labels import CODES

ERRORS: tuple[str, ...] = (
    N_("{task} is not a registration task id such as R12"),
    N_("the request body is over the limit of {limit} bytes"),
    N_("send an API token as 'Authorization: Bearer rtn_…'"),
    N_("the API token is unknown or revoked"),
    N_("the form has expired or did not come from this site; reload and try again"),
    N_("no such sign-in provider: {name}"),
    N_("this login no longer exists"),
    N_("two-step login is already on; turn it off first"),
    N_("unknown decision {decision}; choose one of: {choices}"),
    N_("unknown language {lang}; choose one of: {choices}"),
    N_("account must be a number, not {value}"),
    N_("there is no finding {finding} in this text"),
    N_("too many requests; wait a minute and try again"),
    N_("unknown kind {kind}; choose one of: {choices}"),
    N_("unknown category {category}; choose one of: {choices}"),
    N_("no record {record} in the archive of this organisation"),
    N_("choose at least one record to export"),
    N_("export at most {most} records at a time"),
    N_("from must be a date like 2026-12-31, not {value}"),
    N_("to must be a date like 2026-12-31, not {value}"),
    N_("a record is a number, not {value}"),
    N_("{what} must be chosen (a number, not {value})"),
    N_("unknown kind of review {kind}; choose one of: {choices}"),
    N_("unknown giver {giver}; choose one of: {choices}"),
    N_("unknown scope {scope}; choose from: {choices}"),
    N_("unknown pack {pack}; choose one of: {choices}"),
    N_("the text is over {limit} characters"),
    N_("the text is empty"),
    N_("the text contains a NUL character"),
    N_("the organisation of this login no longer exists"),
    N_("url must start with https:// (got {url})"),
    N_("{platform} account {handle} is registered already in {org}"),
    N_("account {account} is {status}; only an applied account can be approved"),
    N_("person {person} is not a leader of the account's unit (its leaders: {leaders})"),
    N_("approved on {day} is before the application date"),
    N_("account {account} is {status}; it must be approved before it goes live"),
    N_("account {account} has no responsible person who has accepted the assignment"),
    N_("account {account}: direct messages must be off ({rule}); confirm they are"),
    N_("account {account}: the profile text does not pass the check ({what})"),
    N_("account {account} is archived already"),
    N_("account {account} is archived"),
    N_("person {person} left on {day}"),
    N_("invalid e-mail address {address}: write it as name@domain.tld"),
    N_("a unit leader needs the unit they lead (--unit)"),
    N_("role grant {grant} is revoked already"),
    N_("person {person} has role {role} already"),
    N_("no person {person} in {org} ({what})"),
    N_("person {manager} cannot manage person {person}: that makes a circle"),
    N_("held on {day} is before person {person} started"),
    N_("person {leader} is not a leader of person {person}"),
    N_("a review of a guideline version names a published version (--version-id)"),
    N_("only person {person} can acknowledge review {review}"),
    N_("review {review} is acknowledged already"),
    N_("this guideline accepts as basis only: {choices} (not {basis})"),
    N_("consent {consent} was withdrawn on {day}"),
    N_("withdrawn on {day} is before the consent was given"),
    N_("a child's consent is given by a guardian (--given-by-role guardian)"),
    N_("management approval is recorded by a leader of the unit (--by, --unit)"),
    N_("task {task} is done already"),
    N_("invalid date for {what}: {value} (use YYYY-MM-DD)"),
    N_("{what} id must be a number, not {value}"),
    N_("no {what} {ident} in {org}"),
    N_("unknown {what} {value}; choose one of: {choices}"),
    N_("{what} is required"),
    N_("{what} is {count} characters; the limit is {limit}"),
    N_("{what} contains a NUL character"),
    N_("{what} {value} is in the future"),
    N_(
        "person {person} may not designate people for account {account}: "
        "a leader of its unit or a communications officer does that"
    ),
    N_("person {person} has an open {role} assignment on account {account} already"),
    N_("assignment {assignment} is not waiting for an answer"),
    N_("assignment {assignment} has ended already"),
    N_("record {record} has no archived content (disposed); nothing is sent"),
    N_("record {record} was disposed from the archive; {action} refused"),
    N_("record {record} was disposed; nothing to decide"),
    N_("record {record} is on {platform}, not on {other}"),
    N_("record {record} is deleted already"),
    N_("record {record} is not hidden"),
    N_("deleting record {record} needs a ground (--ground)"),
    N_(
        "the guideline allows deletion only on the grounds {choices}; {ground} is not one of them: "
        "hide the comment or escalate instead"
    ),
    N_("person {person} has no leader to escalate to; give --to"),
    N_("a reply needs --template or --text"),
    N_("record {record} has a {kind} task already"),
    N_("registration task {task} is closed already"),
    N_("the reason must say why it is not registered (at least {count} characters)"),
    N_("unknown reply template {template}; choose one of: {choices}"),
    N_("the search needs at least one word"),
    N_("no record {record} in {org}"),
    N_("text is {count} characters; the limit is {limit}"),
    N_("no such page: {path}"),
    N_("something went wrong on our side; the error was logged"),
    N_("{field}: this field is required"),
    N_("{field}: must be a whole number"),
    N_("{field}: must be at least {limit}"),
    N_("{field}: must be at most {limit}"),
    N_("{field}: at most {limit} characters"),
    N_("{field}: not one of the allowed values"),
    N_("{field}: invalid value"),
    N_("your roles do not allow this ({area})"),
    N_("the token's scopes do not allow this ({area})"),
)
# What the account registry's check says about an account (``governance.registry``).
REGISTRY: tuple[str, ...] = (
    N_("no leader of the unit has approved the account"),
    N_("no responsible person has accepted the account"),
    N_("direct messages are {state}; the guideline requires them off"),
    N_("direct messages are {state}"),
    N_("no activity for {days} days (last: {last})"),
    N_("{count} posts by people who are not designated authors"),
    N_("{count} designated people have no accepted service assignment from a manager"),
    N_("the service office has not been told about the account"),
    N_("profile text: {verdict}"),
    N_("application answers missing: {fields}"),
    # Titles of tasks as the services write them (moderation.registration, governance.consents).
    N_("Register complaint: record {record} ({platform})"),
    N_("Register case inquiry: record {record} ({platform})"),
    N_("Register private inquiry: record {record} ({platform})"),
    N_("Register complaint: a privately received inquiry"),
    N_("Register case inquiry: a privately received inquiry"),
    N_("Register private inquiry: a privately received inquiry"),
    N_("Take down {media}: consent {consent} was withdrawn"),
)
_PLACE = re.compile(r"\\\{([a-z_]+)\\\}")


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """Each template with placeholders as a pattern; the longest fixed text first (the most specific)."""
    out = []
    for template in (*ERRORS, *REGISTRY):
        if "{" not in template:
            continue
        body = _PLACE.sub(lambda m: f"(?P<{m[1]}>.+?)", re.escape(template))
        out.append((re.compile(body, re.DOTALL), template))
    return sorted(out, key=lambda p: -len(_PLACE.sub("", re.escape(p[1]))))


def localise(detail: str, gettext: Gettext) -> str:
    """``detail`` in the language of ``gettext``: a known message, or one that fits a template."""
    same = gettext(detail)
    if same != detail:
        return same
    for pattern, template in _patterns():
        found = pattern.fullmatch(detail)
        if found is not None:
            values = {k: gettext(CODES[v]) if v in CODES else v for k, v in found.groupdict().items()}
            return gettext(template).format(**values)
    return detail


# Request validation (pydantic) errors by their type: the field and the limit are filled in.
VALIDATION = {
    "missing": N_("{field}: this field is required"),
    "int_parsing": N_("{field}: must be a whole number"),
    "int_type": N_("{field}: must be a whole number"),
    "greater_than_equal": N_("{field}: must be at least {limit}"),
    "greater_than": N_("{field}: must be at least {limit}"),
    "less_than_equal": N_("{field}: must be at most {limit}"),
    "less_than": N_("{field}: must be at most {limit}"),
    "string_too_long": N_("{field}: at most {limit} characters"),
    "too_long": N_("{field}: at most {limit} characters"),
    "string_pattern_mismatch": N_("{field}: not one of the allowed values"),
    "literal_error": N_("{field}: not one of the allowed values"),
    "enum": N_("{field}: not one of the allowed values"),
}
INVALID = N_("{field}: invalid value")
LIMITS = ("ge", "gt", "le", "lt", "max_length")


def validation_detail(error: dict[str, Any]) -> str:
    """One pydantic error as an English message that :func:`localise` translates."""
    loc = [str(x) for x in error.get("loc") or ()]
    field = ".".join(loc[1:]) or "request"
    ctx = error.get("ctx")
    ctx = ctx if isinstance(ctx, dict) else {}
    limit = next((ctx[k] for k in LIMITS if k in ctx), "")
    template = VALIDATION.get(str(error.get("type", "")), INVALID)
    return template.format(field=field, limit=limit)
