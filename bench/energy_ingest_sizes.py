"""Time and peak memory of ingesting one file, by the file's size, checked whole or in slices.

A file is stored whole or not at all. Checked whole, ingestion's memory grows with the file;
a file of more than ``SLICE_ROWS`` readings is cut into slices of whole meters and checked
slice by slice (:mod:`urbis.engines.energy.slices`). This builds files of 0.5, 1, 2 and 3
times one generated file (1,000 meters × one year = 8.76 M rows) from the inputs of a
``bench/energy.py`` run and ingests each alone, in its own process, into an empty store, both
ways side by side (``whole``: slicing switched off; ``sliced``: the default):

    .venv/bin/python bench/energy_ingest_sizes.py --work /tmp/et/bench6/m10000 [--csv]

``--csv`` also writes the 0.5, 1 and 2 times files as CSV (2.4 GB for 17.5 M rows) and
ingests those.

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
CSV_MULTIPLES = (0.5, 1.0, 2.0)
#: ``slice_rows`` for each way of checking; 0 is the engine's default.
MODES = {"whole": 10**12, "sliced": 0}


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


def write_csv(parquet: Path) -> Path:
    import polars as pl

    target = parquet.with_suffix(".csv")
    pl.scan_parquet(parquet).sink_csv(target)
    return target


def ingest_child(path: Path, data: Path, slice_rows: int) -> None:
    """Ingest one file and print its figures as JSON (runs in a fresh process)."""
    from energy import _areas  # the benchmark city's areas, as bench/energy.py builds them
    from urbis.engines.energy import AreaIndex, ingest_file

    shutil.rmtree(data, ignore_errors=True)
    start = time.perf_counter()
    report = ingest_file(
        path,
        city="bench",
        areas=AreaIndex(_areas()),
        data_dir=data,
        slice_rows=slice_rows or None,
    )
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
    parser.add_argument("--csv", action="store_true", help="also ingest CSV copies")
    parser.add_argument(
        "--child", nargs=3, metavar=("FILE", "DATA", "SLICE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        ingest_child(Path(args.child[0]), Path(args.child[1]), int(args.child[2]))
        return
    if not args.work:
        parser.error("--work is required")
    inputs = sorted((Path(args.work) / "input").glob("*.parquet"))
    if not inputs:
        raise SystemExit(f"no input files under {args.work}/input; run bench/energy.py first")
    with tempfile.TemporaryDirectory(prefix="urbis-ingest-sizes-") as tmp:
        files = [(m, "parquet", p) for m, p in build_inputs(inputs, Path(tmp)).items()]
        if args.csv:
            files += [(m, "csv", write_csv(p)) for m, _, p in list(files) if m in CSV_MULTIPLES]
        print(
            f"{'file':>6} {'format':>7} {'rows':>12} {'mode':>7} {'status':>7} "
            f"{'seconds':>8} {'peak GiB':>9}"
        )
        for number, (multiple, kind, path) in enumerate(files):
            # Alternate which way goes first, so that neither always runs on a warm cache.
            order = list(MODES) if number % 2 == 0 else list(reversed(MODES))
            results = {}
            for mode in order:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        str(path),
                        str(Path(tmp) / "data"),
                        str(MODES[mode]),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                results[mode] = json.loads(out.stdout.strip().splitlines()[-1])
            for mode in MODES:
                result = results[mode]
                print(
                    f"{multiple:>5}x {kind:>7} {result['rows']:>12,} {mode:>7} "
                    f"{result['status']:>7} {result['seconds']:>8.1f} "
                    f"{result['peak_rss_mib'] / 1024:>9.2f}",
                    flush=True,
                )
            ratio = results["sliced"]["seconds"] / results["whole"]["seconds"]
            memory = results["whole"]["peak_rss_mib"] / results["sliced"]["peak_rss_mib"]
            print(f"{'':>6} sliced/whole time {ratio:.2f}; whole/sliced peak memory {memory:.2f}")


if __name__ == "__main__":
    main()
