"""One-row INSERTs for the intake path, by a statement built once per model and database.

`Model.save()` compiles its INSERT anew on every call (≈0.2 ms of Python per row); a case
intake writes six rows, and it is the platform's busiest write. `insert` sends the statement
`save(force_insert=True)` would send, with the values each field prepares itself (auto_now_add,
JSON, decimals, time zones), and falls back to `save` for anything it does not handle: models
with save signals (audit tracking), an overridden `save` (unless it only refuses updates),
parents (multi-table inheritance) or expressions as values. See ADR 0010.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, signals
from django.db.models.expressions import Expression

# (model, database alias, primary key given?) → (SQL, fields whose values it takes, RETURNING?)
_statements: dict[tuple[type[Model], str, bool], tuple[str, list[Any], bool]] = {}


def _plain(model: type[Model]) -> bool:
    """Saving this model runs nothing but the INSERT. A model whose `save` only guards updates
    (append-only history) says so with `inserts_plainly = True`."""
    return (
        (model.save is Model.save or getattr(model, "inserts_plainly", False))
        and model.save_base is Model.save_base
        and not model._meta.parents
        and not signals.pre_save.has_listeners(model)
        and not signals.post_save.has_listeners(model)
    )


def _statement(model: type[Model], alias: str, with_pk: bool) -> tuple[str, list[Any], bool]:
    found = _statements.get((model, alias, with_pk))
    if found is not None:
        return found
    connection = connections[alias]
    meta = model._meta
    fields = [
        f
        for f in meta.local_concrete_fields
        if not getattr(f, "generated", False) and (with_pk or f is not meta.pk)
    ]
    quote = connection.ops.quote_name
    returning = not with_pk and connection.features.can_return_columns_from_insert
    # Names from the model's own metadata, quoted; values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        f" RETURNING {quote(meta.pk.column)}" if returning else "",
    )
    found = (sql, fields, returning)
    _statements[(model, alias, with_pk)] = found
    return found


@dataclass(slots=True)
class _Row:
    """One row ready to send: its statement and parameters, and whether its key comes back."""

    obj: Model
    sql: str
    params: list[Any]
    returning: bool

    def saved(self, alias: str, key: Any = None) -> None:
        """Mark the object as `save()` does; `key` is the primary key the database returned."""
        if self.returning:
            self.obj.pk = type(self.obj)._meta.pk.to_python(key)
        self.obj._state.adding = False
        self.obj._state.db = alias


def _row(obj: Model, alias: str) -> _Row | None:
    """The statement and parameters for `obj`, or None where only `save()` will do."""
    model = type(obj)
    if not _plain(model):
        return None
    obj._prepare_related_fields_for_save(operation_name="save")
    if obj.pk is None:  # a primary key with a default (UUID) gets it now, as in save()
        obj.pk = model._meta.pk.get_pk_value_on_save(obj)
    with_pk = obj.pk is not None
    sql, fields, returning = _statement(model, alias, with_pk)
    values = [f.pre_save(obj, True) for f in fields]
    if any(isinstance(v, Expression) for v in values):  # db_default and the like
        return None
    connection = connections[alias]
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    return _Row(obj, sql, params, returning)


def insert[M: Model](obj: M) -> M:
    """INSERT `obj` as a new row, as `obj.save(force_insert=True)` would, and return it."""
    alias = router.db_for_write(type(obj), instance=obj)
    row = _row(obj, alias)
    if row is None:
        obj.save(force_insert=True)
        return obj
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(row.sql, row.params)
        if row.returning:
            key = cursor.fetchone()[0]
        elif obj.pk is None:  # a database that cannot return the key
            meta = obj._meta
            key = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
            obj.pk = meta.pk.to_python(key)
        else:
            key = None
    row.saved(alias, key)
    return obj


# --- Several rows in one round trip ----------------------------------------------------------

_pending: contextvars.ContextVar[list[Model] | None] = contextvars.ContextVar(
    "yankao_pending_inserts", default=None
)


@contextmanager
def deferred_inserts() -> Iterator[None]:
    """Rows passed to `insert_later` inside are written together when the block ends: on
    PostgreSQL in one round trip (psycopg's pipeline with server-side binding, the statements
    joined with client-side binding), elsewhere one by one. Use it inside the transaction, for rows nothing reads before the block ends; their
    primary keys are set when they are written. On an error nothing queued is written."""
    queued: list[Model] = []
    token = _pending.set(queued)
    try:
        yield
    finally:
        _pending.reset(token)
    _write_all(queued)


def insert_later[M: Model](obj: M) -> M:
    """`insert` now, or at the end of the enclosing `deferred_inserts` block."""
    queued = _pending.get()
    if queued is None or not _plain(type(obj)):
        return insert(obj)
    obj._prepare_related_fields_for_save(operation_name="save")
    queued.append(obj)
    return obj


def _write_all(objs: list[Model]) -> None:
    by_alias: dict[str, list[Model]] = {}
    for obj in objs:
        by_alias.setdefault(router.db_for_write(type(obj), instance=obj), []).append(obj)
    for alias, group in by_alias.items():
        connection = connections[alias]
        if len(group) == 1 or connection.vendor != "postgresql":  # SQLite: no round trips
            for obj in group:
                insert(obj)
            continue
        rows = []
        for obj in group:
            row = _row(obj, alias)
            if row is None:
                obj.save(force_insert=True)
            else:
                rows.append(row)
        if not rows:
            continue
        if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
            keys = _pipelined(connection, rows)
        else:
            keys = _joined(connection, rows)
        for row, key in zip(rows, keys, strict=True):
            row.saved(alias, key)


def _joined(connection: Any, rows: list[_Row]) -> list[Any]:
    """Client-side binding: the statements joined into one query, a result set each."""
    keys = []
    with connection.cursor() as cursor:
        cursor.execute("; ".join(r.sql for r in rows), [v for r in rows for v in r.params])
        for n, row in enumerate(rows):
            if n:
                cursor.nextset()
            keys.append(cursor.fetchone()[0] if row.returning else None)
    return keys


def _pipelined(connection: Any, rows: list[_Row]) -> list[Any]:
    """Server-side binding (prepared statements): psycopg's pipeline mode sends them all before
    reading any result. Errors surface when the pipeline syncs, as Django's database errors."""
    connection.ensure_connection()
    cursors = []
    with connection.wrap_database_errors:
        try:
            with connection.connection.pipeline():
                for row in rows:
                    cursor = connection.cursor()
                    cursor.execute(row.sql, row.params)
                    cursors.append(cursor)
            return [
                c.fetchone()[0] if r.returning else None for r, c in zip(rows, cursors, strict=True)
            ]
        finally:
            for cursor in cursors:
                cursor.close()
