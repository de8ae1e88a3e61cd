"""The SUS questionnaire's wording comes from the bundled data file, each entry with its source:
a reader sees the published wording of their language when one is bundled, else Brooke's
English with a note saying no translation is bundled; the page cites the wording's source
(issue 16)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from urbis.engagement import services, sus_wordings
from urbis.engagement.models import Study
from urbis.engines.survey import sus

INTERFACE_LANGUAGES = ("en", "de", "fr", "nl", "es")


@pytest.fixture
def usability(barcelona: Any) -> Study:
    return services.create_study(
        by=None, city=barcelona, kind=Study.Kind.USABILITY, title="Map usability",
        opens=timezone.now() - dt.timedelta(days=1), closes=timezone.now() + dt.timedelta(days=9),
        tasks=["Find your neighbourhood"],
    )


def _page(client: Any, study: Study, language: str) -> str:
    response = client.get(study.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_bundled_file_has_ten_items_and_a_source_per_language() -> None:
    raw = json.loads(sus_wordings.DATA.read_text(encoding="utf-8"))["wordings"]
    assert set(raw) <= set(INTERFACE_LANGUAGES)
    loaded = sus_wordings.load()
    assert set(loaded) == set(raw)
    for language, wording in loaded.items():
        assert len(wording.items) == sus.ITEMS == 10, language
        assert len(set(wording.items)) == 10, language
        assert wording.source.authors and wording.source.year and wording.source.title, language
        assert wording.terms and wording.disagree and wording.agree, language


def test_english_entry_is_the_engine_s_brooke_wording() -> None:
    english = sus_wordings.load()["en"]
    assert english.items == sus.STATEMENTS
    assert (english.source.authors, english.source.year) == ("John Brooke", 1996)


def test_data_file_is_listed_on_the_data_sources_page() -> None:
    from urbis.web.datasets import DATASETS

    listed = {f for d in DATASETS for f in d.files}
    assert "engagement/data/sus_wordings.json" in listed
    assert sus_wordings.DATA.as_posix().endswith("src/urbis/engagement/data/sus_wordings.json")


def test_reader_language_picks_its_own_entry_else_the_english_original() -> None:
    wordings = sus_wordings.load()
    for language in INTERFACE_LANGUAGES:
        wording, own = sus_wordings.for_language(language, wordings)
        if language in wordings:
            assert (wording.language, own) == (language, True)
        else:
            assert (wording.language, own) == ("en", False)
    assert sus_wordings.for_language("en-gb", wordings) == (wordings["en"], True)
    assert sus_wordings.for_language(None, wordings) == (wordings["en"], True)


def _entry(first_item: str) -> dict[str, Any]:
    return {
        "items": [first_item] + [f"statement {n}" for n in range(2, 11)],
        "scale": {"1": "low end", "5": "high end"},
        "source": {"authors": "A. Author", "year": 2020, "title": "A title", "url": ""},
        "terms": "cite the source",
    }


def test_a_bundled_translation_is_chosen_for_its_readers(tmp_path: Path) -> None:
    path = tmp_path / "wordings.json"
    path.write_text(json.dumps({"wordings": {"en": _entry("English one"),
                                             "de": _entry("German one")}}), encoding="utf-8")
    wordings = sus_wordings.load(path)
    wording, own = sus_wordings.for_language("de-de", wordings)
    assert (wording.items[0], wording.source.authors, own) == ("German one", "A. Author", True)
    wording, own = sus_wordings.for_language("fr", wordings)
    assert (wording.items[0], own) == ("English one", False)


@pytest.mark.parametrize(("change", "message"), [
    (lambda e: e["items"].pop(), "wordings.de.items: exactly 10 statements expected, got 9"),
    (lambda e: e.pop("source"), "wordings.de.source: required"),
    (lambda e: e["source"].update(year="2020"), "wordings.de.source.year: a year expected"),
    (lambda e: e["items"].__setitem__(3, " "), "wordings.de.items[3]: required text expected"),
    (lambda e: e["scale"].pop("5"), "wordings.de.scale.5: required text expected"),
    (lambda e: e.pop("terms"), "wordings.de.terms: required text expected"),
])
def test_a_malformed_entry_refuses_the_file_naming_entry_and_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], Any], message: str,
) -> None:
    german = _entry("German one")
    change(german)
    path = tmp_path / "wordings.json"
    path.write_text(json.dumps({"wordings": {"en": _entry("English one"), "de": german}}),
                    encoding="utf-8")
    with pytest.raises(sus_wordings.WordingFileError) as refused:
        sus_wordings.load(path)
    assert f"wordings.json: {message}" in str(refused.value)


def test_a_file_without_the_english_original_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wordings.json"
    path.write_text(json.dumps({"wordings": {"de": _entry("German one")}}), encoding="utf-8")
    with pytest.raises(sus_wordings.WordingFileError, match="English original"):
        sus_wordings.load(path)


def test_english_page_shows_brooke_s_items_and_cites_them(
    usability: Study, make_user: Callable[..., Any], client_for: Callable[..., Any],
) -> None:
    page = _page(client_for(make_user()), usability, "en")
    assert '1. <span lang="en">I think that I would like to use this system frequently.</span>' \
        in page
    assert '10. <span lang="en">I needed to learn a lot of things before I could get going ' \
        'with this system.</span>' in page
    assert 'id="sus-source"' in page
    assert "in its published wording" in page
    assert "John Brooke (1996), SUS: A Quick and Dirty Usability Scale" in page
    assert "No published translation" not in page
    assert '<span lang="en">Strongly disagree</span>' in page


@pytest.mark.parametrize("language", [lang for lang in INTERFACE_LANGUAGES if lang != "en"])
def test_each_interface_language_shows_its_published_wording_or_the_english_with_a_note(
    usability: Study, make_user: Callable[..., Any], client_for: Callable[..., Any],
    language: str,
) -> None:
    page = _page(client_for(make_user()), usability, language)
    wording, own = sus_wordings.for_language(language)
    first = f'1. <span lang="{wording.language}">{wording.items[0]}</span>'
    assert first in page
    assert f"{wording.source.authors} ({wording.source.year})" in page
    if own:
        assert wording.language == language
    else:
        # No published translation of this language is bundled: the English original, said so.
        assert '1. <span lang="en">I think that I would like to use this system frequently.' \
            '</span>' in page
        assert 'id="sus-source"' in page
        assert "John Brooke (1996)" in page


def test_german_page_without_a_bundled_translation_says_so_in_the_page(
    usability: Study, make_user: Callable[..., Any], client_for: Callable[..., Any],
) -> None:
    if "de" in sus_wordings.bundled():
        pytest.skip("a German translation is bundled; the note is not shown")
    page = _page(client_for(make_user()), usability, "de")
    note = page.split('id="sus-source">', 1)[1].split("</p>", 1)[0]
    assert "<cite" in note
    # The note's sentence is worded by gettext; without a catalogue entry it reads in English.
    assert "John Brooke (1996)" in note
    assert "in its published wording" not in note
