"""Reading input files (CSV in any common dialect, gzip, Parquet) into string-safe frames."""

from __future__ import annotations

import codecs
import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


class TextBytes:
    """What a CSV file's bytes say, handed to it block by block in order (so that one read
    of the file also serves its hash, :func:`.store.content_hash`): where its first byte
    that is not UTF-8 is, and whether it is *plain* — no quote character, and no carriage
    return but before a line feed. Arrow's CSV reader, told there are no quotes, cuts a
    plain file into the rows and cells polars cuts it into (polars reads quotes; Arrow ends
    a line at a lone carriage return, polars does not)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._offset = 0
        self._bad: int | None = None  # offset of the first byte that is not UTF-8
        self._quote = False
        self._lone_cr = False
        self._cr_before = False  # the block before ended with a carriage return

    def __call__(self, block: bytes) -> None:
        if not block:
            return
        if self._bad is None:
            self._check_utf8(block)
        if not self._quote:
            self._quote = b'"' in block
        if not self._lone_cr:
            lone = self._cr_before and block[:1] != b"\n"
            self._cr_before = block.endswith(b"\r")
            if b"\r" in block:  # a last one waits for the next block's first byte
                crlf = block.count(b"\r\n") + (1 if self._cr_before else 0)
                lone = lone or block.count(b"\r") != crlf
            self._lone_cr = lone
        self._offset += len(block)

    def _check_utf8(self, block: bytes) -> None:
        # Most meter files are ASCII, which is UTF-8 and ten times quicker to tell; unless
        # the decoder holds back part of a character from the block before.
        if block.isascii() and self._decoder.getstate()[0] == b"":
            return
        try:
            self._decoder.decode(block)
        except UnicodeDecodeError as exc:
            # The decoder may hold back up to 3 bytes of an unfinished character from the
            # previous block; the error's offset is within the bytes it was given.
            held = len(exc.object) - len(block)
            self._bad = self._offset + max(exc.start - held, 0)

    @property
    def found_not_utf8(self) -> bool:
        return self._bad is not None

    @property
    def plain(self) -> bool:
        return not (self._quote or self._lone_cr or self._cr_before)

    def not_utf8(self, path: Path) -> tuple[int, int] | None:
        """``(row, byte)`` of the first byte that is not UTF-8 once every block was handed
        over, or None; ``row`` as a spreadsheet counts it (the header is row 1)."""
        bad = self._bad
        if bad is None:
            held = len(self._decoder.getstate()[0])
            if not held:
                return None
            bad = self._offset - held  # the text ends inside a character, begun here
        opener = gzip.open if file_kind(path) == "csv.gz" else open
        return _lines_before(opener, path, bad) + 1, bad


def utf8_problem(path: Path) -> tuple[int, int] | None:
    """``(row, byte)`` of the first byte of a CSV file (gzip or not) that is not UTF-8, or
    None. ``row`` counts lines as a spreadsheet does (the header is row 1); ``byte`` is the
    0-based offset in the (uncompressed) text. Read in blocks, so that a file of any size is
    checked in little memory."""
    check = TextBytes()
    read_text(path, check, until_not_utf8=True)
    return check.not_utf8(path)


def read_text(path: Path, check: TextBytes, *, until_not_utf8: bool = False) -> TextBytes:
    """Hand a CSV file's text (gzip or not), block by block, to ``check``; with
    ``until_not_utf8``, stop at the block of its first byte that is not UTF-8."""
    opener = gzip.open if file_kind(path) == "csv.gz" else open
    with opener(path, "rb") as fh:
        while block := fh.read(1 << 22):
            check(block)
            if until_not_utf8 and check.found_not_utf8:
                break
    return check


def _lines_before(opener: Any, path: Path, offset: int) -> int:
    """How many line feeds the file's first ``offset`` bytes hold (counted only once a bad
    byte is found: the row of the error)."""
    count = 0
    with opener(path, "rb") as fh:
        while offset > 0 and (block := fh.read(min(1 << 22, offset))):
            count += block.count(b"\n")
            offset -= len(block)
    return count


def _read_text_head(path: Path, gzipped: bool) -> str:
    opener = gzip.open if gzipped else open
    with opener(path, "rb") as fh:
        raw = fh.read(_SNIFF_BYTES)
    text = raw.decode("utf-8-sig", errors="replace")
    # Drop a possibly cut last line so it cannot skew the counts.
    return text.rsplit("\n", 1)[0] if len(raw) == _SNIFF_BYTES else text


_NUMERIC_COLUMNS = ("value", "lon", "lat")
#: The columns ingestion reads; others in a file are ignored (and never held in memory).
KNOWN_COLUMNS = frozenset(
    ("meter_id", "timestamp", "value", "unit", "flow", "sector", "carrier")
    + ("area_code", "lon", "lat", "resolution")
)


def sniff_dialect(path: Path) -> CsvDialect:
    """Detect delimiter and decimal mark from the file's head.

    The delimiter is the candidate that splits the header into the most fields (more than
    one) and nearly every sampled line (19 in 20) into as many: one broken line must not hide
    the file's dialect, so that the parser can then say what is wrong with it. The decimal
    mark is a comma when the numeric columns (value, lon, lat) hold numbers like ``1,5`` and
    none like ``1.5``.
    """
    text = _read_text_head(path, file_kind(path) == "csv.gz")
    lines = [ln for ln in text.splitlines() if ln.strip()][:200]
    best: tuple[int, str] | None = None
    for delim in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        if not counts or counts[0] < 2:
            continue
        agreeing = sum(1 for n in counts if n == counts[0])
        if agreeing * 20 >= len(counts) * 19 and (best is None or counts[0] > best[0]):
            best = (counts[0], delim)
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


def _normalise(frame: pl.DataFrame, dialect: CsvDialect | None) -> pl.DataFrame:
    """Lower-case, trimmed column names; numbers with a decimal comma rewritten with a point."""
    frame = frame.rename({c: _column_name(c) for c in frame.columns})
    if dialect is None or dialect.decimal != ",":
        return frame
    numeric = [c for c in _NUMERIC_COLUMNS if frame.schema.get(c) == pl.String]
    return frame.with_columns(pl.col(c).str.replace(",", ".", literal=True) for c in numeric)


def _column_name(raw: str) -> str:
    return raw.strip().lstrip("\ufeff").lower()


def _text_columns(schema: pa.Schema) -> list[str]:
    """Text columns to read dictionary-encoded: codes repeated on every row, not numbers
    (which validation parses from text, and which hardly repeat)."""
    return [
        f.name
        for f in schema
        if (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
        and _column_name(f.name) not in _NUMERIC_COLUMNS
    ]


def _scan_csv(path: Path, dialect: CsvDialect) -> pl.LazyFrame:
    # Every column stays text so that validation can name the row and field of a bad cell.
    return pl.scan_csv(path, separator=dialect.delimiter, infer_schema=False, encoding="utf8-lossy")


def _scan_known_csv(path: Path, dialect: CsvDialect) -> pl.LazyFrame:
    scan = _scan_csv(path, dialect)
    return scan.select(_known(scan.collect_schema().names()))


def read_input(path: Path) -> tuple[pl.DataFrame, str]:
    """Read a whole readings file. Returns the frame (column names lower-cased) and its kind.

    CSV columns stay strings so that validation can name the row and field of a bad cell;
    values with a decimal comma are rewritten to a decimal point here.
    """
    kind = file_kind(path)
    if kind == "parquet":
        # Text columns are read dictionary-encoded (categorical): meter files repeat a few
        # codes millions of times, and this keeps a 10-million-row file within a few
        # hundred MB.
        schema = pq.read_schema(path)
        table = pq.read_table(
            path, columns=_known(schema.names), read_dictionary=_text_columns(schema)
        )
        converted = pl.from_arrow(table)
        assert isinstance(converted, pl.DataFrame)
        return _normalise(converted, None), kind
    dialect = sniff_dialect(path)
    return _normalise(_scan_known_csv(path, dialect).collect(), dialect), kind


def _known(names: list[str]) -> list[str]:
    """The file's names of the columns ingestion reads (a column named twice, e.g. ``Value``
    and ``value``, is kept twice so that validation can refuse the file)."""
    return [n for n in names if _column_name(n) in KNOWN_COLUMNS]


def input_columns(path: Path) -> list[str]:
    """The file's column names as :func:`read_input` gives them, without reading its rows."""
    if file_kind(path) == "parquet":
        names = pq.read_schema(path).names
    else:
        names = _scan_csv(path, sniff_dialect(path)).collect_schema().names()
    return [_column_name(n) for n in names]


def estimate_rows(path: Path) -> int:
    """About how many rows the file holds, to choose between reading it whole and in slices.

    Exact for Parquet (its footer says). For CSV, the file's size over the mean length of the
    lines in its head; a gzip file is assumed to shrink text 8 times, so that a guess errs
    towards slicing, which is always safe.
    """
    kind = file_kind(path)
    if kind == "parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    head = _read_text_head(path, kind == "csv.gz")
    lines = max(head.count("\n"), 1)
    line_bytes = max(len(head.encode()) / lines, 1.0)
    size = path.stat().st_size * (8 if kind == "csv.gz" else 1)
    return int(size / line_bytes)


class Batches:
    """A file's rows, read a batch at a time, as often as needed (see :func:`read_batches`)."""

    def __init__(self, source: Path, dialect: CsvDialect | None, batch_rows: int) -> None:
        self.source, self.dialect, self.batch_rows = source, dialect, batch_rows
        schema = pq.read_schema(source)
        self._text = _text_columns(schema)
        self._names = [(_column_name(n), n) for n in schema.names]
        self.rows = int(pq.ParquetFile(source).metadata.num_rows)

    def __call__(self, columns: list[str] | None = None) -> Iterator[pl.DataFrame]:
        """The rows in file order: the known columns, or only ``columns`` (normalised names)."""
        wanted = KNOWN_COLUMNS if columns is None else set(columns)
        raw = [raw for name, raw in self._names if name in wanted]
        with pq.ParquetFile(self.source, read_dictionary=self._text) as parquet:
            for batch in parquet.iter_batches(batch_size=self.batch_rows, columns=raw):
                frame = pl.from_arrow(batch)
                assert isinstance(frame, pl.DataFrame)
                yield _normalise(frame, self.dialect)


def read_batches(path: Path, work_dir: Path, batch_rows: int) -> Batches:
    """The file's rows as frames of at most ``batch_rows``, in file order, normalised as
    :func:`read_input` does, in memory for one batch at a time.

    A CSV file is first converted, in one streaming pass of polars' own CSV reader (the one
    :func:`read_input` uses), to an all-text Parquet file in ``work_dir``; a Parquet input is
    read row group by row group.
    """
    if file_kind(path) == "parquet":
        return Batches(path, None, batch_rows)
    dialect = sniff_dialect(path)
    source = work_dir / "input.parquet"
    _scan_known_csv(path, dialect).sink_parquet(source, compression="lz4")
    return Batches(source, dialect, batch_rows)
