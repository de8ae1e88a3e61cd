"""Areas offered for choice are in the order a reader expects (issue 15)."""

from __future__ import annotations

from typing import Any

from urbis.places.models import City
from urbis.places.queries import areas_for_choice, by_name, name_key


def test_name_key_ignores_case_and_accents_except_to_break_ties() -> None:
    names = ["Sants", "el Raval", "Horta", "Àvila", "les Corts", "avila", "Avila"]
    assert sorted(names, key=name_key) == [
        "avila", "Avila", "Àvila", "el Raval", "Horta", "les Corts", "Sants",
    ]


def test_areas_for_choice_are_in_name_order(paris: City, barcelona: City) -> None:
    quartiers = [a.name for a in areas_for_choice(paris, "neighbourhood")]
    assert len(quartiers) == 80
    # An accented capital sorts with its letter, not after "Z".
    assert quartiers.index("Odéon") < quartiers.index("Père-Lachaise") < quartiers.index("Picpus")
    assert quartiers.index("Ecole-Militaire") < quartiers.index("Europe")
    barris = [a.name for a in areas_for_choice(barcelona, "neighbourhood")]
    assert barris.index("el Raval") < barris.index("Sants")
    assert barris[0] == "Baró de Viver"


def test_by_name_sorts_anything_with_a_name() -> None:
    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

    items: list[Any] = [Named("Zona Franca"), Named("l'Eixample"), Named("Ègara")]
    assert [i.name for i in by_name(items)] == ["Ègara", "l'Eixample", "Zona Franca"]
