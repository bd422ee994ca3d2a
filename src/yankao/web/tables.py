"""Reading the spreadsheets agencies send (xlsx or csv) into rows with their line numbers.

Shared by every import (plans, work plans, tenders): the importer validates the rows; this
module only turns a file into `(line, {header: text})` pairs, or says clearly why it cannot.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 20_000


@dataclass(frozen=True)
class Table:
    name: str
    rows: list[tuple[int, dict[str, str]]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_from(
    header: list[str], body: list[tuple[int, list[Any]]]
) -> list[tuple[int, dict[str, str]]]:
    names = [h.strip().lstrip("\ufeff") for h in header]
    rows = []
    for line, values in body:
        texts = [_text(v) for v in values]
        if not any(texts):
            continue  # blank lines are not rows
        texts += [""] * (len(names) - len(texts))
        rows.append((line, {name: texts[i] for i, name in enumerate(names) if name}))
    return rows


def read_tables(upload: IO[bytes], filename: str) -> list[Table]:
    """Every sheet of an xlsx (or the one table of a csv); the first row holds the headers."""
    name = filename.lower()
    data = upload.read()
    if len(data) == 0:
        raise ValidationError(_("The file is empty."))
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return [Table("csv", _read_csv(data))]
    raise ValidationError(_("Upload an .xlsx or .csv file."))


def _read_xlsx(data: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ValidationError(_("This is not a readable .xlsx file.")) from exc
    tables = []
    for sheet in book.worksheets:
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            continue
        body = []
        for n, values in enumerate(lines, start=2):
            if n > MAX_ROWS + 1:
                raise ValidationError(_("At most %(n)s rows per sheet.") % {"n": MAX_ROWS})
            body.append((n, list(values)))
        tables.append(Table(sheet.title, _rows_from([_text(h) for h in header], body)))
    book.close()
    return tables


def _read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    for encoding in ("utf-8-sig", "cp950"):  # Excel in Taiwan often saves csv as Big5 (cp950)
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The csv file is neither UTF-8 nor Big5 text."))
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ValidationError(_("The file is empty."))
    body = []
    for n, values in enumerate(reader, start=2):
        if n > MAX_ROWS + 1:
            raise ValidationError(_("At most %(n)s rows per sheet.") % {"n": MAX_ROWS})
        body.append((n, values))
    return _rows_from(header, body)


# --- Cell parsers: each returns the value or raises ValueError with a zh-Hant message --------


ROC_DATE = re.compile(r"^(\d{2,3})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?$")
ROC_MONTH = re.compile(r"^(\d{2,3})[/.\-年](\d{1,2})月?$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-01)?$")


def parse_date(text: str) -> dt.date:
    """ROC (115/3/6, 115.03.06, 115年3月6日) or ISO (2026-03-06)."""
    text = text.strip()
    try:
        if m := ROC_DATE.match(text):
            return dt.date(int(m[1]) + 1911, int(m[2]), int(m[3]))
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(_("not a date (write 115/3/6 or 2026-03-06)")) from None


def parse_month(text: str) -> dt.date:
    """ROC (115/3, 115年3月) or ISO (2026-03); the first day of the month."""
    text = text.strip()
    try:
        if m := ROC_MONTH.match(text):
            return dt.date(int(m[1]) + 1911, int(m[2]), 1)
        if m := ISO_MONTH.match(text):
            return dt.date(int(m[1]), int(m[2]), 1)
        if len(text) >= 10:
            return dt.date.fromisoformat(text[:10]).replace(day=1)
    except ValueError:
        pass
    raise ValueError(_("not a month (write 115/3 or 2026-03)"))


def parse_decimal(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace("%", "").replace("NT$", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("not a number")) from None
    if not value.is_finite():
        raise ValueError(_("not a number"))
    return value


def parse_roc_year(text: str) -> int:
    """115 or 2026 → 2026."""
    try:
        year = int(text.strip().removesuffix("年"))
    except ValueError:
        raise ValueError(_("not a year (write 115 or 2026)")) from None
    year = year + 1911 if year < 1911 else year
    if not 1990 <= year <= 2100:
        raise ValueError(_("not a year (write 115 or 2026)"))
    return year


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("是", "y", "yes", "true", "1", "v", "✓"):
        return True
    if value in ("否", "n", "no", "false", "0", ""):
        return False
    raise ValueError(_("write 是 or 否"))
