"""Peak memory of ingesting one file, by the file's size.

Ingestion validates a file whole (so that it is stored whole or not at all), so its peak
memory grows with the size of one input file. This builds files of 0.5, 1, 2 and 3 times one
generated file (1,000 meters × one year = 8.76 M rows) from the inputs of a ``bench/energy.py``
run and ingests each alone, in its own process, into an empty store:

    .venv/bin/python bench/energy_ingest_sizes.py --work /tmp/et/bench6/m10000

Results are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

MULTIPLES = (0.5, 1.0, 2.0, 3.0)


def build_inputs(inputs: list[Path], target: Path) -> dict[float, Path]:
    """One Parquet file per multiple: a slice of the first input, or whole inputs joined
    (their meters are distinct, so the joined file is a valid delivery)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    built: dict[float, Path] = {}
    first = pq.read_table(inputs[0])
    for multiple in MULTIPLES:
        whole = int(multiple)
        if whole == 0:
            table = first.slice(0, int(first.num_rows * multiple))
        else:
            if len(inputs) < whole:
                raise SystemExit(f"need {whole} input files, found {len(inputs)}")
            table = pa.concat_tables([first, *(pq.read_table(p) for p in inputs[1:whole])])
        path = target / f"x{multiple}.parquet"
        pq.write_table(table, path)
        built[multiple] = path
        del table
    return built


def _peak_rss_mib() -> float:
    """This process's peak RSS. ``VmHWM`` rather than ``ru_maxrss``: Linux carries
    ``ru_maxrss`` across ``execve``, so a child would report its big parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest_child(path: Path, data: Path) -> None:
    """Ingest one file and print its figures as JSON (runs in a fresh process)."""
    from energy import _areas  # the benchmark city's areas, as bench/energy.py builds them
    from urbis.engines.energy import AreaIndex, ingest_file

    shutil.rmtree(data, ignore_errors=True)
    start = time.perf_counter()
    report = ingest_file(path, city="bench", areas=AreaIndex(_areas()), data_dir=data)
    print(
        json.dumps(
            {
                "status": report.status,
                "rows": report.rows,
                "seconds": time.perf_counter() - start,
                "peak_rss_mib": _peak_rss_mib(),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", help="the m<N> folder of a bench/energy.py work directory")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        ingest_child(Path(args.child[0]), Path(args.child[1]))
        return
    if not args.work:
        parser.error("--work is required")
    inputs = sorted((Path(args.work) / "input").glob("*.parquet"))
    if not inputs:
        raise SystemExit(f"no input files under {args.work}/input; run bench/energy.py first")
    with tempfile.TemporaryDirectory(prefix="urbis-ingest-sizes-") as tmp:
        files = build_inputs(inputs, Path(tmp))
        print(f"{'file':>6} {'rows':>12} {'status':>8} {'seconds':>8} {'peak GiB':>9}")
        for multiple, path in files.items():
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path), str(Path(tmp) / "data")],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{multiple:>5}x {result['rows']:>12,} {result['status']:>8} "
                f"{result['seconds']:>8.1f} {result['peak_rss_mib'] / 1024:>9.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
