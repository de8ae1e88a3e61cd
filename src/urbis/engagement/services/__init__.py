"""Every write of the engagement app: permission first, then validation, then one transaction.

One module per sub-domain: ``processes``, ``ideas``, ``votes`` (how a double vote is prevented),
``comments``, ``curation`` (what moderators do), ``notifications``, ``workshops`` and
``studies``; ``common`` holds the text checks and helpers they share. Every public service is
re-exported here, so callers write ``services.cast_vote(by=user, idea=idea)``.
"""

from urbis.engagement.services.comments import add_comment, report
from urbis.engagement.services.common import (
    BODY_MAX,
    BODY_MIN,
    COMMENT_MAX,
    MAX_COMMENT_DEPTH,
    REASON_MAX,
    TITLE_MAX,
    TITLE_MIN,
)
from urbis.engagement.services.curation import (
    answer,
    dismiss_reports,
    hide_comment,
    hide_idea,
    merge_ideas,
    set_status,
)
from urbis.engagement.services.ideas import edit_idea, submit_idea
from urbis.engagement.services.notifications import (
    follow,
    mark_notifications_read,
    notify,
    unfollow,
)
from urbis.engagement.services.processes import create_process
from urbis.engagement.services.studies import (
    add_study_document,
    create_study,
    respond_to_concept,
    submit_usability_session,
)
from urbis.engagement.services.votes import cast_vote, withdraw_vote
from urbis.engagement.services.workshops import (
    cancel_registration,
    create_workshop,
    record_outcome,
    sign_up,
)

__all__ = [
    "BODY_MAX",
    "BODY_MIN",
    "COMMENT_MAX",
    "MAX_COMMENT_DEPTH",
    "REASON_MAX",
    "TITLE_MAX",
    "TITLE_MIN",
    "add_comment",
    "add_study_document",
    "answer",
    "cancel_registration",
    "cast_vote",
    "create_process",
    "create_study",
    "create_workshop",
    "dismiss_reports",
    "edit_idea",
    "follow",
    "hide_comment",
    "hide_idea",
    "mark_notifications_read",
    "merge_ideas",
    "notify",
    "record_outcome",
    "report",
    "respond_to_concept",
    "set_status",
    "sign_up",
    "submit_idea",
    "submit_usability_session",
    "unfollow",
    "withdraw_vote",
]
