"""With nothing to read, the notifications page says so and offers no "Mark all as read"
button (which did nothing and read as if there were notifications)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_empty_notifications_offer_no_mark_all_button(client_for: Any, make_user: Any) -> None:
    html = client_for(make_user()).get("/notifications/",
                                       HTTP_ACCEPT_LANGUAGE="de").content.decode()
    with translation.override("de"):
        button = translation.gettext("Mark all as read")
        empty = translation.gettext(
            "Nothing yet. Follow an idea or a process to hear about changes.")
    assert empty in html
    assert button not in html
