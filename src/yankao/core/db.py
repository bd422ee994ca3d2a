"""One-row INSERTs for the intake path, by a statement built once per model and database.

`Model.save()` compiles its INSERT anew on every call (≈0.2 ms of Python per row); a case
intake writes six rows, and it is the platform's busiest write. `insert` sends the statement
`save(force_insert=True)` would send, with the values each field prepares itself (auto_now_add,
JSON, decimals, time zones), and falls back to `save` for anything it does not handle: models
with save signals (audit tracking), an overridden `save` (unless it only refuses updates), parents (multi-table inheritance) or
expressions as values. See ADR 0010.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
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


def insert[M: Model](obj: M) -> M:
    """INSERT `obj` as a new row, as `obj.save(force_insert=True)` would, and return it."""
    model = type(obj)
    if not _plain(model):
        obj.save(force_insert=True)
        return obj
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    obj._prepare_related_fields_for_save(operation_name="save")
    if obj.pk is None:  # a primary key with a default (UUID) gets it now, as in save()
        obj.pk = model._meta.pk.get_pk_value_on_save(obj)
    with_pk = obj.pk is not None
    sql, fields, returning = _statement(model, alias, with_pk)
    values = [f.pre_save(obj, True) for f in fields]
    if any(isinstance(v, Expression) for v in values):  # db_default and the like
        obj.save(force_insert=True)
        return obj
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not with_pk:
            pk = (
                cursor.fetchone()[0]
                if returning
                else connection.ops.last_insert_id(
                    cursor, model._meta.db_table, model._meta.pk.column
                )
            )
            obj.pk = model._meta.pk.to_python(pk)
    obj._state.adding = False
    obj._state.db = alias
    return obj


# --- Several rows in one round trip ----------------------------------------------------------

_pending: contextvars.ContextVar[list[Model] | None] = contextvars.ContextVar(
    "yankao_pending_inserts", default=None
)


@contextmanager
def deferred_inserts() -> Iterator[None]:
    """Rows passed to `insert_later` inside are written together when the block ends: on
    PostgreSQL in one round trip (the statements joined, each with its RETURNING), elsewhere one
    by one. Use it inside the transaction, for rows nothing reads before the block ends; their
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
        prepared: list[tuple[Model, str, list[Any], bool]] = []
        for obj in group:
            model = type(obj)
            if obj.pk is None:
                obj.pk = model._meta.pk.get_pk_value_on_save(obj)
            with_pk = obj.pk is not None
            sql, fields, returning = _statement(model, alias, with_pk)
            values = [f.pre_save(obj, True) for f in fields]
            if any(isinstance(v, Expression) for v in values) or not (with_pk or returning):
                insert(obj)
                continue
            params = [
                f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)
            ]
            prepared.append((obj, sql, params, with_pk))
        if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
            keys = _pipelined(connection, prepared)
        else:
            keys = _joined(connection, prepared)
        for (obj, _sql, _params, with_pk), key in zip(prepared, keys, strict=True):
            if not with_pk:
                obj.pk = type(obj)._meta.pk.to_python(key)
            obj._state.adding = False
            obj._state.db = alias


def _joined(connection: Any, prepared: list[tuple[Model, str, list[Any], bool]]) -> list[Any]:
    """Client-side binding: the statements joined into one query, a result set each."""
    keys = []
    with connection.cursor() as cursor:
        cursor.execute("; ".join(p[1] for p in prepared), [v for p in prepared for v in p[2]])
        for n, (_obj, _sql, _params, with_pk) in enumerate(prepared):
            if n:
                cursor.nextset()
            keys.append(None if with_pk else cursor.fetchone()[0])
    return keys


def _pipelined(connection: Any, prepared: list[tuple[Model, str, list[Any], bool]]) -> list[Any]:
    """Server-side binding (prepared statements): psycopg's pipeline mode sends them all before
    reading any result. Errors surface when the pipeline syncs, as Django's database errors."""
    connection.ensure_connection()
    cursors = []
    with connection.wrap_database_errors:
        try:
            with connection.connection.pipeline():
                for _obj, sql, params, _with_pk in prepared:
                    cursor = connection.cursor()
                    cursor.execute(sql, params)
                    cursors.append(cursor)
            return [
                None if p[3] else c.fetchone()[0] for p, c in zip(prepared, cursors, strict=True)
            ]
        finally:
            for cursor in cursors:
                cursor.close()
