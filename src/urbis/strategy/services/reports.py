"""Progress reports: a frozen snapshot of a strategy's figures for a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.people.permissions import Action as Can
from urbis.people.permissions import require_unless_platform
from urbis.strategy.models import (
    ProgressReport,
    Strategy,
)


def publish_report(
    *, by: Any, strategy: Strategy, period_start: dt.date, period_end: dt.date, title: str = "",
) -> ProgressReport:
    """Freeze the progress of ``strategy`` over the period into a published report.

    The content is computed once, here, and stored; the report is never recomputed, so later
    data or edits do not change what was published."""
    from urbis.strategy import queries

    require_unless_platform(by, Can.EDIT, strategy.city)
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date):
        raise ValidationError({"period_start": _("Give the period as two dates.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if period_start > timezone.localdate():
        raise ValidationError({"period_start": _("The period has not started yet.")})
    title = title.strip() or (
        f"{strategy.title}: progress {period_start:%Y-%m-%d} – {period_end:%Y-%m-%d}"
    )
    content = queries.report_content(strategy, period_start, period_end)
    with transaction.atomic():
        return ProgressReport.objects.create(
            strategy=strategy, title=title[:300], period_start=period_start,
            period_end=period_end, content=content, published_at=timezone.now(),
            published_by=by if getattr(by, "is_authenticated", False) else None,
        )
