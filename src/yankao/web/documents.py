"""Word and Excel building blocks shared by every report: a document with the reports' CJK
typeface, plain tables with right-aligned numbers, and charts as pictures with alt text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from . import charts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_EAST_ASIAN_FONT = "標楷體"  # the usual typeface of Taiwanese government reports


def new_document(title: str) -> Any:
    """A Word document with 2 cm margins, the CJK typeface and its title as the first heading."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    set_east_asian_font(document)
    document.core_properties.title = title
    document.add_heading(title, level=0)
    return document


def save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def set_east_asian_font(document: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):
        try:
            style = document.styles[name]
        except KeyError:
            continue
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIAN_FONT)


def table(document: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain grid table; numbers right-aligned; the header row repeats on each page."""
    from xml.sax.saxutils import escape

    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(9)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    # Rows are written as XML, one parse per row: python-docx's element-by-element API takes
    # seconds for the thousands of rows a city-wide list can have.
    widths = [
        tc.tcPr.tcW.get(qn("w:w")) if tc.tcPr is not None and tc.tcPr.tcW is not None else None
        for tc in table.rows[0]._tr.tc_lst
    ]
    for values in rows:
        cells = []
        for i, value in enumerate(values):
            text = _XML_UNSAFE.sub(" ", str(value))
            width = f'<w:tcPr><w:tcW w:w="{widths[i]}" w:type="dxa"/></w:tcPr>' if widths[i] else ""
            align = '<w:pPr><w:jc w:val="right"/></w:pPr>' if i > 0 and _numeric(text) else ""
            cells.append(
                f'<w:tc>{width}<w:p>{align}<w:r><w:rPr><w:sz w:val="18"/></w:rPr>'
                f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'
            )
        if len(cells) != len(header):
            raise ValueError("a row has a different number of cells than the header")
        table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{''.join(cells)}</w:tr>"))


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _numeric(text: str) -> bool:
    return bool(text) and (
        text == "—" or text.replace(",", "").replace(".", "").rstrip("%").isdigit()
    )


def picture(document: Any, chart: charts.Chart) -> None:
    """The chart as PNG with its title as caption and its description as alt text and note."""
    from docx.shared import Cm, Pt

    caption = document.add_paragraph(chart.title)
    caption.runs[0].bold = True
    width = Cm(16)
    document.add_picture(io.BytesIO(charts.to_png(chart)), width=width)
    picture = document.inline_shapes[-1]
    picture._inline.docPr.set("descr", chart.description)
    picture._inline.docPr.set("title", chart.title)
    note = document.add_paragraph(chart.description)
    note.runs[0].font.size = Pt(8)


def text_workbook(
    title: str, sentences: Sequence[str], sheets: Sequence[tuple[str, Sequence[str], Any]]
) -> bytes:
    """A workbook of (name, header, rows) sheets, each headed by the title; the first sheet
    also carries the report's sentences. For reports whose cells are already written out."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.properties.title = title
    for index, (name, header, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Sheet"
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=14)
        if index == 0:
            for sentence in sentences:
                sheet.append([sentence])
        sheet.append([])
        sheet.append(list(header))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
