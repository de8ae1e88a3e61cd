"""The pages that record and edit case studies, pilots, hack days and partnerships: every write
page refuses a user without the role (and stores nothing), per-field errors, and what a saved
form changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from urbis.insight import services
from urbis.insight.models import CaseStudy, HackDay, HackDayInitiative, Partnership, Pilot

pytestmark = pytest.mark.django_db

CASE_FORM = {"slug": "green-roofs", "title": "Green roofs", "place_name": "Rotterdam",
             "theme": "climate", "method": "", "problem": "Heat", "what_was_done": "Roofs",
             "results": "Cooler by 2 K (city report)",
             "sources": "City report 2020 | https://example.org/report\nA book"}
PILOT_FORM = {"slug": "school-streets", "title": "School streets", "theme": "mobility",
              "goals": "Safer walk to school", "indicators": "cars per hour\nNO2",
              "source": "City council decision 12/2025", "decision": ""}
HACK_FORM = {"slug": "energy-hack", "theme": "Energy data", "held_on": "2026-03-14",
             "participants": "42", "outputs": "Five prototypes", "source": "Event report"}
PARTNER_FORM = {"theme": "mobility", "goals": "Learn from superblocks",
                "started_on": "2026-01-15", "meetings": "2026-02-01 Kick-off\n2026-03-01",
                "documents": "Method notes | https://example.org/notes"}


@pytest.fixture
def records(barcelona: Any, paris: Any) -> dict[str, Any]:
    case = services.create_case_study(
        by=None, operator=True, city=barcelona, slug="existing", title="Existing",
        place_name="Barcelona", theme="energy", problem="P", what_was_done="W", results="R",
        sources=[{"title": "S", "url": ""}])
    pilot = services.create_pilot(by=None, operator=True, city=barcelona, slug="p",
                                  title="P", theme="energy", goals="G", source="s")
    hack = services.save_hack_day(by=None, operator=True, city=barcelona, slug="h",
                                  theme="Mobility", held_on=dt.date(2026, 1, 10),
                                  participants=30, source="s")
    partnership = services.create_partnership(
        by=None, operator=True, mentor=paris, follower=barcelona, theme="energy", goals="G",
        started_on=dt.date(2026, 1, 1))
    return {"case": case, "pilot": pilot, "hack": hack, "partnership": partnership}


def _write_pages(records: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    return [
        ("/cities/barcelona/case-studies/new/", CASE_FORM),
        ("/insight/case-studies/existing/edit/", {**CASE_FORM, "slug": "existing"}),
        ("/cities/barcelona/pilots/new/", PILOT_FORM),
        ("/cities/barcelona/pilots/p/edit/", {**PILOT_FORM, "slug": "p"}),
        ("/cities/barcelona/hack-days/new/", HACK_FORM),
        ("/cities/barcelona/hack-days/h/edit/", {**HACK_FORM, "slug": "h"}),
        ("/cities/barcelona/partnerships/new/", {**PARTNER_FORM, "mentor": "0"}),
        (f"/cities/barcelona/partnerships/{records['partnership'].pk}/edit/",
         {**PARTNER_FORM, "mentor": str(records["partnership"].mentor_id)}),
    ]


def _state() -> tuple[Any, ...]:
    return (
        list(CaseStudy.objects.values_list("slug", "title", "sources")),
        list(Pilot.objects.values_list("slug", "title", "goals")),
        list(HackDay.objects.values_list("slug", "theme", "participants")),
        list(Partnership.objects.values_list("theme", "goals", "meetings")),
        HackDayInitiative.objects.count(),
    )


def test_every_write_page_refuses_a_user_without_the_role(
    records: dict[str, Any], barcelona: Any, paris: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    before = _state()
    pages = [*_write_pages(records), ("/cities/barcelona/hack-days/h/", {"title": "Idea"})]
    anonymous = client_for(None)
    for url, data in pages:
        response = anonymous.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for user in (make_user("member", barcelona), make_user("moderator", barcelona),
                 make_user("editor", paris)):
        client = client_for(user)
        for url, data in pages:
            assert client.post(url, data).status_code == 403, (url, user)
            if not url.endswith("/h/"):  # the hack-day page itself is public to read
                assert client.get(url).status_code == 403, (url, user)
    assert _state() == before


def test_the_write_pages_open_for_an_editor(
    records: dict[str, Any], barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    editor = client_for(make_user("editor", barcelona))
    for url, _data in _write_pages(records):
        response = editor.get(url)
        assert response.status_code == 200, url
        assert b'<label for="id_' in response.content


def test_case_study_form_saves_and_shows_errors_per_field(
    barcelona: Any, make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    editor = client_for(make_user("editor", barcelona))
    bad = editor.post("/cities/barcelona/case-studies/new/", {**CASE_FORM, "title": ""})
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "This field is required." in page[page.index('for="id_title"'):][:600]
    # The service's error (bad link) lands beside the sources field, not at the top.
    bad = editor.post("/cities/barcelona/case-studies/new/", {
        **CASE_FORM, "sources": "Leaflet | javascript:alert(1)"})
    assert bad.status_code == 422
    page = bad.content.decode()
    sources_field = page[page.index('for="id_sources"'):]
    assert "needs a title and, if any, an http(s) link" in sources_field[:1500]
    assert not CaseStudy.objects.exists()
    saved = editor.post("/cities/barcelona/case-studies/new/", CASE_FORM)
    assert saved.status_code == 302 and saved["Location"] == "/insight/case-studies/green-roofs/"
    case = CaseStudy.objects.get()
    assert case.city == barcelona and case.sources == [
        {"title": "City report 2020", "url": "https://example.org/report"},
        {"title": "A book", "url": ""}]
    edited = editor.post("/insight/case-studies/green-roofs/edit/",
                         {**CASE_FORM, "title": "Green roofs, ten years on"})
    assert edited.status_code == 302
    case.refresh_from_db()
    assert case.title == "Green roofs, ten years on" and case.sources[1]["title"] == "A book"
    shown = editor.get("/insight/case-studies/green-roofs/").content.decode()
    assert "Edit the case study" in shown


def test_pilot_form_edits_and_refuses_a_reserved_or_taken_short_name(
    records: dict[str, Any], barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    editor = client_for(make_user("editor", barcelona))
    assert editor.post("/cities/barcelona/pilots/new/",
                       {**PILOT_FORM, "slug": "new"}).status_code == 422
    taken = editor.post("/cities/barcelona/pilots/new/", {**PILOT_FORM, "slug": "p"})
    assert taken.status_code == 422 and "already has a pilot called p" in taken.content.decode()
    assert Pilot.objects.count() == 1
    response = editor.post("/cities/barcelona/pilots/p/edit/", {
        **PILOT_FORM, "slug": "p", "decision": "iterate", "budget_eur": "25000",
        "partners": "Schools", "evaluation": "Fewer cars at drop-off"})
    assert response.status_code == 302 and response["Location"] == "/cities/barcelona/pilots/p/"
    pilot = Pilot.objects.get()
    assert (pilot.title, pilot.decision, pilot.budget_eur) == ("School streets", "iterate", 25000)
    assert pilot.indicators == ["cars per hour", "NO2"]
    page = editor.get("/cities/barcelona/pilots/p/").content.decode()
    assert "Iterate" in page and "Fewer cars at drop-off" in page and "Edit the pilot" in page


def test_partnership_form_records_meetings_and_documents(
    records: dict[str, Any], barcelona: Any, paris: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    editor = client_for(make_user("editor", barcelona))
    partnership = records["partnership"]
    url = f"/cities/barcelona/partnerships/{partnership.pk}/edit/"
    bad = editor.post(url, {**PARTNER_FORM, "mentor": str(paris.pk),
                            "meetings": "first of March talk"})
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "Meeting 1 needs a date" in page[page.index('for="id_meetings"'):][:1500]
    assert editor.post(url, {**PARTNER_FORM, "mentor": str(barcelona.pk)}).status_code == 422
    ok = editor.post(url, {**PARTNER_FORM, "mentor": str(paris.pk),
                           "outcomes": "A first superblock design"})
    assert ok.status_code == 302
    partnership.refresh_from_db()
    assert partnership.meetings == [{"date": "2026-02-01", "note": "Kick-off"},
                                    {"date": "2026-03-01", "note": ""}]
    assert partnership.documents == [{"title": "Method notes",
                                      "url": "https://example.org/notes"}]
    assert partnership.theme == "mobility" and partnership.outcomes == "A first superblock design"
    city_page = editor.get("/cities/barcelona/insight/").content.decode()
    assert "A first superblock design" in city_page and "2 meetings" in city_page


def test_hack_day_initiative_becomes_a_pilot_with_its_lineage(
    barcelona: Any, make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    from urbis.insight.models import LivingLab

    lab = LivingLab.objects.create(city=barcelona, slug="lab", name="Test lab", host="City")
    editor = client_for(make_user("editor", barcelona))
    bad = editor.post("/cities/barcelona/hack-days/new/", {**HACK_FORM, "participants": "-3",
                                                           "source": ""})
    assert bad.status_code == 422 and not HackDay.objects.exists()
    saved = editor.post("/cities/barcelona/hack-days/new/", {**HACK_FORM, "lab": str(lab.pk)})
    assert saved.status_code == 302
    assert saved["Location"] == "/cities/barcelona/hack-days/energy-hack/"
    assert editor.post("/cities/barcelona/hack-days/energy-hack/",
                       {"title": ""}).status_code == 422
    assert editor.post("/cities/barcelona/hack-days/energy-hack/",
                       {"title": "Heat-pump map", "summary": "Where heat pumps fit"}
                       ).status_code == 302
    initiative = HackDayInitiative.objects.get()
    hack_page = editor.get("/cities/barcelona/hack-days/energy-hack/").content.decode()
    start = f"/cities/barcelona/pilots/new/?origin={initiative.pk}"
    assert "Heat-pump map" in hack_page and start in hack_page
    form = editor.get(start).content.decode()
    assert f'<option value="{initiative.pk}" selected>' in form
    made = editor.post("/cities/barcelona/pilots/new/", {
        **PILOT_FORM, "origin": str(initiative.pk), "lab": str(lab.pk)})
    assert made.status_code == 302
    pilot = Pilot.objects.get()
    assert pilot.origin == initiative
    pilot_page = client_for(None).get(pilot.get_absolute_url()).content.decode()
    assert "Heat-pump map" in pilot_page
    assert "/cities/barcelona/hack-days/energy-hack/" in pilot_page
    lab_page = client_for(None).get(lab.get_absolute_url()).content.decode()
    assert "Energy data" in lab_page and "School streets" in lab_page and "42" in lab_page
    assert "Energy data" in client_for(None).get("/cities/barcelona/insight/").content.decode()


def test_a_pilot_cannot_grow_out_of_another_citys_initiative(
    barcelona: Any, paris: Any, make_user: Callable[..., Any]
) -> None:
    from django.core.exceptions import ValidationError

    hack = services.save_hack_day(by=None, operator=True, city=paris, slug="h", theme="T",
                                  held_on=dt.date(2026, 1, 1), participants=5,
                                  is_illustrative=True)
    idea = services.add_initiative(by=None, operator=True, hack_day=hack, title="Idea")
    with pytest.raises(ValidationError) as error:
        services.create_pilot(by=make_user("editor", barcelona), city=barcelona, slug="x",
                              title="X", theme="t", goals="g", source="s", origin=idea)
    assert set(error.value.message_dict) == {"origin"}
    assert not Pilot.objects.exists()


def test_hack_day_api(barcelona: Any, make_user: Callable[..., Any],
                      client_for: Callable[..., Any]) -> None:
    body = {"slug": "api-hack", "theme": "Open data", "held_on": "2026-04-02",
            "participants": 25, "source": "Event page"}
    member = client_for(make_user("member", barcelona))
    assert member.post("/api/v1/cities/barcelona/hack-days", body,
                       content_type="application/json").status_code == 403
    assert client_for(None).post("/api/v1/cities/barcelona/hack-days", body,
                                 content_type="application/json").status_code == 401
    editor = client_for(make_user("editor", barcelona))
    bad = editor.post("/api/v1/cities/barcelona/hack-days", {**body, "held_on": "April"},
                      content_type="application/json")
    assert bad.status_code == 422 and not HackDay.objects.exists()
    assert editor.post("/api/v1/cities/barcelona/hack-days", {**body, "lab": "nowhere"},
                       content_type="application/json").status_code == 422
    created = editor.post("/api/v1/cities/barcelona/hack-days", body,
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["participants"] == 25
    assert member.post("/api/v1/cities/barcelona/hack-days/api-hack/initiatives",
                       {"title": "Idea"}, content_type="application/json").status_code == 403
    idea = editor.post("/api/v1/cities/barcelona/hack-days/api-hack/initiatives",
                       {"title": "Bike counter"}, content_type="application/json").json()
    pilot = editor.post("/api/v1/cities/barcelona/pilots", {
        "slug": "bikes", "title": "Bike counters", "theme": "mobility", "goals": "Count",
        "source": "s", "origin": idea["id"]}, content_type="application/json")
    assert pilot.status_code == 201
    assert pilot.json()["origin"] == {"initiative": idea["id"], "title": "Bike counter",
                                      "hack_day": "api-hack"}
    listed = client_for(None).get("/api/v1/cities/barcelona/hack-days").json()
    assert listed[0]["initiatives"][0]["pilots"] == [{"city": "barcelona", "slug": "bikes"}]
    assert editor.post("/api/v1/cities/barcelona/pilots", {
        "slug": "other", "title": "O", "theme": "m", "goals": "g", "source": "s",
        "origin": idea["id"] + 1000}, content_type="application/json").status_code == 422


def test_pilot_form_lists_areas_without_a_query_per_option(
    records: dict[str, Any], barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from urbis.places.models import Area

    areas = Area.objects.filter(city=barcelona).count()
    assert areas > 20
    editor = client_for(make_user("editor", barcelona))
    with CaptureQueriesContext(connection) as queries:
        assert editor.get("/cities/barcelona/pilots/p/edit/").status_code == 200
    # Two area lists (pilot area, comparison areas): a query per option would be 2 × areas.
    assert len(queries.captured_queries) < areas, len(queries.captured_queries)


def test_insight_pages_never_load_a_city_boundary(
    records: dict[str, Any], barcelona: Any, paris: Any, client_for: Callable[..., Any],
) -> None:
    """A city's boundary is a large GeoJSON no insight page draws; loading it with every
    survey, pilot or partnership made the pages several times slower."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from urbis.insight import demo
    from urbis.insight.models import LivingLab

    for _label, step in demo.steps():
        step()
    lab = LivingLab.objects.create(city=barcelona, slug="lab", name="Lab", host="City")
    pilot = records["pilot"]
    pilot.lab = lab
    pilot.origin = services.add_initiative(by=None, operator=True, hack_day=records["hack"],
                                           title="Idea")
    pilot.save()
    services.adopt_pilot(by=None, operator=True, pilot=pilot, city=paris, slug="p-copy",
                         is_illustrative=True)
    client = client_for(None)
    for url in ("/cities/barcelona/surveys/attitudes-2026/results/",
                "/cities/barcelona/surveys/attitudes-2026/",
                "/cities/barcelona/insight/", "/cities/paris/insight/",
                "/cities/barcelona/pilots/p/", "/cities/paris/pilots/p-copy/",
                "/cities/barcelona/labs/lab/", "/cities/barcelona/hack-days/h/",
                "/insight/case-studies/", "/insight/case-studies/existing/",
                "/api/v1/cities/barcelona/surveys/attitudes-2026/results",
                "/api/v1/cities/barcelona/pilots/p", "/api/v1/cities/barcelona/hack-days",
                "/api/v1/insight/spread", "/api/v1/cities/paris/partnerships"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        loaded = [q["sql"][:120] for q in queries.captured_queries
                  if '"places_city"."boundary"' in q["sql"]]
        assert loaded == [], url
