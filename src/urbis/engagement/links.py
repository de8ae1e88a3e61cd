"""Ideas ↔ the strategy's actions: what became of an idea, seen from both sides."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from urbis.engagement import history, queries
from urbis.engagement.models import Idea, IdeaStatus, ModerationEvent
from urbis.people.permissions import Action, require

LINKABLE = {IdeaStatus.ACCEPTED, IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED}


def _action_model() -> Any:
    try:
        from urbis.strategy.models import Action as StrategyAction
    except ImportError:  # the strategy app is optional
        return None
    return StrategyAction


def _action_city_id(action: Any) -> int | None:
    for path in ("city_id", "strategy.city_id"):
        obj = action
        for part in path.split("."):
            obj = getattr(obj, part, None)
        if obj is not None:
            return int(obj)
    return None


def actions_with_progress(idea: Idea) -> list[dict[str, Any]]:
    manager = getattr(idea, "actions", None)
    if manager is None:
        return []
    progress_of: Any = None
    try:
        from urbis.strategy.queries import action_progress as progress_of
    except ImportError:  # the strategy app is optional
        progress_of = None
    result = []
    for action in manager.all():
        progress = None
        if progress_of is not None:
            try:
                progress = progress_of(action)
            except Exception:  # noqa: BLE001 - a missing figure must not break the idea page
                progress = None
        try:
            url = action.get_absolute_url()
        except NoReverseMatch:  # the strategy app may not publish action pages
            url = ""
        targets = []
        target_manager = getattr(action, "targets", None)
        for target in target_manager.all() if target_manager is not None else []:
            try:
                target_url = target.get_absolute_url()
            except (NoReverseMatch, AttributeError):
                target_url = ""
            targets.append({"title": str(target), "url": target_url})
        result.append(
            {"action": action, "url": url, "progress": progress or {}, "targets": targets}
        )
    return result


def linkable_actions(idea: Idea) -> list[Any]:
    model = _action_model()
    if model is None or not hasattr(idea, "actions"):
        return []
    return list(
        model.objects.filter(strategy__city_id=idea.process.city_id)
        .select_related("strategy")
        .order_by("strategy__title", "order", "pk")[:500]
    )


def link_action(*, by: Any, idea: Idea, action_id: int, unlink: bool = False) -> Idea:
    """Only accepted (or later) ideas are linked; moderators and editors of the city do it."""
    city = idea.process.city
    if not queries.speaks_for_city(by, city):
        require(by, Action.MODERATE, city)
    model = _action_model()
    if model is None or not hasattr(idea, "actions"):
        raise ValidationError({"action": _("This installation has no strategy actions.")})
    action = model.objects.select_related("strategy").filter(pk=action_id).first()
    if action is None or _action_city_id(action) != city.pk:
        raise ValidationError({"action": _("No action %(action_id)s in %(city)s.")
                                         % {"action_id": action_id, "city": city.name}})
    idea.refresh_from_db(fields=["status"])
    if not unlink and idea.status not in LINKABLE:
        raise ValidationError(
            {"action": _("Accept the idea first: only accepted ideas are linked to actions.")}
        )
    with transaction.atomic():
        if unlink:
            idea.actions.remove(action)
        else:
            idea.actions.add(action)
        ModerationEvent.objects.create(
            city=city, idea=idea, actor=by, kind=ModerationEvent.Kind.LINK,
            details=history.linked(action.pk, str(action), unlink=unlink),
        )
    return idea
