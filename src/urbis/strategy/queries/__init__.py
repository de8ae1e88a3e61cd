"""Reads of the strategy app that pages, the API and other apps share.

Anonymous users see published strategies only; a city's editors, moderators and admins also see
what it has not published yet. One module per sub-domain: ``strategies`` (who sees what),
``status`` (whether a target is on track, and its chart), ``pages``, ``reporting`` (progress
reports), ``flags`` (PPP and citizen-driven, derived or set by hand) and ``network`` (reads
across cities); every public read is re-exported here.
"""

from urbis.strategy.queries.flags import action_flags, with_flags
from urbis.strategy.queries.network import (
    catalogue,
    compare,
    compare_chart,
    get_catalogue_indicator,
    network_figures,
)
from urbis.strategy.queries.pages import (
    ACTION_FILTERS,
    actions,
    departments_of,
    history,
    strategy_overview,
)
from urbis.strategy.queries.reporting import (
    get_report,
    report_content,
    report_for_display,
    report_rows,
    reports,
)
from urbis.strategy.queries.status import (
    VALUE_PADDING,
    action_progress,
    chart_bounds,
    chart_data,
    city_observations,
    explain,
    observations,
    target_status,
)
from urbis.strategy.queries.strategies import (
    HEAVY,
    HEAVY_AREA,
    MEDIUM_TERM_YEARS,
    get_action,
    get_strategy,
    get_target,
    today,
    visible_strategies,
)

__all__ = [
    "ACTION_FILTERS",
    "HEAVY",
    "HEAVY_AREA",
    "MEDIUM_TERM_YEARS",
    "VALUE_PADDING",
    "action_flags",
    "action_progress",
    "actions",
    "catalogue",
    "chart_bounds",
    "chart_data",
    "city_observations",
    "compare",
    "compare_chart",
    "departments_of",
    "explain",
    "get_action",
    "get_catalogue_indicator",
    "get_report",
    "get_strategy",
    "get_target",
    "history",
    "network_figures",
    "observations",
    "report_content",
    "report_for_display",
    "report_rows",
    "reports",
    "strategy_overview",
    "target_status",
    "today",
    "visible_strategies",
    "with_flags",
]
