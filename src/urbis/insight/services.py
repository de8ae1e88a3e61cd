"""Every write of the insight app: validation, permission check, one transaction.

The statistics are the survey engine's (``urbis.engines.survey``); this module only gathers the
stored answers, hands them over and stores what comes back.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engines.survey import comparison as comparison_engine
from urbis.engines.survey import estimates
from urbis.engines.survey.weighting import WeightingError, rake
from urbis.insight.models import (
    AgeBand,
    Answer,
    Comparison,
    Invitation,
    PopulationMargin,
    Question,
    QuestionKind,
    QuestionVersion,
    Response,
    Sex,
    Survey,
    SurveyItem,
)
from urbis.people.permissions import Action, require

DATA = Path(__file__).resolve().parent / "data"


def load_question_bank(path: Path | None = None) -> int:
    """Store the shipped question bank (idempotent); returns the number of versions."""
    bank = json.loads((path or DATA / "questions.json").read_text(encoding="utf-8"))
    count = 0
    with transaction.atomic():
        for entry in bank["questions"]:
            question, _created = Question.objects.update_or_create(
                code=entry["code"], defaults={"theme": entry["theme"]}
            )
            for v in entry["versions"]:
                QuestionVersion.objects.update_or_create(
                    question=question, number=v["number"],
                    defaults={
                        "text": v["text"], "kind": v["kind"], "options": v.get("options", []),
                        "positive": v.get("positive", []), "minimum": v.get("minimum"),
                        "maximum": v.get("maximum"), "unit": v.get("unit", ""),
                    },
                )
                count += 1
    return count


def version_by_key(key: str) -> QuestionVersion:
    code, _dot, number = key.rpartition(".v")
    version = QuestionVersion.objects.filter(
        question__code=code, number=int(number) if number.isdigit() else -1
    ).select_related("question").first()
    if version is None:
        raise ValidationError({"questions": _("No question version %(key)s.") % {"key": key}})
    return version


def create_survey(
    *, by: Any, city: Any, slug: str, title: str, opens: datetime, closes: datetime,
    questions: Iterable[tuple[str, bool]], by_invitation: bool = False,
    is_published: bool = True, is_simulated: bool = False, operator: bool = False,
) -> Survey:
    """A survey of ``city`` asking the given question versions (``(key, required)``), editors
    (``operator``: the demo loader, acting for the platform)."""
    if not operator:
        require(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    if not slug.strip():
        errors["slug"] = _("Give the survey a short name.")
    elif Survey.objects.filter(city=city, slug=slug).exists():
        errors["slug"] = _("This city already has a survey called %(slug)s.") % {"slug": slug}
    if not title.strip():
        errors["title"] = _("Give the survey a title.")
    if closes <= opens:
        errors["closes"] = _("The survey must close after it opens.")
    versions = []
    for key, required in questions:
        try:
            versions.append((version_by_key(key), required))
        except ValidationError:
            errors["questions"] = _("No question version %(key)s.") % {"key": key}
    if not versions and "questions" not in errors:
        errors["questions"] = _("Choose at least one question.")
    if len({v.pk for v, _r in versions}) != len(versions):
        errors["questions"] = _("A question version is asked only once per survey.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        survey = Survey.objects.create(
            city=city, slug=slug, title=title, opens=opens, closes=closes,
            by_invitation=by_invitation, is_published=is_published, is_simulated=is_simulated,
        )
        SurveyItem.objects.bulk_create(
            SurveyItem(survey=survey, version=v, position=i, required=r)
            for i, (v, r) in enumerate(versions, start=1)
        )
    return survey


def create_invitations(*, by: Any, survey: Survey, count: int) -> list[str]:
    """``count`` single-use invitation tokens for ``survey`` (editors)."""
    require(by, Action.EDIT, survey.city)
    if not 1 <= count <= 10_000:
        raise ValidationError({"count": _("Create from 1 to 10,000 invitations at a time.")})
    tokens = [secrets.token_urlsafe(24) for _i in range(count)]
    Invitation.objects.bulk_create(Invitation(survey=survey, token=t) for t in tokens)
    return tokens


def districts_of(city: Any) -> list[str]:
    """The districts a respondent may name: those of the city's population margins."""
    return list(
        PopulationMargin.objects.filter(city=city, variable="district")
        .order_by("category").values_list("category", flat=True)
    )


def _clean_value(item: SurveyItem, raw: Any) -> Any:
    version = item.version
    if version.kind == QuestionKind.NUMBER:
        if isinstance(raw, bool):
            raise ValueError(_("must be a number"))
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValueError(_("must be a number")) from None
        if not math.isfinite(number):
            raise ValueError(_("must be a number"))
        if version.minimum is not None and number < version.minimum or (
            version.maximum is not None and number > version.maximum
        ):
            raise ValueError(
                _("must be from %(min)s to %(max)s") % {"min": version.minimum,
                                                       "max": version.maximum}
            )
        return number
    codes = version.option_codes()
    if version.kind == QuestionKind.MULTIPLE:
        values = raw if isinstance(raw, list) else [raw]
        chosen = [str(v) for v in values]
        if not chosen or any(c not in codes for c in chosen) or len(set(chosen)) != len(chosen):
            raise ValueError(_("choose among %(codes)s") % {"codes": ", ".join(codes)})
        return chosen
    value = str(raw)
    if value not in codes:
        raise ValueError(_("choose one of %(codes)s") % {"codes": ", ".join(codes)})
    return value


def submit_response(
    *, by: Any, survey: Survey, answers: Mapping[str, Any], age_band: str, sex: str,
    district: str, consent: bool, token: str | None = None,
) -> Response:
    """Store one person's answers (by account or invitation token); all or nothing.

    ``answers`` maps question version keys (``energy-concern.v1``) to values; an empty value is
    no answer."""
    invitation = None
    if token:
        invitation = Invitation.objects.filter(survey=survey, token=token).first()
        if invitation is None:
            raise ValidationError({"token": _("This invitation is not valid for this survey.")})
    else:
        if survey.by_invitation:
            raise ValidationError({"token": _("This survey is answered by invitation only.")})
        require(by, Action.PARTICIPATE, survey.city)
    errors: dict[str, str] = {}
    now = timezone.now()
    if not survey.is_published or not survey.opens <= now < survey.closes:
        raise ValidationError({"survey": _("This survey is not open for answers.")})
    if not consent:
        errors["consent"] = _("Your answers can only be stored with your consent.")
    if age_band not in AgeBand.values:
        errors["age_band"] = _("Choose an age band.")
    if sex not in Sex.values:
        errors["sex"] = _("Choose an answer.")
    if district not in districts_of(survey.city):
        errors["district"] = _("Choose a district of %(city)s.") % {"city": survey.city.name}
    items = {i.version.key: i for i in survey.items.select_related("version__question")}
    for key in answers:
        if key not in items:
            errors[key] = _("This survey does not ask this question.")
    clean: dict[str, Any] = {}
    for key, item in items.items():
        raw = answers.get(key)
        if raw is None or raw == "" or raw == []:
            if item.required:
                errors[key] = _("This question needs an answer.")
            continue
        try:
            clean[key] = _clean_value(item, raw)
        except ValueError as reason:
            errors[key] = str(reason)
    if errors:
        raise ValidationError(errors)
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, user=None if invitation else user, invitation=invitation,
                age_band=age_band, sex=sex, district=district, consent=True,
            )
            Answer.objects.bulk_create(
                Answer(response=response, item=items[k], value=v) for k, v in clean.items()
            )
    except IntegrityError:
        raise ValidationError(
            {"survey": _("This survey has already been answered with this account or invitation.")}
        ) from None
    return response


def store_simulated_responses(survey: Survey, rows: list[dict[str, Any]]) -> int:
    """Store simulated respondents (demo only): refused for a survey not marked simulated, so
    drawn answers can never mix with real ones. Each row: age_band, sex, district, answers."""
    if not survey.is_simulated:
        raise ValidationError({"survey": _("Simulated answers go only to a simulated survey.")})
    items = {i.version.key: i for i in survey.items.select_related("version__question")}
    districts = set(districts_of(survey.city))
    for n, row in enumerate(rows, start=1):
        if row["district"] not in districts or row["age_band"] not in AgeBand.values or (
            row["sex"] not in Sex.values
        ):
            raise ValidationError({"rows": _("Row %(n)s: unknown characteristics.") % {"n": n}})
        for key, value in row["answers"].items():
            try:
                _clean_value(items[key], value)
            except (KeyError, ValueError) as error:
                raise ValidationError(
                    {"rows": _("Row %(n)s, %(key)s: %(reason)s") % {"n": n, "key": key,
                                                                    "reason": error}}
                ) from None
    with transaction.atomic():
        responses = Response.objects.bulk_create(
            Response(survey=survey, age_band=row["age_band"], sex=row["sex"],
                     district=row["district"], consent=True, is_simulated=True)
            for row in rows
        )
        Answer.objects.bulk_create(
            (Answer(response=response, item=items[k], value=v)
             for response, row in zip(responses, rows, strict=True)
             for k, v in row["answers"].items()),
            batch_size=2000,
        )
    return len(rows)


def set_margins(
    *, by: Any, city: Any, variable: str, counts: Mapping[str, int], source: str,
    is_illustrative: bool = False, operator: bool = False,
) -> None:
    """Replace a city's population margin for one weighting variable (editors)."""
    if not operator:
        require(by, Action.EDIT, city)
    if variable not in PopulationMargin.Variable.values:
        raise ValidationError({"variable": _("Unknown weighting variable.")})
    if not source.strip():
        raise ValidationError({"source": _("Give the source of the population figures.")})
    for category, count in counts.items():
        if not category or not isinstance(count, int) or count < 0:
            raise ValidationError({"counts": _("%(c)s: a whole number of residents, 0 or more.")
                                   % {"c": category}})
    with transaction.atomic():
        PopulationMargin.objects.filter(city=city, variable=variable).delete()
        PopulationMargin.objects.bulk_create(
            PopulationMargin(city=city, variable=variable, category=c, count=n, source=source,
                             is_illustrative=is_illustrative)
            for c, n in counts.items()
        )


# --- results -------------------------------------------------------------------------------


def _respondents(survey: Survey) -> tuple[list[Response], dict[int, dict[int, Any]]]:
    responses = list(survey.responses.order_by("pk"))
    answers: dict[int, dict[int, Any]] = {}
    for response_id, item_id, value in Answer.objects.filter(response__survey=survey).values_list(
        "response_id", "item_id", "value"
    ):
        answers.setdefault(item_id, {})[response_id] = value
    return responses, answers


def _weights(survey: Survey, responses: list[Response]) -> tuple[np.ndarray, dict[str, Any]]:
    margins: dict[tuple[str, ...], dict[tuple[str, ...], float]] = {}
    sources = set()
    illustrative = False
    for m in PopulationMargin.objects.filter(city=survey.city):
        margins.setdefault((m.variable,), {})[(m.category,)] = float(m.count)
        sources.add(m.source)
        illustrative |= m.is_illustrative
    info: dict[str, Any] = {"sources": sorted(sources), "illustrative_margins": illustrative}
    n = len(responses)
    if not responses or not margins:
        info.update(error=_("No population margins: the shares are unweighted."), design_effect=1.0,
                    effective_n=float(n), trimmed=0, max_ratio=1.0)
        return np.ones(n), info
    codes = {
        "age": [r.age_band for r in responses],
        "sex": [r.sex for r in responses],
        "district": [r.district for r in responses],
    }
    codes = {k: v for k, v in codes.items() if (k,) in margins}
    try:
        result = rake(codes, margins)
    except WeightingError as error:
        info.update(error=_("Weighting failed (%(reason)s): the shares are unweighted.")
                    % {"reason": str(error)}, design_effect=1.0, effective_n=float(n),
                    trimmed=0, max_ratio=1.0)
        return np.ones(n), info
    info.update(error=None, design_effect=result.design_effect, effective_n=result.effective_n,
                trimmed=result.trimmed, max_ratio=result.max_ratio)
    return result.weights / result.weights.mean(), info


def _dist_json(d: estimates.Distribution, labels: Mapping[str, str]) -> dict[str, Any]:
    return {
        "n": d.n, "effective_n": round(d.effective_n, 1), "small_sample": d.small_sample,
        "shares": [{"code": str(s.category), "label": labels.get(str(s.category), str(s.category)),
                    "share": s.share, "low": s.low, "high": s.high} for s in d.shares],
        "mean": d.mean, "mean_low": d.mean_low, "mean_high": d.mean_high,
    }


def _labels(version: QuestionVersion) -> dict[str, str]:
    if version.kind == QuestionKind.LIKERT:
        return {"1": "1", "2": "2", "3": "3", "4": "4", "5": "5"}
    return {str(o["code"]): str(o["label"]) for o in version.options}


def compute_results(survey: Survey) -> dict[str, Any]:
    """Weighted results of one survey: per question, for the city and each district."""
    responses, answers = _respondents(survey)
    weights, info = _weights(survey, responses)
    position = {r.pk: i for i, r in enumerate(responses)}
    districts = np.array([r.district for r in responses])
    items = []
    for item in survey.items.select_related("version__question"):
        version = item.version
        given = answers.get(item.pk, {})
        rows = np.array([position[r] for r in given], dtype=int)
        w = weights[rows] if rows.size else np.zeros(0)
        labels = _labels(version)
        entry: dict[str, Any] = {"key": version.key, "text": version.text, "kind": version.kind,
                                 "unit": version.unit}
        if version.kind == QuestionKind.NUMBER:
            values = [float(v) for v in given.values()]
            entry["city"] = _dist_json(estimates.numeric_summary(values, w), labels)
            entry["districts"] = []
        else:
            codes = version.option_codes()
            if version.kind == QuestionKind.MULTIPLE:
                # Each option is its own yes/no: the share of respondents who chose it.
                chosen = list(given.values())
                city_shares = []
                for code in codes:
                    picked = np.array([code in c for c in chosen])
                    d = estimates.distribution(picked, w, [True])
                    city_shares.append({"code": code, "label": labels[code],
                                        "share": d.shares[0].share, "low": d.shares[0].low,
                                        "high": d.shares[0].high})
                n_eff = estimates.distribution(np.ones(len(chosen), bool), w, [True]).effective_n
                entry["city"] = {"n": len(chosen), "effective_n": round(n_eff, 1),
                                 "small_sample": len(chosen) < estimates.SMALL_SAMPLE,
                                 "shares": city_shares}
                entry["districts"] = []
            else:
                picked = np.array([str(v) for v in given.values()])
                entry["city"] = _dist_json(estimates.distribution(picked, w, codes), labels)
                grouped = estimates.by_group(districts[rows], picked, w, codes) if rows.size else {}
                entry["districts"] = [
                    {"district": str(k), **_dist_json(d, labels)}
                    for k, d in sorted(grouped.items(), key=lambda kv: str(kv[0]))
                ]
        items.append(entry)
    return {
        "n": len(responses), "simulated": survey.is_simulated, "weighting": info,
        "small_sample_threshold": estimates.SMALL_SAMPLE, "level": estimates.LEVEL,
        "items": items,
    }


def compute_comparison(
    version: QuestionVersion, cache: dict[int, Any] | None = None
) -> dict[str, Any] | None:
    """Compare the cities whose published surveys ask ``version``, net of age and sex."""
    if version.kind == QuestionKind.NUMBER or not version.positive:
        return None
    surveys = list(
        Survey.objects.filter(items__version=version, is_published=True).select_related(
            "city").defer("city__boundary")
    )
    outcome: list[int] = []
    city: list[str] = []
    age: list[str] = []
    sex: list[str] = []
    weights: list[float] = []
    names = {}
    simulated = False
    for survey in surveys:
        if cache is not None and survey.pk in cache:
            responses, answers, w = cache[survey.pk]
        else:
            responses, answers = _respondents(survey)
            w, _info = _weights(survey, responses)
            if cache is not None:
                cache[survey.pk] = (responses, answers, w)
        item = survey.items.get(version=version)
        given = answers.get(item.pk, {})
        positive = set(version.positive)
        for i, r in enumerate(responses):
            if r.pk not in given:
                continue
            value = given[r.pk]
            hit = bool(positive & set(value)) if isinstance(value, list) else str(value) in positive
            outcome.append(int(hit))
            city.append(survey.city.code)
            age.append(r.age_band)
            sex.append(r.sex)
            weights.append(float(w[i]))
        names[survey.city.code] = survey.city.name
        simulated |= survey.is_simulated
    if len(set(city)) < 2:
        return None
    # Beside the fixed city effects: the city as a random intercept (partial pooling), which
    # draws a city with few answers toward the others' mean; both from one fit.
    fits = comparison_engine.compare_models(
        np.array(outcome), np.array(city), {"age": np.array(age), "sex": np.array(sex)},
        weights=np.array(weights),
    )
    result, pooled = fits["fixed"], fits["multilevel"]
    pooled_by_city = {e.city: e for e in pooled.cities}
    y = np.array(outcome)
    c = np.array(city)
    ww = np.array(weights)
    cities = []
    for e in result.cities:
        mask = c == e.city
        d = estimates.distribution(y[mask], ww[mask], [1]).shares[0]
        cities.append({"city": e.city, "name": names[e.city], "n": e.n,
                       "raw_share": e.raw_share, "low": d.low, "high": d.high,
                       "adjusted_share": e.adjusted_share, "effect": e.effect,
                       "effect_se": e.effect_se, "small_sample": e.n < estimates.SMALL_SAMPLE,
                       "pooled_share": pooled_by_city[e.city].adjusted_share,
                       "pooled_own_weight": pooled_by_city[e.city].own_weight})
    return {
        "question": version.key, "text": version.text, "positive": version.positive,
        "simulated": simulated, "alpha": result.alpha, "n": result.n,
        "covariates": result.covariates, "cities": cities, "model": result.model,
        "multilevel": {"model": pooled.model, "between_city_sd": pooled.between_city_sd,
                       "differs": [[p.city_a, p.city_b] for p in pooled.pairs if p.differs]},
        "pairs": [
            {"city_a": p.city_a, "city_b": p.city_b, "log_odds": p.log_odds, "low": p.low,
             "high": p.high, "p_value": p.p_value, "p_adjusted": p.p_adjusted,
             "differs": p.differs, "raw_difference": p.raw_difference,
             "adjusted_difference": p.adjusted_difference, "composition": p.composition}
            for p in result.pairs
        ],
    }


def _json_ready(value: Any) -> Any:
    """Plain JSON: NumPy numbers as Python ones, and a share of nobody (NaN) as ``None``."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer | int):
        return int(value)
    if isinstance(value, np.floating | float):
        return float(value) if math.isfinite(value) else None
    return value


def refresh_results(*, by: Any, survey: Survey, operator: bool = False) -> Survey:
    """Recompute and store a survey's results and the comparisons of its questions (editors;
    ``operator``: the demo loader and commands, which act for the platform)."""
    if not operator:
        require(by, Action.EDIT, survey.city)
    results = compute_results(survey)
    comparisons = {}
    cache: dict[int, Any] = {}  # each survey's respondents and weights, read and raked once
    for item in survey.items.select_related("version__question"):
        comparisons[item.version] = compute_comparison(item.version, cache)
    now = timezone.now()
    with transaction.atomic():
        survey.results = _json_ready(results)
        survey.results_at = now
        survey.save(update_fields=["results", "results_at"])
        for version, result in comparisons.items():
            if result is None:
                Comparison.objects.filter(version=version).delete()
            else:
                Comparison.objects.update_or_create(
                    version=version,
                    defaults={"result": _json_ready(result),
                              "fitted_at": now},
                )
    return survey


# --- case studies, living labs, pilots -----------------------------------------------------


def _check_sources(sources: Any, errors: dict[str, str]) -> list[dict[str, str]]:
    if not isinstance(sources, list):
        errors["sources"] = _("Sources are a list of titles with optional links.")
        return []
    clean = []
    for n, s in enumerate(sources, start=1):
        title = str(s.get("title", "")).strip() if isinstance(s, dict) else ""
        url = str(s.get("url", "")).strip() if isinstance(s, dict) else ""
        if not title or (url and not url.startswith(("https://", "http://"))):
            errors["sources"] = _("Source %(n)s needs a title and, if any, an http(s) link.") % {
                "n": n}
        clean.append({"title": title, "url": url})
    return clean


RESERVED_SLUGS = frozenset({"new"})  # taken by the pages' own addresses


def _required(errors: dict[str, str], **values: Any) -> None:
    for name, value in values.items():
        if not str(value or "").strip():
            errors[name] = _("This field is required.")


def _others(rows: Any, record: Any) -> Any:
    """``rows`` without ``record`` itself (when a record is being changed, not created)."""
    return rows if record is None else rows.exclude(pk=record.pk)


def _check_slug(slug: str, errors: dict[str, str]) -> None:
    if slug in RESERVED_SLUGS:
        errors["slug"] = _("“%(slug)s” is reserved; choose another short name.") % {"slug": slug}


SUMMARY_MAX = 2000


def _check_summaries(
    summaries: Any, language: str, errors: dict[str, str]
) -> dict[str, str]:
    """Summaries by interface language; empty ones are dropped. With any summary, the language
    it was written in must be one of them (it is what a reader of another language sees)."""
    from django.conf import settings

    codes = [code for code, _name in settings.LANGUAGES]
    if not isinstance(summaries, dict):
        errors["summaries"] = _("Summaries map a language code to a text.")
        return {}
    clean: dict[str, str] = {}
    for code, text in summaries.items():
        if code not in codes:
            errors["summaries"] = _("Unknown language %(code)s; use one of %(codes)s.") % {
                "code": code, "codes": ", ".join(codes)}
            continue
        if not isinstance(text, str):
            errors["summaries"] = _("The %(code)s summary must be a text.") % {"code": code}
            continue
        if len(text.strip()) > SUMMARY_MAX:
            errors["summaries"] = ngettext(
                "The %(code)s summary: at most %(n)d character.",
                "The %(code)s summary: at most %(n)d characters.", SUMMARY_MAX,
            ) % {"code": code, "n": SUMMARY_MAX}
            continue
        if text.strip():
            clean[code] = text.strip()
    if clean and language not in clean:
        errors["summary_language"] = _(
            "Choose the language the summary was written in, among those given.")
    elif not clean and language:
        errors["summary_language"] = _("There is no summary in this language.")
    return clean


def save_case_study(
    *, by: Any, city: Any, case: Any = None, slug: str, title: str, place_name: str, theme: str,
    problem: str, what_was_done: str, results: str, sources: Any, method: str = "",
    cost: str = "", lessons: str = "", contact: str = "", is_illustrative: bool = False,
    summaries: Any = None, summary_language: str | None = None, operator: bool = False,
) -> Any:
    """Record a case study (``case`` None) or change one, by an editor of ``city`` (the city
    that documents it; an existing case keeps its city). A real case needs at least one source;
    one without is only accepted as illustrative. ``summaries`` (language code → text) and
    ``summary_language`` left ``None`` keep what a changed case has."""
    from urbis.insight.models import CaseStudy
    from urbis.insight.queries import methods

    if case is not None:
        city = case.city
    if not operator:
        if city is None:
            raise PermissionDenied(_("This case study belongs to no city; only the platform "
                                     "may change it."))
        require(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    _required(errors, slug=slug, title=title, place_name=place_name, theme=theme,
              problem=problem, what_was_done=what_was_done, results=results)
    _check_slug(slug, errors)
    if slug and _others(CaseStudy.objects.filter(slug=slug), case).exists():
        errors["slug"] = _("A case study called %(slug)s exists.") % {"slug": slug}
    if method and method not in {m["code"] for m in methods()}:
        errors["method"] = _("Not a method of the catalogue.")
    clean_sources = _check_sources(sources, errors)
    if not clean_sources and not is_illustrative and "sources" not in errors:
        errors["sources"] = _("A real case study needs its source; otherwise mark it illustrative.")
    if summaries is None:
        summaries = case.summaries if case is not None else {}
    if summary_language is None:
        summary_language = case.summary_language if case is not None else ""
    clean_summaries = _check_summaries(summaries, summary_language, errors)
    if errors:
        raise ValidationError(errors)
    fields = {"slug": slug, "title": title, "place_name": place_name, "theme": theme,
              "method": method, "problem": problem, "what_was_done": what_was_done,
              "cost": cost, "results": results, "lessons": lessons, "contact": contact,
              "sources": clean_sources, "is_illustrative": is_illustrative,
              "summaries": clean_summaries, "summary_language": summary_language}
    if case is None:
        return CaseStudy.objects.create(
            city=city, created_by=by if getattr(by, "is_authenticated", False) else None,
            **fields)
    for name, value in fields.items():
        setattr(case, name, value)
    case.save()
    return case


def create_case_study(*, by: Any, city: Any, **fields: Any) -> Any:
    """A new case study (see :func:`save_case_study`)."""
    return save_case_study(by=by, city=city, case=None, **fields)


def _check_evaluation(
    city: Any, errors: dict[str, str], *, indicator: Any, area: Any, comparison_areas: Any,
    before: tuple[Any, Any], after: tuple[Any, Any],
) -> None:
    """The evaluation set-up is all or nothing: an indicator of the catalogue or of the city,
    both periods in order, and areas of the pilot's city."""
    dates = (*before, *after)
    given = indicator is not None or any(d is not None for d in dates) or area is not None \
        or bool(comparison_areas)
    if not given:
        return
    if indicator is None:
        errors["evaluation_indicator"] = _("Choose the indicator to evaluate.")
    elif indicator.city_id not in (None, city.pk):
        errors["evaluation_indicator"] = _("This indicator belongs to another city.")
    names = ("before_start", "before_end", "after_start", "after_end")
    for name, value in zip(names, dates, strict=True):
        if value is None:
            errors[name] = _("Give both periods of the evaluation.")
    if all(d is not None for d in dates):
        if before[1] < before[0]:
            errors["before_end"] = _("The period ends before it starts.")
        if after[1] < after[0]:
            errors["after_end"] = _("The period ends before it starts.")
        if after[0] <= before[1]:
            errors["after_start"] = _("The after period must start after the before period "
                                      "ends.")
    if area is not None and area.city_id != city.pk:
        errors["evaluation_area"] = _("The area belongs to another city.")
    for other in comparison_areas or []:
        if other.city_id != city.pk:
            errors["comparison_areas"] = _("Comparison areas must be areas of the pilot's "
                                           "city.")
        elif area is not None and other.pk == area.pk:
            errors["comparison_areas"] = _("The pilot area cannot be its own comparison.")


BUDGET_MAX = 2_147_483_647  # the largest value the budget column holds on every database


def save_pilot(
    *, by: Any, city: Any, pilot: Any = None, slug: str, title: str, theme: str, goals: str,
    indicators: Any = None, budget_eur: int | None = None, lab: Any = None, partners: str = "",
    evaluation: str = "", decision: str = "", source: str = "", is_illustrative: bool = False,
    origin: Any = None, evaluation_indicator: Any = None, evaluation_area: Any = None,
    comparison_areas: Any = None, before_start: Any = None, before_end: Any = None,
    after_start: Any = None, after_end: Any = None, operator: bool = False,
) -> Any:
    """Record a pilot of ``city`` (``pilot`` None) or change one (editors of the city).
    ``origin`` is the hack-day initiative it grew out of; the evaluation fields name what
    :func:`urbis.insight.queries.pilot_evaluation` compares."""
    from urbis.insight.models import Pilot

    if pilot is not None:
        city = pilot.city
    if not operator:
        require(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    _required(errors, slug=slug, title=title, theme=theme, goals=goals)
    _check_slug(slug, errors)
    if slug and _others(Pilot.objects.filter(city=city, slug=slug), pilot).exists():
        errors["slug"] = _("This city already has a pilot called %(slug)s.") % {"slug": slug}
    if budget_eur is not None and (not isinstance(budget_eur, int) or isinstance(
            budget_eur, bool) or not 0 <= budget_eur <= BUDGET_MAX):
        errors["budget_eur"] = _("A whole number of euros, from 0 to %(max)s.") % {
            "max": BUDGET_MAX}
    if lab is not None and lab.city_id != city.pk:
        errors["lab"] = _("The living lab belongs to another city.")
    if origin is not None and origin.hack_day.city_id != city.pk:
        errors["origin"] = _("The initiative comes from another city's hack day.")
    if indicators is not None and not (
        isinstance(indicators, list) and all(isinstance(i, str) and i for i in indicators)
    ):
        errors["indicators"] = _("Indicators are a list of names.")
    if decision not in Pilot.Decision.values:
        errors["decision"] = _("Not one of the decisions.")
    if not source.strip() and not is_illustrative:
        errors["source"] = _("A real pilot needs its source; otherwise mark it illustrative.")
    comparison_areas = list(comparison_areas or [])
    _check_evaluation(city, errors, indicator=evaluation_indicator, area=evaluation_area,
                      comparison_areas=comparison_areas, before=(before_start, before_end),
                      after=(after_start, after_end))
    if errors:
        raise ValidationError(errors)
    fields = {"slug": slug, "title": title, "theme": theme, "goals": goals,
              "indicators": indicators or [], "budget_eur": budget_eur, "lab": lab,
              "partners": partners, "evaluation": evaluation, "decision": decision,
              "source": source, "is_illustrative": is_illustrative, "origin": origin,
              "evaluation_indicator": evaluation_indicator, "evaluation_area": evaluation_area,
              "before_start": before_start, "before_end": before_end,
              "after_start": after_start, "after_end": after_end}
    with transaction.atomic():
        if pilot is None:
            pilot = Pilot.objects.create(city=city, **fields)
        else:
            for name, value in fields.items():
                setattr(pilot, name, value)
            pilot.save()
        pilot.comparison_areas.set(comparison_areas)
    return pilot


def create_pilot(*, by: Any, city: Any, **fields: Any) -> Any:
    """A new pilot (see :func:`save_pilot`)."""
    return save_pilot(by=by, city=city, pilot=None, **fields)


def save_hack_day(
    *, by: Any, city: Any, hack_day: Any = None, slug: str, theme: str, held_on: Any,
    participants: Any, outputs: str = "", lab: Any = None, source: str = "",
    is_illustrative: bool = False, operator: bool = False,
) -> Any:
    """Record a hack day of ``city`` (``hack_day`` None) or change one (editors)."""
    from urbis.insight.models import HackDay

    if hack_day is not None:
        city = hack_day.city
    if not operator:
        require(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    _required(errors, slug=slug, theme=theme, held_on=held_on)
    _check_slug(slug, errors)
    if slug and _others(HackDay.objects.filter(city=city, slug=slug), hack_day).exists():
        errors["slug"] = _("This city already has a hack day called %(slug)s.") % {"slug": slug}
    if not isinstance(participants, int) or isinstance(participants, bool) or participants < 0:
        errors["participants"] = _("A whole number of participants, 0 or more.")
    if lab is not None and lab.city_id != city.pk:
        errors["lab"] = _("The living lab belongs to another city.")
    if not source.strip() and not is_illustrative:
        errors["source"] = _("A real hack day needs its source; otherwise mark it illustrative.")
    if errors:
        raise ValidationError(errors)
    fields = {"slug": slug, "theme": theme, "held_on": held_on, "participants": participants,
              "outputs": outputs, "lab": lab, "source": source,
              "is_illustrative": is_illustrative}
    if hack_day is None:
        return HackDay.objects.create(city=city, **fields)
    for name, value in fields.items():
        setattr(hack_day, name, value)
    hack_day.save()
    return hack_day


def add_initiative(*, by: Any, hack_day: Any, title: str, summary: str = "",
                   operator: bool = False) -> Any:
    """One initiative that came out of a hack day (editors of its city)."""
    from urbis.insight.models import HackDayInitiative

    if not operator:
        require(by, Action.EDIT, hack_day.city)
    errors: dict[str, str] = {}
    _required(errors, title=title)
    if len(title) > 200:
        errors["title"] = _("At most 200 characters.")
    if errors:
        raise ValidationError(errors)
    return HackDayInitiative.objects.create(hack_day=hack_day, title=title.strip(),
                                            summary=summary.strip())


def initiative_to_idea(
    *, by: Any, initiative: Any, process: Any, title: str, body: str, category: str,
    ip: str | None = None,
) -> Any:
    """Turn a hack-day initiative into an idea of one of its city's engagement processes (editors
    of the city). The idea is created by engagement's own service (its checks, its author, its
    notifications); the initiative keeps the idea, so each page links to the other. All or
    nothing: a refused idea leaves the initiative as it was. ``ip`` counts against engagement's
    per-address idea limit, as an idea posted there does."""
    from urbis.engagement import services as engagement
    from urbis.insight.models import HackDayInitiative

    city = initiative.hack_day.city
    require(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    if process is None:
        errors["process"] = _("Choose a process of %(city)s.") % {"city": city.name}
    elif process.city_id != city.pk:
        errors["process"] = _("The process belongs to another city.")
    if initiative.idea_id is not None:
        errors["initiative"] = _("This initiative is already an idea.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # An idea from an illustrative hack day is illustrative too, labelled so on its page.
        idea = engagement.submit_idea(by=by, process=process, title=title, body=body,
                                      category=category, ip=ip,
                                      is_illustrative=initiative.hack_day.is_illustrative)
        # Guarded update: of two editors turning the same initiative at once, one wins and the
        # other's idea is rolled back with its transaction.
        linked = HackDayInitiative.objects.filter(pk=initiative.pk, idea__isnull=True).update(
            idea=idea)
        if not linked:
            raise ValidationError({"initiative": _("This initiative is already an idea.")})
    initiative.idea = idea
    return idea


def adopt_pilot(
    *, by: Any, pilot: Any, city: Any, slug: str | None = None, is_illustrative: bool = False,
    operator: bool = False,
) -> Any:
    """``city`` adopts ``pilot``: a copy in that city and a replication record (editors of the
    adopting city)."""
    from urbis.insight.models import Pilot, Replication

    if not operator:
        require(by, Action.EDIT, city)
    if pilot.city_id == city.pk:
        raise ValidationError({"city": _("A city cannot adopt its own pilot.")})
    slug = slug or pilot.slug
    if Pilot.objects.filter(city=city, slug=slug).exists():
        raise ValidationError({"slug": _("This city already has a pilot called %(slug)s.")
                               % {"slug": slug}})
    with transaction.atomic():
        copy = Pilot.objects.create(
            city=city, slug=slug, title=pilot.title, theme=pilot.theme, goals=pilot.goals,
            indicators=pilot.indicators, budget_eur=None, partners="",
            source=pilot.source, is_illustrative=is_illustrative or pilot.is_illustrative,
        )
        Replication.objects.create(
            origin=pilot, copy=copy, origin_title=pilot.title, origin_city_id=pilot.city_id,
            adopter_city=city, is_illustrative=copy.is_illustrative,
        )
    return copy


def delete_pilot(*, by: Any, pilot: Any) -> None:
    """Delete a city's pilot (editors); replication records stay (see ``Replication``)."""
    require(by, Action.EDIT, pilot.city)
    pilot.delete()


def _check_meetings(meetings: Any, errors: dict[str, str]) -> list[dict[str, str]]:
    import datetime as dt

    if not isinstance(meetings, list):
        errors["meetings"] = _("Meetings are a list of dates with notes.")
        return []
    clean = []
    for n, m in enumerate(meetings, start=1):
        date = m.get("date") if isinstance(m, dict) else None
        try:
            day = dt.date.fromisoformat(str(date))
        except ValueError:
            errors["meetings"] = _("Meeting %(n)s needs a date (YYYY-MM-DD).") % {"n": n}
            continue
        clean.append({"date": day.isoformat(), "note": str(m.get("note", "")).strip()})
    return clean


def save_partnership(
    *, by: Any, follower: Any, partnership: Any = None, mentor: Any, theme: str, goals: str,
    started_on: Any, meetings: Any = None, documents: Any = None, outcomes: str = "",
    is_illustrative: bool = False, operator: bool = False,
) -> Any:
    """Record a mentoring partnership (``partnership`` None) or change one, by an editor of the
    follower city. ``documents`` are titles with optional links, like a case study's sources."""
    from urbis.insight.models import Partnership

    if partnership is not None:
        follower = partnership.follower
    if not operator:
        require(by, Action.EDIT, follower)
    errors: dict[str, str] = {}
    if mentor is None:
        errors["mentor"] = _("This field is required.")
    elif mentor.pk == follower.pk:
        errors["mentor"] = _("A city cannot mentor itself.")
    _required(errors, theme=theme, goals=goals, started_on=started_on)
    if mentor is not None and _others(Partnership.objects.filter(
            mentor=mentor, follower=follower, theme=theme), partnership).exists():
        errors["theme"] = _("These cities already have a partnership on this theme.")
    clean_meetings = _check_meetings(meetings if meetings is not None else [], errors)
    document_errors: dict[str, str] = {}
    clean_documents = _check_sources(documents if documents is not None else [],
                                     document_errors)
    if document_errors:
        errors["documents"] = document_errors["sources"]
    if errors:
        raise ValidationError(errors)
    fields = {"mentor": mentor, "theme": theme, "goals": goals, "started_on": started_on,
              "meetings": clean_meetings, "documents": clean_documents, "outcomes": outcomes,
              "is_illustrative": is_illustrative}
    if partnership is None:
        return Partnership.objects.create(follower=follower, **fields)
    for name, value in fields.items():
        setattr(partnership, name, value)
    partnership.save()
    return partnership


def create_partnership(*, by: Any, mentor: Any, follower: Any, **fields: Any) -> Any:
    """A new mentoring partnership (see :func:`save_partnership`)."""
    return save_partnership(by=by, follower=follower, partnership=None, mentor=mentor, **fields)
