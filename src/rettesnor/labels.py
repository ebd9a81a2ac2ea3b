"""Names of the product's codes (kinds, verdicts, severities, decisions …) as page strings to translate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from rettesnor.i18n import N_, translator

if TYPE_CHECKING:
    from rettesnor.moderation.worklist import WorkItem

KINDS = {
    "official_post": N_("Official post"),
    "reply": N_("Reply to a citizen"),
    "comment": N_("Citizen's comment"),
    "account_profile": N_("Profile text of an account"),
    "private_post": N_("Private post by an employee"),
    "internal_message": N_("Internal message"),
}
VERDICTS = {
    "publish": N_("Ready to publish"),
    "revise": N_("Revise before publishing"),
    "block": N_("Do not publish"),
    "keep": N_("Keep"),
    "review": N_("Review"),
    "hide": N_("Hide"),
    "delete": N_("Delete"),
}
SEVERITIES = {"block": N_("Blocks publishing"), "warn": N_("Should be revised"), "info": N_("Advice")}
DECISIONS = {
    "keep": N_("Keep"),
    "hide": N_("Hide"),
    "delete": N_("Delete"),
    "escalate": N_("Escalate to a leader"),
    "reply": N_("Reply"),
}
STATUSES = {
    "open": N_("Open"),
    "escalated": N_("Escalated"),
    "decided": N_("Decided"),
    "all": N_("All"),
    "applied": N_("Applied"),
    "approved": N_("Approved"),
    "active": N_("Active"),
    "archived": N_("Archived"),
}
TASK_KINDS = {
    "complaint": N_("Complaint"),
    "case_inquiry": N_("Case question"),
    "private_inquiry": N_("Privately received inquiry"),
    "takedown": N_("Takedown"),
}
PROBLEM_SEVERITIES = {"error": N_("Error"), "warning": N_("Warning")}
COVERAGE = {
    "implemented": N_("Implemented"),
    "partial": N_("Partly implemented"),
    "planned": N_("Planned"),
    "missing": N_("Missing"),
}
# The archive, people, consents and dashboard pages.
DECISIONS_ALL = {
    **DECISIONS,
    "unhide": N_("Show again"),
}
RECORD_KINDS = {
    "post": N_("Post"),
    "comment": N_("Comment"),
    "reply": N_("Reply"),
    "private_message": N_("Private message"),
    "moderator_action": N_("Moderator action"),
}
RECORD_STATES = {"published": N_("Published"), "hidden": N_("Hidden"), "deleted": N_("Deleted")}
ENTRY_EVENTS = {
    "create": N_("Received"),
    "edit": N_("Edited"),
    "delete": N_("Deleted"),
    "hide": N_("Hidden"),
    "unhide": N_("Shown again"),
    "evidence": N_("Evidence saved"),
    "action": N_("Action"),
}
REVIEW_KINDS = {
    "yearly": N_("Yearly review"),
    "onboarding": N_("Onboarding"),
    "policy": N_("New version of the guideline"),
}
CONSENT_BASES = {
    "written_consent": N_("Written consent"),
    "public_event": N_("Public municipal event"),
    "public_interest": N_("Public interest"),
    "management_approval": N_("Management's approval"),
}
CONSENT_GIVERS = {"self": N_("The person pictured"), "guardian": N_("Guardian"), "leader": N_("Leader")}
# What ``archive verify`` found wrong with the first broken entry (``chain.Problem.code``).
CHAIN_PROBLEMS = {
    "altered": N_("altered"),
    "altered_content": N_("altered (its content no longer matches its hash)"),
    "altered_or_reordered": N_("altered or reordered"),
    "reordered": N_("reordered"),
    "removed": N_("removed from the chain"),
    "removed_before": N_("removed (the entry before record {record})"),
    "projection": N_("shown differently from the chain (the record's {detail})"),
    "content_removed": N_("removed (its content is gone without a disposal in the log)"),
    "decision_altered": N_("altered (moderation decision {detail} no longer matches its seal)"),
    "decision_removed": N_("removed (a moderation decision before decision {detail})"),
}
DM_STATES = {"off": N_("Off"), "on": N_("On"), "unknown": N_("Unknown")}

# The check service's one-line photo errors (rettesnor.governance.checking.PHOTO_ERRORS), marked for
# translation here because the catalogues are extracted from the web package; a test keeps the two equal.
PHOTO_ERRORS = {
    "missing": N_("no such photo: {name}"),
    "directory": N_("{name} is a folder, not a photo"),
    "too_large": N_("the photo {name} is over 30 MB"),
    "not_image": N_("{name} is not a photo (JPEG, PNG, WebP, GIF, TIFF, BMP)"),
}
# Legal grounds for hiding or deleting a citizen's comment (policy.model.Ground).
GROUNDS = {
    "personal_attack": N_("Personal attack"),
    "third_person": N_("Names a third person"),
    "illegal": N_("Against the law"),
    "defamation": N_("Defamation"),
    "harassment": N_("Harassment or agitation against a group"),
    "violence_or_pornography": N_("Depiction of violence or pornography"),
    "incitement": N_("Incitement to crime"),
    "copyright": N_("Copyright infringement"),
    "obscene": N_("Swear words or obscene words"),
    "commercial": N_("Advertising"),
    "confidential": N_("Confidential information"),
    "personal_data": N_("Personal data"),
}
# What the check found (analysis.signals.CATEGORIES).
CATEGORIES = {
    "national_id": N_("Identity number"),
    "phone": N_("Phone number"),
    "email": N_("E-mail address"),
    "bank_account": N_("Bank account"),
    "address": N_("Address"),
    "case_number": N_("Case number"),
    "person_name": N_("Person's name"),
    "special_category": N_("Sensitive personal data"),
    "child": N_("Child"),
    "complaint": N_("Complaint"),
    "case_inquiry": N_("Case question"),
    "crisis": N_("Crisis"),
    "confidential": N_("Confidential information"),
    "profanity": N_("Swearing"),
    "insult": N_("Insult"),
    "hate": N_("Hate speech"),
    "threat": N_("Threat"),
    "sexual": N_("Sexual content"),
    "violence": N_("Violence"),
    "commercial": N_("Advertising"),
    "copyright": N_("Copyright"),
    "opinion": N_("Opinion"),
    "missing_disclaimer": N_("Missing disclaimer"),
    "work_email_private": N_("Work e-mail used privately"),
    "readability": N_("Readability"),
}
REPLY_TEMPLATES = {
    "personal_data": N_("Personal data: the comment was hidden, write securely"),
    "case_inquiry": N_("Case question: send it through the secure channel"),
    "complaint": N_("Complaint: it is registered"),
}
# The refusals of the moderation services (``InputError.code``) as the pages say them.
ERRORS = {
    "ground_needed": N_("Deleting comment {record} needs a ground: choose one from the guideline's grounds."),
    "ground_not_allowed": N_(
        "The guideline allows deletion only on these grounds: {grounds}. “{ground}” is not one of them: "
        "hide the comment or escalate it instead."
    ),
    "deleted_already": N_("Comment {record} is deleted already."),
    "not_hidden": N_("Comment {record} is not hidden."),
    "no_leader": N_("You have no leader to escalate to. Ask your communications officer to register one."),
    "reply_empty": N_("A reply needs a text or a template."),
    "reason_short": N_("Give a reason of at least 3 characters, or leave the field empty."),
    "disposed": N_("Comment {record} was disposed of under a retention rule; there is nothing to decide."),
    "evidence_missing": N_(
        "The evidence for comment {record} could not be saved, so nothing was sent to the platform."
    ),
    "wrong_platform": N_("Comment {record} is on {platform}, not on the connected platform."),
}


def say(exc: Exception, gettext: Callable[[str], str]) -> str:
    """A service's refusal in the user's language where its code is known; else its own message."""
    code = getattr(exc, "code", None)
    if code not in ERRORS:
        return str(exc)
    params = dict(getattr(exc, "params", {}))
    if "ground" in params:
        params["ground"] = gettext(GROUNDS.get(str(params["ground"]), str(params["ground"])))
    if "grounds" in params:
        params["grounds"] = ", ".join(gettext(GROUNDS.get(g, g)) for g in params["grounds"])
    try:
        return gettext(ERRORS[code]).format(**params)
    except (KeyError, IndexError):  # a parameter missing: the English message still names the problem
        return str(exc)


# What became of a decision on the platform (``moderation_decision.platform_result``).
PLATFORM_RESULTS = {
    "sent": N_("carried out on {platform}"),
    "none": N_("not sent: no connection to {platform}, to be done there by hand"),
    "failed": N_("refused by {platform}: unchanged there"),
}
# The title of a task in the reader's language (the stored title is English, for exports and logs).
TASK_TITLES = {
    "complaint": N_("Register the complaint in message {record} ({platform})"),
    "case_inquiry": N_("Register the case question in message {record} ({platform})"),
    "private_inquiry": N_("Register the inquiry in message {record} ({platform})"),
    "private_inquiry:none": N_("Register a privately received inquiry"),
    "takedown": N_("Take down {media}: the consent was withdrawn"),
}


def task_title(task: WorkItem, lang: str) -> str:
    """``Registrér klagen i besked 7 (facebook)`` for a Danish reader."""
    _ = translator(lang)
    if task.kind == "takedown":
        return _(TASK_TITLES["takedown"]).format(media=task.media_ref or "–")
    if task.kind in TASK_TITLES and task.record_id is not None:
        return _(TASK_TITLES[task.kind]).format(record=task.record_id, platform=task.platform or "–")
    if task.kind == "private_inquiry":
        return _(TASK_TITLES["private_inquiry:none"])
    return task.title


def category_name(code: str, gettext: Callable[[str], str], names: Mapping[str, str] = CATEGORIES) -> str:
    """A category (or another code of ``names``) in the reader's language (an unknown code as it is)."""
    return gettext(names[code]) if code in names else code


# What found a redacted span, for the redaction log of an access-request export (by detector family).
DETECTORS = {
    "author": N_("The author of the record"),
    "address": N_("Address recognition"),
    "names": N_("Name recognition"),
    "national_id": N_("Identity number check"),
    "phone": N_("Phone number check"),
    "email": N_("E-mail recognition"),
    "bank_account": N_("Bank account check"),
    "case_number": N_("Case number recognition"),
    "lexicon": N_("Word list of sensitive subjects"),
    "rule": N_("A rule of the guideline"),
}


# What ``registry.check_registry`` found wrong with an account (``Problem.code``).
REGISTRY_PROBLEMS = {
    "not-approved": N_("Not approved"),
    "no-responsible": N_("No responsible person"),
    "dms-on": N_("Direct messages on"),
    "inactive": N_("Inactive"),
    "undesignated-author": N_("Posts by others than the designated authors"),
    "no-service-assignment": N_("No service assignment"),
    "service-office": N_("Service office not told"),
    "profile-text": N_("Profile text"),
    "no-application": N_("Application incomplete"),
}
# Values inside messages that are codes: translated where a message is (web.messages.localise).
CODES = {**DM_STATES, **VERDICTS, **STATUSES, "never": N_("never"), "not checked": N_("not checked")}
