"""The engagement API: a thin django-ninja router over the engagement services and queries;
its schemas are in ``urbis.engagement.schemas``."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from urbis.engagement import queries, services
from urbis.engagement.models import Comment, Idea, Process, Study, Workshop
from urbis.engagement.ratelimits import RateLimited, client_ip
from urbis.engagement.schemas import (
    AnswerIn,
    CommentIn,
    CommentOut,
    ConceptIn,
    EventOut,
    HideIn,
    IdeaEditIn,
    IdeaFilters,
    IdeaIn,
    IdeaOut,
    LinkIn,
    MergeIn,
    NotificationOut,
    ProcessIn,
    ProcessOut,
    ReasonIn,
    RegistrationOut,
    StatusIn,
    StudyIn,
    StudyOut,
    UsabilityIn,
    VoteOut,
    WorkshopIn,
    WorkshopOut,
)
from urbis.pagination import Pagination
from urbis.people.api_auth import write_auth
from urbis.places.queries import get_city
from urbis.problems import problem_response

router = Router(tags=["engagement"])


def _limited(view: Callable[..., Any]) -> Callable[..., Any]:
    """Rate-limited writes answer 429 with Retry-After instead of the generic 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except RateLimited as exc:
            response = problem_response(request, 429, str(exc))
            response["Retry-After"] = str(exc.retry_after)
            return response

    return wrapper


def _process_out(request: HttpRequest, process: Process) -> dict[str, Any]:
    return {
        **{f: getattr(process, f) for f in ProcessOut.model_fields if hasattr(process, f)},
        "phases": sorted(process.phases_at()),
        "url": request.build_absolute_uri(process.get_absolute_url()),
    }


def _idea_out(request: HttpRequest, idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.pk,
        "process": idea.process.slug,
        "kind": idea.kind,
        "title": idea.title,
        "body_html": idea.body_html,
        "category": idea.category,
        "area": idea.area.code if idea.area else None,
        "latitude": idea.latitude,
        "longitude": idea.longitude,
        "author": idea.author_label,
        "status": idea.status,
        "status_reason": idea.status_reason,
        "duplicate_of": idea.duplicate_of_id,
        "official_answer_html": idea.official_answer_html,
        "answered_at": idea.answered_at,
        "votes": idea.vote_count,
        "fair_score": getattr(idea, "fair_score", None),
        "created_at": idea.created_at,
        "url": request.build_absolute_uri(idea.get_absolute_url()),
        "actions": [a.pk for a in idea.actions.all()],
    }


def _idea(request: HttpRequest, idea_id: int) -> Idea:
    return queries.get_idea_by_id(idea_id, request.user)


def _comment(idea: Idea, comment_id: int) -> Comment:
    return get_object_or_404(Comment, pk=comment_id, idea=idea)


@router.get("/cities/{code}/processes", response=list[ProcessOut], summary="Processes of a city")
def list_processes(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    city = get_city(code, request.user)
    return [_process_out(request, p) for p in queries.processes(city, request.user)]


@router.post(
    "/cities/{code}/processes", response={201: ProcessOut}, auth=write_auth,
    summary="Open a process (city editors)",
)
def create_process(request: HttpRequest, code: str, payload: ProcessIn) -> Any:
    city = get_city(code, request.user)
    process = services.create_process(by=request.user, city=city, **payload.dict())
    return Status(201, _process_out(request, process))


@router.get(
    "/cities/{code}/processes/{slug}/ideas", response=list[IdeaOut],
    summary="Ideas of a process",
    description="`sort`: most_requested, fair (Wilson lower bound, fair to new ideas), "
    "trending, newest. Filters: status, category, kind, area (code), search.",
)
@paginate(Pagination)
def list_ideas(
    request: HttpRequest, code: str, slug: str, filters: Query[IdeaFilters]
) -> list[dict[str, Any]]:
    city = get_city(code, request.user)
    process = queries.get_process(city, slug, request.user)
    ideas = queries.idea_list(process, request.user, **filters.dict())
    return [_idea_out(request, i) for i in ideas]


@router.post(
    "/cities/{code}/processes/{slug}/ideas", response={201: IdeaOut}, auth=write_auth,
    summary="Submit an idea",
    description="A JSON body, or multipart form fields with up to five `attachments` "
    "(PNG, JPEG, GIF, WebP or PDF, 5 MB each).",
)
@_limited
def submit_idea(request: HttpRequest, code: str, slug: str, payload: IdeaIn) -> Any:
    city = get_city(code, request.user)
    process = queries.get_process(city, slug, request.user)
    idea = services.submit_idea(
        by=request.user, process=process, ip=client_ip(request), **payload.dict()
    )
    return Status(201, _idea_out(request, idea))


@router.post(
    "/cities/{code}/processes/{slug}/ideas/upload", response={201: IdeaOut}, auth=write_auth,
    summary="Submit an idea with attachments (multipart)",
)
@_limited
def submit_idea_multipart(
    request: HttpRequest, code: str, slug: str, payload: Form[IdeaIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    city = get_city(code, request.user)
    process = queries.get_process(city, slug, request.user)
    files = [(f, f.name or "file") for f in (attachments or [])]
    idea = services.submit_idea(
        by=request.user, process=process, ip=client_ip(request), files=files, **payload.dict()
    )
    return Status(201, _idea_out(request, idea))


@router.get("/ideas/{idea_id}", response=IdeaOut, summary="One idea")
def get_idea(request: HttpRequest, idea_id: int) -> dict[str, Any]:
    return _idea_out(request, _idea(request, idea_id))


@router.put("/ideas/{idea_id}", response=IdeaOut, auth=write_auth,
            summary="Edit your idea (while it is new and has no votes)")
def edit_idea(request: HttpRequest, idea_id: int, payload: IdeaEditIn) -> dict[str, Any]:
    idea = services.edit_idea(by=request.user, idea=_idea(request, idea_id), **payload.dict())
    return _idea_out(request, idea)


@router.post("/ideas/{idea_id}/vote", response={201: VoteOut}, auth=write_auth,
             summary="Support an idea")
@_limited
def vote(request: HttpRequest, idea_id: int) -> Any:
    idea = queries.get_idea_to_vote_on(idea_id, request.user)
    total = services.cast_vote(by=request.user, idea=idea, ip=client_ip(request))
    return Status(201, {"idea": idea.pk, "votes": total, "voted": True})


@router.delete("/ideas/{idea_id}/vote", response=VoteOut, auth=write_auth,
               summary="Withdraw support")
@_limited
def unvote(request: HttpRequest, idea_id: int) -> Any:
    idea = queries.get_idea_to_vote_on(idea_id, request.user)
    total = services.withdraw_vote(by=request.user, idea=idea, ip=client_ip(request))
    return {"idea": idea.pk, "votes": total, "voted": False}


@router.get("/ideas/{idea_id}/comments", response=list[CommentOut], summary="Comments on an idea")
def list_comments(request: HttpRequest, idea_id: int) -> list[dict[str, Any]]:
    idea = _idea(request, idea_id)
    result = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            c = node["comment"]
            result.append({
                "id": c.pk, "parent": c.parent_id, "author": c.author_label,
                "body_html": c.body_html if node["show_text"] else "",
                "is_official": c.is_official, "hidden": c.is_hidden,
                "created_at": c.created_at,
            })
            walk(node["replies"])

    walk(queries.comment_tree(idea, request.user))
    return result


@router.post("/ideas/{idea_id}/comments", response={201: CommentOut}, auth=write_auth,
             summary="Comment or reply")
@_limited
def comment(request: HttpRequest, idea_id: int, payload: CommentIn) -> Any:
    idea = _idea(request, idea_id)
    parent = _comment(idea, payload.parent) if payload.parent else None
    c = services.add_comment(
        by=request.user, idea=idea, body=payload.body, parent=parent, ip=client_ip(request)
    )
    return Status(201, {"id": c.pk, "parent": c.parent_id, "author": c.author_label,
                 "body_html": c.body_html, "is_official": c.is_official, "hidden": False,
                 "created_at": c.created_at})


@router.post("/ideas/{idea_id}/reports", response={201: dict}, auth=write_auth,
             summary="Report abuse in an idea")
@_limited
def report_idea(request: HttpRequest, idea_id: int, payload: ReasonIn) -> Any:
    idea = _idea(request, idea_id)
    services.report(by=request.user, idea=idea, reason=payload.reason)
    return Status(201, {"reported": True})


@router.post("/ideas/{idea_id}/comments/{comment_id}/reports", response={201: dict},
             auth=write_auth, summary="Report an abusive comment")
@_limited
def report_comment(request: HttpRequest, idea_id: int, comment_id: int, payload: ReasonIn) -> Any:
    idea = _idea(request, idea_id)
    services.report(by=request.user, comment=_comment(idea, comment_id), reason=payload.reason)
    return Status(201, {"reported": True})


@router.post("/ideas/{idea_id}/status", response=IdeaOut, auth=write_auth,
             summary="Set an idea's status (moderators)")
def set_status(request: HttpRequest, idea_id: int, payload: StatusIn) -> dict[str, Any]:
    idea = services.set_status(
        by=request.user, idea=_idea(request, idea_id), status=payload.status,
        reason=payload.reason,
    )
    return _idea_out(request, idea)


@router.post("/ideas/{idea_id}/answer", response=IdeaOut, auth=write_auth,
             summary="Official answer (city editors and moderators)")
def answer(request: HttpRequest, idea_id: int, payload: AnswerIn) -> dict[str, Any]:
    idea = services.answer(by=request.user, idea=_idea(request, idea_id), text=payload.text)
    return _idea_out(request, idea)


@router.post("/ideas/{idea_id}/merge", response=IdeaOut, auth=write_auth,
             summary="Merge a duplicate into another idea (moderators)")
def merge(request: HttpRequest, idea_id: int, payload: MergeIn) -> dict[str, Any]:
    duplicate = _idea(request, idea_id)
    target = _idea(request, payload.into)
    return _idea_out(request, services.merge_ideas(by=request.user, duplicate=duplicate,
                                                   into=target))


@router.post("/ideas/{idea_id}/hide", response=IdeaOut, auth=write_auth,
             summary="Hide or show an idea (moderators)")
def hide(request: HttpRequest, idea_id: int, payload: HideIn) -> dict[str, Any]:
    idea = services.hide_idea(by=request.user, idea=_idea(request, idea_id),
                              reason=payload.reason, hidden=payload.hidden)
    return _idea_out(request, idea)


@router.post("/ideas/{idea_id}/comments/{comment_id}/hide", response=CommentOut,
             auth=write_auth, summary="Hide or show a comment (moderators)")
def hide_comment(request: HttpRequest, idea_id: int, comment_id: int, payload: HideIn) -> Any:
    idea = _idea(request, idea_id)
    c = services.hide_comment(by=request.user, comment=_comment(idea, comment_id),
                              reason=payload.reason, hidden=payload.hidden)
    return {"id": c.pk, "parent": c.parent_id, "author": c.author_label,
            "body_html": c.body_html, "is_official": c.is_official, "hidden": c.is_hidden,
            "created_at": c.created_at}


@router.post("/ideas/{idea_id}/actions", response=dict, auth=write_auth,
             summary="Link an accepted idea to a strategy action, or unlink it")
def link_action(request: HttpRequest, idea_id: int, payload: LinkIn) -> dict[str, Any]:
    from urbis.engagement import links

    idea = links.link_action(by=request.user, idea=_idea(request, idea_id),
                             action_id=payload.action, unlink=payload.unlink)
    return {"idea": idea.pk, "actions": [a["action"].pk for a in links.actions_with_progress(idea)]}


@router.get("/ideas/{idea_id}/history", response=list[EventOut],
            summary="Every moderator act on an idea")
def idea_history(request: HttpRequest, idea_id: int) -> list[dict[str, Any]]:
    idea = _idea(request, idea_id)
    return [
        {"kind": e.kind, "summary": e.description, "details": e.details,
         "actor": str(e.actor) if e.actor else None, "created_at": e.created_at}
        for e in queries.history(idea)
    ]


@router.put("/ideas/{idea_id}/follow", response=dict, auth=write_auth, summary="Follow an idea")
def follow_idea(request: HttpRequest, idea_id: int) -> dict[str, Any]:
    services.follow(by=request.user, idea=_idea(request, idea_id))
    return {"following": True}


@router.delete("/ideas/{idea_id}/follow", response=dict, auth=write_auth,
               summary="Stop following an idea")
def unfollow_idea(request: HttpRequest, idea_id: int) -> dict[str, Any]:
    services.unfollow(by=request.user, idea=_idea(request, idea_id))
    return {"following": False}


@router.put("/cities/{code}/processes/{slug}/follow", response=dict, auth=write_auth,
            summary="Follow a process")
def follow_process(request: HttpRequest, code: str, slug: str) -> dict[str, Any]:
    process = queries.get_process(get_city(code, request.user), slug, request.user)
    services.follow(by=request.user, process=process)
    return {"following": True}


@router.get("/notifications", response=list[NotificationOut], auth=write_auth,
            summary="Your notifications")
@paginate(Pagination)
def my_notifications(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": n.pk, "text": n.message, "code": n.code, "params": n.params, "url": n.url,
         "created_at": n.created_at, "read": n.read_at is not None}
        for n in queries.notifications(request.user)
    ]


@router.post("/notifications/read", response=dict, auth=write_auth,
             summary="Mark all your notifications read")
def read_notifications(request: HttpRequest) -> dict[str, Any]:
    return {"marked": services.mark_notifications_read(by=request.user)}


def _workshop_out(request: HttpRequest, w: Workshop) -> dict[str, Any]:
    return {
        "id": w.pk, "process": w.process.slug, "title": w.title, "agenda_html": w.agenda_html,
        "starts_at": w.starts_at, "ends_at": w.ends_at, "place": w.place,
        "online_url": w.online_url, "capacity": w.capacity,
        "confirmed": getattr(w, "confirmed", 0),
        "url": request.build_absolute_uri(w.get_absolute_url()),
    }


@router.get("/cities/{code}/workshops", response=list[WorkshopOut], summary="Workshops")
def list_workshops(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    city = get_city(code, request.user)
    return [_workshop_out(request, w) for w in queries.workshops(city, request.user)]


@router.post("/cities/{code}/workshops", response={201: WorkshopOut}, auth=write_auth,
             summary="Create a workshop (city editors)")
def create_workshop(request: HttpRequest, code: str, payload: WorkshopIn) -> Any:
    city = get_city(code, request.user)
    data = payload.dict()
    process = queries.get_process(city, data.pop("process"), request.user)
    workshop = services.create_workshop(by=request.user, process=process, **data)
    return Status(201, _workshop_out(request, workshop))


@router.post("/cities/{code}/workshops/{workshop_id}/registration",
             response={201: RegistrationOut}, auth=write_auth, summary="Sign up for a workshop")
def register(request: HttpRequest, code: str, workshop_id: int) -> Any:
    workshop = queries.get_workshop(get_city(code, request.user), workshop_id, request.user)
    registration = services.sign_up(by=request.user, workshop=workshop)
    return Status(201, {"workshop": workshop.pk, "status": registration.status})


@router.delete("/cities/{code}/workshops/{workshop_id}/registration", response={204: None},
               auth=write_auth, summary="Cancel your place")
def unregister(request: HttpRequest, code: str, workshop_id: int) -> Any:
    workshop = queries.get_workshop(get_city(code, request.user), workshop_id, request.user)
    services.cancel_registration(by=request.user, workshop=workshop)
    return Status(204, None)


def _study_out(request: HttpRequest, s: Study) -> dict[str, Any]:
    return {
        "id": s.pk, "kind": s.kind, "title": s.title, "description_html": s.description_html,
        "opens": s.opens, "closes": s.closes,
        "tasks": [{"id": t.pk, "order": t.order, "description": t.description}
                  for t in s.tasks.all()],
        "url": request.build_absolute_uri(s.get_absolute_url()),
    }


@router.get("/cities/{code}/studies", response=list[StudyOut], summary="Studies")
def list_studies(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    city = get_city(code, request.user)
    return [_study_out(request, s) for s in queries.studies(city, request.user)]


@router.post("/cities/{code}/studies", response={201: StudyOut}, auth=write_auth,
             summary="Create a concept-validation or usability study (city editors)")
def create_study(request: HttpRequest, code: str, payload: StudyIn) -> Any:
    city = get_city(code, request.user)
    data = payload.dict()
    slug = data.pop("process")
    process = queries.get_process(city, slug, request.user) if slug else None
    study = services.create_study(by=request.user, city=city, process=process, **data)
    return Status(201, _study_out(request, study))


@router.post("/cities/{code}/studies/{study_id}/documents", response={201: dict},
             auth=write_auth, summary="Add a sketch or document (image or PDF) to a study")
def add_study_document(request: HttpRequest, code: str, study_id: int,
                       file: File[UploadedFile]) -> Any:
    study = queries.get_study(get_city(code, request.user), study_id, request.user)
    document = services.add_study_document(by=request.user, study=study, stream=file,
                                           name=file.name or "file")
    return Status(201, {"id": document.pk, "kind": document.kind, "url": document.file.url})


@router.get("/cities/{code}/studies/{study_id}/results", response=dict,
            summary="Summary of a study's results")
def study_results(request: HttpRequest, code: str, study_id: int) -> dict[str, Any]:
    study = queries.get_study(get_city(code, request.user), study_id, request.user)
    results = queries.study_results(study)
    if study.kind == Study.Kind.USABILITY:
        results["sus"] = results["sus"].__dict__
        results["tasks"] = [
            {"order": t["order"], "description": t["description"], **t["summary"].__dict__}
            for t in results["tasks"]
        ]
    return results


@router.post("/cities/{code}/studies/{study_id}/concept-responses", response={201: dict},
             auth=write_auth, summary="Rate and comment on a concept")
def concept_response(request: HttpRequest, code: str, study_id: int, payload: ConceptIn) -> Any:
    study = queries.get_study(get_city(code, request.user), study_id, request.user)
    services.respond_to_concept(by=request.user, study=study, rating=payload.rating,
                                comment=payload.comment)
    return Status(201, {"recorded": True})


@router.post("/cities/{code}/studies/{study_id}/usability-sessions", response={201: dict},
             auth=write_auth, summary="Submit task results and the SUS questionnaire")
def usability_session(request: HttpRequest, code: str, study_id: int,
                      payload: UsabilityIn) -> Any:
    study = queries.get_study(get_city(code, request.user), study_id, request.user)
    session = services.submit_usability_session(
        by=request.user, study=study,
        results=[(r.task, r.success, r.seconds) for r in payload.results],
        sus_answers=payload.sus_answers, comment=payload.comment,
    )
    return Status(201, {"sus_score": session.sus_score})
