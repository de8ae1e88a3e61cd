"""A hack-day initiative turned into an engagement idea: through engagement's own service, linked
both ways (the idea page names the hack day, the hack-day page the idea), refused to users without
the role, and all or nothing on bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from urbis.engagement.models import Idea
from urbis.insight import services
from urbis.insight.models import HackDayInitiative

pytestmark = pytest.mark.django_db

BODY = "Sensors on school roofs show where heat pumps would fit best."
FORM = {"title": "Heat-pump map", "body": BODY, "category": "energy"}


def _process(city: Any, slug: str = "ideas", *, collecting: bool = True) -> Any:
    from urbis.engagement import services as engagement

    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=5) if collecting else now - dt.timedelta(days=40)
    return engagement.create_process(
        by=None, city=city, slug=slug, title="Ideas for the city", collecting_starts=start,
        collecting_ends=start + dt.timedelta(days=20), voting_starts=start,
        voting_ends=start + dt.timedelta(days=25), closes=start + dt.timedelta(days=30))


@pytest.fixture
def initiative(barcelona: Any) -> Any:
    hack = services.save_hack_day(by=None, operator=True, city=barcelona, slug="energy-hack",
                                  theme="Energy data", held_on=dt.date(2026, 3, 14),
                                  participants=42, is_illustrative=True)
    return services.add_initiative(by=None, operator=True, hack_day=hack,
                                   title="Heat-pump map", summary="Where heat pumps fit")


def _state() -> tuple[Any, ...]:
    return (Idea.objects.count(),
            list(HackDayInitiative.objects.values_list("pk", "idea_id")))


def test_an_editor_turns_an_initiative_into_an_idea_linked_both_ways(
    initiative: Any, barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    process = _process(barcelona)
    editor = make_user("editor", barcelona)
    client = client_for(editor)
    hack_url = "/cities/barcelona/hack-days/energy-hack/"
    form_url = f"{hack_url}initiatives/{initiative.pk}/idea/"
    assert form_url in client.get(hack_url).content.decode()
    page = client.get(form_url)
    assert page.status_code == 200 and 'value="Heat-pump map"' in page.content.decode()
    done = client.post(form_url, {**FORM, "process": str(process.pk)})
    assert done.status_code == 302
    idea = Idea.objects.get()
    assert done["Location"] == idea.get_absolute_url()
    # Created by engagement's service: its author, its rendered text, its process.
    assert (idea.process, idea.author, idea.title, idea.category) == (
        process, editor, "Heat-pump map", "energy")
    assert idea.body_html
    initiative.refresh_from_db()
    assert initiative.idea == idea
    idea_page = client_for(None).get(idea.get_absolute_url()).content.decode()
    assert hack_url in idea_page and "Energy data" in idea_page
    hack_page = client_for(None).get(hack_url).content.decode()
    assert idea.get_absolute_url() in hack_page
    # Once an idea, the offer to turn it into one is gone, and a second turn is refused.
    assert form_url not in client.get(hack_url).content.decode()
    again = client.post(form_url, {**FORM, "process": str(process.pk)})
    assert again.status_code == 422 and Idea.objects.count() == 1
    listed = client_for(None).get("/api/v1/cities/barcelona/hack-days").json()
    assert listed[0]["initiatives"][0]["idea"] == {"id": idea.pk,
                                                   "url": idea.get_absolute_url()}


def test_users_without_the_role_are_refused_and_nothing_is_written(
    initiative: Any, barcelona: Any, paris: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    process = _process(barcelona)
    before = _state()
    form_url = f"/cities/barcelona/hack-days/energy-hack/initiatives/{initiative.pk}/idea/"
    api_url = f"/api/v1/cities/barcelona/hack-days/energy-hack/initiatives/{initiative.pk}/idea"
    api_body = {**FORM, "process": "ideas"}
    anonymous = client_for(None)
    response = anonymous.post(form_url, {**FORM, "process": str(process.pk)})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert anonymous.post(api_url, api_body,
                          content_type="application/json").status_code == 401
    for user in (make_user("member", barcelona), make_user("moderator", barcelona),
                 make_user("editor", paris)):
        client = client_for(user)
        assert client.get(form_url).status_code == 403
        assert client.post(form_url, {**FORM, "process": str(process.pk)}).status_code == 403
        assert client.post(api_url, api_body,
                           content_type="application/json").status_code == 403
        with pytest.raises(PermissionDenied):
            services.initiative_to_idea(by=user, initiative=initiative, process=process,
                                        **FORM)
    assert _state() == before


def test_bad_input_is_refused_on_its_field_and_nothing_is_half_written(
    initiative: Any, barcelona: Any, paris: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    process = _process(barcelona)
    closed = _process(barcelona, "closed", collecting=False)
    elsewhere = _process(paris, "paris-ideas")
    editor = make_user("editor", barcelona)
    before = _state()
    cases = [
        ({"process": process, **FORM, "body": "Too short"}, "body"),  # engagement's rule
        ({"process": process, **FORM, "category": "gardening"}, "category"),
        ({"process": closed, **FORM}, "process"),  # not collecting ideas now
        ({"process": elsewhere, **FORM}, "process"),  # another city's process
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            services.initiative_to_idea(by=editor, initiative=initiative, **kwargs)
        assert field in error.value.message_dict, (field, error.value.message_dict)
    assert _state() == before
    client = client_for(editor)
    form_url = f"/cities/barcelona/hack-days/energy-hack/initiatives/{initiative.pk}/idea/"
    bad = client.post(form_url, {**FORM, "body": "Too short", "process": str(process.pk)})
    assert bad.status_code == 422
    page = bad.content.decode()
    body_field = page[page.index('for="id_body"'):][:1500]
    assert 'class="error"' in body_field.split('for="id_category"')[0]
    api_url = f"/api/v1/cities/barcelona/hack-days/energy-hack/initiatives/{initiative.pk}/idea"
    for body, field in (({**FORM, "process": "nowhere"}, "process"),
                        ({**FORM, "process": "paris-ideas"}, "process"),
                        ({**FORM, "process": "ideas", "body": "short"}, "body")):
        answer = client.post(api_url, body, content_type="application/json")
        assert answer.status_code == 422, body
        assert field in answer.content.decode()
    assert _state() == before
    made = client.post(api_url, {**FORM, "process": "ideas"}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["idea"] == Idea.objects.get().pk


def test_a_failed_link_rolls_the_idea_back(
    initiative: Any, barcelona: Any, make_user: Callable[..., Any],
) -> None:
    """Two editors turning the same initiative at once: the one who links second has their
    idea rolled back instead of leaving an idea no initiative points to."""
    process = _process(barcelona)
    editor = make_user("editor", barcelona)
    stale = HackDayInitiative.objects.select_related("hack_day__city").get(pk=initiative.pk)
    services.initiative_to_idea(by=editor, initiative=initiative, process=process, **FORM)
    assert stale.idea_id is None  # read before the first editor's idea was linked
    with pytest.raises(ValidationError) as error:
        services.initiative_to_idea(by=editor, initiative=stale, process=process,
                                    **{**FORM, "title": "Heat-pump map, again"})
    assert set(error.value.message_dict) == {"initiative"}
    assert Idea.objects.count() == 1


def _main(page: str) -> str:
    return page[page.index('<main id="main"'):]


def test_the_idea_page_leads_back_to_its_hack_day(
    initiative: Any, barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    """The back link of the form goes to the hack day the initiative came from, not to the
    city's insight page (page review)."""
    _process(barcelona)
    client = client_for(make_user("editor", barcelona))
    hack_url = "/cities/barcelona/hack-days/energy-hack/"
    main = _main(client.get(f"{hack_url}initiatives/{initiative.pk}/idea/").content.decode())
    first_link = main[main.index("<a "):].split(">", 1)[0]
    assert f'href="{hack_url}"' in first_link, first_link
    assert 'href="/cities/barcelona/insight/"' not in main


def test_only_processes_collecting_ideas_now_are_offered(
    initiative: Any, barcelona: Any, paris: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    """The process list holds only this city's published processes that accept ideas now, by
    engagement's rule (``Process.is_collecting``); a closed or another city's process is not
    offered, and with none open the list says so."""
    from urbis.engagement.models import Process

    client = client_for(make_user("editor", barcelona))
    form_url = f"/cities/barcelona/hack-days/energy-hack/initiatives/{initiative.pk}/idea/"
    closed = _process(barcelona, "closed", collecting=False)
    _process(paris, "paris-ideas")
    hidden = _process(barcelona, "draft")
    Process.objects.filter(pk=hidden.pk).update(is_published=False)

    def offered() -> tuple[list[str], str]:
        page = client.get(form_url).content.decode()
        select = page[page.index('name="process"'):].split("</select>")[0]
        values = [v.split('"')[0] for v in select.split('value="')[1:]]
        return [v for v in values if v], select

    values, select = offered()
    assert values == [] and "collecting ideas now" in select
    assert str(closed.pk) not in values
    open_now = _process(barcelona)
    values, select = offered()
    assert values == [str(open_now.pk)], select
    assert all(Process.objects.get(pk=v).is_collecting for v in values)
    # A closed process posted anyway is refused by the form, nothing stored.
    answer = client.post(form_url, {**FORM, "process": str(closed.pk)})
    assert answer.status_code == 422 and not Idea.objects.exists()


def test_engagement_rate_limit_answers_429_with_retry_after_as_engagement_does(
    initiative: Any, barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any], settings: Any,
) -> None:
    """An editor over engagement's idea limit gets what engagement's own idea endpoint answers
    (429, Retry-After, a problem document), not the generic 403; nothing is written."""
    settings.URBIS_RATE_LIMITS = {"idea:user": (1, 3600)}
    _process(barcelona)
    client = client_for(make_user("editor", barcelona))
    own = "/api/v1/cities/barcelona/processes/ideas/ideas"
    assert client.post(own, FORM, content_type="application/json").status_code == 201
    before = _state()
    engagement_answer = client.post(own, {**FORM, "title": "Another heat-pump map"},
                                    content_type="application/json")
    api_url = f"/api/v1/cities/barcelona/hack-days/energy-hack/initiatives/{initiative.pk}/idea"
    answer = client.post(api_url, {**FORM, "process": "ideas"}, content_type="application/json")
    assert engagement_answer.status_code == 429
    assert answer.status_code == 429, answer.content
    assert int(answer["Retry-After"]) > 0
    assert answer["Content-Type"] == engagement_answer["Content-Type"]
    assert answer.json()["status"] == 429
    assert _state() == before


def test_an_idea_from_an_illustrative_hack_day_is_labelled_illustrative(
    initiative: Any, barcelona: Any, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    """In a real process, the idea made from an illustrative hack day carries engagement's
    illustrative label on its page (as the ideas of an illustrative process do); one from a real
    hack day does not."""
    from django.utils import translation

    process = _process(barcelona)
    editor = make_user("editor", barcelona)
    real_day = services.save_hack_day(by=None, operator=True, city=barcelona, slug="real-hack",
                                      theme="Mobility data", held_on=dt.date(2026, 4, 2),
                                      participants=30, source="https://example.org/hack")
    real = services.add_initiative(by=None, operator=True, hack_day=real_day,
                                   title="Bike counters", summary="Where people cycle")
    made = services.initiative_to_idea(by=editor, initiative=initiative, process=process, **FORM)
    other = services.initiative_to_idea(by=editor, initiative=real, process=process,
                                        **{**FORM, "title": "Bike counter map"})
    assert not process.is_illustrative
    assert (made.is_illustrative, other.is_illustrative) == (True, False)
    with translation.override("en"):
        label = translation.gettext("Illustrative demo")
    anonymous = client_for(None)
    page = anonymous.get(made.get_absolute_url()).content.decode()
    assert 'id="illustrative-note"' in page and label in page
    assert 'id="illustrative-note"' not in anonymous.get(other.get_absolute_url()).content.decode()
