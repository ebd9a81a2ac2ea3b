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
