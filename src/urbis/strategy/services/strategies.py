"""Strategies and their themes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from urbis.people.permissions import Action as Can
from urbis.people.permissions import require_unless_platform
from urbis.places.models import City
from urbis.strategy.models import (
    Strategy,
    Theme,
    ThemeKind,
)
from urbis.strategy.services.history import _record, _snapshot

STRATEGY_FIELDS = ("title", "vision", "adopted_on", "start_year", "end_year", "source",
                   "is_published")


def _clean_strategy(strategy: Strategy) -> None:
    errors: dict[str, str] = {}
    if not strategy.title.strip():
        errors["title"] = "Give the strategy a title."
    if not strategy.slug:
        errors["slug"] = "Give the strategy a short name."
    if strategy.start_year and strategy.end_year and strategy.end_year < strategy.start_year:
        errors["end_year"] = "The last year comes before the first year."
    clash = Strategy.objects.filter(city=strategy.city, slug=strategy.slug).exclude(pk=strategy.pk)
    if clash.exists():
        errors["slug"] = f"{strategy.city} already has a strategy called {strategy.slug!r}."
    if errors:
        raise ValidationError(errors)


def save_strategy(
    *, by: Any, city: City, strategy: Strategy | None = None, **fields: Any
) -> Strategy:
    """Create (``strategy=None``) or update a strategy. Publication needs an administrator."""
    require_unless_platform(by, Can.EDIT, city)
    if strategy is not None and strategy.city_id != city.pk:
        raise ValidationError({"strategy": _("This strategy belongs to another city.")})
    creating = strategy is None
    strategy = strategy or Strategy(city=city)
    before = {} if creating else _snapshot(strategy, STRATEGY_FIELDS)
    if "is_published" in fields and bool(fields["is_published"]) != strategy.is_published:
        require_unless_platform(by, Can.ADMINISTER, city)
    for name, value in fields.items():
        if name not in {*STRATEGY_FIELDS, "slug"}:
            raise ValidationError({name: _("Not a field of a strategy.")})
        setattr(strategy, name, value)
    if not strategy.slug:
        strategy.slug = slugify(strategy.title)[:100]
    _clean_strategy(strategy)
    if strategy.is_published and strategy.published_at is None:
        strategy.published_at = timezone.now()
    if not strategy.is_published:
        strategy.published_at = None
    with transaction.atomic():
        strategy.save()
        _record(city=city, model="strategy", object_id=strategy.pk, before=before,
                after=_snapshot(strategy, STRATEGY_FIELDS), by=by)
    return strategy


def publish_strategy(*, by: Any, strategy: Strategy, published: bool = True) -> Strategy:
    return save_strategy(by=by, city=strategy.city, strategy=strategy, is_published=published)


def save_theme(
    *, by: Any, strategy: Strategy, name: str, kind: str, description: str = "",
    order: int = 0, theme: Theme | None = None,
) -> Theme:
    require_unless_platform(by, Can.EDIT, strategy.city)
    errors = {}
    if not name.strip():
        errors["name"] = "Give the theme a name."
    if kind not in ThemeKind.values:
        errors["kind"] = f"Unknown theme kind {kind!r}."
    clash = Theme.objects.filter(strategy=strategy, name=name.strip())
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        errors["name"] = f"The strategy already has a theme {name!r}."
    if errors:
        raise ValidationError(errors)
    theme = theme or Theme(strategy=strategy)
    theme.name, theme.kind, theme.description, theme.order = name.strip(), kind, description, order
    with transaction.atomic():
        theme.save()
    return theme
