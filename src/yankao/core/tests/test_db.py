"""`core.db.insert` must store exactly the row `save(force_insert=True)` stores, and step aside
for models whose save does more than INSERT (audit tracking, multi-table parents)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from yankao.agencies.models import Agency, AgencyKind
from yankao.audit.models import AppendOnlyError, AuditAction, AuditEntry
from yankao.cases.models import Case, CaseEvent, CaseStatus, CaseType, Channel, Petitioner
from yankao.core.db import insert

pytestmark = pytest.mark.django_db


def a_case(**extra: Any) -> Case:
    now = timezone.now()
    return Case(
        number=extra.pop("number", "115P9999999"),
        case_type=CaseType.PETITION,
        channel=Channel.HOTLINE,
        status=CaseStatus.ASSIGNED,
        subject="路燈不亮",
        description="路燈不亮",
        received_at=now,
        deadline_at=now + dt.timedelta(days=8),
        **extra,
    )


def stored(model: type[Any], pk: Any) -> dict[str, Any]:
    row = model.objects.get(pk=pk)
    values = model_to_dict(row, fields=[f.name for f in model._meta.concrete_fields])
    values.pop("id", None)
    return values


def test_a_case_and_its_event_read_back_as_save_stores_them(agencies: dict[str, Agency]) -> None:
    fast = insert(
        a_case(number="115P0000001", latitude=Decimal("22.627300"), longitude=Decimal("120.301400"))
    )
    slow = a_case(
        number="115P0000002", latitude=Decimal("22.627300"), longitude=Decimal("120.301400")
    )
    slow.received_at, slow.deadline_at = fast.received_at, fast.deadline_at
    slow.save(force_insert=True)
    assert fast.pk is not None and not fast._state.adding and fast._state.db == "default"
    one, two = stored(Case, fast.pk), stored(Case, slow.pk)
    assert one.pop("number") == "115P0000001" and two.pop("number") == "115P0000002"
    assert one == two
    at = timezone.now()
    data = {"agency": "YK397110A01", "list": [1, "二"], "nested": {"x": None}}
    event = insert(
        CaseEvent(
            case=fast,
            at=at,
            action="assign",
            to_status="assigned",
            agency=agencies["road"],
            data=data,
        )
    )
    read = CaseEvent.objects.get(pk=event.pk)
    assert (read.case_id, read.at, read.data, read.agency_id) == (
        fast.pk,
        at,
        data,
        agencies["road"].pk,
    )
    with pytest.raises(TypeError):  # inserting never opens a way to edit history
        read.save()


def test_defaults_and_auto_now_add_are_filled_as_save_fills_them() -> None:
    entry = insert(AuditEntry(action=AuditAction.STATUS, target_type="cases.case"))
    read = AuditEntry.objects.get(pk=entry.pk)
    assert read.at is not None and read.at == entry.at and read.changes == {}
    assert read.ip_address is None and read.actor_id is None
    with pytest.raises(AppendOnlyError):
        read.save()


def test_an_unsaved_related_object_is_refused_as_save_refuses_it() -> None:
    with pytest.raises(ValueError):
        insert(Petitioner(case=a_case(), name="王小明"))


def test_models_whose_save_does_more_go_through_save(agencies: dict[str, Agency]) -> None:
    before = AuditEntry.objects.filter(target_type="agencies.agency").count()
    agency = insert(
        Agency(code="397999999Z", name_zh="測試機關", kind=AgencyKind.FIRST_LEVEL)
    )  # Agency is audit-tracked: its create entry must still be written
    assert Agency.objects.filter(pk=agency.pk).exists()
    assert AuditEntry.objects.filter(target_type="agencies.agency").count() == before + 1


@hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    # PostgreSQL refuses NUL in text and neither database stores a lone surrogate, by either path.
    name=st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30
    ),
    phone=st.text(alphabet="0123456789-", max_size=12),
    anonymous=st.booleans(),
)
def test_any_petitioner_reads_back_the_same_by_either_path(
    name: str, phone: str, anonymous: bool
) -> None:
    case = insert(a_case(number=f"115P{Case.objects.count() + 1:07d}"))
    fast = insert(Petitioner(case=case, name=name, phone=phone, anonymous=anonymous))
    other = insert(a_case(number=f"115P{Case.objects.count() + 1:07d}"))
    slow = Petitioner(case=other, name=name, phone=phone, anonymous=anonymous)
    slow.save(force_insert=True)
    one, two = stored(Petitioner, fast.pk), stored(Petitioner, slow.pk)
    assert one.pop("case") == case.pk and two.pop("case") == other.pk
    assert one == two


def test_deferred_rows_are_written_together_at_the_end_or_not_at_all(
    agencies: dict[str, Agency],
) -> None:
    from django.db import transaction

    from yankao.core.db import deferred_inserts, insert_later

    case = insert(a_case(number="115P0000101"))
    with transaction.atomic(), deferred_inserts():
        person = insert_later(Petitioner(case=case, name="王小明"))
        entry = insert_later(AuditEntry(action=AuditAction.STATUS, target_id=str(case.pk)))
        assert person.pk is None and entry.pk is None  # queued
        assert not Petitioner.objects.filter(case=case).exists()
    assert Petitioner.objects.get(pk=person.pk).name == "王小明"
    assert AuditEntry.objects.get(pk=entry.pk).target_id == str(case.pk)
    other = insert(a_case(number="115P0000102"))
    with pytest.raises(RuntimeError), transaction.atomic(), deferred_inserts():
        insert_later(Petitioner(case=other, name="李四"))
        raise RuntimeError("the intake failed")
    assert not Petitioner.objects.filter(case=other).exists()
    # Outside a block, insert_later writes at once.
    assert insert_later(Petitioner(case=other, name="李四")).pk is not None


def test_a_row_with_a_reserved_key_goes_with_the_rows_that_refer_to_it(
    agencies: dict[str, Agency],
) -> None:
    from django.db import connection, transaction

    from yankao.core.db import deferred_inserts, insert_later, reserved_key_sql

    key_sql = reserved_key_sql(Case)
    key = None
    if key_sql is not None:  # PostgreSQL: the key comes from the table's own sequence
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {key_sql}")
            key = cursor.fetchone()[0]
    else:
        assert connection.vendor == "sqlite"
    with transaction.atomic(), deferred_inserts():
        case = insert_later(a_case(pk=key, number="115P0000201"), referred=True)
        # Without a reserved key it is written at once, so the next rows can refer to it.
        assert (case.pk == key) if key is not None else (Case.objects.filter(pk=case.pk).exists())
        person = insert_later(Petitioner(case=case, name="王小明"))
        event = insert_later(
            CaseEvent(case=case, at=timezone.now(), action="assign", to_status="assigned")
        )
    assert Case.objects.get(pk=case.pk).number == "115P0000201"
    assert Petitioner.objects.get(pk=person.pk).case_id == case.pk
    assert CaseEvent.objects.get(pk=event.pk).case_id == case.pk
    assert not case._state.adding and not person._state.adding


def test_a_refused_row_rolls_back_the_rows_sent_with_it(agencies: dict[str, Agency]) -> None:
    from django.db import IntegrityError, transaction

    from yankao.core.db import deferred_inserts, insert_later

    first = insert(a_case(number="115P0000301", idempotency_key="same"))
    with pytest.raises(IntegrityError), transaction.atomic(), deferred_inserts():
        case = insert_later(a_case(number="115P0000302"), referred=True)
        insert_later(Petitioner(case=case, name="王小明"))
        insert_later(a_case(number="115P0000303", idempotency_key="same"))  # refused
    assert list(Case.objects.values_list("pk", flat=True)) == [first.pk]
    assert not Petitioner.objects.exists()


def test_rows_are_sent_in_statements_psycopg_keeps_converted() -> None:
    from yankao.core.db import _CACHED_PARAMS, _chunks, _combined, _Row

    def row(width: int, returning: bool = True) -> _Row:
        sql = f"INSERT INTO t{width} VALUES (...)"  # noqa: S608 -- text only, never run
        return _Row(Case(), sql, [0] * width, returning)

    rows = [row(27, returning=False), row(10), row(12), row(5), row(9), row(60)]
    chunks = _chunks(rows)
    assert [[len(r.params) for r in chunk] for chunk in chunks] == [[27, 10, 12], [5, 9], [60]]
    assert all(sum(len(r.params) for r in c) <= _CACHED_PARAMS for c in chunks if len(c) > 1)
    assert [r for chunk in chunks for r in chunk] == rows  # order kept
    assert _combined(chunks[0]) == (
        "WITH r0 AS (INSERT INTO t27 VALUES (...)), r1 AS (INSERT INTO t10 VALUES (...)), "
        "r2 AS (INSERT INTO t12 VALUES (...)) SELECT NULL, (SELECT * FROM r1), (SELECT * FROM r2)"
    )


def test_statements_sent_together_read_back_in_order_and_errors_surface_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from django.db import DatabaseError, connection, transaction

    from yankao.core.db import prepared, together

    with transaction.atomic(), prepared():
        with together():
            first, second = connection.cursor(), connection.cursor()
            first.execute("SELECT %s + 1", [1])
            second.execute("SELECT %s + 2", [1])
        assert (first.fetchone(), second.fetchone()) == ((2,), (3,))
    with pytest.raises(DatabaseError), transaction.atomic(), together():
        bad = connection.cursor()
        bad.execute("SELECT %s FROM yankao_no_such_table", [1])
        bad.fetchone()
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_only_statements_run_inside_prepared_are_prepared() -> None:
    from django.db import connection

    from yankao.core.db import prepared

    def run(sql: str) -> None:
        with connection.cursor() as cursor:
            for _ in range(3):
                cursor.execute(sql, [1])

    run("SELECT %s + 40")
    with prepared():
        run("SELECT %s + 41")
    if connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        return  # nothing to prepare elsewhere
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = {row[0] for row in cursor.fetchall()}
    assert "SELECT $1 + 41" in statements
    assert "SELECT $1 + 40" not in statements  # the ORM's queries are planned for their values
