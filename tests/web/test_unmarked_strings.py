"""Every text a person reads in an error or a message is marked for translation (issue 16).

The test parses each module under ``src/urbis`` (with :mod:`ast`, so comments, docstrings and
strings elsewhere do not count) and fails, naming ``file:line`` and the text, on any string
literal or f-string given *directly* as the message of a user-facing error or message: the
exceptions and calls in ``SINKS``. A message counts as marked when it is a ``gettext`` family
call, optionally formatted with ``%`` (``_("Row %(row)d: …") % {...}``). The few places where
such a call carries a developer's or an operator's English text are listed in ``ALLOWED``, each
with its reason; nothing else may be exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "urbis"

#: The gettext family: a message wrapped in one of these is marked.
GETTEXT = {
    "_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy", "gettext_noop",
}

#: Every constructor or call whose message a person reads: name → (position of the message
#: among the positional arguments, its keyword name). Names are matched as ``Name`` or as the
#: last part of an attribute (``ninja.errors.HttpError``, ``forms.ValidationError``).
SINKS: dict[str, tuple[int, str | None]] = {
    # Django and django-ninja: answered as a page or an RFC 9457 problem document.
    "ValidationError": (0, "message"),      # django.core.exceptions and forms (also ninja's)
    "PermissionDenied": (0, None),
    "Http404": (0, None),
    "SuspiciousOperation": (0, None),
    "HttpError": (1, "message"),            # ninja.errors.HttpError(status, message)
    "CommandError": (0, None),              # management commands (see ALLOWED)
    "problem_response": (2, "detail"),      # urbis.problems: the API's error bodies
    "add_error": (1, "error"),              # form.add_error(field, error)
    "notify": (1, "text"),                  # engagement: in-site notification and e-mail
    # Urbis's own errors (urbis.errors and each app's): see `grep -rn "^class .*Error"`.
    "RowError": (3, "reason"),              # urbis.errors.RowError(file, row, field, reason)
    "ImportRefused": (0, "errors"),         # a list of RowError, checked through RowError
    "BadQuery": (0, None),                  # energy.queries: a parameter outside the data
    "ZoneGeometryError": (0, None),         # policy.zonegeometry: a zone's boundary
    "UnreadableFile": (0, None),            # places.geometry: an uploaded boundary file
    "OpenDataError": (0, "detail"),         # opendata.provider: OGC API answers
    "BadRequest": (0, "detail"),
    "NotFound": (0, "detail"),
    # RateLimited(action, seconds) carries no text of its own: its first argument is the
    # action's key ("vote") and what a person reads is its translated for_person().
    # The engines' own errors: raised in engines (English, see ALLOWED) or by an app.
    "ReadingError": (3, "reason"),          # engines.energy: a meter-reading file's row
    "EnergyEngineError": (0, None),
    "ScenarioInputError": (0, "problems"),
    "SusAnswerError": (1, "reason"),
    "WeightingError": (1, "reason"),
    "ComparisonError": (0, None),
    # ValueError is what pydantic validators (API input) and the survey answer cleaners raise
    # for a person to read; elsewhere it is a developer's error (see ALLOWED).
    "ValueError": (0, None),
}

#: django.contrib.messages: messages.error(request, message) and its siblings.
MESSAGE_CALLS = {"debug": 1, "info": 1, "success": 1, "warning": 1, "error": 1, "add_message": 2}

#: (path under src/urbis, or a folder ending in "/", sink) → why its English text may stay.
ALLOWED: dict[tuple[str, str], str] = {
    # Engines never import Django: their messages are English, for developers. Where an engine
    # refusal reaches a person, the app that calls the engine words it (see CONTRIBUTING.md).
    ("engines/", "ValueError"): "engine: no Django, no gettext; the app layer translates",
    ("engines/", "SusAnswerError"): "worded by engagement.services.studies from its code",
    # These two reach a person inside a translated sentence of the app, the engine's reason
    # itself still in English: scenarios checks every rule a form can break first with its
    # own translated messages (the engine is the backstop); insight reports a failed raking.
    ("engines/", "ScenarioInputError"): "scenarios: a backstop behind the services' checks",
    ("engines/", "WeightingError"): "insight: 'Weighting failed (reason)', translated around",
    ("engines/", "ComparisonError"): "engine: developer's English",
    ("engines/", "EnergyEngineError"): "engine: a wrong call (unknown engine or argument)",
    ("energy/engine.py", "EnergyEngineError"): "a carrier already refused by "
                                               "energy.queries.check_params (BadQuery)",
    # Management commands are the operator's console, in English like the log.
    ("places/management/", "CommandError"): "operator console",
    ("energy/management/", "CommandError"): "operator console",
    ("scenarios/management/", "CommandError"): "operator console",
    ("people/management/", "CommandError"): "operator console",
    # Developer errors: a wrong declaration or call in code, or a bad setting, stops start-up or
    # a test; no person using the site reads them.
    ("opendata/registry.py", "ValueError"): "a layer declared wrongly in code",
    ("opendata/exports.py", "ValueError"): "an export format no view offers",
    ("web/security.py", "ValueError"): "a bad URBIS_TILE_URL setting, at start-up",
    ("energy/demo_readings.py", "ValueError"): "demo generator called with impossible sizes",
    ("people/models.py", "ValueError"): "create_user called without an e-mail in code",
    ("places/services.py", "ValueError"): "import_areas called with an unknown level in code",
    ("scenarios/queries.py", "ValueError"): "compare() given two cities' scenarios; its callers "
                                            "look both up in one city",
}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _unmarked(node: ast.expr | None) -> list[ast.expr]:
    """The literal texts in ``node`` that a reader would see untranslated."""
    if node is None:
        return []
    if isinstance(node, ast.Constant):
        text = node.value
        return [node] if isinstance(text, str) and any(c.isalpha() for c in text) else []
    if isinstance(node, ast.JoinedStr):  # an f-string with words of its own
        return [node] if any(_unmarked(part) for part in node.values) else []
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Mod):  # "text %s" % value: only the text is read
            return _unmarked(node.left)
        return _unmarked(node.left) + _unmarked(node.right)
    if isinstance(node, ast.IfExp):
        return _unmarked(node.body) + _unmarked(node.orelse)
    if isinstance(node, ast.BoolOp):  # str(exc) or "a default"
        return [text for value in node.values for text in _unmarked(value)]
    if isinstance(node, ast.Dict):  # ValidationError({"field": message})
        return [text for value in node.values for text in _unmarked(value)]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [text for item in node.elts for text in _unmarked(item)]
    if isinstance(node, ast.ListComp | ast.GeneratorExp):
        return _unmarked(node.elt)
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in GETTEXT:
            return []
        if isinstance(node.func, ast.Attribute) and name == "format":
            return _unmarked(node.func.value)
    return []


def _message_args(call: ast.Call) -> tuple[str, list[ast.expr]] | None:
    name = _name(call.func)
    if name in MESSAGE_CALLS and isinstance(call.func, ast.Attribute) and (
        _name(call.func.value) == "messages"
    ):
        position, keyword = MESSAGE_CALLS[name], "message"
    elif name in SINKS:
        position, keyword = SINKS[name]
    else:
        return None
    args = call.args[position:position + 1] if len(call.args) > position else []
    args += [k.value for k in call.keywords if keyword and k.arg == keyword]
    return f"messages.{name}" if name in MESSAGE_CALLS else str(name), args


def _allowing(path: str, sink: str) -> tuple[str, str] | None:
    """The entry of ``ALLOWED`` that lets ``sink`` in ``path`` stay English, if any."""
    for where, allowed_sink in ALLOWED:
        if sink == allowed_sink and (
            path == where or (where.endswith("/") and path.startswith(where))
        ):
            return where, allowed_sink
    return None


def _assigned(tree: ast.Module) -> dict[int, dict[str, list[ast.expr]]]:
    """For each function (by the id of its node), what each of its local names is assigned:
    ``reason = f"..."; RowError(..., reason)`` is as unmarked as the literal itself."""
    scopes: dict[int, dict[str, list[ast.expr]]] = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            names: dict[str, list[ast.expr]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            names.setdefault(target.id, []).append(node.value)
            for node in ast.walk(function):
                scopes[id(node)] = names  # the innermost function is walked last
    return scopes


def unmarked_messages(root: Path = SOURCE, used: set[tuple[str, str]] | None = None) -> list[str]:
    """``used`` collects the entries of ``ALLOWED`` that exempted an English text."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "/migrations/" in f"/{relative}":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        scopes = _assigned(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or (found_args := _message_args(node)) is None:
                continue
            sink, args = found_args
            for arg in args:
                values = [arg]
                if isinstance(arg, ast.Name):
                    values += scopes.get(id(node), {}).get(arg.id, [])
                for text in (t for value in values for t in _unmarked(value)):
                    if (entry := _allowing(relative, sink)) is not None:
                        if used is not None:
                            used.add(entry)
                        continue
                    found.append(f"src/urbis/{relative}:{text.lineno}: {sink}: "
                                 f"{ast.unparse(text)[:100]}")
    return sorted(set(found))


def test_every_user_facing_message_is_marked_for_translation() -> None:
    used: set[tuple[str, str]] = set()
    found = unmarked_messages(used=used)
    stale = sorted(set(ALLOWED) - used)
    assert not stale, f"ALLOWED entries that exempt nothing any more; remove them: {stale}"
    assert not found, (
        f"{len(found)} user-facing message(s) not marked for translation; wrap each in _() with "
        "named placeholders (_('No area %(code)s.') % {'code': code}), never an f-string:\n"
        + "\n".join(found)
    )


SAMPLE = '''
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from urbis.errors import RowError

def f(request, code, row, form):
    raise Http404(f"No area {code!r}.")                                   # 10
    raise ValidationError({"name": "Too long."})                          # 11
    raise HttpError(409, "Taken.")                                        # 12
    RowError("a.csv", row, "code", "the code is empty")                   # 13
    messages.error(request, "Not saved." + code)                          # 14
    form.add_error(None, "Wrong.")                                        # 15
    raise Http404(_("No area %(code)s.") % {"code": code})
    raise ValidationError({"name": _("Too long.")}, code="long")
    RowError("a.csv", row, "code", reason=_("the code is empty"))
    messages.success(request, _("Saved."))
    raise PermissionDenied(str(row) or "Not here.")                       # 20
    raise ValueError(f"bad {code}")                                       # 21
    raise ValueError(f"{code}")
    reason = f"no area {code}"                                            # 23
    RowError("a.csv", row, "code", reason)
'''


@pytest.mark.parametrize("where", ["people/views.py", "engines/x/y.py"])
def test_the_scan_finds_each_kind_of_unmarked_message(tmp_path: Path, where: str) -> None:
    module = tmp_path / where
    module.parent.mkdir(parents=True)
    module.write_text(SAMPLE, encoding="utf-8")
    found = unmarked_messages(tmp_path)
    lines = sorted(int(line.split(":")[1]) for line in found)
    # Only the engines' ValueError may stay English; an f-string without words is no text.
    english_allowed = where.startswith("engines/")
    assert lines == [10, 11, 12, 13, 14, 15, 20] + ([] if english_allowed else [21]) + [23]
    assert f"src/urbis/{where}:10: Http404: f'No area {{code!r}}.'" in found
