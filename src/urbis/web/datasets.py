"""Every dataset bundled with Urbis, for the data-sources page: what it is, who published it,
under which licence, of when, where Urbis uses it, and whether its figures are published,
modelled, illustrative or simulated. docs/DATA.md has the full notes;
tests/web/test_data_sources_complete.py fails on a bundled data file that no entry names.

Where a file carries its own provenance (a boundary folder's ``SOURCE.md``, the ``publisher``,
``licence`` and ``year`` columns of the electricity factor files, the sources of the SUS
wordings, the year column of a published table), the entry reads it from the file, so that the
page stays true when the file is updated. Titles, kinds and uses are written here, marked for
translation."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

#: The package folder (``src/urbis``); every ``files`` path is relative to it.
PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Dataset:
    title: str | Promise
    kind: str  # one of KINDS
    publisher: str | Promise
    licence: str | Promise
    date: str | Promise
    #: Where Urbis uses it (pages, the demo, a computation), in a citizen's words.
    used: str | Promise = ""
    #: The bundled files (paths under src/urbis/), for the completeness test; never shown.
    files: tuple[str, ...] = ()


KINDS = {
    "published": _("published figures, stored unchanged"),
    "modelled": _("modelled: computed by Urbis, not measured"),
    "illustrative": _("illustrative examples written for the demo"),
    "simulated": _("simulated: generated at random from a known model"),
    "mixed": _("published facts beside illustrative demo content; each page labels which is which"),
    "written": _("text written for Urbis, with its sources; no figures"),
}

_CITED = _("facts cited with attribution; no text copied")
_OURS = _("same as Urbis")
_EXAMPLES = _("examples written for the demo")


# -- provenance read from the files themselves ------------------------------------------------

def _source_md(folder: str, field: str) -> str:
    """The ``- Field: …`` item of a folder's SOURCE.md (continuation lines joined)."""
    text = (PACKAGE / folder / "SOURCE.md").read_text(encoding="utf-8")
    match = re.search(rf"^- {re.escape(field)}:(.*(?:\n  .*)*)", text, re.MULTILINE)
    if match is None:
        raise LookupError(f"{folder}/SOURCE.md: no '- {field}:' item")
    return " ".join(match.group(1).split()).rstrip(".")


def _rows(path: str) -> list[dict[str, str]]:
    with (PACKAGE / path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def _column(path: str, column: str) -> str:
    """The distinct values of a CSV column, in file order, joined."""
    return "; ".join(_distinct(row[column] for row in _rows(path)))


def _years(*sources: tuple[str, str]) -> str:
    """The years a file's figures are of, from its year or date columns (``(path, column)``
    pairs): a short list, or the first and last year of a longer run."""
    years = sorted({int(row[column][:4]) for path, column in sources for row in _rows(path)
                    if row[column][:4].isdigit()})
    if not years:
        return "—"
    if len(years) <= 3:
        return ", ".join(str(y) for y in years)
    return f"{years[0]}–{years[-1]}"


def _sus_sources() -> list[tuple[str, dict[str, Any], str]]:
    """(language, source, terms of use) of each published SUS wording the form shows."""
    path = PACKAGE / "engagement" / "data" / "sus_wordings.json"
    wordings = json.loads(path.read_text(encoding="utf-8"))["wordings"]
    return [(language, w["source"], w["terms"]) for language, w in wordings.items()]


def _sus_publishers() -> str:
    return "; ".join(f"{language}: {source['authors']} ({source['year']}), {source['title']}"
                     for language, source, _terms in _sus_sources())


def _sus_terms() -> str:
    return "; ".join(_distinct(terms for _language, _source, terms in _sus_sources()))


def _sus_years() -> str:
    return ", ".join(_distinct(str(source["year"]) for _language, source, _terms in _sus_sources()))


def _toml_values(path: str, key: str) -> list[str]:
    """Every text stored under ``key`` anywhere in a demo data file (its ``[about]`` aside)."""
    found: list[str] = []

    def walk(node: object, name: str | None) -> None:
        if isinstance(node, dict):
            for child, value in node.items():
                if child != "about":
                    walk(value, child)
        elif isinstance(node, list):
            for value in node:
                walk(value, name)
        elif isinstance(node, str) and name == key:
            found.append(node)

    with (PACKAGE / path).open("rb") as handle:
        walk(tomllib.load(handle), None)
    return found


def _toml_cited(path: str) -> str:
    """The sources a demo data file names with its records: the titles of its ``sources``
    lists, and its ``source`` texts up to their first ": " (where the quoted statement begins)."""
    with (PACKAGE / path).open("rb") as handle:
        data = tomllib.load(handle)
    titles: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for child, value in node.items():
                if child == "sources" and isinstance(value, list):
                    titles.extend(str(s["title"]) for s in value if isinstance(s, dict))
                elif child == "source" and isinstance(value, str):
                    titles.append(value.split(": ")[0])
                elif child != "about":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return "; ".join(_distinct(" ".join(t.split()) for t in titles))


def _fill(text: str | Promise, **values: str) -> str:
    """``text % values``, translated when shown (``text`` is a lazy translation)."""
    return lazy(lambda: str(text) % values, str)()


def _priorities_source() -> str:
    path = PACKAGE / "policy" / "data" / "priorities.json"
    return str(json.loads(path.read_text(encoding="utf-8"))["source"]).split(";")[0]


_NATIONAL = "engines/scenario/data/national_electricity_factors.csv"
_NATIONAL_YEARLY = "engines/scenario/data/national_electricity_intensity_yearly.csv"
_RENT = "insight/data/barcelona-rent-sant-marti-2014-2019.csv"
_HEAT = "demo/data/paris/district_heat_by_iris_2020.csv"


def _countries(path: str) -> str:
    return ", ".join(_distinct(row["country"] for row in _rows(path)))


DATASETS: tuple[Dataset, ...] = (
    # -- places --------------------------------------------------------------------------------
    Dataset(_("Districts and neighbourhoods of Barcelona"), "published",
            _source_md("demo/boundaries/barcelona", "Publisher"),
            _source_md("demo/boundaries/barcelona", "Licence"), "2020-03-11",
            _("the outlines of Barcelona, its districts and neighbourhoods on every map and page"),
            ("demo/boundaries/barcelona/districtes.geojson",
             "demo/boundaries/barcelona/barris.geojson", "demo/boundaries/barcelona/SOURCE.md")),
    Dataset(_("Arrondissements and quartiers of Paris"), "published",
            _source_md("demo/boundaries/paris", "Publisher"),
            _source_md("demo/boundaries/paris", "Licence"), _("portal export"),
            _("the outlines of Paris, its arrondissements and quartiers on every map and page"),
            ("demo/boundaries/paris/arrondissements.geojson",
             "demo/boundaries/paris/quartiers.geojson", "demo/boundaries/paris/SOURCE.md")),
    Dataset(_("Population and households of Barcelona's districts and neighbourhoods"), "published",
            "Ajuntament de Barcelona, Oficina Municipal de Dades (Padró); INE (census)",
            "CC BY 4.0",
            _years(("demo/data/barcelona/population.csv", "reference_date"),
                   ("demo/data/barcelona/population.csv", "households_reference_date")),
            _("area pages, per-inhabitant and per-household figures, survey weighting"),
            ("demo/data/barcelona/population.csv",)),
    Dataset(_("Population and households of Paris's arrondissements"), "published",
            "INSEE (populations légales; recensement de la population)",
            "Licence Ouverte / Etalab 2.0",
            _years(("demo/data/paris/population.csv", "reference_date"),
                   ("demo/data/paris/population.csv", "households_reference_date")),
            _("area pages, per-inhabitant and per-household figures, survey weighting"),
            ("demo/data/paris/population.csv",)),
    Dataset(_("Built floor area of Barcelona's districts and neighbourhoods"), "published",
            "Ajuntament de Barcelona (cadastre)", "CC BY",
            _years(("demo/data/barcelona/floor_area.csv", "reference_date")),
            _("energy use per square metre on the energy pages"),
            ("demo/data/barcelona/floor_area.csv",)),
    Dataset(_("Population of each city"), "published",
            "Ajuntament de Barcelona (Padró); INSEE (populations légales)",
            "CC BY 4.0; Licence Ouverte / Etalab 2.0",
            _years(("demo/data/cities.csv", "reference_date")),
            _("city pages and per-inhabitant comparisons between cities"),
            ("demo/data/cities.csv",)),
    # -- indicators and targets -----------------------------------------------------------------
    Dataset(_("Indicators of Barcelona (energy, emissions, cycle network, modal shares, NO₂)"),
            "published", "Agència d'Energia de Barcelona; Ajuntament de Barcelona; "
            "Agència de Salut Pública de Barcelona; Generalitat de Catalunya", _CITED,
            _years(("demo/data/barcelona/indicators.csv", "year")),
            _("indicator pages, target progress and city comparisons"),
            ("demo/data/barcelona/indicators.csv",)),
    Dataset(_("Indicators of Paris (carbon footprint, energy, renewables, walking share)"),
            "published", "Ville de Paris; APUR; L'Institut Paris Region", _CITED,
            _years(("demo/data/paris/indicators.csv", "year")),
            _("indicator pages, target progress and city comparisons"),
            ("demo/data/paris/indicators.csv",)),
    Dataset(_("Climate targets of Barcelona and Paris"), "published",
            "Ajuntament de Barcelona (Pla Clima 2018–2030); "
            "Ville de Paris (Plan Climat 2018, 2007/2012)",
            _CITED, "2007–2018", _("the targets of the demo strategies and their progress"),
            ("demo/data/barcelona/targets.md", "demo/data/paris/targets.md")),
    Dataset(_("Indicator catalogue (ISO 37120 and Urbis indicators) and which indicator each "
              "published series is filed under"), "published",
            "ISO 37120 (names and numbers cited); Urbis", _CITED, "2018",
            _("indicator pages and comparisons between cities"),
            ("strategy/catalogue/indicators.csv", "strategy/demo_data/indicators.toml")),
    # -- energy ---------------------------------------------------------------------------------
    Dataset(_("City-wide annual energy consumption"), "published",
            "Agència d'Energia de Barcelona; "
            "Ville de Paris (Bilan énergétique 2009, Plan Climat 2004–2014)",
            _CITED,
            _years(("demo/data/barcelona/energy_annual.csv", "year"),
                   ("demo/data/paris/energy_annual.csv", "year")),
            _("energy pages, and the totals the modelled readings and the demo scenarios are "
              "scaled to"),
            ("demo/data/barcelona/energy_annual.csv", "demo/data/paris/energy_annual.csv")),
    Dataset(_("Daily electricity consumption of Barcelona by postcode and sector"), "published",
            "Ajuntament de Barcelona, Open Data BCN (from Datadis)", "CC BY 4.0", "2019–2020",
            _("the energy map and Barcelona's energy page (city level, labelled measured)"),
            ("demo/data/barcelona/electricity_by_postcode_daily_2019_2020.csv.gz",)),
    Dataset(_("District heat delivered in Paris by IRIS and sector"), "published",
            "SDES, Ministère de la Transition écologique (from the heat network operators)",
            "Licence Ouverte / Etalab 2.0",
            _fill(_("%(years)s (December 2021 edition)"), years=_years((_HEAT, "year"))),
            _("the energy map and the energy pages of the quartiers and arrondissements "
              "(labelled measured)"),
            (_HEAT,)),
    Dataset(_("IRIS of Paris (outlines)"), "published", "IGN – INSEE, Contours IRIS",
            "Licence Ouverte / Etalab 2.0", "2013",
            _("placing the district heat of each IRIS on the quartiers of its arrondissement"),
            ("demo/data/paris/iris_polygons_2013.geojson.gz",)),
    Dataset(_("Meter readings of the energy map and the competition"), "modelled",
            _("Urbis, scaled to the published city-wide consumption"), _OURS, "2024–2025",
            _("the energy map, area energy pages and the competition's leaderboard (labelled "
              "modelled)"),
            ("energy/demo_data/cities.toml",)),
    Dataset(_("Energy competition: teams, members, initiatives, best practices"), "illustrative",
            _EXAMPLES, _OURS, "2025–2026", _("the competition pages (labelled example)"),
            ("energy/demo_data/competition.toml",)),
    # -- engagement -----------------------------------------------------------------------------
    Dataset(_("Ideas, votes, comments, workshops and the usability study"), "illustrative",
            _EXAMPLES, _OURS, "—", _("the demo participation processes (labelled illustrative)"),
            ("engagement/demo_data/barcelona.toml", "engagement/demo_data/paris.toml")),
    Dataset(_("Wording of the System Usability Scale questionnaire"), "published",
            _sus_publishers(), _sus_terms(), _sus_years(),
            _("the usability-study questionnaire and its scoring"),
            ("engagement/data/sus_wordings.json",)),
    # -- strategy and policy --------------------------------------------------------------------
    Dataset(_("Strategies: visions, actions, milestones and the network dashboard"), "illustrative",
            _EXAMPLES, _OURS, "—", _("the demo strategies and the network dashboard (labelled "
                                     "illustrative)"),
            ("strategy/demo_data/barcelona.toml", "strategy/demo_data/paris.toml")),
    Dataset(_("Departments and public bodies responsible for actions"), "mixed",
            _("the cities' own bodies, under their own names; their roles in the demo actions "
              "are examples"), _OURS, "—", _("the demo strategies' actions and targets"),
            ("strategy/demo_data/departments.toml",)),
    Dataset(_("Climate commitments of Barcelona and Paris"), "published",
            _toml_cited("policy/demo_data/commitments.toml"), _CITED, "2017, 2020",
            _("the commitments and roadmaps pages"),
            ("policy/demo_data/commitments.toml",)),
    Dataset(_("Organisations taking part (Taula d'Emergència Climàtica, Région Île-de-France)"),
            "published", _("the organisations themselves; EFE"), _CITED, "2020",
            _("the organisations pages"), ("policy/demo_data/organisations.toml",)),
    Dataset(_("Regulatory barriers and the laws they cite"), "mixed",
            "; ".join(_distinct(_toml_values("policy/demo_data/barriers.toml",
                                             "legal_reference"))),
            _CITED, "2018, 2019",
            _("the regulatory barriers pages: the laws are real, which city raised which barrier "
              "is an example"),
            ("policy/demo_data/barriers.toml",)),
    Dataset(_("Innovation zones: the Poblenou superblock and Paris's car-free days"), "mixed",
            _toml_cited("policy/demo_data/zones.toml"), _CITED, "2015–2017",
            _("the innovation zones pages: dates are published, the outlines are illustrative"),
            ("policy/demo_data/zones.toml",)),
    Dataset(_("Project bundles and regulatory fitness checks"), "illustrative",
            _EXAMPLES, _OURS, "—", _("the bundles and fitness-check pages (labelled illustrative)"),
            ("policy/demo_data/bundles.toml", "policy/demo_data/fitness_checks.toml")),
    Dataset(_("Priorities of the EIP-SCC Operational Implementation Plan"), "published",
            _fill(_("%(source)s (section numbers); short titles by Urbis"),
                  source=_priorities_source()),
            _CITED, "2014", _("the priorities that strategies and actions are filed under"),
            ("policy/data/priorities.json",)),
    # -- scenarios ------------------------------------------------------------------------------
    Dataset(_("Standard emission factors (Covenant of Mayors, IPCC 2006 defaults)"), "published",
            "European Commission, Joint Research Centre", _CITED, "2010, 2017",
            _("emissions of fuels in the scenarios"),
            ("engines/scenario/data/emission_factors.csv",)),
    Dataset(_fill(_("National electricity emission factors, single published figures "
                    "(%(countries)s)"), countries=_countries(_NATIONAL)), "published",
            _column(_NATIONAL, "publisher"), _column(_NATIONAL, "licence"),
            _years((_NATIONAL, "year")),
            _("emissions of electricity in the scenarios, for a country the yearly series does "
              "not cover"),
            (_NATIONAL,)),
    Dataset(_fill(_("National electricity carbon intensity, yearly series (%(countries)s)"),
                  countries=_countries(_NATIONAL_YEARLY)), "published",
            _column(_NATIONAL_YEARLY, "publisher"), _column(_NATIONAL_YEARLY, "licence"),
            _years((_NATIONAL_YEARLY, "year")),
            _("emissions of electricity in the scenarios, year by year"),
            (_NATIONAL_YEARLY,)),
    Dataset(_("Scenarios: split of energy by sector and carrier, measures and their effects"),
            "illustrative", _EXAMPLES, _OURS, "—",
            _("the demo scenarios (labelled illustrative; their city totals are published)"),
            ("scenarios/demo_data/barcelona.toml", "scenarios/demo_data/paris.toml")),
    # -- insight --------------------------------------------------------------------------------
    Dataset(_("Mean rent per m² of the barris of Sant Martí, Barcelona, each quarter"),
            "published", _("Ajuntament de Barcelona, Open Data BCN (mean rent of dwellings)"),
            "CC BY 4.0", _years((_RENT, "year")),
            _("the evaluation of the Poblenou superblock pilot (an observational comparison)"),
            (_RENT,)),
    Dataset(_("Case studies, living labs and pilots"), "mixed",
            _toml_cited("insight/demo_data/practices.toml"), _CITED, "2016–2020",
            _("the insight pages: case studies are published, partnerships and adoptions are "
              "examples"),
            ("insight/demo_data/practices.toml",)),
    Dataset(_("Catalogue of engagement and insight methods"), "mixed",
            _("Urbis, summarising the catalogues it cites (OECD, Participedia and others)"),
            _CITED, "—",
            _("the methods finder; its cost and duration levels are indicative, not measured"),
            ("insight/data/methods.json",)),
    Dataset(_("Questions of the cross-city attitude survey"), "written",
            "Urbis", _OURS, "—", _("the attitude survey and its comparison between cities"),
            ("insight/data/questions.json",)),
    Dataset(_("Survey respondents of the weighting demo"), "simulated",
            _("Urbis, from a known model"), _OURS, "—",
            _("the survey results (labelled simulated)"), ("insight/demo_data/survey.toml",)),
)
