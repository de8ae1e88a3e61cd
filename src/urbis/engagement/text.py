"""Markdown from participants, rendered and sanitised: the only way user text becomes HTML.

Markdown is rendered without raw HTML support mattering, because nh3 (the Rust ``ammonia``
sanitiser) then keeps only a short allow-list of tags and attributes and only http(s)/mailto
links, so no script, style, event handler or ``javascript:`` URL can survive.
"""

from __future__ import annotations

import html

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "a", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )


def plain(text: str) -> str:
    """Strip every tag: for titles and one-line fields shown as text."""
    return nh3.clean(text or "", tags=set()).strip()


def visible_length(cleaned: str) -> int:
    """How many characters a reader sees of ``cleaned`` (the output of :func:`plain` or
    :func:`render_markdown`): tags do not count and an entity such as ``&amp;`` is one
    character. Length limits are checked on this, after sanitising, so a title made only of
    tags cannot pass as five characters and be stored empty."""
    return len(" ".join(html.unescape(nh3.clean(cleaned, tags=set())).split()))
