"""Issue 15, bug 7: a count is never followed by a fixed plural noun ("1 votes"). Templates use
``{% blocktranslate count %}``, Python ``ngettext``; these scans find any place that does not,
and the pages below show the singular for a count of one."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import urbis
from urbis.engagement import services
from urbis.engagement.models import Idea, Process

PACKAGE = Path(urbis.__file__).parent
# Nouns the interface counts. A count followed (at most two words later) by one of these in
# the plural must choose its form by the count.
COUNTED = (
    "actions|areas|attachments|characters|cities|comments|connections|days|districts|documents|"
    "errors|features|files|households|hours|ideas|indicators|installations|jobs|meters|"
    "milestones|minutes|months|neighbourhoods|observations|participants|people|places|"
    "readings|reports|responses|rows|samples|seconds|sessions|strategies|targets|tasks|votes|"
    "weeks|years"
)
# Up to two words may come between ("{{ n }} Monte Carlo samples"), but not a preposition or
# article: "Task %(n)s time in seconds" numbers a task, it does not count seconds.
_BETWEEN = r"(?!(?:in|of|to|for|per|the|a|an|and|or|from|at|by|on)\b)[\w-]+"
AFTER_COUNT = rf"(?:\s+{_BETWEEN}){{0,2}}?\s+(?:{COUNTED})\b"
BLOCK = re.compile(r"\{% blocktranslate(?P<args>[^%]*)%\}(?P<body>.*?)\{% endblocktranslate %\}",
                   re.S)


def _templates() -> list[Path]:
    return sorted(PACKAGE.glob("*/templates/**/*.html")) + sorted(
        PACKAGE.glob("*/templates/**/*.txt"))


def test_no_template_puts_a_plural_noun_after_a_count() -> None:
    found = []
    for template in _templates():
        text = template.read_text()
        name = template.relative_to(PACKAGE)
        # {{ n }} {% translate "votes" %}
        for m in re.finditer(rf"\{{\{{[^}}]*\}}\}}\s*\{{% translate [\"'](?:{COUNTED})\b", text):
            found.append(f"{name}: {m.group(0)}")
        for block in BLOCK.finditer(text):
            if re.search(r"\bcount\b", block.group("args")):
                continue
            for m in re.finditer(r"\{\{\s*\w+\s*\}\}" + AFTER_COUNT, block.group("body")):
                found.append(f"{name}: {m.group(0)}")
    assert found == []


_GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "_lazy"}
# A placeholder that names a place or a thing, not a number: "%(city)s is collecting ideas".
_NOT_A_COUNT = r"(?!(?:city|name|title|code|language)\))"
_PLACEHOLDER = rf"(?:%\({_NOT_A_COUNT}\w+\)[sd]|%[sd]|\{{\w*(?::[^}}]*)?\}})"


def _python_files() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if "migrations" not in p.parts and "engines" not in p.parts]


def test_no_python_string_puts_a_plural_noun_after_a_count() -> None:
    found = []
    for path in _python_files():
        tree = ast.parse(path.read_text())
        name = path.relative_to(PACKAGE)
        for node in ast.walk(tree):
            # "(s)" plurals in any string, f-strings included.
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and re.search(r"[a-z]\(s\)", node.value.replace("http(s)", ""))):
                found.append(f"{name}:{node.lineno}: {node.value!r}")
            # gettext("%(n)d votes"): a count translated without its plural form.
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                message = node.args[-1] if called.startswith("pgettext") else node.args[0]
                if (called in _GETTEXT and isinstance(message, ast.Constant)
                        and isinstance(message.value, str)
                        and re.search(_PLACEHOLDER + AFTER_COUNT, message.value)):
                    found.append(f"{name}:{node.lineno}: {message.value!r}")
    assert found == []


def test_the_scans_find_what_they_look_for() -> None:
    # The patterns themselves, on the very mistakes of the issue.
    assert re.search(r"\{\{\s*\w+\s*\}\}" + AFTER_COUNT, "{{ n }} votes or more")
    assert re.search(r"\{\{\s*\w+\s*\}\}" + AFTER_COUNT, "{{ n }} Monte Carlo samples")
    assert re.search(_PLACEHOLDER + AFTER_COUNT, "You have used all %(n)d votes of this process.")
    assert re.search(_PLACEHOLDER + AFTER_COUNT, "The latest figure is {age} years old.")
    assert re.search(_PLACEHOLDER + AFTER_COUNT, "%(rows)s readings of %(meters)s meters stored.")
    assert not re.search(_PLACEHOLDER + AFTER_COUNT, "Task %(n)s time in seconds")
    assert not re.search(_PLACEHOLDER + AFTER_COUNT,
                         "No process of %(city)s is collecting ideas now.")
    assert re.search(_PLACEHOLDER + AFTER_COUNT, "The %(code)s summary: at most %(n)s characters.")
    assert not re.search(r"\{\{\s*\w+\s*\}\}" + AFTER_COUNT, "Hours by the clock of {{ zone }}")


# ---------------------------------------------------------------- pages with a count of one


@pytest.fixture
def one_vote_idea(process: Process, make_user: Callable[..., Any]) -> Idea:
    idea = services.submit_idea(by=make_user(), process=process, title="Solar schools",
                                body="Panels on every school roof, please.", category="energy")
    services.cast_vote(by=make_user(), idea=idea)
    return idea


def test_an_idea_with_one_vote_says_one_vote(one_vote_idea: Idea, client: Any) -> None:
    html = client.get(one_vote_idea.get_absolute_url()).content.decode()
    assert '<strong id="vote-count">1</strong> vote ' in html or \
        '<strong id="vote-count">1</strong> vote<' in html
    assert "1</strong> votes" not in html


def test_a_threshold_of_one_and_one_vote_left_are_singular(
    make_process: Callable[..., Process], make_user: Callable[..., Any],
    client_for: Callable[..., Any],
) -> None:
    process = make_process(support_threshold=1, vote_cap=2)
    voter = make_user()
    idea = services.submit_idea(by=make_user(), process=process, title="Solar schools",
                                body="Panels on every school roof, please.", category="energy")
    services.cast_vote(by=voter, idea=idea)
    html = client_for(voter).get(idea.get_absolute_url()).content.decode()
    assert "the city answers from 1 vote<" in html
    assert "You have 1 vote left in this process." in html
    page = client_for(voter).get(process.get_absolute_url()).content.decode()
    assert "The city answers every idea with 1 vote or more." in page


def test_one_vote_carried_over_by_a_merge(
    process: Process, make_user: Callable[..., Any], barcelona: Any
) -> None:
    from urbis.engagement import queries

    moderator = make_user(role="moderator", city=barcelona)
    body = "Panels on every school roof, please."
    duplicate = services.submit_idea(by=make_user(), process=process, title="Solar schools",
                                     body=body, category="energy")
    target = services.submit_idea(by=make_user(), process=process, title="School solar",
                                  body=body, category="energy")
    services.cast_vote(by=make_user(), idea=duplicate)
    services.merge_ideas(by=moderator, duplicate=duplicate, into=target)
    summary = queries.history(duplicate).get().description
    assert ": 1 vote carried over, 0 already counted there." in summary
