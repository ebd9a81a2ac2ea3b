"""Names of the product's codes (kinds, verdicts, severities, decisions …) as page strings to translate."""

from __future__ import annotations

from rettesnor.web.i18n import N_

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
    "reply": N_("Reply"),
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
