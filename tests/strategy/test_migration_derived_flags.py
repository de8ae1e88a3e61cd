"""Migration 0004 keeps every partner row (the plain link table becomes the link model's) and
turns the old default "no" into "derive", keeping a hand-set "yes" as an override."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from urbis.people.models import Organisation
from urbis.places.models import City

BEFORE = [("strategy", "0003_strategy_is_illustrative")]
AFTER = [("strategy", "0004_derived_ppp_and_citizen_flags")]


@pytest.mark.django_db(transaction=True)
def test_partner_rows_and_flags_survive_the_migration(transactional_db: Any) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Strategy = old.get_model("strategy", "Strategy")
    Action = old.get_model("strategy", "Action")
    # Places and people are not touched by the migration: today's models create them.
    city = City.objects.create(code="mig", name="Migrated", country="ES")
    org = Organisation.objects.create(name="Coop", slug="mig-coop", kind="business", city=city)
    strategy = Strategy.objects.create(city_id=city.pk, slug="s", title="S", start_year=2020,
                                       end_year=2030)
    flagged = Action.objects.create(strategy=strategy, title="A", is_ppp=True,
                                    is_citizen_driven=False)
    flagged.partners.add(org.pk)
    default = Action.objects.create(strategy=strategy, title="B")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Action = new.get_model("strategy", "Action")
    ActionPartner = new.get_model("strategy", "ActionPartner")
    a, b = Action.objects.get(pk=flagged.pk), Action.objects.get(pk=default.pk)
    assert (a.is_ppp, a.is_citizen_driven) == (True, None)
    assert (b.is_ppp, b.is_citizen_driven) == (None, None)
    (link,) = ActionPartner.objects.filter(action_id=a.pk)
    assert (link.organisation_id, link.role, link.agreement) == (org.pk, "partner", "")
