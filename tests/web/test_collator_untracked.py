"""The name collator stays out of Python's garbage collector (issue 16, page p95 spikes).

``places.queries.name_key`` sorts names with pyuca, whose collation table is a trie of about
100,000 objects built on first use, after a server worker has frozen its loaded heap. Each full
garbage collection walked it (about 40 % of a warm worker's tracked objects, 100-170 ms per
collection at load: the slow request among ten of many pages). The table is now kept as one
dict of tuples, which the collector stops tracking; the sort keys are pyuca's own."""

from __future__ import annotations

import gc
import random

from pyuca import Collator

from urbis.places import queries

NAMES = ["la Barceloneta", "Horta", "Sants", "Île-de-France", "Ærø", "Łódź", "Straße",
         "ÉCOLE", "école", "Ecole", "el Poble-sec", "l'Antiga Esquerra de l'Eixample",
         "Sant Martí de Provençals", "Ἀθῆναι", "東京", "a\u0301b", "o\u0308\u0323", ""]


def _strings() -> list[str]:
    rnd = random.Random(16)
    ranges = [(32, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x1E00, 0x1EFF), (0x4E00, 0x4E50)]
    made = []
    for _ in range(2000):
        made.append("".join(chr(rnd.randint(*rnd.choice(ranges)))
                            for _ in range(rnd.randint(1, 10))))
    return NAMES + made


def test_sort_keys_are_pyucas() -> None:
    reference = Collator()
    for text in _strings():
        assert queries.name_key(text) == reference.sort_key(text), repr(text)
    assert sorted(["Sants", "la Barceloneta", "Horta"], key=queries.name_key) == [
        "Horta", "la Barceloneta", "Sants"]


def test_collation_table_is_not_tracked_by_the_garbage_collector() -> None:
    queries._collator.cache_clear()
    gc.collect()
    before = len(gc.get_objects())
    queries.name_key("warm")
    gc.collect()
    gc.collect()
    # pyuca's own trie left about 100,000 tracked objects here.
    assert len(gc.get_objects()) - before < 1_000
