"""Concurrent vote casting through the HTTP API against PostgreSQL, side by side with a naive
read-then-write counter, with a check afterwards that no vote was lost or doubled.

    .venv/bin/python bench/votes.py                       # defaults: 3 server workers, 4 clients
    .venv/bin/python bench/votes.py --workers 4 --clients 6 --voters 300 --ideas 30
    .venv/bin/python bench/votes.py --json bench/results/votes.json

What it does, all on 127.0.0.1:

1. starts a throwaway PostgreSQL cluster (scripts/pg-test-cluster), migrates, and creates a city,
   a process open for voting, ``--ideas`` ideas and ``--voters`` accounts with API tokens;
2. serves Urbis with gunicorn (``--workers`` sync worker processes);
3. runs the same workload twice, once per vote path:
   - ``constraint``: the real API, ``POST /api/v1/ideas/{id}/vote`` (unique constraint on
     (idea, account); total moved by an F() update in the same transaction);
   - ``naive``: a view this file adds to the server (same middleware, same token, idea,
     permission, phase and rate-limit checks), which checks "has this account voted?" with a
     SELECT, INSERTs the vote, then reads the idea's counter and writes it back + 1 — what a
     first version often does, on a table without the unique constraint;
   Each (voter, idea) vote is sent twice at the same moment by two client processes (a double
   click), so a correct path stores exactly one of them;
4. afterwards compares, per idea, the stored total, the stored vote rows, and the votes the
   clients were told had succeeded: lost (total below the successes) and doubled (more rows than
   distinct voters) votes are counted.

Request loops are bounded by count (every client sends its share once) and by time
(``--max-seconds`` per path). Both paths hit the same database-backed rate limiter; the per-IP
vote limit is raised because every client here shares 127.0.0.1. Results go to
docs/PERFORMANCE.md by hand.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NAIVE_PREFIX = "/bench/naive-vote/"


# ----------------------------------------------------------------------------- server side
# gunicorn imports this module as ``votes:application`` (with --chdir bench). The naive vote
# handler lives here so that the product has no deliberately wrong code path in it.


def _naive_vote(request: Any, idea_id: int) -> Any:
    """The naive path, as a Django view behind the same middleware as the API: the same token
    check, idea lookup, permission, phase and rate-limit checks as the real vote, then a
    check-then-insert and a read-then-write of the counter (autocommit, statement by statement).
    Only the counting differs."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import connection
    from django.http import JsonResponse

    from urbis.engagement import queries, ratelimits
    from urbis.people.permissions import Action, require
    from urbis.people.services import user_for_token

    header = request.headers.get("Authorization", "")
    user = user_for_token(header.removeprefix("Bearer ").strip()) if header else None
    if user is None:
        return JsonResponse({"detail": "no token"}, status=401)
    idea = queries.get_idea_by_id(idea_id, user)
    try:
        require(user, Action.PARTICIPATE, idea.process.city)
        if not idea.process.is_voting:
            raise ValidationError("voting closed")
        ratelimits.hit("vote", user=user, ip=request.META.get("REMOTE_ADDR"))
    except ratelimits.RateLimited:
        return JsonResponse({"detail": "rate limited"}, status=429)
    except (PermissionDenied, ValidationError) as exc:
        return JsonResponse({"detail": str(exc)}, status=422)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM bench_naive_vote WHERE idea_id = %s AND user_id = %s",
            [idea_id, user.pk],
        )
        if cursor.fetchone()[0]:
            return JsonResponse({"detail": "already voted"}, status=422)
        cursor.execute(
            "INSERT INTO bench_naive_vote (idea_id, user_id) VALUES (%s, %s)", [idea_id, user.pk]
        )
        cursor.execute("SELECT votes FROM bench_naive_counter WHERE idea_id = %s", [idea_id])
        votes = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE bench_naive_counter SET votes = %s WHERE idea_id = %s", [votes + 1, idea_id]
        )
    return JsonResponse({"idea": idea_id, "votes": votes + 1}, status=201)


def _server_application() -> Any:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urbis.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    # Every client shares 127.0.0.1: lift only the per-IP vote limit; the per-account one stays.
    settings.URBIS_RATE_LIMITS = {"vote:ip": (10_000_000, 600)}
    # Half the requests are refused double clicks (422): expected here, so not logged.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    # This module becomes the URL configuration: the naive route, then every Urbis URL.
    globals()["urlpatterns"] = [
        path(NAIVE_PREFIX.strip("/") + "/<int:idea_id>", csrf_exempt(_naive_vote)),
        path("", include("urbis.urls")),
    ]
    settings.ROOT_URLCONF = __name__
    return get_wsgi_application()


if os.environ.get("URBIS_BENCH_SERVER") == "1":
    application = _server_application()


# ----------------------------------------------------------------------------- driver side


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _prepare(voters: int, ideas: int) -> tuple[list[int], list[str]]:
    """City, process, ideas and accounts, written straight through the ORM (this is set-up)."""
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from urbis.engagement.models import Idea, Process
    from urbis.people.models import User
    from urbis.people.services import issue_api_token
    from urbis.places.services import upsert_city

    call_command("migrate", interactive=False, verbosity=0)
    city = upsert_city(code="bench", name="Bench City", country="ES")
    now = timezone.now()
    process = Process.objects.create(
        city=city,
        slug="bench",
        title="Bench process",
        collecting_starts=now - dt.timedelta(days=1),
        collecting_ends=now + dt.timedelta(days=1),
        voting_starts=now - dt.timedelta(days=1),
        voting_ends=now + dt.timedelta(days=1),
        closes=now + dt.timedelta(days=2),
    )
    idea_ids = [
        Idea.objects.create(
            process=process,
            title=f"Idea {n}",
            body="Body " * 5,
            body_html="<p>Body</p>",
            category="energy",
        ).pk
        for n in range(ideas)
    ]
    users = User.objects.bulk_create(
        [User(email=f"voter{n}@bench.invalid", password="!") for n in range(voters)]
    )
    tokens = [issue_api_token(user=u, label="bench") for u in users]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_naive_vote (id bigserial PRIMARY KEY, idea_id bigint NOT NULL, "
            "user_id bigint NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE bench_naive_counter (idea_id bigint PRIMARY KEY, votes integer NOT NULL)"
        )
        cursor.executemany(
            "INSERT INTO bench_naive_counter (idea_id, votes) VALUES (%s, 0)",
            [[i] for i in idea_ids],
        )
    return idea_ids, tokens


def _client(args: tuple[str, list[tuple[str, int]], str, float]) -> dict[str, Any]:
    """One client process: send its share of votes in order, once each, until done or out of
    time. Returns latencies and which (token, idea) votes were accepted."""
    import requests

    base, work, path, deadline = args
    session = requests.Session()
    latencies: list[float] = []
    accepted: list[tuple[str, int]] = []
    codes: dict[int, int] = {}
    for token, idea_id in work:
        if time.time() > deadline:
            break
        url = (
            f"{base}/api/v1/ideas/{idea_id}/vote"
            if path == "constraint"
            else (f"{base}{NAIVE_PREFIX}{idea_id}")
        )
        started = time.perf_counter()
        response = session.post(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        latencies.append(time.perf_counter() - started)
        codes[response.status_code] = codes.get(response.status_code, 0) + 1
        if response.status_code == 201:
            accepted.append((token, idea_id))
    return {"latencies": latencies, "accepted": accepted, "codes": codes}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _run_path(
    path: str, base: str, pairs: list[tuple[str, int]], clients: int, max_seconds: float
) -> dict[str, Any]:
    # Clients go in twos; both of a two send the same list in the same order, so every vote
    # arrives twice at about the same moment.
    groups = max(1, clients // 2)
    shares = [pairs[g::groups] for g in range(groups)]
    jobs = []
    deadline = time.time() + max_seconds
    for share in shares:
        jobs.append((base, share, path, deadline))
        jobs.append((base, share, path, deadline))
    started = time.perf_counter()
    with mp.get_context("spawn").Pool(len(jobs)) as pool:
        results = pool.map(_client, jobs)
    elapsed = time.perf_counter() - started
    codes: dict[int, int] = {}
    for r in results:
        for code, n in r["codes"].items():
            codes[code] = codes.get(code, 0) + n
    return {
        "path": path,
        "seconds": elapsed,
        "latencies": [x for r in results for x in r["latencies"]],
        "codes": codes,
        "accepted_pairs": [tuple(a) for r in results for a in r["accepted"]],
    }


def _merge_runs(path: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = [x for p in parts for x in p["latencies"]]
    accepted = [a for p in parts for a in p["accepted_pairs"]]
    elapsed = sum(p["seconds"] for p in parts)
    codes: dict[int, int] = {}
    for p in parts:
        for code, n in p["codes"].items():
            codes[code] = codes.get(code, 0) + n
    return {
        "path": path,
        "rounds": len(parts),
        "requests": len(latencies),
        "seconds": elapsed,
        "requests_per_second": len(latencies) / elapsed if elapsed else 0.0,
        "accepted": len(accepted),
        "accepted_per_second": len(accepted) / elapsed if elapsed else 0.0,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "codes": codes,
        "latencies": latencies,
        "accepted_pairs": accepted,
    }


def _check(result: dict[str, Any], token_user: dict[str, int]) -> dict[str, Any]:
    """Compare what the clients were told with what the database holds."""
    from django.db import connection

    from urbis.engagement.models import Idea, Vote

    succeeded: dict[int, int] = {}
    for _token, idea_id in result["accepted_pairs"]:
        succeeded[idea_id] = succeeded.get(idea_id, 0) + 1
    if result["path"] == "constraint":
        totals = dict(Idea.objects.filter(process__slug="bench").values_list("id", "vote_count"))
        rows = list(Vote.objects.filter(process__slug="bench").values_list("idea_id", "user_id"))
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT idea_id, votes FROM bench_naive_counter")
            totals = dict(cursor.fetchall())
            cursor.execute("SELECT idea_id, user_id FROM bench_naive_vote")
            rows = [tuple(r) for r in cursor.fetchall()]
    row_count: dict[int, int] = {}
    for idea_id, _user in rows:
        row_count[idea_id] = row_count.get(idea_id, 0) + 1
    distinct = len(set(rows))
    lost = sum(max(0, succeeded.get(i, 0) - totals.get(i, 0)) for i in totals)
    total_mismatch = sum(1 for i in totals if totals[i] != row_count.get(i, 0))
    return {
        "stored_total": sum(totals.values()),
        "stored_rows": len(rows),
        "distinct_voter_idea_pairs": distinct,
        "succeeded": sum(succeeded.values()),
        "doubled": len(rows) - distinct,
        "lost_updates": lost,
        "ideas_where_total_differs_from_rows": total_mismatch,
        "ok": (
            len(rows) == distinct
            and sum(totals.values()) == len(rows) == sum(succeeded.values())
            and total_mismatch == 0
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--clients", type=int, default=4, help="client processes (even)")
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--ideas", type=int, default=20)
    parser.add_argument("--votes-per-voter", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=120.0, help="time bound per path")
    parser.add_argument("--rounds", type=int, default=4, help="turns the two paths take")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    cluster = Path(tempfile.mkdtemp(prefix="urbis-bench-pg."))
    data_dir = Path(tempfile.mkdtemp(prefix="urbis-bench-data."))
    url = subprocess.run(
        [str(ROOT / "scripts" / "pg-test-cluster"), "start", str(cluster)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    server: subprocess.Popen[bytes] | None = None
    try:
        import psycopg

        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE urbis")
        env = {
            "URBIS_DATABASE_URL": url,
            "URBIS_DATA_DIR": str(data_dir),
            "URBIS_SECRET_KEY": secrets.token_urlsafe(40),
            "URBIS_SECURE_SSL_REDIRECT": "0",
            "URBIS_SECURE_COOKIES": "0",
            "URBIS_DB_CONN_MAX_AGE": "60",
            "DJANGO_SETTINGS_MODULE": "urbis.settings",
            "URBIS_LOG_LEVEL": "ERROR",
        }
        _setup_django(env)
        idea_ids, tokens = _prepare(args.voters, args.ideas)
        from urbis.people.services import user_for_token

        token_user = {t: user_for_token(t).pk for t in tokens}  # type: ignore[union-attr]
        rng = random.Random(2026)  # noqa: S311 - a reproducible workload, not a secret
        pairs = [
            (token, idea_id)
            for token in tokens
            for idea_id in rng.sample(idea_ids, min(args.votes_per_voter, len(idea_ids)))
        ]
        rng.shuffle(pairs)

        port = _free_port()
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        server = subprocess.Popen(
            [
                gunicorn,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--chdir",
                str(ROOT / "bench"),
                "--log-level",
                "warning",
                "votes:application",
            ],
            env={**os.environ, **env, "URBIS_BENCH_SERVER": "1", "PYTHONPATH": str(ROOT / "src")},
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)

        # The paths take turns in rounds, each round on its own slice of the workload, so that
        # noise on a shared machine falls on both alike.
        runs: dict[str, list[dict[str, Any]]] = {"constraint": [], "naive": []}
        for number in range(args.rounds):
            share = pairs[number::args.rounds]
            for path in (("constraint", "naive") if number % 2 == 0 else ("naive", "constraint")):
                runs[path].append(
                    _run_path(path, base, share, args.clients, args.max_seconds / args.rounds)
                )
        results = {}
        for path, parts in runs.items():
            run = _merge_runs(path, parts)
            run["check"] = _check(run, token_user)
            run.pop("accepted_pairs")
            run.pop("latencies")
            results[path] = run
        report = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "settings": vars(args) | {"json": str(args.json) if args.json else None},
            "unique_votes_sent": len(pairs),
            "requests_per_path": 2 * len(pairs),
            "results": results,
            "throughput_ratio_constraint_over_naive": (
                results["constraint"]["requests_per_second"]
                / results["naive"]["requests_per_second"]
            ),
        }
        _print(report)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2))
        return 0 if results["constraint"]["check"]["ok"] else 1
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        from django.db import connections

        connections.close_all()
        subprocess.run(
            [str(ROOT / "scripts" / "pg-test-cluster"), "stop", str(cluster)], check=False
        )
        shutil.rmtree(data_dir, ignore_errors=True)


def _wait_for(base: str) -> None:
    import requests

    for _ in range(100):
        try:
            if requests.get(f"{base}/api/v1/cities", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _print(report: dict[str, Any]) -> None:
    print(
        f"\n{report['unique_votes_sent']} distinct votes, each sent twice at once "
        f"({report['requests_per_path']} requests per path); "
        f"{report['settings']['workers']} gunicorn workers, "
        f"{report['settings']['clients']} client processes, {report['machine']['cpus']} CPUs\n"
    )
    print(
        "| path | requests/s | votes stored/s | p50 ms | p99 ms | succeeded | stored total "
        "| stored rows | lost | doubled | check |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in report["results"].items():
        c = r["check"]
        print(
            f"| {name} | {r['requests_per_second']:.0f} | {r['accepted_per_second']:.0f} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {c['succeeded']} | {c['stored_total']} | "
            f"{c['stored_rows']} | {c['lost_updates']} | {c['doubled']} | "
            f"{'ok' if c['ok'] else 'WRONG'} |"
        )
    print(
        f"\nthroughput ratio constraint / naive: "
        f"{report['throughput_ratio_constraint_over_naive']:.2f}"
    )
    for name, r in report["results"].items():
        print(f"{name}: HTTP status counts {r['codes']}")


if __name__ == "__main__":
    sys.exit(main())
