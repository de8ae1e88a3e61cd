"""Which wording of the System Usability Scale a reader is shown, and where it was published.

The ten statements are a standardised questionnaire: a reader sees them either in Brooke's
(1996) English or in a translation read from a publication, never in a wording made by the
interface's translators (scores from an ad hoc translation compare with no published norm).
``data/sus_wordings.json`` holds one entry per language with the ten items, the labels of the
scale's ends, the source and its terms of use; a language without an entry gets the English
original, and the page says so."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from urbis.engines.survey.sus import ITEMS

DATA = Path(__file__).with_name("data") / "sus_wordings.json"
ORIGINAL = "en"


class WordingFileError(ValueError):
    """The bundled wording file is malformed; the message names the file, entry and field.
    A developer's error (no reader can cause it), so it stays English."""


@dataclass(frozen=True)
class Source:
    authors: str
    year: int
    title: str
    published_in: str
    url: str


@dataclass(frozen=True)
class Wording:
    language: str
    items: tuple[str, ...]
    disagree: str  # the published label of answer 1
    agree: str  # the published label of answer 5
    source: Source
    terms: str


def _text(value: Any, where: str, *, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise WordingFileError(f"{where}: {'required text' if required else 'text'} expected, "
                               f"got {value!r}")
    return value.strip()


def _entry(language: str, raw: Any, where: str) -> Wording:
    if not isinstance(raw, dict):
        raise WordingFileError(f"{where}: an object expected")
    items = raw.get("items")
    if not isinstance(items, list) or len(items) != ITEMS:
        count = len(items) if isinstance(items, list) else "no list of"
        raise WordingFileError(f"{where}.items: exactly {ITEMS} statements expected, got {count}")
    scale = raw.get("scale")
    if not isinstance(scale, dict):
        raise WordingFileError(f"{where}.scale: an object with the labels of 1 and 5 expected")
    source = raw.get("source")
    if not isinstance(source, dict):
        raise WordingFileError(f"{where}.source: required (authors, year, title, published_in, "
                               "url)")
    year = source.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise WordingFileError(f"{where}.source.year: a year expected, got {year!r}")
    return Wording(
        language=language,
        items=tuple(_text(item, f"{where}.items[{n}]") for n, item in enumerate(items)),
        disagree=_text(scale.get("1"), f"{where}.scale.1"),
        agree=_text(scale.get("5"), f"{where}.scale.5"),
        source=Source(
            authors=_text(source.get("authors"), f"{where}.source.authors"),
            year=year,
            title=_text(source.get("title"), f"{where}.source.title"),
            published_in=_text(source.get("published_in", ""), f"{where}.source.published_in",
                               required=False),
            url=_text(source.get("url", ""), f"{where}.source.url", required=False),
        ),
        terms=_text(raw.get("terms"), f"{where}.terms"),
    )


def load(path: Path = DATA) -> dict[str, Wording]:
    """Every entry of a wording file, checked whole: one bad field refuses the file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WordingFileError(f"{path}: not a readable JSON file ({exc})") from exc
    entries = document.get("wordings") if isinstance(document, dict) else None
    if not isinstance(entries, dict):
        raise WordingFileError(f"{path}: a 'wordings' object keyed by language expected")
    wordings = {lang: _entry(lang, raw, f"{path.name}: wordings.{lang}")
                for lang, raw in entries.items()}
    if ORIGINAL not in wordings:
        raise WordingFileError(f"{path}: the English original ({ORIGINAL!r}) is required")
    return wordings


@cache
def bundled() -> dict[str, Wording]:
    return load()


def for_language(language: str | None,
                 wordings: dict[str, Wording] | None = None) -> tuple[Wording, bool]:
    """The wording for a reader of ``language`` (``de``, ``de-at``, …) and whether it is in
    that language (False: the English original, shown because no translation is bundled)."""
    available = bundled() if wordings is None else wordings
    primary = (language or ORIGINAL).lower().split("-")[0]
    if primary in available:
        return available[primary], True
    return available[ORIGINAL], False
