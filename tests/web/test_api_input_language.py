"""The API's 422 answers word each input error in the request's language, from the pydantic
error's type and values; a type Urbis does not know keeps pydantic's message (issue 16)."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
from typing import Any, Literal

import pydantic
import pytest
from django.utils import translation

from tests.web.test_api_problems import strategy, token  # noqa: F401 - fixtures
from urbis.energy.api import FIRST_YEAR
from urbis.errors import _INPUT_REASONS, input_reason
from urbis.places.models import City


def _reasons(response: Any) -> list[str]:
    assert response.status_code == 422, response.content[:300]
    return [e["reason"] for e in json.loads(response.content)["errors"]]


def test_a_year_out_of_range_reads_in_german(client: Any, barcelona: City) -> None:
    response = client.get("/api/v1/cities/barcelona/energy/balance?year=0",
                          headers={"Accept-Language": "de"})
    with translation.override("de"):
        expected = translation.gettext("Input should be greater than or equal to %(ge)s") % {
            "ge": FIRST_YEAR}
    assert _reasons(response) == [expected]
    body = json.loads(response.content)
    assert expected in body["detail"]
    english = client.get("/api/v1/cities/barcelona/energy/balance?year=0",
                         headers={"Accept-Language": "en"})
    assert _reasons(english) == [f"Input should be greater than or equal to {FIRST_YEAR}"]


def test_a_validator_s_own_message_comes_without_pydantic_s_english_prefix(
    client: Any, strategy: Any, token: dict[str, str]  # noqa: F811
) -> None:
    response = client.patch(
        "/api/v1/cities/barcelona/strategies/pla-clima", {"vision": None},
        content_type="application/json", headers={"Accept-Language": "de"}, **token,
    )
    with translation.override("de"):
        expected = translation.gettext("may not be null; leave the field out to keep its value")
    assert expected != "may not be null; leave the field out to keep its value"  # translated
    assert _reasons(response) == [expected]  # not "Value error, …"


class _Probe(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    name: str = pydantic.Field(min_length=2, max_length=4, pattern=r"^[a-z]+$")
    count: int = pydantic.Field(gt=0, lt=10, multiple_of=2)
    share: float = pydantic.Field(ge=0, le=1)
    items: list[int] = pydantic.Field(min_length=1, max_length=2)
    kind: Literal["a", "b"]
    day: dt.date
    at: dt.datetime
    flag: bool
    link: pydantic.HttpUrl


CASES = [
    {"count": 4, "share": 0.5, "items": [1], "kind": "a", "day": "2026-01-01",
     "at": "2026-01-01T00:00:00Z", "flag": True, "link": "https://x.org"},
    {"name": "a", "count": 0, "share": 2, "items": [], "kind": "c", "day": "soon",
     "at": "later", "flag": "perhaps", "link": "nowhere", "extra": 1},
    {"name": "abcdefg", "count": 12, "share": -1, "items": [1, 2, 3], "kind": 1, "day": 3.5,
     "at": [], "flag": [], "link": 3},
    {"name": "AB", "count": 3, "share": "x", "items": "x", "kind": "a", "day": "2026-13-01",
     "at": "2026-01-01T25:00", "flag": True, "link": "https://x.org"},
    {"name": 5, "count": "x", "share": 0.5, "items": ["x"], "kind": "a", "day": "2026-01-01",
     "at": "2026-01-01", "flag": True, "link": "ftp://x.org"},
    {"name": "ab", "count": 2.5, "share": 0.5, "items": [1], "kind": "a",
     "day": "2026-01-01T10:00:00", "at": "2026-01-01", "flag": True, "link": "https://x.org"},
]


class _Inner(pydantic.BaseModel):
    x: int


class _Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class _Probe2(pydantic.BaseModel):
    i: int
    f: float
    d: dict[str, int]
    inner: _Inner
    colour: _Colour
    day: dt.date
    t: dt.time
    dec: decimal.Decimal
    u: pydantic.UUID4
    n: None
    j: pydantic.Json[int]
    s: str


CASES2 = [
    {"i": [], "f": [], "d": [], "inner": 3, "colour": "green", "day": [], "t": "xx", "dec": [],
     "u": "x", "n": 1, "j": "{", "s": []},
    {"i": "x", "f": "x", "d": {}, "inner": {"x": 1}, "colour": "red", "day": "2026-01",
     "t": "1", "dec": "x", "u": 5, "n": None, "j": [], "s": b"\xff"},
]


def _errors() -> list[dict[str, Any]]:
    found = []
    for model, cases in ((_Probe, CASES), (_Probe2, CASES2)):
        for case in cases:
            with pytest.raises(pydantic.ValidationError) as refused:
                model.model_validate(case)
            found += refused.value.errors(include_url=False)
    return found


def test_in_english_every_wording_is_pydantic_s_own_message() -> None:
    """So the marked sentences say what pydantic says, and each uses the values pydantic gives."""
    errors = _errors()
    seen = {e["type"] for e in errors}
    assert len(seen & set(_INPUT_REASONS)) >= 40, sorted(seen)
    with translation.override("en"):
        for error in errors:
            if error["type"] in _INPUT_REASONS:
                assert input_reason(error) == error["msg"], error


def test_an_unknown_type_keeps_pydantic_s_message() -> None:
    error = {"type": "no_such_type", "msg": "Something odd", "ctx": {}}
    assert input_reason(error) == "Something odd"
    # A known type without the values it needs is not a crash either.
    assert input_reason({"type": "greater_than", "msg": "Input should be greater"}) == (
        "Input should be greater")
