"""The intake path's statements: one-row INSERTs built once per model and database, rows sent
together, and (PostgreSQL) prepared fixed statements and reserved keys.

`Model.save()` compiles its INSERT anew on every call (≈0.2 ms of Python per row); a case
intake writes five rows, and it is the platform's busiest write. `insert` sends the statement
`save(force_insert=True)` would send, with the values each field prepares itself (auto_now_add,
JSON, decimals, time zones), and falls back to `save` for anything it does not handle: models
with save signals (audit tracking), an overridden `save` (unless it only refuses updates),
parents (multi-table inheritance) or expressions as values. See ADR 0010 and 0011.
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
    with prepared(alias), connection.cursor() as cursor:
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


# --- Prepared statements, and statements sent together -----------------------------------------


def _server_binding(connection: Any) -> bool:
    return connection.vendor == "postgresql" and bool(
        connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
    )


@contextmanager
def prepared(alias: str = "default") -> Iterator[None]:
    """Statements run inside are prepared on PostgreSQL (server-side binding on): parsed and
    planned once per connection, then run from the plan. Only for fixed statements whose plan
    does not depend on their values (a key lookup, a one-row INSERT): everything else stays
    unprepared, so the ORM's queries are planned for their own values (a generic plan doubled
    the agency inbox's time on 20,000 open cases). Elsewhere it does nothing."""
    connection = connections[alias]
    if not _server_binding(connection):
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = 0  # prepare on the first run
    try:
        yield
    finally:
        raw.prepare_threshold = before


@contextmanager
def together(alias: str = "default") -> Iterator[None]:
    """Statements executed inside go to PostgreSQL together (psycopg's pipeline): the first
    read of a result, or the end of the block, sends them all and waits once for all results.
    Only for hand-written SQL read with fetch*: an ORM update inside would not know its row
    count. Elsewhere (SQLite, client-side binding) each statement runs when executed."""
    connection = connections[alias]
    if not _server_binding(connection):
        yield
        return
    connection.ensure_connection()
    failure: BaseException | None = None
    with connection.wrap_database_errors:
        try:
            with connection.connection.pipeline():
                try:
                    yield
                except BaseException as exc:
                    # End the pipeline first: ended with an error pending, psycopg would log
                    # a warning that its own closing failed too (a retried intake, say).
                    failure = exc
        except connection.Database.Error:
            if failure is None:
                raise
        if failure is not None:
            raise failure


_sequences: dict[tuple[type[Model], str], str] = {}


def reserved_key_sql(model: type[Model], alias: str = "default") -> str | None:
    """SQL taking the model's next primary key from its sequence (PostgreSQL), for a statement
    that reserves the key of a row written later in the same round trip as rows that refer to
    it; None where keys come only from the INSERT itself."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    sequence = _sequences.get((model, alias))
    if sequence is None:  # asked once per process: the name is fixed when the table is made
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)",
                [connection.ops.quote_name(meta.db_table), meta.pk.column],
            )
            sequence = _sequences[(model, alias)] = cursor.fetchone()[0]
    return "nextval('{}'::regclass)".format(sequence.replace("'", "''"))


# --- Several rows in one round trip ----------------------------------------------------------

_pending: contextvars.ContextVar[list[Model] | None] = contextvars.ContextVar(
    "yankao_pending_inserts", default=None
)


@contextmanager
def deferred_inserts() -> Iterator[None]:
    """Rows passed to `insert_later` inside are written together when the block ends: on
    PostgreSQL in one round trip (a statement or two), elsewhere one by one. Use it inside the
    transaction, for rows nothing reads before the block ends; their primary keys are set when
    they are written. On an error nothing queued is written."""
    queued: list[Model] = []
    token = _pending.set(queued)
    try:
        yield
    finally:
        _pending.reset(token)
    _write_all(queued)


def insert_later[M: Model](obj: M, *, referred: bool = False) -> M:
    """`insert` now, or at the end of the enclosing `deferred_inserts` block.

    `referred`: rows queued after this one refer to it, so it needs its primary key before
    they are queued: it is written now unless the key is already set (`reserved_key_sql`)."""
    queued = _pending.get()
    if queued is None or not _plain(type(obj)) or (referred and obj.pk is None):
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
        cursors = []
        try:
            with prepared(alias), together(alias):
                for chunk in _chunks(rows):
                    cursor = connection.cursor()
                    cursor.execute(_combined(chunk), [v for r in chunk for v in r.params])
                    cursors.append(cursor)
            keys = [key for cursor in cursors for key in cursor.fetchone()]
        finally:
            for cursor in cursors:
                cursor.close()
        for row, key in zip(rows, keys, strict=True):
            row.saved(alias, key)


# psycopg converts a statement's %s placeholders anew on every run past this many parameters.
_CACHED_PARAMS = 50


def _chunks(rows: list[_Row]) -> list[list[_Row]]:
    """The rows in order, in as few statements as keep each within `_CACHED_PARAMS`."""
    chunks: list[list[_Row]] = []
    size = 0
    for row in rows:
        if chunks and size + len(row.params) <= _CACHED_PARAMS:
            chunks[-1].append(row)
            size += len(row.params)
        else:
            chunks.append([row])
            size = len(row.params)
    return chunks


_combined_statements: dict[tuple[str, ...], str] = {}


def _combined(rows: list[_Row]) -> str:
    """One statement for the rows (PostgreSQL): each INSERT in its own WITH clause, which
    runs whether read or not; the SELECT returns the new keys, NULL for rows given theirs.
    Foreign keys are checked at commit (Django makes them deferrable), so the order of the
    clauses does not matter."""
    shape = tuple(r.sql for r in rows)
    found = _combined_statements.get(shape)
    if found is None:
        # Made of the statements `_statement` built from the models' metadata; no values.
        clauses = ", ".join(f"r{n} AS ({r.sql})" for n, r in enumerate(rows))
        keys = ", ".join(
            f"(SELECT * FROM r{n})" if r.returning else "NULL"  # noqa: S608
            for n, r in enumerate(rows)
        )
        found = _combined_statements[shape] = f"WITH {clauses} SELECT {keys}"
    return found
