"""Observation uploads: per-row errors, all or nothing, through the service, page and API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from urbis.errors import ImportRefused
from urbis.places.models import City
from urbis.strategy import services
from urbis.strategy.models import Observation

GOOD = (
    "indicator,area_code,year,value,source\n"
    "urbis-ghg-emissions,,2019,3.6,Balanç 2019\n"
    "urbis-ghg-emissions,,2020,2.7,Informe 2020\n"
    "urbis-cycle-network-length,B01,2021-06-30,12.5,District count\n"
)


def test_good_csv_is_stored_and_a_second_upload_replaces(catalogue: None, barcelona: City) -> None:
    assert services.upload_observations_csv(by=None, city=barcelona, data=GOOD.encode(),
                                            file="good.csv") == 3
    rows = Observation.objects.filter(city=barcelona).order_by("date")
    assert [(o.indicator.code, o.date.isoformat(), o.value) for o in rows] == [
        ("urbis-ghg-emissions", "2019-12-31", 3.6),
        ("urbis-ghg-emissions", "2020-12-31", 2.7),
        ("urbis-cycle-network-length", "2021-06-30", 12.5),
    ]
    assert rows[2].area is not None and rows[2].area.code == "B01"
    services.upload_observations_csv(
        by=None, city=barcelona,
        data=b"indicator,year,value\nurbis-ghg-emissions,2020,2.8\n", file="fix.csv",
    )
    assert Observation.objects.filter(city=barcelona).count() == 3
    assert Observation.objects.get(city=barcelona, date__year=2020).value == 2.8


def test_bad_rows_are_all_reported_and_nothing_is_stored(
    catalogue: None, barcelona: City
) -> None:
    bad = (
        "indicator,area_code,year,value,source\n"
        "urbis-ghg-emissions,,2019,3.6,fine\n"
        "no-such-indicator,,2019,1,\n"
        "urbis-ghg-emissions,Z99,2019,1,\n"
        "urbis-ghg-emissions,,20x9,1,\n"
        "urbis-ghg-emissions,,2018,lots,\n"
        "urbis-ghg-emissions,,2019,3.7,same as row 2\n"
        "urbis-ghg-emissions,,2017,,\n"
    )
    with pytest.raises(ImportRefused) as info:
        services.upload_observations_csv(by=None, city=barcelona, data=bad.encode(),
                                         file="bad.csv")
    errors = [(e.file, e.row, e.field) for e in info.value.errors]
    assert errors == [
        ("bad.csv", 3, "indicator"),
        ("bad.csv", 4, "area_code"),
        ("bad.csv", 5, "year"),
        ("bad.csv", 6, "value"),
        ("bad.csv", 7, "year"),
        ("bad.csv", 8, "value"),
    ]
    assert "no indicator 'no-such-indicator'" in info.value.errors[0].reason
    assert "same indicator, place and date as row 2" in info.value.errors[4].reason
    assert not Observation.objects.filter(city=barcelona).exists()


def test_missing_columns_and_bad_encoding(catalogue: None, barcelona: City) -> None:
    with pytest.raises(ImportRefused) as info:
        services.upload_observations_csv(by=None, city=barcelona, data=b"indicator,when\nx,1\n",
                                         file="cols.csv")
    assert {e.field for e in info.value.errors} == {"value", "date"}
    with pytest.raises(ImportRefused) as info:
        services.upload_observations_csv(by=None, city=barcelona, data=b"\xff\xfe\x00bad",
                                         file="binary.csv")
    assert "not UTF-8" in info.value.errors[0].reason


def test_upload_page_shows_row_errors_and_refuses_members(
    catalogue: None, barcelona: City, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    url = "/cities/barcelona/indicators/"
    editor = client_for(make_user("editor", barcelona))
    bad = SimpleUploadedFile("mine.csv", b"indicator,year,value\nurbis-ghg-emissions,2019,x\n")
    page = editor.post(url, {"file": bad})
    assert page.status_code == 200
    assert "mine.csv, row 2, field “value”: not a number: &#x27;x&#x27;" in page.content.decode()
    good = SimpleUploadedFile("ok.csv", GOOD.encode())
    assert editor.post(url, {"file": good}).status_code == 302
    assert Observation.objects.filter(city=barcelona).count() == 3
    member = client_for(make_user("member", barcelona))
    again = SimpleUploadedFile("ok.csv", GOOD.encode())
    assert member.post(url, {"file": again}).status_code == 403
    assert client_for(None).post(url, {"file": again}).status_code == 302  # to the log-in


def test_api_upload_all_or_nothing_and_roles(
    catalogue: None, barcelona: City, make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    url = "/api/v1/cities/barcelona/observations"
    rows = [
        {"indicator": "urbis-ghg-emissions", "date": "2019", "value": 3.6},
        {"indicator": "urbis-ghg-emissions", "date": "2020-13-01", "value": 2.7},
    ]
    editor = client_for(make_user("editor", barcelona))
    refused = editor.post(url, json.dumps(rows), content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["errors"] == [
        {"file": "request body", "row": 2, "field": "date",
         "reason": "not a date (YYYY-MM-DD) or year: '2020-13-01'"}
    ]
    assert not Observation.objects.exists()
    rows[1]["date"] = "2020"
    assert editor.post(url, json.dumps(rows), content_type="application/json").json() == {
        "stored": 2
    }
    member = client_for(make_user("member", barcelona))
    assert member.post(url, json.dumps(rows), content_type="application/json").status_code == 403
    assert client_for(None).post(url, json.dumps(rows),
                                 content_type="application/json").status_code == 401
    csv_file = SimpleUploadedFile("up.csv", GOOD.encode(), content_type="text/csv")
    answer = editor.post(url + "/csv", {"file": csv_file})
    assert answer.status_code == 201 and answer.json() == {"stored": 3}
