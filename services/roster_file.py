"""Reading a roster file (.csv or .xlsx) into validated rows. Pure: no database.

The file is streamed and every cap (bytes, rows, columns) is enforced while reading: a tiny
.xlsx can declare a million rows by sixteen thousand columns, and a file's declared dimension is
never trusted. Every problem is collected with its line number, so the secretary fixes them all
at once instead of one per attempt. Problems are catalog keys (locales/*/roster.ftl).
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from models import MemberRole, MemberStatus, NodeRole
from services.parsing import is_number
from services.text import clean_name, fold, name_key

SUPERVISOR = NodeRole.SUPERVISOR.value
ADMIN = NodeRole.ADMIN.value
# "Thành ủy Hà Nội / Đảng ủy phường Hoàn Kiếm": a slash with spaces around it, so that a name such
# as "Chi bộ Khu phố 3/2" stays whole.
CHAIN_SEPARATOR = re.compile(r"\s+/\s+")
MAX_CHAIN = 6  # organisations above a cell; the real tree has four at most
MAX_ROWS = 50_000
MAX_COLUMNS = 40
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_XLSX_XML_BYTES = 100 * 1024 * 1024  # unpacked: a zip bomb is refused before it is opened
MAX_CELLS_PER_ROW = 1_000  # cells present in one row of the sheet, empty or not
MAX_CELLS = 2_000_000
_TAG = re.compile(rb"<(?:\w+:)?(row|c)[\s/>]")
# Blank lines are skipped, but not without end: a sheet may place a cell a million lines down.
MAX_BLANK_LINES = 10_000

_COLUMNS = {
    "dang_bo": "committee",
    "cap_tren": "chain",
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
    "ten_cu": "old_name",
    "them_chi_bo": "adds_cell",
    "tiep_nhan_lai": "readmit",
}
_IGNORED_COLUMNS = {"stt", "ghi_chu"}
_ROLES = {r.value: r.value for r in MemberRole} | {
    SUPERVISOR: SUPERVISOR,
    "cap_uy_vien_theo_doi": SUPERVISOR,
    ADMIN: ADMIN,
}
_STATUSES = {s.value: s for s in MemberStatus} | {
    "sinh_hoat_tam_thoi": MemberStatus.TEMPORARY,
    "dang_vien_chinh_thuc": MemberStatus.FULL,
    "dang_vien_du_bi": MemberStatus.PROBATIONARY,
}
_YES = {"x", "co", "yes", "1", "true", "dung"}


@dataclass(frozen=True)
class Problem:
    """One reason to refuse the file: a catalog key and its arguments."""

    key: str
    args: dict[str, str | int] = field(default_factory=dict)


class RosterError(Exception):
    """The file is refused whole; `problems` lists each bad line and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.key for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class RosterRow:
    """One line of the file. `committees` are the organisations above the cell, top first (empty:
    not given). A row without a cell gives its person a role over the last of them (admin or
    supervisor of that whole subtree)."""

    line: int
    committees: tuple[str, ...]
    cell: str
    name: str
    role: str  # a MemberRole value, or SUPERVISOR
    status: MemberStatus
    telegram_id: str | None
    zalo_id: str | None
    phone: str | None
    old_name: str | None = None  # the row renames the person called this
    adds_cell: bool = False  # the row adds someone already in another cell to this one
    readmit: bool = False  # the row takes back a member whose membership of this cell had ended

    @property
    def is_supervisor(self) -> bool:
        return self.role == SUPERVISOR

    @property
    def is_node_role(self) -> bool:
        """An admin or supervisor of an organisation, not of one cell."""
        return not self.cell


def _key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold(header).strip())


def _cell_text(value: object) -> str:
    """Spreadsheet cells come back as numbers for ids and phones: 84912345678.0 -> "84912345678"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_lines(path: Path) -> Iterator[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline(64 * 1024)
            delimiter = ";" if first.count(";") > first.count(",") else ","
            handle.seek(0)
            for row in csv.reader(handle, delimiter=delimiter):
                if any("\x00" in value for value in row):
                    raise RosterError([Problem("roster-binary")])
                yield row
    except UnicodeDecodeError:
        raise RosterError([Problem("roster-not-utf8")]) from None
    except csv.Error:
        raise RosterError([Problem("roster-not-table")]) from None


def _scan_cells(stream: IO[bytes]) -> None:
    """Count a worksheet's cells without parsing it: openpyxl reads every cell of a row, however
    far right, so a 13 MB file of 16,384-cell rows took minutes. Refused past the caps."""
    total = in_row = 0
    carry = b""
    while chunk := stream.read(1 << 18):
        data = carry + chunk
        last = 0
        for match in _TAG.finditer(data):
            last = match.end()
            if match.group(1) == b"row":
                in_row = 0
                continue
            in_row, total = in_row + 1, total + 1
            if in_row > MAX_CELLS_PER_ROW or total > MAX_CELLS:
                raise RosterError([Problem("roster-too-many-cells", {"row": MAX_CELLS_PER_ROW, "total": MAX_CELLS})])
        carry = data[max(last, len(data) - 32) :]


def _check_xlsx(path: Path) -> None:
    """Refuse a zip bomb or an absurd sheet before openpyxl opens it (it reads shared strings whole)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > MAX_XLSX_XML_BYTES:
                raise RosterError([Problem("roster-too-big", {"max_mb": MAX_XLSX_XML_BYTES // 2**20})])
            for info in members:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with archive.open(info) as stream:
                        _scan_cells(stream)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise RosterError([Problem("roster-not-xlsx")]) from None


def _xlsx_lines(path: Path) -> Iterator[list[str]]:
    """Rows of the first sheet, never wider than the header: the sheet's own size claims are dropped."""
    _check_xlsx(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise RosterError([Problem("roster-not-xlsx")]) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ())
        texts = [_cell_text(v) for v in header]
        while texts and not texts[-1]:
            texts.pop()
        if len(texts) > MAX_COLUMNS:
            raise RosterError([Problem("roster-too-many-columns", {"max": MAX_COLUMNS})])
        yield texts
        for row in sheet.iter_rows(min_row=2, max_col=max(len(texts), 1), values_only=True):
            yield [_cell_text(v) for v in row]
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile):
        raise RosterError([Problem("roster-not-xlsx")]) from None
    finally:
        book.close()


def read_table(path: Path) -> Iterator[list[str]]:
    """The file's lines, header first, read lazily: parse_rows stops at the first cap exceeded."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RosterError([Problem("roster-bad-suffix", {"name": path.name})])
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RosterError([Problem("roster-unreadable", {"name": path.name, "reason": exc.strerror or ""})]) from None
    if size > MAX_FILE_BYTES:
        raise RosterError([Problem("roster-too-big", {"max_mb": MAX_FILE_BYTES // 2**20})])
    return _csv_lines(path) if suffix == ".csv" else _xlsx_lines(path)


def _phone(text: str) -> str | None:
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not is_number(digits) or not 9 <= len(digits) <= 11:
        return None
    return digits if digits.startswith("0") else "0" + digits


def _header(first: list[str]) -> list[str | None]:
    if not any(cell.strip() for cell in first):
        raise RosterError([Problem("roster-empty")])
    if len(first) > MAX_COLUMNS and any(cell.strip() for cell in first[MAX_COLUMNS:]):
        raise RosterError([Problem("roster-too-many-columns", {"max": MAX_COLUMNS})])
    header = [_key(h) for h in first[:MAX_COLUMNS]]
    problems: list[Problem] = []
    unknown = [h for h in header if h and h not in _COLUMNS and h not in _IGNORED_COLUMNS]
    if unknown:
        known = ", ".join(sorted(set(_COLUMNS)))
        problems.append(Problem("roster-unknown-columns", {"columns": ", ".join(unknown), "known": known}))
    fields = [_COLUMNS.get(h) for h in header]
    for required, column in (("cell", "chi_bo"), ("name", "ho_ten")):
        if required not in fields:
            problems.append(Problem("roster-missing-column", {"column": column}))
    if problems:
        raise RosterError(problems)
    return fields


def parse_rows(table: Iterable[list[str]]) -> list[RosterRow]:
    """Validate every row as it is read; raise RosterError listing all problems, or return the rows."""
    lines = iter(table)
    fields = _header(next(lines, []))
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    blank = 0
    for number, raw in enumerate(lines, start=2):
        values = {f: (raw[i].strip() if i < len(raw) else "") for i, f in enumerate(fields) if f}
        if not any(values.values()):
            blank += 1
            if blank > MAX_BLANK_LINES:
                raise RosterError([Problem("roster-too-many-blank", {"max": MAX_BLANK_LINES})])
            continue
        if number - 1 - blank > MAX_ROWS:
            raise RosterError([Problem("roster-too-many-rows", {"max": MAX_ROWS})])
        row, row_problems = _parse_row(number, values)
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    if problems:
        raise RosterError(problems)
    if not rows:
        raise RosterError([Problem("roster-no-members")])
    return rows


def _flag(line: int, column: str, text: str, problems: list[Problem]) -> bool:
    if not text:
        return False
    if _key(text) in _YES:
        return True
    problems.append(Problem("roster-bad-flag", {"line": line, "column": column, "value": text}))
    return False


def _ids(line: int, values: dict[str, str], problems: list[Problem]) -> tuple[str | None, str | None, str | None]:
    telegram_id = values.get("telegram_id", "") or None
    if telegram_id is not None and not re.fullmatch(r"[1-9]\d{0,14}", telegram_id):
        problems.append(Problem("roster-bad-telegram", {"line": line, "value": telegram_id}))
    zalo_id = values.get("zalo_id", "") or None
    if zalo_id is not None and not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", zalo_id):
        problems.append(Problem("roster-bad-zalo", {"line": line, "value": zalo_id}))
    phone_text = values.get("phone", "")
    phone = _phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        problems.append(Problem("roster-bad-phone", {"line": line, "value": phone_text}))
    return telegram_id, zalo_id, phone


def _chain(line: int, values: dict[str, str], problems: list[Problem]) -> tuple[str, ...]:
    """cap_tren split into names, then dang_bo unless it repeats the last of them."""
    text = clean_name(values.get("chain", ""))
    chain = [clean_name(part) for part in CHAIN_SEPARATOR.split(text)] if text else []
    committee = clean_name(values.get("committee", ""))
    if committee and not (chain and name_key(chain[-1]) == name_key(committee)):
        chain.append(committee)
    if any(not part or part.startswith("/") or part.endswith("/") for part in chain):
        problems.append(Problem("roster-bad-chain", {"line": line, "value": text}))
    if len(chain) > MAX_CHAIN:
        problems.append(Problem("roster-chain-too-deep", {"line": line, "max": MAX_CHAIN}))
    for part in chain:
        if len(part) > 200:
            problems.append(Problem("roster-too-long", {"line": line, "column": "cap_tren"}))
    return tuple(chain)


def _parse_row(line: int, values: dict[str, str]) -> tuple[RosterRow | None, list[Problem]]:
    problems: list[Problem] = []
    name = clean_name(values.get("name", ""))
    cell = clean_name(values.get("cell", ""))
    chain = _chain(line, values, problems)
    old_name = clean_name(values.get("old_name", "")) or None
    role = _ROLES.get(_key(values.get("role", "")) or MemberRole.MEMBER.value)
    if role is None:
        problems.append(Problem("roster-bad-role", {"line": line, "value": values["role"]}))
    if not name:
        problems.append(Problem("roster-name-empty", {"line": line}))
    if role == ADMIN and cell:
        problems.append(Problem("roster-admin-with-cell", {"line": line}))
    elif not cell and role not in (ADMIN, SUPERVISOR):
        problems.append(Problem("roster-cell-empty", {"line": line}))
    elif not cell and not chain:
        problems.append(Problem("roster-node-role-no-chain", {"line": line}))
    for label, text in (("ho_ten", name), ("chi_bo", cell), ("ten_cu", old_name or "")):
        if len(text) > 200:
            problems.append(Problem("roster-too-long", {"line": line, "column": label}))
    status = _STATUSES.get(_key(values.get("status", "")) or MemberStatus.FULL.value)
    if status is None:
        problems.append(Problem("roster-bad-status", {"line": line, "value": values["status"]}))
    telegram_id, zalo_id, phone = _ids(line, values, problems)
    if not cell and not (telegram_id or zalo_id or phone):
        # Without a cell, a name alone cannot tell which of two namesakes is meant.
        problems.append(Problem("roster-node-role-no-id", {"line": line, "name": name}))
    adds_cell = _flag(line, "them_chi_bo", values.get("adds_cell", ""), problems)
    readmit = _flag(line, "tiep_nhan_lai", values.get("readmit", ""), problems)
    if problems or role is None or status is None:
        return None, problems
    ids = (telegram_id, zalo_id, phone)
    return RosterRow(line, chain, cell, name, role, status, *ids, old_name, adds_cell, readmit), []
