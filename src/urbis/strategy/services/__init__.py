"""Every write of the strategy app: validated first, stored in one transaction, and for
strategies, targets and actions recorded field by field in the change history.

One module per sub-domain: ``indicators``, ``observations``, ``strategies`` (and themes),
``targets``, ``actions`` (and milestones) and ``reports``; ``history`` holds the change record
and permission check they share. Every public service is re-exported here.
"""

from urbis.strategy.services.actions import (
    ACTION_FIELDS,
    ACTION_SCALARS,
    save_action,
    save_milestone,
)
from urbis.strategy.services.indicators import (
    CATALOGUE,
    create_indicator,
    indicators_for,
    load_catalogue,
)
from urbis.strategy.services.observations import (
    OBSERVATION_COLUMNS,
    upload_observations,
    upload_observations_csv,
)
from urbis.strategy.services.reports import publish_report
from urbis.strategy.services.strategies import (
    STRATEGY_FIELDS,
    publish_strategy,
    save_strategy,
    save_theme,
)
from urbis.strategy.services.targets import (
    TARGET_FIELDS,
    TARGET_SCALARS,
    delete_target,
    save_target,
)

__all__ = [
    "ACTION_FIELDS",
    "ACTION_SCALARS",
    "CATALOGUE",
    "OBSERVATION_COLUMNS",
    "STRATEGY_FIELDS",
    "TARGET_FIELDS",
    "TARGET_SCALARS",
    "create_indicator",
    "delete_target",
    "indicators_for",
    "load_catalogue",
    "publish_report",
    "publish_strategy",
    "save_action",
    "save_milestone",
    "save_strategy",
    "save_target",
    "save_theme",
    "upload_observations",
    "upload_observations_csv",
]
