"""Pages of the engagement app. Thin: forms in, services and queries do the work."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urbis.engagement import forms, queries, services
from urbis.engagement.models import Category, Comment, IdeaKind, IdeaStatus, Study
from urbis.engagement.ratelimits import RateLimited, client_ip
from urbis.people.permissions import Action, can
from urbis.places.queries import areas_for_choice, get_city
from urbis.web.sections import render_sections


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _act(request: HttpRequest, work: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run a service for a page form: anonymous → log-in page; refusal → 403; bad input →
    the reason as a message; success → a message and back to the page."""
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        work()
    except RateLimited as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(back)
    messages.success(request, done)
    return redirect(back)


# ------------------------------------------------------------------ city and process


def city(request: HttpRequest, code: str) -> HttpResponse:
    the_city = get_city(code, request.user)
    open_processes, other_processes = queries.split_open(
        queries.processes(the_city, request.user)
    )
    return render(request, "engagement/city.html", {
        "city": the_city,
        "open_processes": open_processes,
        "other_processes": other_processes,
        "workshops": queries.workshops(the_city, request.user),
        "studies": queries.studies(the_city, request.user),
        "is_moderator": queries.is_moderator(request.user, the_city),
        "is_editor": can(request.user, Action.EDIT, the_city),
    })


def process(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    the_city = get_city(code, request.user)
    the_process = queries.get_process(the_city, slug, request.user)
    filters: dict[str, Any] = {
        "sort": request.GET.get("sort") or "most_requested",
        "status": request.GET.get("status") or None,
        "category": request.GET.get("category") or None,
        "kind": request.GET.get("kind") or None,
        "area": request.GET.get("area") or None,
        "search": (request.GET.get("q") or "")[:200] or None,
    }
    ideas = queries.idea_list(the_process, request.user, **filters)
    page = Paginator(ideas, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    districts = areas_for_choice(the_city, "district")
    return render(request, "engagement/process.html", {
        "city": the_city,
        "process": the_process,
        "ideas": page.object_list,
        "page": page,
        "query": query.urlencode(),
        "filters": filters,
        "sorts": list(queries.SORTS.items()),
        "statuses": IdeaStatus.choices,
        "categories": Category.choices,
        "kinds": IdeaKind.choices,
        "districts": districts,
        "votes_left": queries.votes_left(the_process, request.user),
        "voted_ids": queries.voted_ids(the_process, request.user),
        "following": queries.is_following(request.user, process=the_process),
        "geojson_url": reverse("engagement:process-geojson", args=[code, slug]),
        "background_url": reverse("api-1:list_areas", args=[the_city.code])
        + "?format=geojson&level=district",
        "mapped": sum(1 for i in ideas if i.latitude is not None),
    })


def process_geojson(request: HttpRequest, code: str, slug: str) -> JsonResponse:
    the_city = get_city(code, request.user)
    the_process = queries.get_process(the_city, slug, request.user)
    features = [
        queries.idea_feature(i) for i in queries.idea_list(the_process, request.user)
        if i.latitude is not None
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features},
                        content_type="application/geo+json")


@require_POST
def process_follow(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    the_city = get_city(code, request.user)
    the_process = queries.get_process(the_city, slug, request.user)
    back = the_process.get_absolute_url()
    if request.POST.get("follow") == "0":
        return _act(request, lambda: services.unfollow(by=request.user, process=the_process),
                    _("You no longer follow this process."), back)
    return _act(request, lambda: services.follow(by=request.user, process=the_process),
                _("You will be notified of new ideas."), back)


def idea_new(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    the_city = get_city(code, request.user)
    the_process = queries.get_process(the_city, slug, request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, Action.PARTICIPATE, the_city):
        raise PermissionDenied
    form = forms.IdeaForm(request.POST or None, request.FILES or None, city=the_city,
                          user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            idea = services.submit_idea(
                by=request.user, process=the_process, title=data["title"], body=data["body"],
                category=data["category"], kind=data["kind"], area=data["area"] or None,
                latitude=data["latitude"], longitude=data["longitude"],
                organisation=data["organisation"] or None,
                files=[(f, f.name) for f in data["attachments"]], ip=client_ip(request),
            )
        except RateLimited as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Your idea is published. Thank you!"))
            return redirect(idea.get_absolute_url())
    return render(request, "engagement/idea_form.html", {
        "city": the_city, "process": the_process, "form": form,
    })


# ------------------------------------------------------------------ idea page


def idea(request: HttpRequest, code: str, idea_id: int) -> HttpResponse:
    the_city = get_city(code, request.user)
    the_idea = queries.get_idea(the_city, idea_id, request.user)
    user = request.user
    moderator = queries.is_moderator(user, the_city)
    may_answer = queries.speaks_for_city(user, the_city)
    return render(request, "engagement/idea.html", {
        "city": the_city,
        "process": the_idea.process,
        "idea": the_idea,
        "attachments": the_idea.attachments.all(),
        "comments": queries.comment_tree(the_idea, user),
        "history": queries.history(the_idea),
        "has_voted": queries.has_voted(the_idea, user),
        "votes_left": queries.votes_left(the_idea.process, user),
        "following": queries.is_following(user, idea=the_idea),
        "is_moderator": moderator,
        "may_answer": may_answer,
        "comment_form": forms.CommentForm(),
        "status_form": forms.StatusForm(initial={"status": the_idea.status}),
        "answer_form": forms.AnswerForm(initial={"text": the_idea.official_answer}),
        "merge_form": forms.MergeForm(),
        "duplicates": the_idea.duplicates.all(),
        "linked_actions": _linked_actions(the_idea),
        "linkable_actions": _linkable(the_idea) if may_answer else [],
        "idea_sections": render_sections("idea", request, the_idea),
        "may_edit": queries.may_edit_idea(user, the_idea),
        "background_url": reverse(
            "places:area-geojson", args=[the_city.code, the_idea.area.code]
        ) if the_idea.area else "",
        "point_json": json.dumps(
            {"type": "FeatureCollection", "features": [queries.idea_feature(the_idea)]}
        ) if the_idea.latitude is not None else "",
    })


def _linked_actions(the_idea: Any) -> list[dict[str, Any]]:
    from urbis.engagement import links

    return links.actions_with_progress(the_idea)


def _linkable(the_idea: Any) -> list[Any]:
    from urbis.engagement import links

    return links.linkable_actions(the_idea)


def _idea_for_post(request: HttpRequest, code: str, idea_id: int) -> Any:
    the_city = get_city(code, request.user)
    return queries.get_idea(the_city, idea_id, request.user)


@require_POST
def idea_vote(request: HttpRequest, code: str, idea_id: int) -> HttpResponse:
    the_idea = _idea_for_post(request, code, idea_id)
    back = the_idea.get_absolute_url()
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        back = wanted  # voting from the list returns to the list
    if request.POST.get("withdraw"):
        return _act(request, lambda: services.withdraw_vote(
            by=request.user, idea=the_idea, ip=client_ip(request)),
            _("Your vote was withdrawn."), back)
    return _act(request, lambda: services.cast_vote(
        by=request.user, idea=the_idea, ip=client_ip(request)),
        _("Thank you for your support."), back)


@require_POST
def idea_follow(request: HttpRequest, code: str, idea_id: int) -> HttpResponse:
    the_idea = _idea_for_post(request, code, idea_id)
    back = the_idea.get_absolute_url()
    if request.POST.get("follow") == "0":
        return _act(request, lambda: services.unfollow(by=request.user, idea=the_idea),
                    _("You no longer follow this idea."), back)
    return _act(request, lambda: services.follow(by=request.user, idea=the_idea),
                _("You will be notified of changes to this idea."), back)


@require_POST
def idea_comment(request: HttpRequest, code: str, idea_id: int) -> HttpResponse:
    the_idea = _idea_for_post(request, code, idea_id)
    back = the_idea.get_absolute_url() + "#comments"
    form = forms.CommentForm(request.POST)

    def work() -> None:
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        parent_id = form.cleaned_data.get("parent")
        parent = get_object_or_404(Comment, pk=parent_id, idea=the_idea) if parent_id else None
        services.add_comment(by=request.user, idea=the_idea, body=form.cleaned_data["body"],
                             parent=parent, ip=client_ip(request))

    return _act(request, work, _("Your comment is published."), back)


@require_POST
def idea_report(request: HttpRequest, code: str, idea_id: int) -> HttpResponse:
    the_idea = _idea_for_post(request, code, idea_id)
    comment_id = request.POST.get("comment")
    target_comment = (
        get_object_or_404(Comment, pk=comment_id, idea=the_idea) if comment_id else None
    )
    reason = request.POST.get("reason", "")
    return _act(
        request,
        lambda: services.report(
            by=request.user, reason=reason,
            idea=None if target_comment else the_idea, comment=target_comment,
        ),
        _("Thank you; a moderator will look at it."),
        the_idea.get_absolute_url(),
    )


@require_POST
def idea_moderate(request: HttpRequest, code: str, idea_id: int) -> HttpResponse:
    """Every moderator act on an idea page: status, answer, merge, hide, comments, reports."""
    the_idea = _idea_for_post(request, code, idea_id)
    if not request.user.is_authenticated:
        return redirect_to_login(the_idea.get_absolute_url())
    the_city = the_idea.process.city
    op = request.POST.get("op", "")
    if op != "answer" and not queries.is_moderator(request.user, the_city):
        raise PermissionDenied
    back = the_idea.get_absolute_url()
    by = request.user
    post = request.POST
    operations: dict[str, tuple[Callable[[], Any], str]] = {
        "status": (lambda: services.set_status(by=by, idea=the_idea, status=post.get("status", ""),
                                               reason=post.get("reason", "")),
                   _("Status changed.")),
        "answer": (lambda: services.answer(by=by, idea=the_idea, text=post.get("text", "")),
                   _("Official answer published.")),
        "merge": (lambda: _merge(by, the_idea, post.get("into", "")),
                  _("Merged; the votes were carried over.")),
        "hide": (lambda: services.hide_idea(by=by, idea=the_idea, reason=post.get("reason", "")),
                 _("The idea is hidden.")),
        "unhide": (lambda: services.hide_idea(by=by, idea=the_idea, reason="", hidden=False),
                   _("The idea is shown again.")),
        "hide_comment": (lambda: services.hide_comment(
            by=by, comment=get_object_or_404(Comment, pk=post.get("comment"), idea=the_idea),
            reason=post.get("reason", "")), _("The comment is hidden.")),
        "dismiss": (lambda: services.dismiss_reports(by=by, idea=the_idea),
                    _("Reports dismissed.")),
        "link": (lambda: _link(by, the_idea, post.get("action", ""), post.get("unlink") == "1"),
                 _("Links to the strategy updated.")),
    }
    if op not in operations:
        raise Http404(_("Unknown moderation operation."))
    if op == "answer" and not queries.speaks_for_city(by, the_city):
        raise PermissionDenied
    work, done = operations[op]
    return _act(request, work, done, back)


def _merge(by: Any, duplicate: Any, into: str) -> Any:
    if not str(into).isdigit():
        raise ValidationError({"into": _("Give the number of the original idea.")})
    target = queries.get_idea(duplicate.process.city, int(into), by)
    return services.merge_ideas(by=by, duplicate=duplicate, into=target)


def _link(by: Any, the_idea: Any, action_id: str, unlink: bool) -> Any:
    from urbis.engagement import links

    if not str(action_id).isdigit():
        raise ValidationError({"action": _("Choose an action of the strategy.")})
    return links.link_action(by=by, idea=the_idea, action_id=int(action_id), unlink=unlink)


# ------------------------------------------------------------------ moderation queue


def moderation(request: HttpRequest, code: str) -> HttpResponse:
    the_city = get_city(code, request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not queries.is_moderator(request.user, the_city):
        raise PermissionDenied
    return render(request, "engagement/moderation.html", {
        "city": the_city, **queries.moderation_queue(the_city),
    })


# ------------------------------------------------------------------ workshops


def workshop(request: HttpRequest, code: str, workshop_id: int) -> HttpResponse:
    the_city = get_city(code, request.user)
    the_workshop = queries.get_workshop(the_city, workshop_id, request.user)
    staff = queries.speaks_for_city(request.user, the_city)
    return render(request, "engagement/workshop.html", {
        "city": the_city,
        "workshop": the_workshop,
        "places": queries.workshop_places(the_workshop, request.user),
        "outcomes": the_workshop.outcomes.filter(is_hidden=False).order_by("-vote_count"),
        "is_staff": staff,
        "outcome_form": forms.OutcomeForm() if staff else None,
    })


@require_POST
def workshop_register(request: HttpRequest, code: str, workshop_id: int) -> HttpResponse:
    the_city = get_city(code, request.user)
    the_workshop = queries.get_workshop(the_city, workshop_id, request.user)
    back = the_workshop.get_absolute_url()
    if request.POST.get("cancel"):
        return _act(request, lambda: services.cancel_registration(by=request.user,
                                                                  workshop=the_workshop),
                    _("Your place is cancelled."), back)
    return _act(request, lambda: services.sign_up(by=request.user, workshop=the_workshop),
                _("You are signed up."), back)


@require_POST
def workshop_outcome(request: HttpRequest, code: str, workshop_id: int) -> HttpResponse:
    the_city = get_city(code, request.user)
    the_workshop = queries.get_workshop(the_city, workshop_id, request.user)
    form = forms.OutcomeForm(request.POST)

    def work() -> None:
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        services.record_outcome(by=request.user, workshop=the_workshop, **form.cleaned_data)

    return _act(request, work, _("Outcome recorded as an idea."), the_workshop.get_absolute_url())


# ------------------------------------------------------------------ studies


def study(request: HttpRequest, code: str, study_id: int) -> HttpResponse:
    the_city = get_city(code, request.user)
    the_study = queries.get_study(the_city, study_id, request.user)
    tasks = list(the_study.tasks.all())
    if the_study.kind == Study.Kind.CONCEPT:
        form: Any = forms.ConceptForm(request.POST or None)
    else:
        form = forms.UsabilityForm(request.POST or None, tasks=tasks)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                if the_study.kind == Study.Kind.CONCEPT:
                    services.respond_to_concept(
                        by=request.user, study=the_study, rating=form.cleaned_data["rating"],
                        comment=form.cleaned_data["comment"],
                    )
                else:
                    services.submit_usability_session(
                        by=request.user, study=the_study, results=form.results(),
                        sus_answers=form.sus_answers(), comment=form.cleaned_data["comment"],
                    )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Thank you for taking part."))
                return redirect(the_study.get_absolute_url())
    return render(request, "engagement/study.html", {
        "city": the_city,
        "study": the_study,
        "tasks": tasks,
        "form": form,
        "documents": the_study.documents.all(),
        "results": queries.study_results(the_study),
    })


# ------------------------------------------------------------------ notifications


def notifications(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        services.mark_notifications_read(by=request.user)
        return redirect("engagement:notifications")
    return render(request, "engagement/notifications.html", {
        "notifications": queries.notifications(request.user)[:100],
    })


# ------------------------------------------------------------------ city-side creation pages


def _staff_page(request: HttpRequest, code: str) -> Any:
    the_city = get_city(code, request.user)
    if not request.user.is_authenticated:
        return the_city, redirect_to_login(request.get_full_path())
    if not can(request.user, Action.EDIT, the_city):
        raise PermissionDenied
    return the_city, None


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc)


def process_new(request: HttpRequest, code: str) -> HttpResponse:
    the_city, refused = _staff_page(request, code)
    if refused:
        return refused
    form = forms.ProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_process(by=request.user, city=the_city, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The process is open."))
            return redirect(created.get_absolute_url())
    return render(request, "engagement/staff_form.html", {
        "city": the_city, "form": form, "heading": _("Open a process"), "multipart": False,
    })


def workshop_new(request: HttpRequest, code: str) -> HttpResponse:
    the_city, refused = _staff_page(request, code)
    if refused:
        return refused
    form = forms.WorkshopForm(request.POST or None,
                              processes=list(queries.processes(the_city, request.user)))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        the_process = queries.get_process(the_city, data.pop("process"), request.user)
        try:
            created = services.create_workshop(by=request.user, process=the_process, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The workshop is published."))
            return redirect(created.get_absolute_url())
    return render(request, "engagement/staff_form.html", {
        "city": the_city, "form": form, "heading": _("New workshop"), "multipart": False,
    })


def study_new(request: HttpRequest, code: str) -> HttpResponse:
    the_city, refused = _staff_page(request, code)
    if refused:
        return refused
    form = forms.StudyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        document = data.pop("document")
        tasks = [line.strip() for line in data.pop("tasks").splitlines() if line.strip()]
        try:
            with transaction.atomic():
                created = services.create_study(by=request.user, city=the_city, tasks=tasks,
                                                **data)
                if document:
                    services.add_study_document(by=request.user, study=created,
                                                stream=document, name=document.name)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The study is published."))
            return redirect(created.get_absolute_url())
    return render(request, "engagement/staff_form.html", {
        "city": the_city, "form": form, "heading": _("New study"), "multipart": True,
    })


def idea_edit(request: HttpRequest, code: str, idea_id: int) -> HttpResponse:
    the_idea = _idea_for_post(request, code, idea_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if the_idea.author_id != request.user.pk:
        raise PermissionDenied
    form = forms.IdeaEditForm(request.POST or None, initial={
        "title": the_idea.title, "body": the_idea.body, "category": the_idea.category,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_idea(by=request.user, idea=the_idea, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your idea is updated."))
            return redirect(the_idea.get_absolute_url())
    return render(request, "engagement/staff_form.html", {
        "city": the_idea.process.city, "form": form, "multipart": False,
        "heading": _("Edit your idea"),
    })
