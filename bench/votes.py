"""Concurrent vote casting through the HTTP API against PostgreSQL: the product's vote path side
by side with its previous version and with a naive read-then-write counter, with a check
afterwards that no vote was lost or doubled.

    .venv/bin/python bench/votes.py                       # defaults: 3 server workers, 4 clients
    .venv/bin/python bench/votes.py --voters 200 --ideas 20 --votes-per-voter 5 --clients 8 \
        --workers 3 --json bench/results/votes.json
    .venv/bin/python bench/votes.py --worker-class gthread --threads 4 --paths constraint,previous
    git archive be9c8a4 | tar -x -C /tmp/before   # the product as of another commit
    .venv/bin/python bench/votes.py --paths constraint,baseline --baseline /tmp/before

What it does, all on 127.0.0.1:

1. starts a throwaway PostgreSQL cluster (scripts/pg-test-cluster), migrates, and creates a city,
   one process open for voting per path that stores real votes, ``--ideas`` ideas in each and
   ``--voters`` accounts with API tokens;
2. serves Urbis with gunicorn (``--workers`` processes of ``--worker-class`` with ``--threads``);
3. runs the same workload once per vote path (``--paths``):
   - ``constraint``: the real API, ``POST /api/v1/ideas/{id}/vote`` (unique constraint on
     (idea, account); on PostgreSQL one statement in autocommit counts the rate limits, locks
     the idea, inserts the vote skipping a duplicate with ON CONFLICT DO NOTHING and adds one to
     the total only for a stored row; engagement.services.votes);
   - ``previous``: the same endpoint as it was before issue 16's rework, mounted by this file on
     the product's API (same middleware, token, idea look-up and problem documents): each
     rate-limit counter in a transaction of its own (insert-or-ignore, then a conditional
     UPDATE), the Vote INSERT with IntegrityError as the duplicate signal, then a SELECT of the
     total; so old and new are timed side by side under the same load;
   - ``naive``: a view this file adds to the server (same middleware, same token, idea,
     permission, phase and rate-limit checks), which checks "has this account voted?" with a
     SELECT, INSERTs the vote, then reads the idea's counter and writes it back + 1 — what a
     first version often does, on a table without the unique constraint;
   - ``baseline`` (with ``--baseline DIR``): the real API as another source tree serves it (a
     second gunicorn from DIR, e.g. the commit before a change, on the same database, with its
     own process of ideas): before and after a change, timed side by side in one run;
   Each (voter, idea) vote is sent twice at the same moment by two client processes (a double
   click), so a correct path stores exactly one of them. A client writes each request as raw
   HTTP/1.1 to a socket and reads the status line (``--client socket``, about 0.2 ms of CPU a
   request); ``--client requests`` sends them with a ``requests`` session instead, as this
   benchmark did until 2026-12-07 (about 1.3-1.9 ms a request, taken from the same two cores
   the server and PostgreSQL run on);
4. afterwards compares, per idea, the stored total, the stored vote rows, and the votes the
   clients were told had succeeded: lost (total below the successes) and doubled (more rows than
   distinct voters) votes are counted.

Besides rates and latencies it reports the CPU time per request of the gunicorn workers, of the
PostgreSQL server and of the clients (from /proc, per round): on a shared machine the rates
follow the other work running, the CPU cost of a request much less so.

Request loops are bounded by count (every client sends its share once) and by time
(``--max-seconds`` per path). Every path hits the same database-backed rate limiter; the per-IP
vote limit is raised because every client here shares 127.0.0.1. Results go to
docs/PERFORMANCE.md by hand."""

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NAIVE_PREFIX = "/bench/naive-vote/"
PREVIOUS_PREFIX = "/bench-previous"
PATHS = ("constraint", "previous", "naive", "baseline")
PROCESS_SLUGS = {
    "constraint": "bench", "previous": "bench-previous", "baseline": "bench-baseline"
}


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


def _previous_router() -> Any:
    """The product's vote endpoint as it was before the vote path was reworked (commit f5319db:
    each rate-limit counter in its own transaction of INSERT-or-ignore then a conditional
    UPDATE; the idea's counter UPDATE, the Vote INSERT under the unique constraint with
    IntegrityError as the duplicate signal, then a SELECT of the new total). Mounted on the same
    NinjaAPI as the product's routes (same middleware, token check, idea lookup, problem
    documents), so that the old and the new path can be timed side by side on one busy machine.
    The bench process has no vote cap and no support threshold, so their branches are left out."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction
    from django.db.models import F, Q
    from django.http import HttpRequest
    from ninja import Router, Status

    from urbis.engagement import queries
    from urbis.engagement.models import Idea, IdeaStatus, RateCounter, Vote
    from urbis.engagement.ratelimits import RateLimited, client_ip, limits
    from urbis.engagement.schemas import VoteOut
    from urbis.engagement.services.votes import _require_voting_open
    from urbis.people.api_auth import write_auth
    from urbis.people.ratelimits import _remaining, window_start
    from urbis.problems import problem_response

    def count_attempt(key: str, limit: tuple[int, int]) -> int | None:
        from django.utils import timezone

        now = timezone.now()
        count, seconds = limit
        window = window_start(seconds, now)
        with transaction.atomic():
            RateCounter.objects.bulk_create(
                [RateCounter(key=key, window_start=window, count=0)], ignore_conflicts=True
            )
            updated = RateCounter.objects.filter(
                key=key, window_start=window, count__lt=count
            ).update(count=F("count") + 1)
        return None if updated else _remaining(seconds, now)

    def hit(user: Any, ip: str | None) -> None:
        table = limits()
        for name, key in (("vote:user", f"vote:user:{user.pk}"), ("vote:ip", f"vote:ip:{ip}")):
            wait = count_attempt(key, table[name])
            if wait is not None:
                raise RateLimited("vote", wait)

    def cast_vote(by: Any, idea: Any, ip: str | None) -> int:
        process = _require_voting_open(by, idea)
        hit(by, ip)
        votable = Q(pk=idea.pk, is_hidden=False) & ~Q(
            status__in=[IdeaStatus.DUPLICATE, IdeaStatus.REJECTED]
        )
        try:
            with transaction.atomic():
                if not Idea.objects.filter(votable).update(vote_count=F("vote_count") + 1):
                    raise ValidationError({"vote": "This idea cannot be supported."})
                Vote.objects.create(idea=idea, process=process, user=by)
        except IntegrityError:
            raise ValidationError({"vote": "You have already supported this idea."}) from None
        return int(Idea.objects.values_list("vote_count", flat=True).get(pk=idea.pk))

    router = Router()

    @router.post("/ideas/{idea_id}/vote", response={201: VoteOut}, auth=write_auth)
    def vote(request: HttpRequest, idea_id: int) -> Any:
        try:
            idea = queries.get_idea_by_id(idea_id, request.user)
            total = cast_vote(request.user, idea, client_ip(request))
        except RateLimited as exc:
            response = problem_response(request, 429, str(exc))
            response["Retry-After"] = str(exc.retry_after)
            return response
        return Status(201, {"idea": idea.pk, "votes": total, "voted": True})

    return router


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
    # The previous vote path joins the product's API before its URLs are built.
    from urbis.api import api

    api.add_router(PREVIOUS_PREFIX, _previous_router())
    # This module becomes the URL configuration: the naive route, then every Urbis URL.
    globals()["urlpatterns"] = [
        path(NAIVE_PREFIX.strip("/") + "/<int:idea_id>", csrf_exempt(_naive_vote)),
        path("", include("urbis.urls")),
    ]
    settings.ROOT_URLCONF = __name__
    application = get_wsgi_application()
    # Half the requests are refused double clicks (422): expected here, so not logged. Set
    # after get_wsgi_application(), whose django.setup() configures logging again.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    return application


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


def _prepare(voters: int, ideas: int) -> tuple[dict[str, list[int]], list[str]]:
    """City, one process per path that stores real votes (``constraint`` and ``previous``, so
    that each path's totals can be checked on their own), ``ideas`` ideas in each, and accounts,
    written straight through the ORM (this is set-up). Returns each path's idea ids (the naive
    path counts in tables of its own, keyed by the constraint path's ids) and the tokens."""
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
    idea_ids: dict[str, list[int]] = {}
    for path, slug in PROCESS_SLUGS.items():
        process = Process.objects.create(
            city=city,
            slug=slug,
            title=f"Bench process ({path})",
            collecting_starts=now - dt.timedelta(days=1),
            collecting_ends=now + dt.timedelta(days=1),
            voting_starts=now - dt.timedelta(days=1),
            voting_ends=now + dt.timedelta(days=1),
            closes=now + dt.timedelta(days=2),
        )
        idea_ids[path] = [
            Idea.objects.create(
                process=process,
                title=f"Idea {n}",
                body="Body " * 5,
                body_html="<p>Body</p>",
                category="energy",
            ).pk
            for n in range(ideas)
        ]
    idea_ids["naive"] = idea_ids["constraint"]
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
            [[i] for i in idea_ids["naive"]],
        )
    return idea_ids, tokens


def _client(args: tuple[str, list[tuple[str, int]], str, float, str]) -> dict[str, Any]:
    """One client process: send its share of votes in order, once each, until done or out of
    time. Returns latencies and which (token, idea) votes were accepted."""
    base, work, path, deadline, kind = args
    send = _requests_sender(base, path) if kind == "requests" else _socket_sender(base, path)
    latencies: list[float] = []
    accepted: list[tuple[str, int]] = []
    codes: dict[int, int] = {}
    cpu_started = time.process_time()
    for token, idea_id in work:
        if time.time() > deadline:
            break
        started = time.perf_counter()
        status = send(token, idea_id)
        latencies.append(time.perf_counter() - started)
        codes[status] = codes.get(status, 0) + 1
        if status == 201:
            accepted.append((token, idea_id))
    return {
        "latencies": latencies,
        "accepted": accepted,
        "codes": codes,
        "cpu_seconds": time.process_time() - cpu_started,
    }


def _vote_path(path: str, idea_id: int) -> str:
    return {
        "constraint": f"/api/v1/ideas/{idea_id}/vote",
        "baseline": f"/api/v1/ideas/{idea_id}/vote",
        "previous": f"/api/v1{PREVIOUS_PREFIX}/ideas/{idea_id}/vote",
        "naive": f"{NAIVE_PREFIX}{idea_id}",
    }[path]


def _socket_sender(base: str, path: str) -> Callable[[str, int], int]:
    """Send a vote as raw HTTP/1.1 over a socket and return the status code.

    The clients share the two cores with the server and PostgreSQL, and ``requests`` cost
    about 1.3-1.9 ms of CPU per vote (half of what the server itself spent), which a real
    voter's browser does not take from the server's machine; this costs about 0.2 ms.
    Gunicorn's sync workers close every connection after one response, so each request opens
    its own, as a ``requests`` session did too."""
    from urllib.parse import urlsplit

    where = urlsplit(base)
    address = (where.hostname or "127.0.0.1", where.port or 80)

    def send(token: str, idea_id: int) -> int:
        request = (
            f"POST {_vote_path(path, idea_id)} HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        with socket.create_connection(address, timeout=30) as connection:
            connection.sendall(request)
            received = b""
            while True:  # the server closes the connection after its response
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += chunk
        # "HTTP/1.1 201 Created": the status code is the status line's second word
        return int(received.split(b" ", 2)[1]) if received.startswith(b"HTTP/") else 0

    return send


def _requests_sender(base: str, path: str) -> Callable[[str, int], int]:
    """The benchmark's earlier client (``--client requests``): a ``requests`` session."""
    import requests

    session = requests.Session()

    def send(token: str, idea_id: int) -> int:
        response = session.post(
            f"{base}{_vote_path(path, idea_id)}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        return int(response.status_code)

    return send


def _cpu_seconds(parent: int) -> float:
    """User + system CPU seconds used so far by the children of process ``parent`` (the gunicorn
    workers, or the PostgreSQL server's backends and helpers), read from /proc: the live
    children's own times plus what the parent has collected from children that ended."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(pid: str) -> list[str]:
        # after the ")" that closes the command name: state, ppid, ..., utime (11), stime (12),
        # cutime (13), cstime (14), counted from 0
        return (Path("/proc") / pid / "stat").read_text().rsplit(")", 1)[1].split()

    own = stat(str(parent))
    total = int(own[13]) + int(own[14])
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = stat(entry.name)
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == parent:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _run_path(
    path: str,
    base: str,
    pairs: list[tuple[str, int]],
    clients: int,
    max_seconds: float,
    watched: dict[str, int],
    idea_ids: dict[str, list[int]],
    client: str,
) -> dict[str, Any]:
    """``watched``: the processes whose CPU is counted (``server``: the one serving ``path``)."""
    # Clients go in twos; both of a two send the same list in the same order, so every vote
    # arrives twice at about the same moment.
    groups = max(1, clients // 2)
    ids = idea_ids[path]
    work = [(token, ids[index]) for token, index in pairs]
    shares = [work[g::groups] for g in range(groups)]
    jobs = []
    deadline = time.time() + max_seconds
    for share in shares:
        jobs.append((base, share, path, deadline, client))
        jobs.append((base, share, path, deadline, client))
    with mp.get_context("spawn").Pool(len(jobs)) as pool:
        pool.map(time.sleep, [0] * len(jobs))  # the clients start before the clock does
        cpu_before = {name: _cpu_seconds(pid) for name, pid in watched.items()}
        started = time.perf_counter()
        results = pool.map(_client, jobs)
        elapsed = time.perf_counter() - started
        cpu = {name: _cpu_seconds(pid) - cpu_before[name] for name, pid in watched.items()}
    cpu["clients"] = sum(r["cpu_seconds"] for r in results)
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
        "cpu_seconds": cpu,
    }


def _merge_runs(path: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = [x for p in parts for x in p["latencies"]]
    accepted = [a for p in parts for a in p["accepted_pairs"]]
    elapsed = sum(p["seconds"] for p in parts)
    codes: dict[int, int] = {}
    for p in parts:
        for code, n in p["codes"].items():
            codes[code] = codes.get(code, 0) + n
    cpu = {name: sum(p["cpu_seconds"][name] for p in parts) for name in parts[0]["cpu_seconds"]}
    requests = len(latencies) or 1
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
        # CPU milliseconds per request: load-independent, unlike the rates on a shared machine.
        "cpu_ms_per_request": {name: 1000 * seconds / requests for name, seconds in cpu.items()},
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
    if result["path"] in PROCESS_SLUGS:
        slug = PROCESS_SLUGS[result["path"]]
        totals = dict(Idea.objects.filter(process__slug=slug).values_list("id", "vote_count"))
        rows = list(Vote.objects.filter(process__slug=slug).values_list("idea_id", "user_id"))
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
    parser.add_argument("--rounds", type=int, default=4, help="turns the paths take")
    parser.add_argument(
        "--paths", default=",".join(PATHS),
        help="comma-separated paths to run, of: " + ", ".join(PATHS),
    )
    parser.add_argument(
        "--worker-class", default="sync", help="gunicorn worker class (sync, gthread)"
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument(
        "--client", choices=("socket", "requests"), default="socket",
        help="how the client processes send votes: raw HTTP/1.1 over a socket (default, about "
        "0.2 ms of CPU per request) or a requests session (1.3-1.9 ms, the earlier client)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--baseline", type=Path,
        help="another Urbis source tree (e.g. `git archive <commit> | tar -x -C DIR`) served by a "
        "second gunicorn on the same database: the 'baseline' path votes through its API, so "
        "two versions of the product are timed side by side in one run",
    )
    args = parser.parse_args()
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    if not paths or set(paths) - set(PATHS):
        parser.error(f"--paths takes names of: {', '.join(PATHS)}")
    if ("baseline" in paths) != (args.baseline is not None):
        parser.error("the 'baseline' path and --baseline DIR go together")
    if args.baseline is not None and not (args.baseline / "bench" / "votes.py").exists():
        parser.error(f"{args.baseline} has no bench/votes.py to serve")

    load_at_start = os.getloadavg()
    cluster = Path(tempfile.mkdtemp(prefix="urbis-bench-pg."))
    data_dir = Path(tempfile.mkdtemp(prefix="urbis-bench-data."))
    url = subprocess.run(
        [str(ROOT / "scripts" / "pg-test-cluster"), "start", str(cluster)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    server: subprocess.Popen[bytes] | None = None
    baseline: subprocess.Popen[bytes] | None = None
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
        # (token, idea number): each path votes on its own ideas with the same numbers.
        pairs = [
            (token, index)
            for token in tokens
            for index in rng.sample(range(args.ideas), min(args.votes_per_voter, args.ideas))
        ]
        rng.shuffle(pairs)

        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"

        def serve(tree: Path) -> tuple[subprocess.Popen[bytes], str]:
            port = _free_port()
            process = subprocess.Popen(
                [
                    gunicorn,
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--worker-class",
                    args.worker_class,
                    "--threads",
                    str(args.threads),
                    "--chdir",
                    str(tree / "bench"),
                    "--log-level",
                    "warning",
                    "votes:application",
                ],
                env={
                    **os.environ, **env, "URBIS_BENCH_SERVER": "1",
                    "PYTHONPATH": str(tree / "src"),
                },
            )
            return process, f"http://127.0.0.1:{port}"

        server, base = serve(ROOT)
        bases = dict.fromkeys(PATHS, base)
        _wait_for(base)
        postmaster = int((cluster / "data" / "postmaster.pid").read_text().split()[0])
        watched = {path: {"server": server.pid, "database": postmaster} for path in PATHS}
        if args.baseline is not None:
            baseline, bases["baseline"] = serve(args.baseline.resolve())
            _wait_for(bases["baseline"])
            watched["baseline"]["server"] = baseline.pid

        # The paths take turns in rounds, each round on its own slice of the workload and in a
        # rotated order, so that noise on a shared machine falls on every path alike.
        runs: dict[str, list[dict[str, Any]]] = {path: [] for path in paths}
        for number in range(args.rounds):
            share = pairs[number::args.rounds]
            for path in paths[number % len(paths):] + paths[: number % len(paths)]:
                runs[path].append(
                    _run_path(
                        path, bases[path], share, args.clients,
                        args.max_seconds / args.rounds, watched[path], idea_ids, args.client,
                    )
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
            "settings": vars(args) | {
                "json": str(args.json) if args.json else None,
                "baseline": str(args.baseline) if args.baseline else None,
            },
            "unique_votes_sent": len(pairs),
            "requests_per_path": 2 * len(pairs),
            "results": results,
            "load_average": {"start": load_at_start, "end": os.getloadavg()},
            "throughput_ratio_constraint_over": {
                other: (
                    results["constraint"]["requests_per_second"]
                    / results[other]["requests_per_second"]
                )
                for other in results
                if other != "constraint" and "constraint" in results
            },
        }
        _print(report)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2))
        return 0 if all(results[p]["check"]["ok"] for p in results if p != "naive") else 1
    finally:
        for process in (server, baseline):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
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
    settings = report["settings"]
    print(
        f"\n{report['unique_votes_sent']} distinct votes, each sent twice at once "
        f"({report['requests_per_path']} requests per path); "
        f"{settings['workers']} gunicorn {settings['worker_class']} workers x "
        f"{settings['threads']} threads, {settings['clients']} {settings['client']} client "
        "processes, "
        f"{report['machine']['cpus']} CPUs; load average at start "
        f"{report['load_average']['start'][0]:.1f}, at end {report['load_average']['end'][0]:.1f}\n"
    )
    print(
        "| path | requests/s | votes stored/s | p50 ms | p99 ms | CPU ms/request (server, "
        "database, clients) | succeeded | stored total | stored rows | lost | doubled | check |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in report["results"].items():
        c = r["check"]
        cpu = r["cpu_ms_per_request"]
        print(
            f"| {name} | {r['requests_per_second']:.0f} | {r['accepted_per_second']:.0f} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{cpu['server']:.1f}, {cpu['database']:.1f}, {cpu['clients']:.1f} | "
            f"{c['succeeded']} | {c['stored_total']} | "
            f"{c['stored_rows']} | {c['lost_updates']} | {c['doubled']} | "
            f"{'ok' if c['ok'] else 'WRONG'} |"
        )
    for other, ratio in report["throughput_ratio_constraint_over"].items():
        print(f"\nthroughput ratio constraint / {other}: {ratio:.2f}")
    for name, r in report["results"].items():
        print(f"{name}: HTTP status counts {r['codes']}")


if __name__ == "__main__":
    sys.exit(main())
