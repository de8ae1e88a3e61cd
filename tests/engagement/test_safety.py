"""No HTML injection anywhere, content length limits, rate limits across processes."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from PIL import Image

from urbis.engagement import ratelimits, services, uploads
from urbis.engagement.models import Idea, RateCounter
from urbis.engagement.text import render_markdown

ATTACKS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<style>body{display:none}</style>",
    "<svg onload=alert(1)>",
    "<p onclick=\"alert(1)\">x</p>",
    "![x](https://evil.example/x.png\" onerror=\"alert(1))",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_is_sanitised(attack: str) -> None:
    html = render_markdown(attack).lower()
    for bad in ("<script", "onerror", "javascript:", "<iframe", "<style", "<svg", "onclick",
                "<img"):
        assert bad not in html


def test_markdown_keeps_formatting() -> None:
    html = render_markdown("**bold** and [a link](https://example.org)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="nofollow' in html
    assert "<li>one</li>" in html


def test_no_injection_through_any_field_reaches_a_page(
    process: Any, make_user: Callable[..., Any], client_for: Callable[..., Client],
    barcelona: Any,
) -> None:
    attack = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"
    author = make_user(display_name=attack)
    idea = services.submit_idea(by=author, process=process, title=f"Title {attack}",
                                body=f"Body with enough words {attack}", category="energy")
    services.add_comment(by=make_user(display_name=attack), idea=idea, body=f"Hi {attack}")
    moderator = make_user("moderator", barcelona, display_name=attack)
    services.set_status(by=moderator, idea=idea, status="rejected",
                        reason=f"A reason that is long {attack}")
    services.answer(by=moderator, idea=idea, text=f"Answer that is long {attack}")
    services.report(by=make_user(), idea=idea, reason=f"Spam {attack}")
    pages = [
        Client().get(f"/cities/barcelona/ideas/{idea.pk}/"),
        Client().get(f"/cities/barcelona/engagement/p/{process.slug}/"),
        client_for(moderator).get("/cities/barcelona/engagement/moderation/"),
        client_for(moderator).get(f"/cities/barcelona/ideas/{idea.pk}/"),
    ]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in body
        assert "<img src=x onerror" not in body
    # The API returns names as JSON strings (data, not markup; clients escape them), and the
    # only HTML it carries is the sanitised rendering.
    comments = Client().get(f"/api/v1/ideas/{idea.pk}/comments").json()
    assert "<script" not in comments[0]["body_html"]
    assert "<script" not in Client().get(f"/api/v1/ideas/{idea.pk}").json()["body_html"]


def test_length_limits(process: Any, make_user: Callable[..., Any], idea: Idea) -> None:
    user = make_user()
    with pytest.raises(ValidationError) as caught:
        services.submit_idea(by=user, process=process, title="x" * 151, body="b" * 10_001,
                             category="energy")
    assert set(caught.value.message_dict) == {"title", "body"}
    with pytest.raises(ValidationError):
        services.add_comment(by=user, idea=idea, body="c" * 5_001)
    with pytest.raises(ValidationError):
        services.add_comment(by=user, idea=idea, body=" ")


def test_rate_limit_per_account_and_per_ip(settings: Any, make_user: Callable[..., Any]) -> None:
    settings.URBIS_RATE_LIMITS = {"comment:user": (2, 600), "comment:ip": (3, 600)}
    alice, bob = make_user(), make_user()
    ratelimits.hit("comment", user=alice, ip="192.0.2.1")
    ratelimits.hit("comment", user=alice, ip="192.0.2.1")
    with pytest.raises(ratelimits.RateLimited):
        ratelimits.hit("comment", user=alice, ip="192.0.2.9")  # the account's limit
    ratelimits.hit("comment", user=bob, ip="192.0.2.1")
    with pytest.raises(ratelimits.RateLimited):
        ratelimits.hit("comment", user=bob, ip="192.0.2.1")  # the address's limit
    # The counters live in the database, where every server process sees them.
    assert RateCounter.objects.get(key=f"comment:user:{alice.pk}").count == 2


def test_posting_ideas_is_rate_limited(settings: Any, process: Any,
                                       make_user: Callable[..., Any]) -> None:
    settings.URBIS_RATE_LIMITS = {"idea:user": (1, 3600)}
    user = make_user()
    services.submit_idea(by=user, process=process, title="First idea here",
                         body="A body long enough to pass.", category="energy")
    with pytest.raises(ratelimits.RateLimited):
        services.submit_idea(by=user, process=process, title="Second idea here",
                             body="A body long enough to pass.", category="energy")
    assert Idea.objects.count() == 1


def _image(fmt: str = "PNG", size: tuple[int, int] = (4, 4)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, fmt)
    buffer.seek(0)
    return buffer


def test_upload_checks() -> None:
    assert uploads.check(_image(), "a.png").content_type == "image/png"
    assert uploads.check(_image("JPEG"), "a.txt").content_type == "image/jpeg"  # content wins
    # A real (if tiny) PDF: one that cannot be parsed cannot be checked for scripts.
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\nxref\n0 2\n0000000000 65535 f \n"
                     b"0000000009 00000 n \ntrailer<</Size 2/Root 1 0 R>>\nstartxref\n40\n%%EOF\n")
    assert uploads.check(pdf, "plan.pdf").kind == "pdf"
    for data, reason in [
        (b"", "empty"),
        (b"MZ\x90\x00 an executable", "neither"),
        (b"%PDF-1.4 but cut short", "complete"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "neither"),
    ]:
        with pytest.raises(ValidationError, match=reason):
            uploads.check(io.BytesIO(data), "x.pdf")
    with pytest.raises(ValidationError, match="larger"):
        uploads.check(io.BytesIO(b"%PDF-" + b"0" * uploads.MAX_BYTES), "big.pdf")


def test_bad_attachment_refuses_the_whole_idea(process: Any,
                                               make_user: Callable[..., Any]) -> None:
    with pytest.raises(ValidationError, match="evil.svg"):
        services.submit_idea(
            by=make_user(), process=process, title="Idea with files", category="energy",
            body="A body long enough to pass.",
            files=[(_image(), "ok.png"), (io.BytesIO(b"<svg onload=alert(1)>"), "evil.svg")],
        )
    assert Idea.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rate_limit_holds_under_parallel_requests(
    postgres_only: None, settings: Any, make_user: Callable[..., Any]
) -> None:
    """Ten parallel attempts against a limit of four: exactly four pass, as they would across
    several server processes sharing the database."""
    from tests.concurrency import in_threads

    settings.URBIS_RATE_LIMITS = {"comment:user": (4, 600)}
    user = make_user()
    results = in_threads(10, lambda n: ratelimits.hit("comment", user=user))
    assert sum(1 for r in results if r is None) == 4
    assert all(isinstance(r, ratelimits.RateLimited) for r in results if r is not None)
