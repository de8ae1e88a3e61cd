"""Participatory processes, ideas with votes and comments, curation, workshops and studies.

One module per sub-domain (``processes``, ``ideas``, ``moderation``, ``notifications``,
``workshops``, ``studies``); every model is re-exported here, where Django looks for them.
"""

from urbis.engagement.models.ideas import (
    Attachment,
    Category,
    Comment,
    Idea,
    IdeaKind,
    IdeaStatus,
    Vote,
)
from urbis.engagement.models.moderation import ModerationEvent, Report
from urbis.engagement.models.notifications import Follow, Notification, RateCounter
from urbis.engagement.models.processes import Phase, Process
from urbis.engagement.models.studies import (
    ConceptResponse,
    Study,
    TaskResult,
    UsabilitySession,
    UsabilityTask,
)
from urbis.engagement.models.workshops import Registration, Workshop

__all__ = [
    "Attachment",
    "Category",
    "Comment",
    "ConceptResponse",
    "Follow",
    "Idea",
    "IdeaKind",
    "IdeaStatus",
    "ModerationEvent",
    "Notification",
    "Phase",
    "Process",
    "RateCounter",
    "Registration",
    "Report",
    "Study",
    "TaskResult",
    "UsabilitySession",
    "UsabilityTask",
    "Vote",
    "Workshop",
]
