"""Every dataset bundled with Urbis, for the data-sources page: what it is, who published it,
under which licence, of when, and whether its figures are published, modelled, illustrative or
simulated. docs/DATA.md has the full notes; tests/web/test_honesty.py checks that each
bundled data file is named here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Dataset:
    title: str | Promise
    kind: str  # one of KINDS
    publisher: str | Promise
    licence: str | Promise
    date: str | Promise
    #: The bundled files (paths under src/urbis/), for the completeness test; never shown.
    files: tuple[str, ...] = ()


KINDS = {
    "published": _("published figures, stored unchanged"),
    "modelled": _("modelled: computed by Urbis, not measured"),
    "illustrative": _("illustrative examples written for the demo"),
    "simulated": _("simulated: generated at random from a known model"),
}

_CITED = _("facts cited with attribution; no text copied")

DATASETS: tuple[Dataset, ...] = (
    Dataset(_("Districts and neighbourhoods of Barcelona"), "published",
            "Ajuntament de Barcelona / CartoBCN", "CC BY", "2020-03-11",
            ("demo/boundaries/barcelona/districtes.geojson",
             "demo/boundaries/barcelona/barris.geojson", "demo/boundaries/barcelona/SOURCE.md")),
    Dataset(_("Arrondissements and quartiers of Paris"), "published",
            "Ville de Paris, Paris Data", "ODbL 1.0", _("portal export"),
            ("demo/boundaries/paris/arrondissements.geojson",
             "demo/boundaries/paris/quartiers.geojson", "demo/boundaries/paris/SOURCE.md")),
    Dataset(_("Population and households of Barcelona's districts and neighbourhoods"), "published",
            "Ajuntament de Barcelona, Oficina Municipal de Dades (Padró 2024); INE (census 2011)",
            "CC BY 4.0", "2011, 2024", ("demo/data/barcelona/population.csv",)),
    Dataset(_("Population and households of Paris's arrondissements"), "published",
            "INSEE (populations légales 2022, census 2021)", "Licence Ouverte / Etalab 2.0",
            "2021, 2022",
            ("demo/data/paris/population.csv",)),
    Dataset(_("Built floor area of Barcelona's districts and neighbourhoods"), "published",
            "Ajuntament de Barcelona (cadastre)", "CC BY", "2014",
            ("demo/data/barcelona/floor_area.csv",)),
    Dataset(_("Population of each city"), "published",
            "Ajuntament de Barcelona (Padró 2024); INSEE (populations légales 2022)",
            "CC BY 4.0; Licence Ouverte / Etalab 2.0", "2022, 2024", ("demo/data/cities.csv",)),
    Dataset(_("Indicators of Barcelona (energy, emissions, cycle network, modal shares, NO₂)"),
            "published", "Agència d'Energia de Barcelona; Ajuntament de Barcelona; "
            "Agència de Salut Pública de Barcelona; Generalitat de Catalunya", _CITED, "2011–2023",
            ("demo/data/barcelona/indicators.csv",)),
    Dataset(_("Indicators of Paris (carbon footprint, energy, renewables, walking share)"),
            "published", "Ville de Paris; APUR; L'Institut Paris Region", _CITED, "2004–2023",
            ("demo/data/paris/indicators.csv",)),
    Dataset(_("Climate targets of Barcelona and Paris"), "published",
            "Ajuntament de Barcelona (Pla Clima 2018–2030); "
            "Ville de Paris (Plan Climat 2018, 2007/2012)",
            _CITED, "2007–2018",
            ("demo/data/barcelona/targets.md", "demo/data/paris/targets.md")),
    Dataset(_("City-wide annual energy consumption"), "published",
            "Agència d'Energia de Barcelona; "
            "Ville de Paris (Bilan énergétique 2009, Plan Climat 2004–2014)",
            _CITED, "2009–2022",
            ("demo/data/barcelona/energy_annual.csv", "demo/data/paris/energy_annual.csv")),
    Dataset(_("Daily electricity consumption of Barcelona by postcode and sector"), "published",
            "Ajuntament de Barcelona, Open Data BCN (from Datadis)", "CC BY 4.0", "2019–2020",
            ("demo/data/barcelona/electricity_by_postcode_daily_2019_2020.csv.gz",)),
    Dataset(_("District heat delivered in Paris by IRIS and sector"), "published",
            "SDES, Ministère de la Transition écologique (from the heat network operators)",
            "Licence Ouverte / Etalab 2.0", "2020",
            ("demo/data/paris/district_heat_by_iris_2020.csv",)),
    Dataset(_("Meter readings of the energy map and the competition"), "modelled",
            _("Urbis, scaled to the published city-wide consumption"), _("same as Urbis"),
            "2024–2025"),
    Dataset(_("Energy competition: teams, members, initiatives, best practices"), "illustrative",
            _("examples written for the demo"), _("same as Urbis"), "2025–2026"),
    Dataset(_("Ideas, votes, comments, workshops and the usability study"), "illustrative",
            _("examples written for the demo"), _("same as Urbis"), "—"),
    Dataset(_("Wording of the System Usability Scale questionnaire (English original)"),
            "published", "John Brooke (1996), Usability Evaluation in Industry",
            _("made freely available by its author; source acknowledged"), "1996",
            ("engagement/data/sus_wordings.json",)),
    Dataset(_("Strategies: visions, actions, milestones and the network dashboard"), "illustrative",
            _("examples written for the demo"), _("same as Urbis"), "—"),
    Dataset(_("Standard emission factors (Covenant of Mayors, IPCC 2006 defaults)"), "published",
            "European Commission, Joint Research Centre", _CITED, "2010, 2017",
            ("engines/scenario/data/emission_factors.csv",)),
    Dataset(_("National electricity emission factors (France 2023, Spain 2015)"), "published",
            _("RTE (France); Red Eléctrica de España, as quoted by the press (Spain)"), _CITED,
            "2015, 2023", ("engines/scenario/data/national_electricity_factors.csv",)),
    Dataset(_("Scenarios: split of energy by sector and carrier, measures and their effects"),
            "illustrative", _("examples written for the demo"), _("same as Urbis"), "—"),
    Dataset(_("Survey respondents of the weighting demo"), "simulated",
            _("Urbis, from a known model"), _("same as Urbis"), "—"),
    Dataset(_("Priorities of the EIP-SCC Operational Implementation Plan"), "published",
            _("European Innovation Partnership on Smart Cities and Communities (section numbers); "
              "short titles by Urbis"), _CITED, "—", ("policy/data/priorities.json",)),
    Dataset(_("Indicator catalogue (ISO 37120 and Urbis indicators)"), "published",
            "ISO 37120 (names and numbers cited); Urbis", _CITED, "2018",
            ("strategy/catalogue/indicators.csv",)),
)
