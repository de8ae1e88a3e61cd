"""Benchmark of the survey comparison model: raking + estimates + city comparison.

20 cities × 2,000 simulated respondents × 30 yes/no questions (``engines.survey.simulate``):
each city is raked to its age, sex and district margins (10 districts), each question's
weighted distribution is estimated per city and per district, and the comparison model is fitted
for every question across all cities. Side by side: the same model fitted the way an analyst
would write it, a statsmodels formula logit on one row per respondent, for a few questions and
scaled to 30.

    .venv/bin/python bench/survey.py                     # 20 × 2,000 × 30, alternative on 3
    .venv/bin/python bench/survey.py --repeat 3 --json /tmp/survey.json
    .venv/bin/python bench/survey.py --pages            # results pages from the stored fit

``--pages`` loads the places demo and the insight demo (two simulated surveys) into a fresh
SQLite database in a temporary data directory and times the results, comparison and city
insight pages and their API answers through Django's full request path (DEBUG off), p50/p95 of
``--page-repeat`` requests after one warm-up; goal < 200 ms.

Results and the command used are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from urbis.engines.survey import simulate  # noqa: E402
from urbis.engines.survey.comparison import compare, compare_models  # noqa: E402
from urbis.engines.survey.estimates import by_group, distribution  # noqa: E402
from urbis.engines.survey.weighting import rake  # noqa: E402


def run(cities: int, respondents: int, questions: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    city_list = [
        simulate.make_city(f"C{i:02d}", [f"d{j}" for j in range(10)], 0.05 * i, rng)
        for i in range(cities)
    ]
    sample = simulate.draw(
        city_list, respondents, questions, rng, question_effects=rng.normal(0, 0.5, questions)
    )
    started = time.perf_counter()
    weights = np.zeros(sample.city.size)
    for city in city_list:
        mask = sample.city == city.code
        weights[mask] = rake(
            {"age": sample.age[mask], "sex": sample.sex[mask], "district": sample.district[mask]},
            simulate.margins_of(city),
        ).weights
    weighted = time.perf_counter()
    for city in city_list:
        mask = sample.city == city.code
        for q in range(questions):
            answers = sample.answers[mask, q]
            distribution(answers, weights[mask], [0, 1])
            by_group(sample.district[mask], answers, weights[mask], [0, 1])
    estimated = time.perf_counter()
    differing = 0
    for q in range(questions):
        result = compare(
            sample.answers[:, q],
            sample.city,
            {"age": sample.age, "sex": sample.sex},
            weights=weights,
        )
        differing += sum(p.differs for p in result.pairs)
    modelled = time.perf_counter()
    # What the app stores: the fixed and the multilevel (partial pooling) estimates, one fit.
    for q in range(questions):
        compare_models(
            sample.answers[:, q],
            sample.city,
            {"age": sample.age, "sex": sample.sex},
            weights=weights,
        )
    pooled = time.perf_counter()
    return {
        "weighting_s": weighted - started,
        "estimates_s": estimated - weighted,
        "model_s": modelled - estimated,
        "both_models_s": pooled - modelled,
        # Weighting, estimates and the comparison as the app stores it (both models).
        "total_s": (estimated - started) + (pooled - modelled),
        "pairs_differing": differing,
        "_sample": sample,  # type: ignore[dict-item]
    }


def alternative(sample: simulate.Sample, questions: int) -> float:
    """Seconds per question of a per-respondent formula logit (what an analyst would write)."""
    import pandas as pd
    import statsmodels.formula.api as smf

    frame = pd.DataFrame({"city": sample.city, "age": sample.age, "sex": sample.sex})
    started = time.perf_counter()
    for q in range(questions):
        frame["y"] = sample.answers[:, q]
        smf.logit("y ~ C(city) + C(age) + C(sex)", data=frame).fit(disp=0)
    return (time.perf_counter() - started) / questions


def pages(repeat: int) -> dict[str, dict[str, float]]:
    import tempfile

    data_dir = tempfile.mkdtemp(prefix="urbis-survey-bench-")
    os.environ["URBIS_DATA_DIR"] = data_dir
    os.environ.pop("URBIS_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urbis.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from urbis.demo import loader
    from urbis.insight import demo

    for _label, step in loader.place_steps():
        step()
    for _label, step in demo.steps():
        step()
    setup_test_environment()
    client = Client(SERVER_NAME="localhost")
    urls = [
        "/cities/barcelona/surveys/attitudes-2026/results/",
        "/insight/comparisons/energy-concern.v1/",
        "/cities/paris/insight/",
        "/insight/methods/",
        "/api/v1/cities/barcelona/surveys/attitudes-2026/results",
        "/api/v1/insight/comparisons/energy-concern.v1",
    ]
    timings = {}
    for url in urls:
        first = client.get(url, secure=True)
        assert first.status_code == 200, (url, first.status_code, first.content[:300])
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        timings[url] = {
            "p50_ms": statistics.median(times),
            "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
        }
        print(f"{url}: p50 {timings[url]['p50_ms']:.0f} ms, p95 {timings[url]['p95_ms']:.0f} ms")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=20)
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--alternative-questions", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--pages", action="store_true")
    parser.add_argument("--page-repeat", type=int, default=20)
    args = parser.parse_args()
    if args.pages:
        timings = pages(args.page_repeat)
        if args.json:
            args.json.write_text(json.dumps(timings, indent=2))
        return
    runs = [run(args.cities, args.respondents, args.questions, 20 + r) for r in range(args.repeat)]
    sample = runs[0].pop("_sample")
    for r in runs[1:]:
        r.pop("_sample")
    per_question = alternative(sample, args.alternative_questions)
    total = statistics.median(r["total_s"] for r in runs)
    model = statistics.median(r["model_s"] for r in runs)
    result = {
        "cities": args.cities,
        "respondents_per_city": args.respondents,
        "questions": args.questions,
        "runs": runs,
        "median_total_s": total,
        "median_model_s": model,
        "alternative_model_s_scaled": per_question * args.questions,
        "load_average": os.getloadavg()[0],
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    for r in runs:
        print(
            f"weighting {r['weighting_s']:.2f} s · estimates {r['estimates_s']:.2f} s · "
            f"model {r['model_s']:.2f} s · fixed + multilevel {r['both_models_s']:.2f} s · "
            f"total {r['total_s']:.2f} s "
            f"({r['pairs_differing']} city pairs differ over {args.questions} questions)"
        )
    print(
        f"alternative (formula logit per respondent): {per_question:.2f} s per question, "
        f"{per_question * args.questions:.1f} s for {args.questions}; "
        f"load average {result['load_average']:.1f}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
