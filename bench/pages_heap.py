"""What a warm worker's full garbage collection walks: after a crawl of the demo with the loaded
heap frozen (as ``urbis serve`` does), the objects still tracked outside the frozen heap, the
kinds that make them up, and the CPU time of one full collection.

    .venv/bin/python bench/pages.py --keep /tmp/pagesdemo --gc-freeze   # load a demo once
    .venv/bin/python bench/pages_heap.py --reuse /tmp/pagesdemo         # then this
    .venv/bin/python bench/pages_heap.py --reuse /tmp/pagesdemo --src /tmp/before/src  # before

Every object a request leaves alive for the process's lifetime (a cache of rows, a kept area
index, compiled templates) is walked again by each full collection, inside whichever request
it falls on. Results: docs/PERFORMANCE.md, "Pages and API lists".
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", type=Path, required=True, metavar="DIR",
                        help="a demo kept by bench/pages.py --keep DIR")
    parser.add_argument("--src", type=Path, help="time this source tree's urbis instead")
    parser.add_argument("--passes", type=int, default=3, help="crawls of every page")
    parser.add_argument("--max-pages", type=int, default=400)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.src:
        sys.path.insert(0, str(args.src.resolve()))
    import pages  # bench/pages.py: the same set-up and crawl

    pages._setup(args.reuse / "data", f"sqlite:///{args.reuse / 'urbis.sqlite3'}", load=False)
    from urbis.wsgi import freeze_loaded_heap  # importing it freezes, as a worker does

    assert freeze_loaded_heap
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    urls = pages._crawl(client, args.max_pages)
    for _ in range(args.passes - 1):
        for url in urls:
            client.get(url)
    gc.collect()
    tracked = gc.get_objects()
    kinds = collections.Counter(type(o).__name__ for o in tracked).most_common(12)
    count = len(tracked)
    del tracked
    times = []
    for _ in range(5):
        started = time.process_time()
        gc.collect()
        times.append(1000 * (time.process_time() - started))
    result = {
        "source": str(sys.modules["urbis"].__file__), "pages": len(urls), "passes": args.passes,
        "frozen": gc.get_freeze_count(), "tracked": count, "kinds": kinds,
        "full_collection_cpu_ms": sorted(round(t, 1) for t in times),
    }
    print(f"{result['pages']} pages x {args.passes}, urbis from {result['source']}")
    print(f"  frozen {result['frozen']:,}; tracked outside it {count:,}; "
          f"full collection CPU ms (5 runs) {result['full_collection_cpu_ms']}")
    print("  most tracked kinds:", ", ".join(f"{k} {n:,}" for k, n in kinds))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
