"""Workflow clauses that the product enforces outside the content check, and the test that proves each.

The parts of the product that implement a workflow (governance records, archive, moderation) register
it here, so ``rettesnor policy coverage`` reports it as implemented only when the code exists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Workflow:
    where: str  # what enforces it, e.g. "governance: account approval by the unit leader"
    test: str  # pytest node id of the test that proves it


# clause id -> how it is enforced. Add an entry when the code and its test exist.
IMPLEMENTED: dict[str, Workflow] = {
    # --- governance records (issue 4): rettesnor.governance ---
    "HJ-2": Workflow(
        "governance: an account goes live only after approval by a leader of its unit",
        "tests/governance/test_governance_accounts.py::test_approval_needs_a_leader_of_the_unit",
    ),
    "HJ-3": Workflow(
        "governance: the registry records the people who administer each page, each accepted by the person",
        "tests/governance/test_governance_accounts.py::test_assignments_need_the_persons_own_acceptance",
    ),
    "HJ-4": Workflow(
        "governance: a new, unshared password is attested when an account is registered; none is stored",
        "tests/governance/test_governance_accounts.py::test_password_is_attested_never_stored",
    ),
    "HJ-7": Workflow(
        "governance: consent register for pictures; withdrawal creates a takedown task",
        "tests/governance/test_governance_consents.py::test_withdrawal_creates_a_takedown_task",
    ),
    "HJ-9": Workflow(
        "governance: an account goes live only with direct messages off; the registry check lists DMs on",
        "tests/governance/test_governance_accounts.py::test_direct_messages_must_be_off_where_the_guideline_says_so",
    ),
    "SB-1": Workflow(
        "governance: account roles follower and administrator, each accepted by the person",
        "tests/governance/test_governance_accounts.py::test_assignments_need_the_persons_own_acceptance",
    ),
    "SB-2": Workflow(
        "governance: work-time use permission (granted or refused) recorded by the person's leader",
        "tests/governance/test_governance_permissions.py::test_work_time_use_and_workplace_content_are_decided_by_a_leader",
    ),
    "SB-3": Workflow(
        "governance: an assignment to an account counts only after the person's own acceptance",
        "tests/governance/test_governance_accounts.py::test_assignments_need_the_persons_own_acceptance",
    ),
    "SB-5": Workflow(
        "governance: work photos need written consent or management approval in the consent register",
        "tests/governance/test_governance_consents.py::test_work_photos_need_permission_in_sonderborg",
    ),
    "ND-2": Workflow(
        "governance: units bound to packs; a unit's pack must extend its parent's",
        "tests/governance/test_governance_orgs.py::test_norddjurs_units_bind_to_packs_that_extend_the_parent",
    ),
    "ND-3": Workflow(
        "governance: approved channels per unit, kept by its leader; internal messages are checked with them",
        "tests/governance/test_governance_channels.py::test_a_leader_keeps_the_units_channels_and_the_check_uses_them",
    ),
    "ND-7": Workflow(
        "governance: only a channel open to the colleagues concerned and to management can be approved",
        "tests/governance/test_governance_channels.py::test_closed_rooms_and_non_leaders_are_refused_and_change_nothing",
    ),
    "ND-6": Workflow(
        "governance: management approval of workplace pictures and content, recorded by a unit leader",
        "tests/governance/test_governance_consents.py::test_management_approval_for_workplace_photos",
    ),
    "ND-8": Workflow(
        "governance: work-environment incident, opened by the leader or HR, from a finding",
        "tests/governance/test_governance_incidents.py::test_incident_is_visible_only_to_employee_leader_and_hr",
    ),
    "ND-9": Workflow(
        "governance: incident consequence ladder, visible only to the employee, their leaders and HR",
        "tests/governance/test_governance_incidents.py::test_consequence_ladder",
    ),
    "ND-10": Workflow(
        "governance: guideline approved by a named body; onboarding acknowledgement; overdue list",
        "tests/governance/test_governance_reviews.py::test_onboarding_acknowledgement_and_review_of_a_new_version",
    ),
    "ND-11": Workflow(
        "governance: guideline versions draft → hearing (named committees) → approved → published",
        "tests/governance/test_governance_reviews.py::test_guideline_goes_from_draft_through_hearing_to_published",
    ),
    "HU-0": Workflow(
        "governance: yearly review per employee by their leader; overdue list per leader",
        "tests/governance/test_governance_reviews.py::test_yearly_review_overdue_list_per_leader",
    ),
    "HU-2a–f": Workflow(
        "governance: an account application requires answers a–f",
        "tests/governance/test_governance_accounts.py::test_application_requires_each_hustadvika_answer",
    ),
    "HU-2g": Workflow(
        "governance: approval of the account by the unit leader",
        "tests/governance/test_governance_accounts.py::test_approval_needs_a_leader_of_the_unit",
    ),
    "HU-2h": Workflow(
        "governance: exactly one accepted responsible person per account; registry check for inactivity",
        "tests/governance/test_governance_accounts.py::test_exactly_one_responsible_person",
    ),
    "HU-2i": Workflow(
        "governance: going live puts a message for the service office in the outbox; `rettesnor mail send` "
        "e-mails it in the organisation's language",
        "tests/notify/test_mail.py::test_sent_over_smtp_once",
    ),
    "NS-1": Workflow(
        "governance: the unit's leader designates the people of an account; one is responsible",
        "tests/governance/test_governance_accounts.py::test_exactly_one_responsible_person",
    ),
    "NS-4.2": Workflow(
        "governance: service assignment from the manager, accepted by the employee; registry check",
        "tests/governance/test_governance_permissions.py::test_service_assignment_comes_from_the_manager_and_is_accepted",
    ),
    "NS-4.3": Workflow(
        "governance: designated authors per account; posts by others are flagged by the registry check",
        "tests/governance/test_registry.py::test_registry_lists_what_is_wrong",
    ),
    "NS-4.4": Workflow(
        "governance: public list of active accounts, HTML and JSON (`rettesnor accounts public-list`)",
        "tests/governance/test_registry.py::test_public_list_shows_only_active_accounts_and_nothing_personal",
    ),
    "NS-4.5": Workflow(
        "governance: blog links approved by the website's communications officer, disclaimer checked",
        "tests/governance/test_governance_permissions.py::test_politicians_blog_link_needs_the_website_owner_and_a_disclaimer",
    ),
    "NS-5.2": Workflow(
        "governance: misuse incident with a conversation with the closest manager as consequence",
        "tests/governance/test_governance_incidents.py::test_consequence_ladder",
    ),
    # --- archive and moderation (issue 5): rettesnor.archive, rettesnor.moderation ---
    "NS-4.6": Workflow(
        "archive: every message received or sent is an immutable record with versions in a hash chain",
        "tests/archive/test_archive_ingest.py::test_edit_is_a_new_version_and_deletion_a_tombstone_that_keeps_the_content",
    ),
    "HU-2n": Workflow(
        "archive: records searchable with filters; access-request export with personal data redacted",
        "tests/archive/test_archive_search.py::test_access_request_redacts_personal_data_and_lists_it",
    ),
    "NS-4.7": Workflow(
        "archive: retention rules per record kind, disposal run with a disposal log, legal hold, dry run",
        "tests/archive/test_retention.py::test_dry_run_counts_and_the_run_disposes_content_keeping_metadata_and_log",
    ),
    "NS-4.10": Workflow(
        "moderation: content and author archived before a hide or delete is sent; refused otherwise",
        "tests/moderation/test_moderation_workflow.py::test_nothing_is_sent_when_the_evidence_cannot_be_captured",
    ),
    "HU-2q": Workflow(
        "moderation: a deletion needs one of the pack's deletion grounds; refused with the reason otherwise",
        "tests/moderation/test_moderation_workflow.py::test_deletion_needs_a_ground_the_guideline_allows",
    ),
    "HU-2r": Workflow(
        "moderation: escalation of a case to the moderator's closest leader",
        "tests/moderation/test_moderation_workflow.py::test_escalation_goes_to_the_closest_leader",
    ),
    "HU-2p": Workflow(
        "moderation: citizens' comments and messages nobody answered (`rettesnor moderation unanswered`)",
        "tests/moderation/test_moderation_workflow.py::test_reply_is_sent_archived_in_the_thread_and_answers_the_inquiry",
    ),
    "HU-1d": Workflow(
        "moderation: case questions get a registration task and a reply template asking for a formal inquiry",
        "tests/moderation/test_moderation_workflow.py::test_reply_is_sent_archived_in_the_thread_and_answers_the_inquiry",
    ),
    "HU-2m": Workflow(
        "moderation: case questions become registration tasks (forward and archive), journal ref to close",
        "tests/moderation/test_tasks_registration.py::test_a_task_closes_only_with_a_journal_reference_or_a_documented_reason",
    ),
    "HU-3g": Workflow(
        "moderation: inquiries are routed to the account's responsible person as owner of the task",
        "tests/moderation/test_tasks_registration.py::test_a_complaint_becomes_a_task_for_the_accounts_responsible_person",
    ),
    "HJ-10": Workflow(
        "moderation: a complaint becomes a registration task, closed only with a journal ref or a reason",
        "tests/moderation/test_tasks_registration.py::test_a_task_closes_only_with_a_journal_reference_or_a_documented_reason",
    ),
    "NS-5.4": Workflow(
        "moderation: a privately received inquiry is marked and registered like any other",
        "tests/moderation/test_tasks_registration.py::test_a_privately_received_inquiry_is_marked_and_registered",
    ),
    "NS-4.8": Workflow(
        "archive: yearly snapshot of an account as self-contained HTML (`rettesnor archive snapshot`)",
        "tests/archive/test_archive_cli.py::test_yearly_snapshot_is_self_contained_html",
    ),
}

# Clauses that publishing through Rettesnor enforces too (issue 18, docs/publishing.md), shown beside the
# first way they are enforced.
PUBLISHING: dict[str, Workflow] = {
    "NS-4.3": Workflow(
        "publishing: only a designated author of the account submits a post; anyone else saves a draft",
        "tests/publishing/test_publishing.py::test_anyone_saves_a_draft_only_designated_authors_submit",
    ),
    "NS-4.6": Workflow(
        "publishing: a post becomes an outgoing record of the archive as it goes out, with its check, "
        "acknowledgements and approval chain",
        "tests/publishing/test_publishing.py::test_facebook_post_goes_out_and_is_archived_with_its_chain",
    ),
    "HJ-2": Workflow(
        "publishing: the leader of the account's unit approves posts as the pack's publish_approval says",
        "tests/publishing/test_publishing.py::test_warning_needs_an_acknowledgement_and_a_leader_approves",
    ),
    "HJ-7": Workflow(
        "publishing: a photo of people without a stated consent or basis needs the author's written "
        "acknowledgement and a leader's approval",
        "tests/browser_journeys/test_journey_publish.py::test_compose_consent_basis_approve_publish_archive",
    ),
    "HU-1f": Workflow(
        "publishing: a post about a crisis is approved only by a person with the crisis_manager role",
        "tests/publishing/test_publishing.py::test_crisis_posts_need_the_crisis_management",
    ),
    "HU-2a–f": Workflow(
        "publishing: pictures of users need the written consent (2d) acknowledged by the author and an "
        "approval before the post goes out",
        "tests/browser_journeys/test_journey_publish.py::test_compose_consent_basis_approve_publish_archive",
    ),
}
