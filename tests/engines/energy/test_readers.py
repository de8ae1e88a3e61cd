"""The file-level UTF-8 check: ASCII blocks are passed over quickly, and what it reports
must not depend on where the blocks of its reads fall."""

from __future__ import annotations

import gzip

import pytest

from urbis.engines.energy.readers import utf8_problem

_BLOCK = 1 << 22  # utf8_problem's read size


def _expected(data: bytes) -> tuple[int, int] | None:
    """Row (header = 1) and byte offset of the first byte that is not UTF-8, from the
    whole file decoded at once."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1, exc.start
    return None


def _ascii_lines(size: int) -> bytes:
    line = b"m1,2024-01-01T00:00:00Z,1.5,kWh\n"
    return line * (size // len(line) + 1)


@pytest.mark.parametrize("gzipped", [False, True], ids=["csv", "csv.gz"])
@pytest.mark.parametrize(
    "case",
    ["ascii", "char-across-blocks", "bad-byte-late", "cut-char-at-end", "bad-after-non-ascii"],
)
def test_utf8_problem_is_the_whole_files_first_bad_byte(tmp_path, case, gzipped):
    head = _ascii_lines(_BLOCK)[: _BLOCK - 1]  # one byte short of a block
    data = {
        "ascii": head + b"\n",
        # "è" is two bytes: its first ends the first block, its second starts the next
        "char-across-blocks": head + "è\n".encode() + _ascii_lines(1000),
        "bad-byte-late": head + _ascii_lines(_BLOCK) + b"x\xffy\n",
        "cut-char-at-end": head + b"\n" + "è".encode()[:1],
        "bad-after-non-ascii": head + "è".encode() + b"\n\xc3(\n",
    }[case]
    path = tmp_path / "f.csv"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    found = utf8_problem(path)
    assert found == _expected(data)
    if case in ("ascii", "char-across-blocks"):
        assert found is None
    else:
        assert found is not None
