"""Change history reads in the reader's language: field labels from the model, choice labels,
yes/no and numbers as the reader expects, for new rows and old ones (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from urbis.places.models import City
from urbis.strategy import services
from urbis.strategy.models import Change, Strategy, Target


def test_target_history_shows_labels_and_values_not_field_names(
    strategy: Strategy, target: Target, barcelona: City, client_for: Callable[..., Any]
) -> None:
    services.save_target(by=None, strategy=strategy, target=target, title=target.title,
                         kind="quantitative", indicator=target.indicator, baseline_value=4.0,
                         baseline_year=2010, target_value=6.5, target_year=2035, direction="up")
    page = client_for(None).get(target.get_absolute_url()).content.decode()
    history = page[page.index('id="history-heading"'):]
    assert "Target year" in history and "target_year" not in history
    assert "Higher is better" in history and "Lower is better" in history
    assert ">up<" not in history and ">down<" not in history
    german = client_for(None).get(target.get_absolute_url(),
                                  headers={"Accept-Language": "de"}).content.decode()
    history = german[german.index('id="history-heading"'):]
    assert "Höher ist besser" in history and "Niedriger ist besser" in history


def test_old_rows_with_english_yes_no_read_in_the_reader_language(
    strategy: Strategy, barcelona: City, client_for: Callable[..., Any]
) -> None:
    Change.objects.create(city=barcelona, model="strategy", object_id=strategy.pk,
                          field="is_published", old_value="no", new_value="yes",
                          changed_at=timezone.now())
    page = client_for(None).get(strategy.get_absolute_url() + "history/").content.decode()
    assert "is_published" not in page
    assert "Published" in page
