"""CSV and XLSX exports. Every export takes an already-scoped queryset and is audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from yankao.audit.services import record_export
from yankao.workdays.roc import format_for_language

Column = tuple[str, Callable[[Any], Any]]


def _cell(value: Any) -> Any:
    """Dates read as the UI shows them: ROC in Chinese, ISO in English; blanks for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_for_language(value, "datetime")
    if isinstance(value, dt.date):
        return format_for_language(value, "long")
    return value


def _rows(records: Iterable[Any], columns: Sequence[Column]) -> Iterable[list[Any]]:
    for item in records:
        yield [_cell(getter(item)) for _, getter in columns]


def export_response(
    records: Iterable[Any],
    columns: Sequence[Column],
    *,
    what: str,
    filename: str,
    fmt: str = "csv",
    filters: dict[str, Any] | None = None,
) -> HttpResponse:
    """Build a CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX download."""
    header = [str(label) for label, _ in columns]
    rows = list(_rows(records, columns))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(what[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([str(v) if not isinstance(v, (int, float)) else v for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    else:
        buffer_text = io.StringIO()
        buffer_text.write("\ufeff")
        writer = csv.writer(buffer_text)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(buffer_text.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    record_export(what, rows=len(rows), filters=filters)
    return response
