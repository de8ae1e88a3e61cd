"""A production worker freezes its loaded heap (issue 16, page speed).

Each ``urbis serve`` worker imports ``urbis.wsgi``; the module loads every URL pattern and moves
the objects of the loaded code into the garbage collector's permanent generation, so full
collections no longer walk them during requests (the 170-270 ms stalls measured in
docs/PERFORMANCE.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import gc, json, sys, time
import urbis.wsgi
frozen = gc.get_freeze_count()
modules = sorted(m for m in sys.modules if m.startswith("urbis.") and m.endswith(".views"))
start = time.perf_counter()
gc.collect()
print(json.dumps({"frozen": frozen, "views": modules,
                  "full_collection_ms": (time.perf_counter() - start) * 1000}))
"""


def test_importing_the_wsgi_module_freezes_the_loaded_heap(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("URBIS_", "DJANGO_"))}
    env.update(URBIS_DATA_DIR=str(tmp_path), URBIS_DEBUG="0",
               URBIS_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               URBIS_SECRET_KEY="heap-test-" + "k" * 50)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    # The loaded code is well over 100,000 objects; all of them are frozen, the views included
    # (loaded with the URL patterns before freezing, not on the first request).
    assert probe["frozen"] > 100_000, probe["frozen"]
    assert {"urbis.places.views", "urbis.engagement.views", "urbis.energy.views"} <= set(
        probe["views"])
