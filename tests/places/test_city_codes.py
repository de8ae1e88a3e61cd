"""City codes, countries and populations are checked before a city is stored, by the CLI,
the admin and the service alike; and one bad legacy row never takes a listing down."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from urbis.places import services
from urbis.places.models import City


def _add(code: str, **options: Any) -> None:
    args = ["add-city", code, "--name", options.pop("name", "X"), "--country"]
    args.append(options.pop("country", "DE"))
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    call_command(*args)


def test_cli_refuses_a_code_that_is_not_a_slug(db: Any) -> None:
    with pytest.raises(CommandError, match="code: 'Bad Code!' is not a valid city code"):
        _add("Bad Code!")
    assert not City.objects.filter(name="X").exists()


@pytest.mark.parametrize(
    "code", ["BERLIN", "Berlin", "ber lin", "-berlin", "berlin-", "ber--lin", "bérlin", "ber_lin",
             "berlin\n", "ber/lin"]
)
def test_the_service_refuses_a_code_that_is_not_a_slug(db: Any, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.upsert_city(code=code, name="X", country="DE")
    assert "lowercase letters" in " ".join(refused.value.message_dict["code"])
    assert not City.objects.filter(name="X").exists()


def test_cli_accepts_a_slug_code(db: Any) -> None:
    _add("den-haag2", name="Den Haag", country="nl")
    city = City.objects.get(code="den-haag2")
    assert (city.name, city.country) == ("Den Haag", "NL")


@pytest.mark.parametrize("country", ["XX", "Portugal", "D", "ZZ", "1A", "QQ"])
def test_cli_refuses_a_country_outside_iso_3166(db: Any, country: str) -> None:
    with pytest.raises(CommandError, match="country: .*ISO 3166-1 alpha-2"):
        _add("berlin", country=country)
    assert not City.objects.filter(code="berlin").exists()


def test_eurostat_country_codes_get_a_hint(db: Any) -> None:
    with pytest.raises(CommandError, match="EL is Eurostat's code; ISO 3166-1 alpha-2 writes GR"):
        _add("athina", country="EL")


def test_codes_are_unique_regardless_of_case(db: Any) -> None:
    _add("berlin")
    # A row stored before codes were checked, in capitals:
    City.objects.filter(code="berlin").update(code="Berlin")
    with pytest.raises(CommandError, match="'Berlin' already exists"):
        _add("berlin", name="Berlin again")
    assert City.objects.filter(code__iexact="berlin").count() == 1
    with pytest.raises(ValidationError, match="already exists"):
        services.upsert_city(code="berlin", name="B", country="DE")


def test_the_database_refuses_codes_alike_in_case(db: Any) -> None:
    City.objects.create(code="wien", name="Wien", country="AT")
    with pytest.raises(IntegrityError), transaction.atomic():
        City.objects.create(code="WIEN", name="Wien", country="AT")


def test_a_negative_population_is_a_clear_error(db: Any) -> None:
    with pytest.raises(CommandError, match="population: The population cannot be below zero"):
        _add("berlin", population=-5, population_date="2024-01-01")
    assert not City.objects.filter(code="berlin").exists()


def test_too_long_fields_are_refused_not_truncated_or_crashing(db: Any) -> None:
    with pytest.raises(CommandError, match="lau_code: .*at most 16"):
        _add("berlin", lau_code="1" * 17)
    assert not City.objects.filter(code="berlin").exists()


def test_updating_a_city_keeps_its_code_and_checks_the_rest(barcelona: City) -> None:
    with pytest.raises(ValidationError) as refused:
        services.upsert_city(code="barcelona", name="Barcelona", country="XX")
    assert "country" in refused.value.message_dict
    barcelona.refresh_from_db()
    assert barcelona.country == "ES"


def test_the_admin_applies_the_same_rules(admin_client: Any) -> None:
    response = admin_client.post(
        "/admin/places/city/add/",
        {"code": "Bad Code!", "name": "X", "country": "XX", "time_zone": "UTC",
         "is_published": "on"},
    )
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert "code" in errors and "country" in errors
    City.objects.create(code="graz", name="Graz", country="AT")
    response = admin_client.post(
        "/admin/places/city/add/",
        {"code": "graz", "name": "Graz", "country": "AT", "time_zone": "UTC"},
    )
    assert response.status_code == 200
    assert not City.objects.filter(name="Graz").exclude(code="graz").exists()


def _store_legacy_code(city: City, code: str) -> None:
    # What a row stored before the checks looks like: written past the model, straight in SQL.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE places_city SET code = %s WHERE id = %s", [code, city.pk])


def test_a_legacy_row_with_a_bad_code_does_not_take_listings_down(
    barcelona: City, paris: City, client: Any
) -> None:
    _store_legacy_code(paris, "Bad Code!")
    home = client.get("/")
    assert home.status_code == 200
    assert b"/cities/barcelona/" in home.content
    assert b"Bad Code!" not in home.content
    api = client.get("/api/v1/cities")
    assert api.status_code == 200
    assert [c["code"] for c in api.json()["items"]] == ["barcelona"]
    geojson = client.get("/cities.geojson")
    assert geojson.status_code == 200
    assert [f["id"] for f in geojson.json()["features"]] == ["barcelona"]
    assert client.get("/api/v1/cities/barcelona").status_code == 200
    warnings = [m for m in run_checks(databases=["default"]) if m.id == "places.W001"]
    assert len(warnings) == 1 and "'Bad Code!'" in warnings[0].msg
    assert "listings leave it out" in warnings[0].msg
