"""Look-ups on the busiest request paths, compiled to SQL once per database connection.

Django's ORM builds a queryset's SQL anew on every call. For a look-up by one key with a
``select_related`` chain, that building costs several times what the database takes to answer:
on a vote request, the API token's and the idea's look-ups were about 2.3 ms of the server's
6 ms of CPU, of which running the SQL was under 0.4 ms (docs/PERFORMANCE.md, "Votes").

:class:`PreparedLookup` takes a function that builds the queryset for a key. On first use on a
connection it builds it once, for a marker key, and keeps what the ORM computed: the SQL, where
the key goes among its parameters, the converters of each column and how a row becomes the
model instance with its related objects. Each later call runs that SQL with the real key and
turns the row into instances the same way the queryset would (the same ``from_db``, the same
converters, the same deferred fields and cached relations), so callers see no difference.

Only for querysets whose SQL depends on nothing but the key: no ``now()``, no setting, no user
read when the queryset is built (those would be frozen at the first call).

It reuses the parts of Django's ``ModelIterable`` that turn a row into instances (the
compiler's ``select``, ``klass_info`` and converters, ``get_related_populators``), which are not
public API: ``tests/engagement/test_prepared_lookup.py`` compares every result with the
queryset's own, so a Django upgrade that changes them fails there first.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    key_positions: tuple[int, ...]
    compiler: Any
    converters: dict[int, Any]
    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    related_populators: list[Any]
    annotation_col_map: dict[str, int]


class PreparedLookup(Generic[M]):
    """``PreparedLookup(lambda key: Model.objects.select_related(...).filter(field=key),
    marker=...)``; ``.get(key)`` returns the first instance the queryset would give for ``key``,
    or ``None``.

    ``marker`` is a value of the key's type that no real parameter of the query equals (it is
    how the key's place among the SQL parameters is found)."""

    def __init__(
        self, build: Callable[[Any], QuerySet[M]], *, marker: Any, using: str = DEFAULT_DB_ALIAS
    ) -> None:
        self._build = build
        self._marker = marker
        self._using = using
        # Per connection object (each thread has its own): a compiler belongs to its connection.
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()

    def _compile(self, connection: Any) -> _Compiled:
        queryset = self._build(self._marker)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = tuple(i for i, value in enumerate(params) if value == self._marker)
        if not positions:
            raise TypeError(f"the key {self._marker!r} is not among the parameters of {sql}")
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            sql=sql,
            params=tuple(params),
            key_positions=positions,
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in select[: compiler.col_count]]),
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[f[0].target.attname for f in select[start:end]],
            # (the stubs follow a newer Django, whose signature adds an argument)
            related_populators=get_related_populators(  # type: ignore[call-arg, unused-ignore]
                klass_info, select, connection.alias
            ),
            annotation_col_map=dict(compiler.annotation_col_map or {}),
        )

    def get(self, key: Any) -> M | None:
        connection = connections[self._using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        if type(key) is not type(self._marker):
            # Taken as it is, so refused unless of the marker's type: never sent to the
            # database in a shape the ORM would not have sent.
            raise TypeError(
                f"key {key!r} is a {type(key).__name__}, not a {type(self._marker).__name__}"
            )
        if isinstance(key, int) and not _BIGINT_MIN <= key <= _BIGINT_MAX:
            return None  # no column holds it (the ORM's lookups answer "no rows" alike)
        params = list(compiled.params)
        for position in compiled.key_positions:
            params[position] = key
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            row = next(iter(compiled.compiler.apply_converters([row], compiled.converters)))
        obj = compiled.model.from_db(
            connection.alias, compiled.init_list, row[compiled.start : compiled.end]
        )
        for populator in compiled.related_populators:
            populator.populate(row, obj)
        for name, position in compiled.annotation_col_map.items():
            setattr(obj, name, row[position])
        return obj  # type: ignore[return-value]
