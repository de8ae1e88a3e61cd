"""The interface is translated into German, French, Dutch and Spanish: every catalogue complete,
nothing fuzzy, and the compiled catalogue in step with its source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client

LOCALE = Path(__file__).resolve().parents[2] / "src" / "urbis" / "locale"
LANGUAGES = ["de", "fr", "nl", "es"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_compiled(language: str) -> None:
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert len(catalogue.translated_entries()) > 50
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in catalogue
              if not e.obsolete}
    built = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in compiled}
    assert built == source, "run scripts/compile-translations"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "Städte"), ("fr", "Villes"), ("nl", "Steden"), ("es", "Ciudades")],
)
def test_pages_speak_the_chosen_language(db: Any, language: str, expected: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    page = client.get("/cities/barcelona/").content.decode()
    assert f'<html lang="{language}">' in page
    assert expected in page
