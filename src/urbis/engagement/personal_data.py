"""What engagement holds about a person (GDPR export) and how it is anonymised on deletion.

On deletion: votes stay (the account link is cut, so totals do not change); ideas and comments
stay in the public discussion without their author; follows, notifications and rate counters go;
a confirmed workshop place is freed for the first person waiting; study answers stay in the
results without the participant."""

from __future__ import annotations

from typing import Any

from urbis.engagement import ratelimits
from urbis.engagement.models import (
    Comment,
    ConceptResponse,
    Follow,
    Idea,
    ModerationEvent,
    Notification,
    Registration,
    Report,
    UsabilitySession,
    Vote,
    Workshop,
)


def export(user: Any) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "ideas": [
            {"id": i.pk, "city": i.process.city.code, "process": i.process.slug, "title": i.title,
             "body": i.body, "category": i.category, "kind": i.kind, "status": i.status,
             "latitude": i.latitude, "longitude": i.longitude,
             "area": i.area.code if i.area else None, "created_at": when(i.created_at),
             "attachments": [a.original_name for a in i.attachments.all()]}
            for i in Idea.objects.filter(author=user).select_related("process__city", "area")
        ],
        "votes": [
            {"idea": v.idea_id, "title": v.idea.title, "created_at": when(v.created_at)}
            for v in Vote.objects.filter(user=user).select_related("idea")
        ],
        "comments": [
            {"id": c.pk, "idea": c.idea_id, "body": c.body, "created_at": when(c.created_at)}
            for c in Comment.objects.filter(author=user)
        ],
        "reports": [
            {"idea": r.idea_id, "comment": r.comment_id, "reason": r.reason,
             "created_at": when(r.created_at)}
            for r in Report.objects.filter(reporter=user)
        ],
        "follows": [
            {"idea": f.idea_id, "process": f.process_id} for f in Follow.objects.filter(user=user)
        ],
        "notifications": [
            {"text": n.message, "code": n.code, "params": n.params, "url": n.url,
             "created_at": when(n.created_at), "read_at": when(n.read_at)}
            for n in Notification.objects.filter(user=user)
        ],
        "workshop_registrations": [
            {"workshop": r.workshop.title, "status": r.status, "created_at": when(r.created_at)}
            for r in Registration.objects.filter(user=user).select_related("workshop")
        ],
        "concept_responses": [
            {"study": r.study_id, "rating": r.rating, "comment": r.comment}
            for r in ConceptResponse.objects.filter(participant=user)
        ],
        "usability_sessions": [
            {"study": s.study_id, "sus_answers": s.sus_answers, "sus_score": s.sus_score,
             "comment": s.comment,
             "tasks": [{"task": t.task_id, "success": t.success, "seconds": t.seconds}
                       for t in s.results.all()]}
            for s in UsabilitySession.objects.filter(participant=user)
        ],
        "moderation_acts": [
            {"idea": e.idea_id, "kind": e.kind, "summary": e.description, "details": e.details,
             "created_at": when(e.created_at)}
            for e in ModerationEvent.objects.filter(actor=user)
        ],
    }


def anonymise(user: Any) -> None:
    from urbis.engagement.services.workshops import _release

    Vote.objects.filter(user=user).update(user=None)
    Idea.objects.filter(author=user).update(author=None, organisation=None)
    Comment.objects.filter(author=user).update(author=None)
    Report.objects.filter(reporter=user).update(reporter=None)
    ConceptResponse.objects.filter(participant=user).update(participant=None)
    UsabilitySession.objects.filter(participant=user).update(participant=None)
    ModerationEvent.objects.filter(actor=user).update(actor=None)
    for registration in Registration.objects.filter(user=user).select_related("workshop"):
        workshop = Workshop.objects.select_for_update().get(pk=registration.workshop_id)
        _release(workshop, registration)
    Follow.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    ratelimits.forget_user(user)
