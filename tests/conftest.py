"""Fixtures every app's tests share.

The test database starts with the two real demo cities (boundaries and population), loaded once
per session. Users with roles are made per test. Browser tests drive Debian's Chromium.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from urbis.people.models import Role, User
from urbis.places.models import City

CHROMIUM = "/usr/bin/chromium"

# Fixtures through which a test reaches the test database (directly or through a fixture that
# asks for one of them: ``item.fixturenames`` is the whole closure).
_DATABASE_FIXTURES = frozenset({
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
    "live_server",
})


def _reaches_the_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(names & _DATABASE_FIXTURES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, leave out the tests that cannot reach a database (engines, scans of the
    source and catalogues): pytest-django refuses them any database access, so they would only
    run a second time exactly as in the SQLite pass, and CI's time is bounded."""
    if not os.environ.get("URBIS_DATABASE_URL", "").startswith("postgres"):
        return
    keep = [item for item in items if _reaches_the_database(item)]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in set(keep)])
        items[:] = keep


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from urbis.demo import loader

    with django_db_blocker.unblock():
        for _label, step in loader.place_steps():
            step()


@pytest.fixture(autouse=True)
def _english_between_tests() -> Iterator[None]:
    """A request in another language leaves that language active in the thread (Django does
    not reset it after a response), so a later test would read German messages."""
    yield
    from django.utils import translation

    translation.deactivate()
    translation.activate("en")


@pytest.fixture(autouse=True)
def _one_live_request_at_a_time(request: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite the live server's threads share the test's one in-memory connection; two
    requests a browser sends at once (a page and its data) could block each other inside
    SQLite for good, hanging the suite. Pages are served one at a time there instead."""
    if "live_server" not in request.fixturenames:
        return
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    import threading

    from django.core.handlers.wsgi import WSGIHandler

    lock = threading.Lock()
    serve = WSGIHandler.__call__

    def serve_alone(self: Any, environ: Any, start_response: Any) -> Any:
        with lock:
            response = serve(self, environ, start_response)
            if getattr(response, "streaming", False):
                return response
            # The body may still read the database while it is iterated, so inside the lock;
            # close() as the server would have, which sends request_finished.
            body = list(response)
            response.close()
            return body

    monkeypatch.setattr(WSGIHandler, "__call__", serve_alone)


def _demo_city(code: str) -> City:
    city = City.objects.filter(code=code).first()
    if city is None:
        # A transactional test that ran before this one flushed every table; pytest-django
        # runs those last, so this happens only among them, in whatever order they come.
        from urbis.demo import loader

        for _label, step in loader.place_steps():
            step()
        city = City.objects.get(code=code)
    return city


@pytest.fixture
def barcelona(db: Any) -> City:
    return _demo_city("barcelona")


@pytest.fixture
def paris(db: Any) -> City:
    return _demo_city("paris")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """``make_user(role="editor", city=barcelona)`` → a user with that role there."""
    counter = iter(range(1, 10_000))

    def make(role: str | None = None, city: City | None = None, **fields: Any) -> User:
        from urbis.people import services

        n = next(counter)
        user = User.objects.create_user(
            fields.pop("email", f"person{n}@example.org"), fields.pop("password", "pass-word-123"),
            **fields,
        )
        if role is not None:
            assert city is not None, "a role is held in a city"
            services.grant_role(by=None, user=user, city=city, role=Role(role))
        return user

    return make


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A test client logged in as the given user (anonymous for ``None``)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="urbis.people.backends.EmailBackend")
        return client

    return make


def _require_browser() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is required in CI")
        pytest.skip(f"{CHROMIUM} not installed")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_browser()
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls
    # happen in its own threads, and fixtures here touch the ORM synchronously on purpose.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login_page(page: Any, live_server: Any) -> Callable[[User], Any]:
    """Log ``user`` in through the real log-in form; returns the page."""

    def login(user: User, password: str = "pass-word-123") -> Any:  # noqa: S107
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return login


@pytest.fixture
def postgres_only(db: Any) -> None:
    """Skip on SQLite: for behaviour only a real PostgreSQL shows (row locks, concurrency)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs in the PostgreSQL pass of scripts/test)")
