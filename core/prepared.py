"""Hot reads compiled to SQL once, then run with other values.

Compiling a queryset to SQL costs the ORM 1.5-2 ms on the two-core machine the benchmarks run on,
ten times the database round trip (a ``SELECT`` by index: ~0.15 ms of CPU). A join of a class of
10,000 made five such reads (docs/operations.md, "Joins"). A :class:`PreparedQuery` is written as
an ordinary queryset — the ORM still decides the joins, the columns and the SQL dialect — but is
compiled once per database, with stand-in values in place of the caller's; a call swaps the real
values in and runs the stored SQL, with the ORM's own converters on the rows.

Only for ``values_list`` querysets whose varying values are plain parameters (``field=value``,
``field__in`` is not one): :meth:`PreparedQuery.compile` refuses anything else, so a query the
trick would change cannot be written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Fixed:
    """A parameter the queryset fixed itself (``removed=False``), sent as it was compiled."""

    value: Any


@dataclass(frozen=True)
class _Slot:
    """Where the caller's value number ``index`` goes, and the type the backend wraps it in."""

    index: int
    wrap: Callable[[Any], Any] | None


@dataclass(frozen=True)
class Compiled:
    sql: str
    slots: tuple[_Slot | _Fixed, ...]
    #: position in the row -> (converters, expression), as the ORM's compiler applies them
    converters: dict[int, tuple[list[Callable[..., Any]], Any]]


def _stand_in(kind: type, index: int) -> Any:
    if kind is int:
        # Within every integer column's range: Django turns a lookup past it (5.0+) into "no rows"
        # or "all rows", and the value would never reach the SQL.
        return 32_000 + index
    if kind is str:
        return f"\x00prepared-{index}\x00"
    raise TypeError(f"a prepared value is an int or a str, not {kind.__name__}")


class PreparedQuery:
    """``build(*values)`` returns a ``values_list`` queryset; ``kinds`` are the values' types."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *kinds: type) -> None:
        self._build = build
        self._kinds = kinds
        self._compiled: dict[str, Compiled] = {}
        self._lock = threading.Lock()

    def compile(self, using: str = "default") -> Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using) or self._compile(using)
                self._compiled[using] = compiled
        return compiled

    def _compile(self, using: str) -> Compiled:
        stand_ins = [_stand_in(kind, i) for i, kind in enumerate(self._kinds)]
        queryset = self._build(*stand_ins)
        if queryset._iterable_class is not ValuesListIterable or queryset.query.annotation_select:  # noqa: SLF001 - no public name for it
            raise TypeError("a PreparedQuery is a values_list() of fields, without annotations")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots: list[_Slot | _Fixed] = []
        for param in params:
            found = [
                i
                for i, (kind, stand_in) in enumerate(zip(self._kinds, stand_ins, strict=True))
                if isinstance(param, kind) and not isinstance(param, bool) and param == stand_in
            ]
            # The backend may wrap a value in a type of its own (psycopg's Int4 for an integer
            # column on PostgreSQL): the caller's value is wrapped the same way.
            slots.append(
                _Slot(found[0], None if type(param) is self._kinds[found[0]] else type(param))
                if found
                else _Fixed(param)
            )
        if sorted(slot.index for slot in slots if isinstance(slot, _Slot)) != list(range(len(stand_ins))):
            raise ValueError("each value must reach the SQL once, unchanged (field=value)")
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        return Compiled(sql=sql, slots=tuple(slots), converters=compiler.get_converters(fields))

    def _params(self, compiled: Compiled, values: Sequence[Any]) -> list[Any]:
        if len(values) != len(self._kinds):
            raise TypeError(f"expected {len(self._kinds)} values, got {len(values)}")
        params = []
        for slot in compiled.slots:
            if isinstance(slot, _Fixed):
                params.append(slot.value)
            else:
                value = values[slot.index]
                params.append(value if slot.wrap is None else slot.wrap(value))
        return params

    def rows(self, *values: Any, using: str = "default") -> list[tuple[Any, ...]]:
        """The rows, as ``values_list`` would return them."""
        compiled = self.compile(using)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, values))
            rows = cursor.fetchall()
        if not compiled.converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            cells = list(row)
            for position, (converters, expression) in compiled.converters.items():
                value = cells[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                cells[position] = value
            converted.append(tuple(cells))
        return converted

    def first(self, *values: Any, using: str = "default") -> tuple[Any, ...] | None:
        found = self.rows(*values, using=using)
        return found[0] if found else None

    def count(self, *values: Any, using: str = "default") -> int:
        """How many rows the query returns (counted by the database)."""
        compiled = self.compile(using)
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({compiled.sql}) prepared_count", self._params(compiled, values))  # noqa: S608 - compiled by the ORM
            return int(cursor.fetchone()[0])


def loaded_instance(model: type[M], names: Sequence[str], values: Sequence[Any], using: str = "default") -> M:
    """An instance as the ORM loads one with ``only(*names)``: the other fields are deferred (read
    on first use), never defaulted. ``from_db`` wants the values in the model's field order."""
    given = dict(zip(names, values, strict=True))
    in_order = [field.attname for field in model._meta.concrete_fields if field.attname in given]  # noqa: SLF001 - Django's documented Model._meta API
    return model.from_db(using, in_order, [given[name] for name in in_order])


class PreparedInsert:
    """An INSERT of one row of ``model`` whose SQL is built once: ``Model.save()`` compiles it
    anew every time (0.5 ms of a 0.15 ms statement; a class of 10,000 joining inserts 10,000).
    Values go through each field's own ``pre_save`` and ``get_db_prep_save``, as ``save()`` sends
    them; no signals are sent (as ``bulk_create``)."""

    def __init__(self, model: type[Model]) -> None:
        self._model = model
        meta = model._meta  # noqa: SLF001 - Django's documented Model._meta API
        self._fields = [field for field in meta.concrete_fields if field is not meta.pk]
        self._sql: dict[str, str] = {}

    def _statement(self, using: str) -> str:
        sql = self._sql.get(using)
        if sql is None:
            connection = connections[using]
            quote = connection.ops.quote_name
            meta = self._model._meta  # noqa: SLF001
            columns = ", ".join(quote(str(field.column)) for field in self._fields)
            placeholders = ", ".join(["%s"] * len(self._fields))
            table, pk = quote(meta.db_table), quote(str(meta.pk.column if meta.pk else "id"))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}"  # noqa: S608 - names from the model
            self._sql[using] = sql
        return sql

    def insert(self, obj: Model, using: str = "default") -> None:
        """Insert ``obj`` (new) and set its primary key; an integrity error is raised as ``save()`` raises it."""
        connection = connections[using]
        values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in self._fields]
        with connection.cursor() as cursor:
            cursor.execute(self._statement(using), values)
            obj.pk = cursor.fetchone()[0]
        obj._state.adding = False  # noqa: SLF001 - as save() marks what it stored
        obj._state.db = using  # noqa: SLF001
