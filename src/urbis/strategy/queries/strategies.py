"""Who sees which strategy, and getting one strategy, target or action. Anonymous users see
published strategies only; a city's editors, moderators and admins also see what it has not
published yet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.people.permissions import Action as Can
from urbis.people.permissions import can
from urbis.places.models import City
from urbis.strategy.models import (
    Action,
    Strategy,
    Target,
)

# City boundaries and area shapes are large JSON documents that no strategy read needs.
HEAVY = ("strategy__city__boundary", "strategy__city__bbox")


HEAVY_AREA = ("area__geometry", "area__bbox", "area__centroid")


# How many years after adoption a target must lie to count as medium-to-long-term.
MEDIUM_TERM_YEARS = 5


def today() -> dt.date:
    return timezone.localdate()


def visible_strategies(user: Any = None, city: City | None = None) -> QuerySet[Strategy]:
    strategies = Strategy.objects.select_related("city").defer("city__boundary", "city__bbox")
    if city is not None:
        strategies = strategies.filter(city=city)
        if can(user, Can.VIEW_PRIVATE, city):
            return strategies
        return strategies.filter(is_published=True, city__is_published=True)
    if user is not None and getattr(user, "is_superuser", False):
        return strategies
    from urbis.people.permissions import cities_where

    return strategies.filter(
        Q(is_published=True, city__is_published=True)
        | Q(city_id__in=cities_where(user, Can.VIEW_PRIVATE))
    )


def get_strategy(city: City, slug: str, user: Any = None) -> Strategy:
    strategy = visible_strategies(user, city).filter(slug=slug).first()
    if strategy is None:
        raise Http404(_("No strategy %(slug)r in %(city)s.") % {"slug": slug, "city": city.name})
    return strategy


def get_target(strategy: Strategy, pk: int) -> Target:
    target = (
        Target.objects.select_related("indicator", "theme", "area", "strategy__city")
        .defer(*HEAVY, *HEAVY_AREA)
        .filter(strategy=strategy, pk=pk)
        .first()
    )
    if target is None:
        raise Http404(_("No target %(pk)s in this strategy.") % {"pk": pk})
    return target


def get_action(strategy: Strategy, pk: int) -> Action:
    action = (
        Action.objects.select_related("theme", "responsible_department", "strategy__city")
        .defer(*HEAVY)
        .filter(strategy=strategy, pk=pk)
        .first()
    )
    if action is None:
        raise Http404(_("No action %(pk)s in this strategy.") % {"pk": pk})
    return action
