"""Survey services, API and pages: answers stored all or nothing, one per account or invitation,
every write refused without the role, results weighted and labelled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.concurrency import in_threads
from urbis.insight import services
from urbis.insight.models import Answer, Response, Survey

from .conftest import GOOD

pytestmark = pytest.mark.django_db


def _answer(survey: Survey, by: Any, answers: dict[str, Any] | None = None, **extra: Any) -> Any:
    return services.submit_response(
        by=by, survey=survey,
        answers=answers if answers is not None else {"energy-concern.v1": "4"},
        **{**GOOD, **extra},
    )


def test_a_member_answers_once(open_survey: Survey, make_user: Callable[..., Any]) -> None:
    person = make_user()
    _answer(open_survey, person, {"energy-concern.v1": "5", "energy-heating-setpoint.v1": 19.5,
                                   "mobility-options-used.v1": ["bikeshare", "carshare"]})
    assert Answer.objects.filter(response__user=person).count() == 3
    with pytest.raises(ValidationError, match="already been answered"):
        _answer(open_survey, person)
    assert Response.objects.filter(user=person).count() == 1


@pytest.mark.parametrize(
    ("answers", "extra", "field"),
    [
        ({}, {}, "energy-concern.v1"),  # required answer missing
        ({"energy-concern.v1": "7"}, {}, "energy-concern.v1"),  # not on the scale
        ({"energy-concern.v1": "4", "energy-heating-setpoint.v1": 45}, {},
         "energy-heating-setpoint.v1"),  # out of range
        ({"energy-concern.v1": "4", "energy-heating-setpoint.v1": "warm"}, {},
         "energy-heating-setpoint.v1"),
        ({"energy-concern.v1": "4", "mobility-options-used.v1": ["plane"]}, {},
         "mobility-options-used.v1"),
        ({"energy-concern.v1": "4", "unknown.v1": "1"}, {}, "unknown.v1"),
        ({"energy-concern.v1": "4"}, {"consent": False}, "consent"),
        ({"energy-concern.v1": "4"}, {"district": "Atlantis"}, "district"),
        ({"energy-concern.v1": "4"}, {"age_band": "0-5"}, "age_band"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(
    open_survey: Survey, make_user: Callable[..., Any], answers: dict[str, Any],
    extra: dict[str, Any], field: str,
) -> None:
    with pytest.raises(ValidationError) as error:
        _answer(open_survey, make_user(), answers, **extra)
    assert field in error.value.message_dict
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_a_closed_survey_takes_no_answer(
    open_survey: Survey, make_user: Callable[..., Any]
) -> None:
    open_survey.closes = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    open_survey.save()
    with pytest.raises(ValidationError, match="not open"):
        _answer(open_survey, make_user())
    assert Response.objects.count() == 0


def test_anonymous_needs_an_invitation(open_survey: Survey, make_user: Callable[..., Any],
                                       barcelona: Any) -> None:
    with pytest.raises(PermissionDenied):
        _answer(open_survey, None)
    editor = make_user("editor", barcelona)
    (token,) = services.create_invitations(by=editor, survey=open_survey, count=1)
    _answer(open_survey, None, token=token)
    with pytest.raises(ValidationError, match="already been answered"):
        _answer(open_survey, None, token=token)
    with pytest.raises(ValidationError, match="not valid"):
        _answer(open_survey, None, token="forged")
    assert Response.objects.count() == 1


def test_writes_need_the_editor_role(open_survey: Survey, make_user: Callable[..., Any],
                                     barcelona: Any, paris: Any) -> None:
    member = make_user("member", barcelona)
    other_editor = make_user("editor", paris)
    now = dt.datetime.now(dt.UTC)
    for user in (None, member, other_editor):
        with pytest.raises(PermissionDenied):
            services.create_survey(by=user, city=barcelona, slug="x", title="X", opens=now,
                                   closes=now + dt.timedelta(days=1),
                                   questions=[("energy-concern.v1", True)])
        with pytest.raises(PermissionDenied):
            services.create_invitations(by=user, survey=open_survey, count=3)
        with pytest.raises(PermissionDenied):
            services.refresh_results(by=user, survey=open_survey)
        with pytest.raises(PermissionDenied):
            services.set_margins(by=user, city=barcelona, variable="sex", counts={"male": 1},
                                 source="x")
    assert Survey.objects.count() == 1 and open_survey.invitations.count() == 0


def test_bad_survey_definition_is_refused(bank: None, barcelona: Any,
                                          make_user: Callable[..., Any]) -> None:
    editor = make_user("editor", barcelona)
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(ValidationError) as error:
        services.create_survey(by=editor, city=barcelona, slug="s", title="", opens=now,
                               closes=now, questions=[("nope.v9", True)])
    assert {"title", "closes", "questions"} <= set(error.value.message_dict)
    assert Survey.objects.count() == 0


def test_simulated_answers_never_enter_a_real_survey(open_survey: Survey) -> None:
    with pytest.raises(ValidationError, match="simulated survey"):
        services.store_simulated_responses(open_survey, [])


def test_results_are_weighted_and_flag_small_samples(
    open_survey: Survey, make_user: Callable[..., Any], barcelona: Any
) -> None:
    # Nord: 3 people, all agree; Sud: 1 person, disagrees. Sud has 60 % of residents.
    services.set_margins(by=None, operator=True, city=barcelona, variable="sex",
                         counts={"female": 100_000}, source="test")
    for district, answer in (("Nord", "5"), ("Nord", "4"), ("Nord", "4"), ("Sud", "1")):
        _answer(open_survey, make_user(), {"energy-concern.v1": answer}, district=district)
    services.refresh_results(by=make_user("editor", barcelona), survey=open_survey)
    open_survey.refresh_from_db()
    item = open_survey.results["items"][0]
    shares = {s["code"]: s["share"] for s in item["city"]["shares"]}
    # Weighted: Nord's three answers stand for 40 % of residents, Sud's one for 60 %.
    assert shares["1"] == pytest.approx(0.6)
    assert shares["4"] + shares["5"] == pytest.approx(0.4)
    assert item["city"]["small_sample"] is True
    assert [d["district"] for d in item["districts"]] == ["Nord", "Sud"]
    assert open_survey.results["weighting"]["error"] is None


# ------------------------------------------------------------------ API and pages


def test_api_answer_and_refusals(open_survey: Survey, make_user: Callable[..., Any],
                                 client_for: Callable[..., Any], barcelona: Any) -> None:
    url = "/api/v1/cities/barcelona/surveys/attitudes/responses"
    body = {"answers": {"energy-concern.v1": "3"}, **GOOD}
    assert client_for(None).post(url, body, content_type="application/json").status_code == 401
    bad = client_for(make_user()).post(
        url, {**body, "answers": {"energy-concern.v1": "9"}}, content_type="application/json")
    assert bad.status_code == 422 and Response.objects.count() == 0
    ok = client_for(make_user()).post(url, body, content_type="application/json")
    assert ok.status_code == 201
    refresh = "/api/v1/cities/barcelona/surveys/attitudes/results"
    assert client_for(make_user("member", barcelona)).post(refresh).status_code == 403
    assert client_for(None).get(refresh).status_code == 404
    assert client_for(make_user("editor", barcelona)).post(refresh).status_code == 200
    assert client_for(None).get(refresh).json()["n"] == 1
    csv_text = client_for(None).get(refresh + ".csv").content.decode()
    header, *lines = csv_text.splitlines()
    assert header == "question,scope,district,answer,share,low,high,n,small_sample,simulated"
    assert "energy-concern.v1,city,,3,1.0," in csv_text and lines
    detail = client_for(None).get("/api/v1/cities/barcelona/surveys/attitudes").json()
    assert detail["districts"] == ["Nord", "Sud"] and len(detail["questions"]) == 3


def test_page_form_stores_or_explains(open_survey: Survey, make_user: Callable[..., Any],
                                      client_for: Callable[..., Any], barcelona: Any) -> None:
    client = client_for(make_user())
    url = "/cities/barcelona/surveys/attitudes/"
    assert client.get(url).status_code == 200
    form = {"age_band": "65+", "sex": "male", "district": "Sud", "consent": "on",
            "energy-heating-setpoint.v1": "5"}
    refused = client.post(url, form)
    assert refused.status_code == 422 and "Nothing was stored" in refused.content.decode()
    assert Response.objects.count() == 0
    assert client.post(url, {**form, "energy-concern.v1": "2",
                             "energy-heating-setpoint.v1": "21"}).status_code == 302
    assert Response.objects.count() == 1
    refresh = "/cities/barcelona/surveys/attitudes/refresh"
    assert client_for(make_user("member", barcelona)).post(refresh).status_code == 403
    assert client_for(make_user("editor", barcelona)).post(refresh).status_code == 302
    page = client_for(None).get("/cities/barcelona/surveys/attitudes/results/").content.decode()
    assert "Small sample" in page and "<table" in page


def test_personal_data_export_and_anonymise(open_survey: Survey,
                                            make_user: Callable[..., Any]) -> None:
    from urbis.insight import personal_data

    person = make_user()
    _answer(open_survey, person, {"energy-concern.v1": "2"})
    exported = personal_data.export(person)["survey_responses"]
    assert exported[0]["answers"] == {"energy-concern.v1": "2"}
    personal_data.anonymise(person)
    assert personal_data.export(person)["survey_responses"] == []
    assert Response.objects.filter(user=None).count() == 1


# ------------------------------------------------------------------ concurrency (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_response_per_account_and_token_under_concurrency(
    postgres_only: None, places: None, open_survey: Survey, make_user: Callable[..., Any]
) -> None:
    person = make_user()
    results = in_threads(8, lambda n: _answer(open_survey, person))
    assert sum(isinstance(r, Response) for r in results) == 1
    assert all(isinstance(r, ValidationError) for r in results if not isinstance(r, Response))
    editor = make_user("editor", open_survey.city)
    (token,) = services.create_invitations(by=editor, survey=open_survey, count=1)
    results = in_threads(8, lambda n: _answer(open_survey, None, token=token))
    assert sum(isinstance(r, Response) for r in results) == 1
    assert Response.objects.count() == 2 and Answer.objects.count() == 2


def test_questionnaire_builder_page(bank: None, barcelona: Any, make_user: Callable[..., Any],
                                    client_for: Callable[..., Any]) -> None:
    url = "/cities/barcelona/surveys/new/"
    form = {"title": "Mobility 2027", "slug": "mobility-2027", "opens": "2027-01-01T09:00",
            "closes": "2027-02-01T09:00", "questions": ["mobility-main-mode.v1",
                                                        "trust-city-climate.v1"],
            "required": ["mobility-main-mode.v1"]}
    assert client_for(make_user("member", barcelona)).post(url, form).status_code == 403
    assert client_for(None).get(url).status_code == 302  # to the sign-in page
    editor = client_for(make_user("editor", barcelona))
    assert editor.get(url).status_code == 200
    bad = editor.post(url, {**form, "closes": "2026-01-01T09:00", "questions": []})
    assert bad.status_code == 422 and not Survey.objects.exists()
    assert editor.post(url, form).status_code == 302
    survey = Survey.objects.get(slug="mobility-2027")
    assert [(i.version.key, i.required) for i in survey.items.all()] == [
        ("mobility-main-mode.v1", True), ("trust-city-climate.v1", False)]


def test_results_page_shows_the_latest_fit_in_the_readers_language(
    open_survey: Survey, make_user: Callable[..., Any], barcelona: Any
) -> None:
    """The per-question tables are cached per stored fit and language: a new fit or another
    language never gets a stale copy."""
    import re

    from django.test import Client

    for district, answer in (("Nord", "5"), ("Sud", "1")):
        _answer(open_survey, make_user(), {"energy-concern.v1": answer}, district=district)
    editor = make_user("editor", barcelona)
    services.refresh_results(by=editor, survey=open_survey)
    url = f"/cities/barcelona/surveys/{open_survey.slug}/results/"

    def sud_answers(language: str) -> tuple[str, str]:
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get(url).content.decode()
        found = re.search(r'<th scope="row">Sud</th><td>(\d+)', page)
        assert found is not None
        return found.group(1), page

    count, page = sud_answers("en")
    assert count == "1" and "Weighted share" in page
    _answer(open_survey, make_user(), {"energy-concern.v1": "4"}, district="Sud")
    services.refresh_results(by=editor, survey=open_survey)
    count, _page = sud_answers("en")
    assert count == "2"
    _count, german = sud_answers("de")
    assert "Gewichteter Anteil" in german and "Weighted share" not in german
