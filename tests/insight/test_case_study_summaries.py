"""Case-study summaries in several interface languages: stored through the service (form and
API), shown in the reader's language, or in the original with a note naming its language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from urbis.insight import queries, services
from urbis.insight.models import CaseStudy

pytestmark = pytest.mark.django_db

SPANISH = "Las supermanzanas devuelven la calle a los vecinos."
ENGLISH = "Superblocks give the street back to residents."
CASE = {"slug": "superblocks", "title": "Superblocks", "place_name": "Barcelona",
        "theme": "mobility", "problem": "Traffic", "what_was_done": "Superblocks",
        "results": "Fewer cars (city report)", "sources": [{"title": "City report", "url": ""}]}


def _make(barcelona: Any) -> Any:
    return services.create_case_study(by=None, operator=True, city=barcelona, **CASE,
                                      summaries={"es": SPANISH, "en": ENGLISH},
                                      summary_language="es")


def test_the_page_shows_the_readers_language_or_the_original_with_a_note(
    barcelona: Any,
) -> None:
    _make(barcelona)
    url = "/insight/case-studies/superblocks/"
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get(url).content.decode()
    assert f'<p lang="es">{SPANISH}</p>' in spanish and ENGLISH not in spanish
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert f'<p lang="en">{ENGLISH}</p>' in english and SPANISH not in english
    german = Client(HTTP_ACCEPT_LANGUAGE="de").get(url).content.decode()
    assert f'<p lang="es">{SPANISH}</p>' in german
    with translation.override("de"):
        note = translation.gettext(
            "This summary is only available in its original language, %(language)s.") % {
            "language": translation.get_language_info("es")["name_translated"]}
    assert note in german
    # The API gives every summary and the one for the request's language.
    api = Client(HTTP_ACCEPT_LANGUAGE="de").get("/api/v1/insight/case-studies/superblocks")
    data = api.json()
    assert data["summaries"] == {"es": SPANISH, "en": ENGLISH}
    assert data["summary"]["language"] == "es" and data["summary"]["fallback"] is True
    assert data["summary"]["note"] == note


def test_a_case_without_summary_shows_no_summary_section(barcelona: Any) -> None:
    services.create_case_study(by=None, operator=True, city=barcelona, **CASE)
    assert queries.case_summary(CaseStudy.objects.get()) is None
    page = Client().get("/insight/case-studies/superblocks/").content.decode()
    assert 'id="summary-heading"' not in page


def test_bad_summaries_are_refused_and_nothing_is_stored(barcelona: Any) -> None:
    cases = [
        ({"summaries": {"it": "Superisolati"}, "summary_language": "it"}, "summaries"),
        ({"summaries": {"es": SPANISH}, "summary_language": "en"}, "summary_language"),
        ({"summaries": {"es": SPANISH}, "summary_language": ""}, "summary_language"),
        ({"summaries": {}, "summary_language": "es"}, "summary_language"),
        ({"summaries": {"es": "x" * 2001}, "summary_language": "es"}, "summaries"),
        ({"summaries": ["es", SPANISH], "summary_language": "es"}, "summaries"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as error:
            services.create_case_study(by=None, operator=True, city=barcelona, **CASE, **extra)
        assert field in error.value.message_dict, (extra, error.value.message_dict)
    assert not CaseStudy.objects.exists()
    case = _make(barcelona)
    with pytest.raises(ValidationError):
        services.save_case_study(by=None, operator=True, city=barcelona, case=case, **CASE,
                                 summaries={"es": SPANISH, "xx": "?"}, summary_language="es")
    case.refresh_from_db()
    assert case.summaries == {"es": SPANISH, "en": ENGLISH}


def test_form_and_api_store_translations(
    barcelona: Any, make_user: Callable[..., Any], client_for: Callable[..., Any],
) -> None:
    editor = client_for(make_user("editor", barcelona))
    form = {**{k: v for k, v in CASE.items() if k != "sources"}, "sources": "City report",
            "method": "", "summary_language": "es", "summary_es": SPANISH,
            "summary_fr": "Les super-îlots rendent la rue aux habitants."}
    bad = editor.post("/cities/barcelona/case-studies/new/", {**form, "summary_language": "en"})
    assert bad.status_code == 422 and not CaseStudy.objects.exists()
    assert editor.post("/cities/barcelona/case-studies/new/", form).status_code == 302
    case = CaseStudy.objects.get()
    assert case.summaries == {"es": SPANISH,
                              "fr": "Les super-îlots rendent la rue aux habitants."}
    assert case.summary_language == "es"
    edit_page = editor.get("/insight/case-studies/superblocks/edit/").content.decode()
    assert SPANISH in edit_page
    # API: a change that leaves the summaries out keeps them; one that gives them replaces them.
    body = {**CASE, "title": "Superblocks (Superilles)"}
    kept = editor.put("/api/v1/insight/case-studies/superblocks", body,
                      content_type="application/json")
    assert kept.status_code == 200 and kept.json()["summaries"]["fr"].startswith("Les")
    replaced = editor.put("/api/v1/insight/case-studies/superblocks",
                          {**body, "summaries": {"en": ENGLISH, "nl": "Superblokken."},
                           "summary_language": "en"}, content_type="application/json")
    assert replaced.status_code == 200
    case.refresh_from_db()
    assert case.summaries == {"en": ENGLISH, "nl": "Superblokken."}
    refused = editor.put("/api/v1/insight/case-studies/superblocks",
                         {**body, "summaries": {"pt": "Superquarteirões"},
                          "summary_language": "pt"}, content_type="application/json")
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} >= {"summaries"}
    case.refresh_from_db()
    assert case.summaries == {"en": ENGLISH, "nl": "Superblokken."}
