"""What every exported file shares: its name in a file name; spreadsheet rows that stay values, styling.

A value starting with a formula sign is a formula to a spreadsheet (or becomes one when the file is
saved again as CSV): a member named "=HYPERLINK(…)" must stay a name.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.text import clean_text, fold, plain_text

XLSX_SHEET_CHARS = 31
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Value = str | int | float | None


def file_slug(name: str) -> str:
    """A name as it may appear in a file name: folded, ASCII, words joined by underscores."""
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_") or "chi_bo"


def new_sheet(title: Markup) -> tuple[Workbook, Worksheet]:
    """A workbook whose one sheet bears `title` (see `add_sheet`)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_name(title)
    return book, sheet


def add_sheet(book: Workbook, title: Markup) -> Worksheet:
    """Another sheet, after the others, bearing `title`."""
    return book.create_sheet(_sheet_name(title))


def _sheet_name(title: Markup) -> str:
    """Cut to the length spreadsheets allow and without the characters they refuse in a sheet's
    name ("11/2026" becomes "11-2026")."""
    return re.sub(r"[\\/?*\[\]:]", "-", plain_text(title))[:XLSX_SHEET_CHARS]


def append_row(sheet: Worksheet, values: Sequence[Value]) -> None:
    """Add a row whose every text is a value, never a formula, and holds no control character."""
    sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


def style_title(sheet: Worksheet, ref: str) -> None:
    sheet[ref].font = Font(bold=True, size=13)


def style_header(sheet: Worksheet, row: int) -> None:
    """Bold, wrapped, vertically centred: the column names of a table."""
    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def set_widths(sheet: Worksheet, first: int, widths: Sequence[float]) -> None:
    """Column widths from column number `first` (1 is A) on."""
    for index, width in enumerate(widths, start=first):
        sheet.column_dimensions[get_column_letter(index)].width = width


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
