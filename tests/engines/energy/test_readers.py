"""The file-level UTF-8 check: ASCII blocks are passed over quickly, and what it reports
must not depend on where the blocks of its reads fall."""

from __future__ import annotations

import gzip

import pytest

from urbis.engines.energy.readers import TextBytes, utf8_problem
from urbis.engines.energy.store import content_hash

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


def _text_bytes(data: bytes, block: int) -> TextBytes:
    check = TextBytes()
    for start in range(0, len(data), block):
        check(data[start : start + block])
    return check


@pytest.mark.parametrize(
    ("data", "plain"),
    [
        (b"a,b\n1,2\n", True),
        (b"a,b\r\n1,2\r\n", True),
        (b"a,b\n1,2\r3,4\n", False),  # a lone carriage return ends a line to Arrow only
        (b"a,b\n1,2\r", False),  # ... also as the file's last byte
        (b"a,b\r\r\n1,2\n", False),
        (b'a,b\n1,"2"\n', False),  # a quote: polars reads it, Arrow is told there is none
    ],
)
@pytest.mark.parametrize("block", [1, 2, 3, 1 << 22])
def test_plain_text_whatever_the_blocks(data, plain, block):
    """A CR LF cut between two blocks is still a line end; a CR alone is found wherever the
    blocks fall."""
    assert _text_bytes(data, block).plain is plain


def test_the_hash_read_also_checks_the_text(tmp_path):
    """One read serves the hash and the text check: the same hash as without it, and the
    same answers as the check's own read."""
    data = _ascii_lines(3 * _BLOCK // 2) + "è\r\n".encode() + b"x\xffy\n"
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    check = TextBytes()
    assert content_hash(path, also=check) == content_hash(path)
    assert check.not_utf8(path) == utf8_problem(path) == _expected(data)
    assert check.plain
