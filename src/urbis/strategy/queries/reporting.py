"""Progress reports: what a report holds, and how it is shown and exported."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from urbis.strategy.models import (
    ActionStatus,
    ProgressReport,
    Strategy,
    TargetStatus,
)
from urbis.strategy.queries.status import target_status
from urbis.strategy.queries.strategies import HEAVY, HEAVY_AREA, today


def report_content(strategy: Strategy, start: dt.date, end: dt.date) -> dict[str, Any]:
    """What a progress report says: planned, done and which targets moved over the period.

    Plain JSON data, because it is frozen into the report at publication."""
    planned = []
    done = []
    for action in strategy.actions.prefetch_related("milestones").select_related(
        "responsible_department", "theme"
    ):
        due = [m for m in action.milestones.all() if start <= m.due_date <= end]
        finished = [m for m in action.milestones.all() if m.done_on and start <= m.done_on <= end]
        starts = action.start_date is not None and start <= action.start_date <= end
        ends = action.end_date is not None and start <= action.end_date <= end
        if due or starts or ends:
            planned.append(
                {
                    "action": action.title,
                    "status": action.status,
                    "department": str(action.responsible_department or ""),
                    "milestones_due": [
                        {"title": m.title, "due": m.due_date.isoformat(),
                         "done_on": m.done_on.isoformat() if m.done_on else None}
                        for m in due
                    ],
                    "starts": action.start_date.isoformat() if starts and action.start_date
                    else None,
                    "ends": action.end_date.isoformat() if ends and action.end_date else None,
                }
            )
        if finished:
            done.append(
                {
                    "action": action.title,
                    "milestones_done": [
                        {"title": m.title, "due": m.due_date.isoformat(),
                         "done_on": m.done_on.isoformat() if m.done_on else None}
                        for m in finished
                    ],
                }
            )
    targets = []
    for target in strategy.targets.select_related("indicator", "strategy__city", "area").defer(
        *HEAVY, *HEAVY_AREA
    ):
        status = target_status(target, on=end)
        values = status.get("observations", [])
        before = [o for o in values if o["date"] < start.isoformat()]
        within = [o for o in values if start.isoformat() <= o["date"] <= end.isoformat()]
        first = before[-1] if before else (within[0] if within else None)
        last = within[-1] if within else None
        moved = None
        if first is not None and last is not None and first is not last:
            moved = last["value"] - first["value"]
        targets.append(
            {
                "target": target.title,
                "indicator": target.indicator.code if target.indicator is not None else None,
                "unit": target.indicator.unit if target.indicator is not None else "",
                "baseline": [target.baseline_value, target.baseline_year],
                "goal": [target.target_value, target.target_year],
                "status": status["status"],
                "reason": status["reason"],
                "percent": status.get("percent"),
                "from": first,
                "to": last,
                "change": moved,
                "observations_in_period": len(within),
            }
        )
    return {
        "strategy": {"title": strategy.title, "city": strategy.city.name,
                     "slug": strategy.slug},
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "computed_on": today().isoformat(),
        "planned": planned,
        "done": done,
        "targets": targets,
        "summary": {
            "actions_planned": len(planned),
            "actions_with_progress": len(done),
            "milestones_done": sum(len(d["milestones_done"]) for d in done),
            "targets_moved": sum(1 for t in targets if t["change"]),
            "targets_by_status": _count(t["status"] for t in targets),
        },
    }


def _count(items: Any) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item] += 1
    return dict(counts)


def reports(strategy: Strategy) -> QuerySet[ProgressReport]:
    return strategy.reports.all()


def get_report(strategy: Strategy, pk: int) -> ProgressReport:
    report = strategy.reports.filter(pk=pk).first()
    if report is None:
        raise Http404(_("No report %(pk)s for this strategy.") % {"pk": pk})
    return report


def report_for_display(report: ProgressReport) -> dict[str, Any]:
    """The frozen content of ``report`` with each status code's label in the reader's language.

    The content keeps codes (``off_track``, ``in_progress``) so that the CSV and JSON stay
    machine-readable; a page shows ``status_label``. A code no longer known shows as itself."""
    content = dict(report.content)

    def labelled(items: list[dict[str, Any]], choices: Any) -> list[dict[str, Any]]:
        labels = dict(choices.choices)
        return [
            {**item, "status_label": str(labels.get(item.get("status"), item.get("status")))}
            for item in items
        ]

    content["planned"] = labelled(content.get("planned", []), ActionStatus)
    content["targets"] = labelled(content.get("targets", []), TargetStatus)
    return content


def report_rows(report: ProgressReport) -> list[list[Any]]:
    """The report as a flat table for CSV: one row per item."""
    content = report.content
    rows: list[list[Any]] = [["section", "item", "detail", "status", "value_from", "value_to",
                              "change", "unit"]]
    for item in content.get("planned", []):
        for milestone in item["milestones_due"] or [{}]:
            rows.append(["planned", item["action"], milestone.get("title", ""),
                         item["status"], milestone.get("due", ""), milestone.get("done_on") or "",
                         "", ""])
    for item in content.get("done", []):
        for milestone in item["milestones_done"]:
            rows.append(["done", item["action"], milestone["title"], "done",
                         milestone["due"], milestone["done_on"] or "", "", ""])
    for item in content.get("targets", []):
        rows.append(["target", item["target"], item["reason"], item["status"],
                     (item["from"] or {}).get("value", ""), (item["to"] or {}).get("value", ""),
                     "" if item["change"] is None else item["change"], item["unit"]])
    return rows
