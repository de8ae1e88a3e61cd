"""Time from `urbis demo` on an empty data directory to its first page, and to the energy readings.

    .venv/bin/python bench/first_page.py              # once, SQLite in a temporary directory
    .venv/bin/python bench/first_page.py --repeat 3

Issue 16 asks for the first page of a fresh clone in under 60 s after the package download, so
this starts where `make demo`'s `pip install` ends: the installed `urbis demo` on an empty data
directory (migrations, the demo's quick steps, the server). It reports three times per run:

- **first page**: `/` answers 200;
- **energy loaded**: the banner that the job worker is still loading the energy readings has
  gone from `/` (the slow steps run in the background, docs/PERFORMANCE.md);
- and the machine's load average at the start, since the machine is shared.

For the comparison a user would otherwise get, ``--inline`` times `urbis demo --no-serve` (every
step before anything is served, as before the background load) in the same run.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BANNER = "The demo's energy readings"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("URBIS_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["URBIS_DATA_DIR"] = data_dir
    return env


def get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (our http URL)
            return str(answer.read().decode())
    except OSError:
        return None


def serve_once(timeout: float) -> tuple[float, float]:
    """Seconds to the first page and to the energy readings being stored."""
    with tempfile.TemporaryDirectory(prefix="urbis-first-page-") as data_dir:
        port = free_port()
        start = time.monotonic()
        server = subprocess.Popen(
            [sys.executable, "-m", "urbis", "demo", "--port", str(port)],
            env=clean_env(data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            first = loaded = float("nan")
            while time.monotonic() - start < timeout and server.poll() is None:
                page = get(f"http://127.0.0.1:{port}/")
                now = time.monotonic() - start
                if page is not None and first != first:  # NaN: not seen yet
                    first = now
                if page is not None and BANNER not in page:
                    loaded = now
                    break
                time.sleep(0.25)
            return first, loaded
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()


def inline_once() -> float:
    with tempfile.TemporaryDirectory(prefix="urbis-first-page-") as data_dir:
        start = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "urbis", "demo", "--no-serve"], env=clean_env(data_dir),
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--inline", action="store_true",
                        help="also time loading every step before serving (the old way)")
    args = parser.parse_args()
    firsts, loads, inlines = [], [], []
    for run in range(args.repeat):
        load = os.getloadavg()[0]
        first, loaded = serve_once(args.timeout)
        firsts.append(first)
        loads.append(loaded)
        line = (f"run {run + 1}: load {load:.1f}  first page {first:.1f} s  "
                f"energy loaded {loaded:.1f} s")
        if args.inline:
            inline = inline_once()
            inlines.append(inline)
            line += f"  | everything before serving (--no-serve) {inline:.1f} s"
        print(line, flush=True)
    print(f"median: first page {statistics.median(firsts):.1f} s, "
          f"energy loaded {statistics.median(loads):.1f} s"
          + (f", everything before serving {statistics.median(inlines):.1f} s"
             f" ({statistics.median(inlines) / statistics.median(firsts):.1f}x the first page)"
             if inlines else ""))


if __name__ == "__main__":
    main()
