"""Reading input files (CSV in any common dialect, gzip, Parquet) into string-safe frames."""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 256 * 1024
_COMMA_DECIMAL = re.compile(r"^\s*-?\d+,\d+\s*$")
_POINT_DECIMAL = re.compile(r"^\s*-?\d+\.\d+\s*$")


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    decimal: str


def file_kind(path: Path) -> str:
    """``"parquet"``, ``"csv.gz"`` or ``"csv"`` from the file's first bytes, not its name."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == _PARQUET_MAGIC:
        return "parquet"
    if head[:2] == _GZIP_MAGIC:
        return "csv.gz"
    return "csv"


def _read_text_head(path: Path, gzipped: bool) -> str:
    opener = gzip.open if gzipped else open
    with opener(path, "rb") as fh:
        raw = fh.read(_SNIFF_BYTES)
    text = raw.decode("utf-8-sig", errors="replace")
    # Drop a possibly cut last line so it cannot skew the counts.
    return text.rsplit("\n", 1)[0] if len(raw) == _SNIFF_BYTES else text


_NUMERIC_COLUMNS = ("value", "lon", "lat")


def sniff_dialect(path: Path) -> CsvDialect:
    """Detect delimiter and decimal mark from the file's head.

    The delimiter is the candidate that splits every sampled line into the same number (>1)
    of fields, preferring the most fields. The decimal mark is a comma when the numeric
    columns (value, lon, lat) hold numbers like ``1,5`` and none like ``1.5``.
    """
    text = _read_text_head(path, file_kind(path) == "csv.gz")
    lines = [ln for ln in text.splitlines() if ln.strip()][:200]
    best: tuple[int, str] | None = None
    for delim in _DELIMITERS:
        counts = {len(row) for row in csv.reader(lines, delimiter=delim)}
        if len(counts) == 1:
            n = counts.pop()
            if n > 1 and (best is None or n > best[0]):
                best = (n, delim)
    delimiter = best[1] if best else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    decimal = "."
    if rows:
        header = [h.strip().lower() for h in rows[0]]
        numeric = [header.index(c) for c in _NUMERIC_COLUMNS if c in header]
        values = [r[i] for r in rows[1:] for i in numeric if len(r) > i]
        if values and (
            any(_COMMA_DECIMAL.match(v) for v in values)
            and not any(_POINT_DECIMAL.match(v) for v in values)
        ):
            decimal = ","
    return CsvDialect(delimiter=delimiter, decimal=decimal)


def read_input(path: Path) -> tuple[pl.DataFrame, str]:
    """Read a readings file. Returns the frame (column names lower-cased) and its kind.

    CSV columns stay strings so that validation can name the row and field of a bad cell;
    values with a decimal comma are rewritten to a decimal point here.
    """
    kind = file_kind(path)
    if kind == "parquet":
        # Text columns are read dictionary-encoded (categorical): meter files repeat a few
        # codes millions of times, and this keeps a 10-million-row file within a few
        # hundred MB.
        schema = pq.read_schema(path)
        text = [
            f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        ]
        table = pq.read_table(path, read_dictionary=text)
        converted = pl.from_arrow(table)
        assert isinstance(converted, pl.DataFrame)
        frame = converted
    else:
        dialect = sniff_dialect(path)
        source: Path | io.BytesIO = path
        if kind == "csv.gz":
            with gzip.open(path, "rb") as fh:
                source = io.BytesIO(fh.read())
        frame = pl.read_csv(
            source,
            separator=dialect.delimiter,
            infer_schema=False,
            encoding="utf8-lossy",
        )
        frame = frame.rename({c: c.strip().lstrip("\ufeff").lower() for c in frame.columns})
        if dialect.decimal == "," and "value" in frame.columns:
            frame = frame.with_columns(pl.col("value").str.replace(",", ".", literal=True))
        if dialect.decimal == "," and {"lon", "lat"} <= set(frame.columns):
            frame = frame.with_columns(
                pl.col("lon").str.replace(",", ".", literal=True),
                pl.col("lat").str.replace(",", ".", literal=True),
            )
        return frame, kind
    frame = frame.rename({c: c.strip().lstrip("\ufeff").lower() for c in frame.columns})
    return frame, kind
