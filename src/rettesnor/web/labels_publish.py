"""What the publishing pages say (issue 18): states of a post, acts of its approval chain, refusals of
the publishing service (``InputError.code``) and failures of the publisher, in the user's language."""

from __future__ import annotations

from rettesnor import labels
from rettesnor.i18n import N_

STATES = {
    "draft": N_("Draft"),
    "submitted": N_("Waiting for approval"),
    "changes": N_("Changes asked for"),
    "rejected": N_("Rejected"),
    "scheduled": N_("Scheduled"),
    "publishing": N_("Being published"),
    "published": N_("Published"),
    "failed": N_("Failed"),
}
ACTS = {
    "saved": N_("saved"),
    "submitted": N_("submitted"),
    "approved": N_("approved"),
    "changes": N_("asked for changes"),
    "rejected": N_("rejected"),
    "override": N_("overrode a blocking finding"),
    "published": N_("published"),
    "failed": N_("failed"),
    "retry": N_("will try again"),
}
DECISIONS = {"approve": N_("Approve"), "changes": N_("Ask for changes"), "reject": N_("Reject")}
ERRORS = {
    "empty_text": N_("Write the text of the post."),
    "account_needed": N_("Choose the account."),
    "text_too_long": N_("The text is over {max} characters."),
    "platform_unsupported": N_("Posts can be published on Facebook and Instagram, not on {platform}."),
    "instagram_one_photo": N_("An Instagram post needs exactly one photo."),
    "instagram_no_link": N_("Instagram posts cannot carry a link."),
    "too_many_photos": N_("At most {max} photos."),
    "bad_link": N_("The link must be a web address starting with https://."),
    "bad_time": N_("The time is not a valid date and time."),
    "not_author": N_("Only the author may change a draft."),
    "not_editable": N_("This post can no longer be changed."),
    "not_designated": N_(
        "{person} is not a designated author of {account}. Save the post as a draft and ask a designated "
        "author."
    ),
    "account_not_live": N_("The account {account} is not approved for use."),
    "blocked": N_(
        "The check blocks this post ({codes}). Change it, or ask a leader to override it and give your "
        "reason."
    ),
    "no_override": N_("The guideline allows no override of a blocking finding."),
    "needs_ack": N_("Acknowledge each warning in your own words before you submit: {codes}."),
    "no_approver": N_("Nobody may approve this post: no leader, approver or crisis manager is registered."),
    "not_waiting": N_("This post is not waiting for a decision."),
    "own_post": N_("Nobody approves their own post."),
    "not_approver": N_(
        "{person} may not decide on this post. A crisis post needs the crisis management; a blocked post "
        "a leader."
    ),
    "needs_comment": N_("Say why in a comment."),
    "not_published": N_("Only a published post can be changed this way."),
    "instagram_no_edit": N_("Instagram captions cannot be changed once published."),
    "override_reason": N_("The check blocks this post ({codes}). Give your reason for overriding it."),
}
# Failures of the publisher that are not the Graph API's own (those are said by GraphError.message).
FAILURES = {
    "not_connected": N_(
        "The account is not connected to its page, so nothing was published. Connect it and submit again."
    ),
}


# The publishing service's refusals are said like the other services' (labels.say, used by the app's
# handler of InputError); the app imports this module with the publishing pages.
labels.ERRORS.update(ERRORS)
