"""Case studies, living labs and pilots: sourced or labelled, searchable, lineage that outlives
the copy, every write refused without the role and bad input storing nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from urbis.insight import demo, queries, services
from urbis.insight.models import CaseStudy, Pilot, Replication

pytestmark = pytest.mark.django_db

CASE = {"slug": "c", "title": "Case", "place_name": "Somewhere", "theme": "energy",
        "problem": "P", "what_was_done": "W", "results": "R",
        "sources": [{"title": "A report", "url": "https://example.org/r"}]}


def test_case_study_needs_a_source_or_the_illustrative_label(
    barcelona: Any, make_user: Callable[..., Any]
) -> None:
    editor = make_user("editor", barcelona)
    with pytest.raises(ValidationError) as error:
        services.create_case_study(by=editor, city=barcelona, **{**CASE, "sources": []})
    assert "sources" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_case_study(by=editor, city=barcelona, **{
            **CASE, "title": "", "method": "astrology",
            "sources": [{"title": "x", "url": "javascript:alert(1)"}]})
    assert {"title", "method", "sources"} <= set(error.value.message_dict)
    assert CaseStudy.objects.count() == 0
    services.create_case_study(by=editor, city=barcelona, **{**CASE, "sources": []},
                               is_illustrative=True)
    assert CaseStudy.objects.get().is_illustrative


def test_writes_are_refused_without_the_role(
    barcelona: Any, paris: Any, make_user: Callable[..., Any]
) -> None:
    pilot = services.create_pilot(by=None, operator=True, city=barcelona, slug="p", title="P",
                                  theme="energy", goals="G", source="s")
    for user in (None, make_user("member", barcelona), make_user("editor", barcelona)):
        # A Barcelona editor may not act for Paris: adopting into Paris needs Paris's role.
        with pytest.raises(PermissionDenied):
            services.adopt_pilot(by=user, pilot=pilot, city=paris)
        with pytest.raises(PermissionDenied):
            services.create_case_study(by=user, city=paris, **CASE)
        with pytest.raises(PermissionDenied):
            services.create_pilot(by=user, city=paris, slug="q", title="Q", theme="e",
                                  goals="g", source="s")
    for user in (None, make_user("member", barcelona), make_user("editor", paris)):
        with pytest.raises(PermissionDenied):
            services.delete_pilot(by=user, pilot=pilot)
    assert Pilot.objects.count() == 1 and not Replication.objects.exists()
    assert not CaseStudy.objects.exists()


def test_lineage_survives_the_deletion_of_the_copy(
    barcelona: Any, paris: Any, make_user: Callable[..., Any]
) -> None:
    pilot = services.create_pilot(by=make_user("editor", barcelona), city=barcelona,
                                  slug="p", title="Solar schools", theme="energy", goals="G",
                                  source="s")
    paris_editor = make_user("editor", paris)
    copy = services.adopt_pilot(by=paris_editor, pilot=pilot, city=paris)
    with pytest.raises(ValidationError):
        services.adopt_pilot(by=paris_editor, pilot=pilot, city=paris)  # slug taken
    services.delete_pilot(by=paris_editor, pilot=copy)
    (concept,) = queries.spread()
    assert concept["title"] == "Solar schools" and concept["origin"] == barcelona.name
    assert concept["adopters"] == [
        {"city": paris.name, "still_running": False,
         "adopted_at": concept["adopters"][0]["adopted_at"]}]
    # Even the original's deletion keeps the record of the spread.
    services.delete_pilot(by=make_user("editor", barcelona), pilot=pilot)
    assert queries.spread()[0]["title"] == "Solar schools"


def test_bad_pilot_input_stores_nothing(barcelona: Any, make_user: Callable[..., Any]) -> None:
    editor = make_user("editor", barcelona)
    with pytest.raises(ValidationError) as error:
        services.create_pilot(by=editor, city=barcelona, slug="p", title="", theme="e",
                              goals="g", budget_eur=-5, indicators="lots")
    assert {"title", "budget_eur", "indicators", "source"} <= set(error.value.message_dict)
    assert not Pilot.objects.exists()


def test_demo_practices_search_and_pages(client_for: Callable[..., Any]) -> None:
    demo.load_practices()
    demo.load_practices()  # idempotent
    assert CaseStudy.objects.count() == 2
    assert [c.slug for c in queries.case_studies(q="superblock")] == ["barcelona-superblocks"]
    assert [c.slug for c in queries.case_studies(method="participatory-budgeting")] == [
        "paris-participatory-budget"]
    client = client_for(None)
    api = client.get("/api/v1/insight/case-studies?theme=mobility").json()
    assert [c["slug"] for c in api] == ["barcelona-superblocks"] and api[0]["sources"]
    spread = client.get("/api/v1/insight/spread").json()
    assert spread[0]["illustrative"] is True
    assert "illustrative" in client.get("/cities/paris/insight/").content.decode()
    page = client.get("/insight/case-studies/barcelona-superblocks/").content.decode()
    assert "doi.org/10.1016/j.envint.2019.105132" in page
    assert client.get("/insight/case-studies/?q=budget").status_code == 200
    lab = client.get("/cities/barcelona/labs/urban-lab/").content.decode()
    assert "Open energy data (illustrative demo event)" in lab and "(illustrative)" in lab
    hack = client.get("/cities/barcelona/hack-days/energy-data-hack/").content.decode()
    assert "Illustrative record:" in hack and "Map of roofs suited to solar panels" in hack
    assert "Adopted by Paris" in client.get(
        "/cities/barcelona/pilots/poblenou-superblock/").content.decode()


def test_api_writes_refused_without_the_role(
    barcelona: Any, make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    member = client_for(make_user("member", barcelona))
    assert member.post("/api/v1/cities/barcelona/case-studies", CASE,
                       content_type="application/json").status_code == 403
    pilot = {"slug": "p", "title": "P", "theme": "e", "goals": "g", "source": "s"}
    assert member.post("/api/v1/cities/barcelona/pilots", pilot,
                       content_type="application/json").status_code == 403
    editor = client_for(make_user("editor", barcelona))
    assert editor.post("/api/v1/cities/barcelona/pilots", pilot,
                       content_type="application/json").status_code == 201
    assert member.delete("/api/v1/cities/barcelona/pilots/p").status_code == 403
    assert client_for(None).delete("/api/v1/cities/barcelona/pilots/p").status_code == 401
    assert member.post("/api/v1/cities/paris/pilots/adopt",
                       {"origin_city": "barcelona", "origin_slug": "p"},
                       content_type="application/json").status_code == 403
    bad = editor.post("/api/v1/cities/barcelona/case-studies", {**CASE, "sources": []},
                      content_type="application/json")
    assert bad.status_code == 422 and not CaseStudy.objects.exists()
    assert editor.delete("/api/v1/cities/barcelona/pilots/p").status_code == 204


def test_action_page_shows_what_others_did(
    barcelona: Any, paris: Any, client_for: Callable[..., Any]
) -> None:
    from urbis.strategy.models import Action, Strategy, Theme

    strategy = Strategy.objects.create(city=paris, slug="plan", title="Plan", start_year=2024,
                                       end_year=2030, is_published=True)
    theme = Theme.objects.create(strategy=strategy, kind="mobility", name="Mobility")
    action = Action.objects.create(strategy=strategy, theme=theme, title="Calmer streets")
    services.create_case_study(by=None, operator=True, city=barcelona,
                               **{**CASE, "theme": "mobility", "title": "Superblocks"})
    services.create_case_study(by=None, operator=True, city=barcelona,
                               **{**CASE, "slug": "e", "theme": "energy", "title": "Solar"})
    assert [c.title for c in queries.others_did(action)] == ["Superblocks"]
    page = client_for(None).get(action.get_absolute_url()).content.decode()
    assert "What others did about this" in page and "Superblocks" in page and "Solar" not in page
