"""Reading a roster file (.csv or .xlsx) into validated rows. Pure: no database.

Every problem in the file is collected with its line number, so the secretary fixes them all at
once instead of one per attempt.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from models import MemberRole, MemberStatus
from services.parsing import is_number
from services.text import clean_name, fold

SUPERVISOR = "theo_doi"
MAX_ROWS = 50_000

_COLUMNS = {
    "dang_bo": "committee",
    "chi_bo": "cell",
    "ho_ten": "name",
    "ho_va_ten": "name",
    "vai_tro": "role",
    "trang_thai": "status",
    "telegram_id": "telegram_id",
    "telegram": "telegram_id",
    "zalo_id": "zalo_id",
    "zalo": "zalo_id",
    "dien_thoai": "phone",
    "so_dien_thoai": "phone",
    "sdt": "phone",
    "tiep_nhan_lai": "readmit",
}
_IGNORED_COLUMNS = {"stt", "ghi_chu"}
_ROLES = {r.value: r.value for r in MemberRole} | {SUPERVISOR: SUPERVISOR, "cap_uy_vien_theo_doi": SUPERVISOR}
_STATUSES = {s.value: s for s in MemberStatus} | {
    "sinh_hoat_tam_thoi": MemberStatus.TEMPORARY,
    "dang_vien_chinh_thuc": MemberStatus.FULL,
    "dang_vien_du_bi": MemberStatus.PROBATIONARY,
}


_YES = {"x", "co", "1", "yes"}


class RosterError(Exception):
    """The file is refused whole; `problems` lists each bad line and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RosterRow:
    line: int
    committee: str | None
    cell: str
    name: str
    role: str  # a MemberRole value, or SUPERVISOR
    status: MemberStatus
    telegram_id: str | None
    zalo_id: str | None
    phone: str | None
    # "tiep_nhan_lai" = x: take back a member whose membership of this cell had ended.
    readmit: bool = False

    @property
    def is_supervisor(self) -> bool:
        return self.role == SUPERVISOR


def _key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold(header).strip())


def _cell_text(value: object) -> str:
    """Spreadsheet cells come back as numbers for ids and phones: 84912345678.0 -> "84912345678"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(["the file is not UTF-8 text: save it as “CSV UTF-8” or as .xlsx"]) from None
    if "\x00" in text:
        raise RosterError(["the file is not a text spreadsheet (it holds binary data)"])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise RosterError(["the file is not an .xlsx spreadsheet (or it is damaged)"]) from None
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_table(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RosterError([f"{path.name}: only .csv and .xlsx files can be imported"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError([f"{path}: cannot read the file ({exc.strerror})"]) from None
    return _read_csv(data) if suffix == ".csv" else _read_xlsx(data)


def _phone(text: str) -> str | None:
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not is_number(digits) or not 9 <= len(digits) <= 11:
        return None
    return digits if digits.startswith("0") else "0" + digits


def parse_rows(table: list[list[str]]) -> list[RosterRow]:
    """Validate every row; raise RosterError listing all problems, or return the rows."""
    if not table or not any(cell.strip() for cell in table[0]):
        raise RosterError(["the file is empty: the first line must hold the column names"])
    header = [_key(h) for h in table[0]]
    problems: list[str] = []
    unknown = [h for h in header if h and h not in _COLUMNS and h not in _IGNORED_COLUMNS]
    if unknown:
        problems.append(f"line 1: unknown column(s) {', '.join(unknown)}; known: " + ", ".join(sorted(set(_COLUMNS))))
    fields = [_COLUMNS.get(h) for h in header]
    for required in ("cell", "name"):
        if required not in fields:
            problems.append(f"line 1: missing column {'chi_bo' if required == 'cell' else 'ho_ten'}")
    if problems:
        raise RosterError(problems)
    if len(table) - 1 > MAX_ROWS:
        raise RosterError([f"the file has {len(table) - 1} rows; at most {MAX_ROWS} can be imported at once"])

    rows: list[RosterRow] = []
    for number, raw in enumerate(table[1:], start=2):
        values = {f: (raw[i].strip() if i < len(raw) else "") for i, f in enumerate(fields) if f}
        if not any(values.values()):
            continue
        row, row_problems = _parse_row(number, values)
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    if problems:
        raise RosterError(problems)
    if not rows:
        raise RosterError(["the file has column names but no members"])
    return rows


def _parse_row(line: int, values: dict[str, str]) -> tuple[RosterRow | None, list[str]]:
    problems: list[str] = []
    name = clean_name(values.get("name", ""))
    cell = clean_name(values.get("cell", ""))
    committee = clean_name(values.get("committee", "")) or None
    if not name:
        problems.append(f"line {line}: ho_ten (full name) is empty")
    if not cell:
        problems.append(f"line {line}: chi_bo (cell) is empty")
    for label, text in (("ho_ten", name), ("chi_bo", cell), ("dang_bo", committee or "")):
        if len(text) > 200:
            problems.append(f"line {line}: {label} is longer than 200 characters")
    role_text = _key(values.get("role", "")) or MemberRole.MEMBER.value
    role = _ROLES.get(role_text)
    if role is None:
        problems.append(
            f"line {line}: vai_tro {values['role']!r} is not one of "
            "bi_thu, pho_bi_thu, chi_uy_vien, dang_vien, theo_doi"
        )
    status_text = _key(values.get("status", "")) or MemberStatus.FULL.value
    status = _STATUSES.get(status_text)
    if status is None:
        problems.append(
            f"line {line}: trang_thai {values['status']!r} is not one of chinh_thuc, du_bi, tam_thoi, mien_sinh_hoat"
        )
    telegram_id = values.get("telegram_id", "") or None
    if telegram_id is not None and not re.fullmatch(r"[1-9]\d{0,14}", telegram_id):
        problems.append(f"line {line}: telegram_id {telegram_id!r} must be a positive whole number")
    zalo_id = values.get("zalo_id", "") or None
    if zalo_id is not None and not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", zalo_id):
        problems.append(f"line {line}: zalo_id {zalo_id!r} must be letters and digits, at most 64")
    phone_text = values.get("phone", "")
    phone = _phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        problems.append(f"line {line}: dien_thoai {phone_text!r} is not a phone number")
    if problems or role is None or status is None:
        return None, problems
    readmit = fold(values.get("readmit", "")).strip() in _YES
    return RosterRow(line, committee, cell, name, role, status, telegram_id, zalo_id, phone, readmit), []
