"""Sign-in and password-reset throttling (people/ratelimits.py): per account and per address,
a clear message and 429 with Retry-After, locks that lift on their own after minutes, and an
attacker who cannot lift their own address's lock by signing in elsewhere.

Time is a clock the tests move forward (or ``now=`` passed in), never a sleep; it starts a few
seconds into a window so that no test straddles a window's end by chance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client
from django.utils import timezone

from urbis.people import ratelimits
from urbis.people.models import RateCounter

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RESET = "/accounts/password-reset/"
RIGHT = "pass-word-123"
ATTACKER = "198.51.100.66"
CITIZEN = "203.0.113.7"


def _client(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def _sign_in(client: Client, email: str, password: str) -> Any:
    return client.post(LOGIN, {"username": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 6, 10, 0, 10, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    the_clock = Clock()
    monkeypatch.setattr(ratelimits, "_now", the_clock)
    return the_clock


def _assert_throttled(response: Any, at_most: int) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= at_most
    assert "Too many failed attempts" in response.content.decode()


def test_the_account_locks_after_five_failures_even_for_the_right_password(make_user: Any) -> None:
    user = make_user()
    client = _client(ATTACKER)
    for _ in range(5):
        response = _sign_in(client, user.email, "wrong-guess")
        assert response.status_code == 200  # the ordinary "wrong password" form
        assert "Too many" not in response.content.decode()
    response = _sign_in(client, user.email, RIGHT)
    _assert_throttled(response, at_most=300)
    assert not _signed_in(client)
    # From another address too: the lock is the account's (a botnet gets no more guesses).
    other = _client(CITIZEN)
    _assert_throttled(_sign_in(other, user.email, RIGHT), at_most=300)
    assert not _signed_in(other)


def test_the_account_lock_lifts_after_minutes_and_the_right_password_works(
    make_user: Any, clock: Clock
) -> None:
    user = make_user()
    client = _client(ATTACKER)
    for _ in range(5):
        _sign_in(client, user.email, "wrong-guess")
    _assert_throttled(_sign_in(client, user.email, RIGHT), at_most=300)
    clock.advance(300)
    response = _sign_in(client, user.email, RIGHT)
    assert response.status_code == 302
    assert _signed_in(client)


def test_the_email_case_does_not_give_more_guesses(make_user: Any) -> None:
    user = make_user()
    client = _client(ATTACKER)
    for variant in ["a", "b", "c", "d", "e"]:
        email = user.email.upper() if variant in "ace" else user.email
        _sign_in(client, email, f"wrong-{variant}")
    _assert_throttled(_sign_in(client, user.email.upper(), RIGHT), at_most=300)


def test_an_unknown_address_is_throttled_like_a_known_one() -> None:
    client = _client(ATTACKER)
    for _ in range(5):
        assert _sign_in(client, "nobody@example.org", "wrong").status_code == 200
    # The same answer as for an existing account: the lock does not reveal who has one.
    _assert_throttled(_sign_in(client, "nobody@example.org", "wrong"), at_most=300)


def test_one_address_is_throttled_across_accounts(make_user: Any) -> None:
    users = [make_user() for _ in range(6)]
    attacker = _client(ATTACKER)
    # Four guesses per account stay under each account's limit, but 20 from one address do not.
    for user in users[:5]:
        for _ in range(4):
            assert _sign_in(attacker, user.email, "wrong").status_code == 200
    _assert_throttled(_sign_in(attacker, users[5].email, RIGHT), at_most=900)
    assert not _signed_in(attacker)
    # The citizens themselves, from their own address, are not locked out.
    citizen = _client(CITIZEN)
    assert _sign_in(citizen, users[0].email, RIGHT).status_code == 302
    assert _signed_in(citizen)


def test_a_citizen_signing_in_elsewhere_clears_nothing_for_the_attacker(
    make_user: Any, clock: Clock
) -> None:
    users = [make_user() for _ in range(5)]
    attacker = _client(ATTACKER)
    for user in users:
        for _ in range(4):
            _sign_in(attacker, user.email, "wrong")
    _assert_throttled(_sign_in(attacker, users[0].email, "wrong"), at_most=900)
    citizen = _client(CITIZEN)
    assert _sign_in(citizen, users[0].email, RIGHT).status_code == 302
    # Nor does the attacker signing in to an account of their own clear their address.
    own = make_user()
    _assert_throttled(_sign_in(attacker, own.email, RIGHT), at_most=900)
    _assert_throttled(_sign_in(attacker, users[0].email, "wrong"), at_most=900)
    # The address's lock also lifts by itself.
    clock.advance(900)
    assert _sign_in(attacker, own.email, RIGHT).status_code == 302


def test_a_successful_sign_in_forgives_the_accounts_earlier_typos(make_user: Any) -> None:
    user = make_user()
    client = _client(CITIZEN)
    for _ in range(4):
        _sign_in(client, user.email, "typo")
    assert _sign_in(client, user.email, RIGHT).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert _sign_in(client, user.email, "typo").status_code == 200
    assert _sign_in(client, user.email, RIGHT).status_code == 302


def test_every_authentication_path_is_throttled(make_user: Any) -> None:
    """The backend refuses too, so the admin's sign-in page and authenticate() in code give no
    way around the lock."""
    admin = make_user(is_staff=True, is_superuser=True)
    client = _client(ATTACKER)
    for _ in range(5):
        _sign_in(client, admin.email, "wrong")
    assert authenticate(None, username=admin.email, password=RIGHT) is None
    response = client.post("/admin/login/", {"username": admin.email, "password": RIGHT})
    assert response.status_code == 200  # the admin form again, not a redirect into the admin
    assert not _signed_in(client)


def test_the_clock_decides_when_the_lock_lifts() -> None:
    now = timezone.now()
    for _ in range(5):
        ratelimits.sign_in_failed("someone@example.org", "192.0.2.1", now=now)
    wait = ratelimits.sign_in_wait("someone@example.org", None, now=now)
    assert wait is not None and 1 <= wait <= 300
    later = now + dt.timedelta(seconds=wait)
    assert ratelimits.sign_in_wait("someone@example.org", None, now=later - dt.timedelta(seconds=1))
    assert ratelimits.sign_in_wait("someone@example.org", None, now=later) is None
    # Another address, another account: untouched.
    assert ratelimits.sign_in_wait("other@example.org", "192.0.2.2", now=now) is None


def test_ended_windows_are_purged_as_failures_are_counted() -> None:
    now = timezone.now()
    ratelimits.sign_in_failed("someone@example.org", "192.0.2.1", now=now - dt.timedelta(days=2))
    assert RateCounter.objects.count() == 2
    ratelimits.sign_in_failed("other@example.org", None, now=now)
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]
    assert ratelimits.purge_expired(now + dt.timedelta(hours=1)) == 1
    assert not RateCounter.objects.exists()


def test_password_reset_requests_are_limited(make_user: Any, clock: Clock) -> None:
    user = make_user()
    client = _client(ATTACKER)
    for _ in range(3):
        response = client.post(RESET, {"email": user.email})
        assert response.status_code == 302
    assert len(mail.outbox) == 3
    response = client.post(RESET, {"email": user.email})
    _assert_throttled(response, at_most=3600)
    assert len(mail.outbox) == 3  # no fourth e-mail
    clock.advance(3600)
    assert client.post(RESET, {"email": user.email}).status_code == 302
    assert len(mail.outbox) == 4


def test_password_reset_requests_are_limited_per_address() -> None:
    client = _client(ATTACKER)
    for n in range(10):
        assert client.post(RESET, {"email": f"victim{n}@example.org"}).status_code == 302
    _assert_throttled(client.post(RESET, {"email": "victim10@example.org"}), at_most=3600)
    assert _client(CITIZEN).post(RESET, {"email": "victim10@example.org"}).status_code == 302


def _sign_in_once_and_out(client: Client, email: str) -> None:
    assert _sign_in(client, email, RIGHT).status_code == 302
    assert client.cookies[ratelimits.KNOWN_DEVICE_COOKIE].value
    client.post("/accounts/logout/")
    assert not _signed_in(client)


def test_the_owner_still_signs_in_from_a_known_browser_while_the_account_is_locked(
    make_user: Any,
) -> None:
    user = make_user()
    citizen = _client(CITIZEN)
    _sign_in_once_and_out(citizen, user.email)
    attacker = _client(ATTACKER)
    for _ in range(5):
        _sign_in(attacker, user.email, "wrong")
    _assert_throttled(_sign_in(attacker, user.email, RIGHT), at_most=300)
    assert not _signed_in(attacker)
    # Its owner, in a browser where the account signed in before, is not locked out.
    assert _sign_in(citizen, user.email, RIGHT).status_code == 302
    assert _signed_in(citizen)


def test_a_known_browser_has_its_own_limit(make_user: Any) -> None:
    user = make_user()
    client = _client(CITIZEN)
    _sign_in_once_and_out(client, user.email)
    for _ in range(5):
        _sign_in(client, user.email, "wrong")
    _assert_throttled(_sign_in(client, user.email, RIGHT), at_most=300)
    assert not _signed_in(client)


def test_a_known_browser_of_another_account_or_a_forged_cookie_does_not_help(
    make_user: Any,
) -> None:
    victim, own = make_user(), make_user()
    attacker = _client(ATTACKER)
    _sign_in_once_and_out(attacker, own.email)  # the cookie names the attacker's own account
    for _ in range(5):
        _sign_in(attacker, victim.email, "wrong")
    _assert_throttled(_sign_in(attacker, victim.email, RIGHT), at_most=300)
    forger = _client(CITIZEN)
    forged = ratelimits.known_device_cookie(victim.email)[:-3] + "abc"
    forger.cookies[ratelimits.KNOWN_DEVICE_COOKIE] = forged
    _assert_throttled(_sign_in(forger, victim.email, RIGHT), at_most=300)
