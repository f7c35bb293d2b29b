"""Exports: the .xlsx attendance register and the .docx minutes draft, by /xuatfile and `bot.py export`."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot import main
from core.messages import Response
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from tests.test_digest import build_history
from tests.test_summary import Recorder, all_text, in_group, private, run

MEETING_DATES = ["04/06", "04/07", "04/08", "04/09", "04/10", "04/11"]


def documents(response: Response) -> dict[str, bytes]:
    return {m.document[0]: m.document[1] for m in response.messages if m.document is not None}


def rows_by_name(sheet: Worksheet) -> dict[str, list[object]]:
    return {str(row[1]): list(row) for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}


def check_register(content: bytes) -> None:
    """The 2026 register of Khu phố 1 as build_history made it."""
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    assert sheet.title == "Điểm danh 2026"
    assert sheet["A1"].value == "SỔ ĐIỂM DANH SINH HOẠT CHI BỘ — Chi bộ Khu phố 1 — NĂM 2026"
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["STT", "Họ và tên", "Loại đảng viên"]
    assert header[3:9] == MEETING_DATES
    assert header[9:] == ["Có mặt", "Vắng có lý do", "Vắng không lý do", "Tỷ lệ dự họp (%)"]
    rows = rows_by_name(sheet)
    assert list(rows) == [  # Vietnamese order: Đ sorts with D
        "Đỗ Thị Phương",
        "Hoàng Văn Em",
        "Lê Văn Cường",
        "Nguyễn Văn An",
        "Phạm Thị Dung",
        "Trần Thị Bình",
    ]
    assert rows["Nguyễn Văn An"][2:] == ["đảng viên chính thức", *["x"] * 6, 6, 0, 0, 100]
    assert rows["Lê Văn Cường"][3:] == ["x", "x", "P: ốm", "x", "x", "P: đi công tác", 4, 2, 0, 66.7]
    assert rows["Đỗ Thị Phương"][2:] == ["sinh hoạt tạm thời", "x", "K", "K", "x", "K", "K", 2, 0, 4, 33.3]
    assert rows["Hoàng Văn Em"][2:] == ["miễn sinh hoạt", *["M"] * 6, 0, 0, 0, None]
    totals = {str(row[1]): row[3:9] for row in sheet.iter_rows(min_row=4, values_only=True) if not row[0] and row[1]}
    assert totals["Có mặt / triệu tập"] == ("5/5", "4/5", "3/5", "5/5", "4/5", "3/5")
    assert totals["Tỷ lệ (%)"] == (100, 80, 60, 100, 80, 60)


def minutes_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


async def test_xuatfile_sends_the_register_and_the_minutes_draft(app: AppContext, dispatcher: Dispatcher) -> None:
    await build_history(app)
    response = await run(app, dispatcher, private("1001", "/xuatfile"), Recorder())
    assert response.messages[0].text == (
        "Sổ điểm danh năm 2026 và dự thảo biên bản cuộc họp 04/11/2026 của Chi bộ Khu phố 1."
    )
    files = documents(response)
    assert set(files) == {"diem_danh_chi_bo_khu_pho_1_2026.xlsx", "bien_ban_chi_bo_khu_pho_1_2026-11-04.docx"}
    check_register(files["diem_danh_chi_bo_khu_pho_1_2026.xlsx"])
    text = minutes_text(files["bien_ban_chi_bo_khu_pho_1_2026-11-04.docx"])
    for fragment in (
        "Đảng bộ phường Thử Nghiệm",
        "BIÊN BẢN SINH HOẠT CHI BỘ",
        "(sinh hoạt thường kỳ)",
        "Thời gian: 19:30, ngày 04/11/2026",
        "Chủ trì: ....",
        "Thư ký: ....",
        "Tổng số đảng viên: 6 (chính thức 3, dự bị 1, sinh hoạt tạm thời 1); miễn sinh hoạt: 1.",
        "Có mặt: 3/5 đồng chí phải dự họp (60%): chính thức 2, dự bị 1, sinh hoạt tạm thời 0; miễn sinh hoạt có mặt 0.",
        "Vắng có lý do: 1 đồng chí.\nLê Văn Cường: đi công tác",
        "Vắng không lý do: 1 đồng chí.\nĐỗ Thị Phương",
        "Đồng chí Nguyễn Văn An: Ý kiến một\nĐồng chí Nguyễn Văn An: Ý kiến hai",
        "Điểm: 84/100, xếp loại khá",
        "IV. Kết luận",
        "THƯ KÝ",
        "CHỦ TRÌ",
    ):
        assert fragment in text, fragment
    assert "rút lại" not in text


async def test_xuatfile_for_an_earlier_meeting(app: AppContext, dispatcher: Dispatcher) -> None:
    await build_history(app)
    files = documents(await run(app, dispatcher, private("1001", "/xuatfile 04/08"), Recorder()))
    check_register(files["diem_danh_chi_bo_khu_pho_1_2026.xlsx"])
    text = minutes_text(files["bien_ban_chi_bo_khu_pho_1_2026-08-04.docx"])
    assert "Lê Văn Cường: ốm" in text
    assert "Điểm: chưa chấm" in text


@pytest.mark.parametrize(
    ("user", "args", "expected"),
    [
        ("1003", "", "Lệnh này không dành cho vai trò của đồng chí."),
        ("9001", "", "Lệnh này không dành cho vai trò của đồng chí."),
        ("777", "", "Đồng chí chưa kết nối với chi bộ."),
        ("1001", "2019", "Chi bộ Khu phố 1 không có cuộc họp nào đã diễn ra trong năm 2019."),
        ("1001", "năm-nay", '"năm-nay" không hợp lệ. Cách dùng: /xuatfile [năm] [ngày/tháng]'),
        ("1001", "31/02", "Không có ngày 31/02."),
        ("2001", "2025", "Chi bộ Khu phố 2 không có cuộc họp nào đã diễn ra trong năm 2025."),
    ],
)
async def test_xuatfile_refusals(app: AppContext, dispatcher: Dispatcher, user: str, args: str, expected: str) -> None:
    await build_history(app)
    response = await run(app, dispatcher, private(user, f"/xuatfile {args}".strip()), Recorder())
    assert all_text(response).startswith(expected)
    assert documents(response) == {}


async def test_xuatfile_is_not_for_groups(app: AppContext, dispatcher: Dispatcher) -> None:
    await build_history(app)
    response = await run(app, dispatcher, in_group("1001", "/xuatfile"), Recorder())
    assert all_text(response) == "Vui lòng nhắn riêng cho bot để dùng lệnh này."


async def test_the_command_line_export(app: AppContext, db_url: str, tmp_path: Path) -> None:
    await build_history(app)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    out = tmp_path / "ra"
    argv = ["--config", str(config), "export", "--cell", "khu pho 1", "--year", "2026", "--meeting", "04/11/2026"]
    assert await asyncio.to_thread(main, [*argv, "--out", str(out)]) == 0
    register = out / "diem_danh_chi_bo_khu_pho_1_2026.xlsx"
    check_register(register.read_bytes())
    assert "Điểm: 84/100" in minutes_text((out / "bien_ban_chi_bo_khu_pho_1_2026-11-04.docx").read_bytes())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--cell", "Khu phố 9", "--year", "2026"], 'error: Không tìm thấy chi bộ "Khu phố 9".'),
        (["--cell", "khu pho", "--year", "2026"], 'error: Có nhiều chi bộ tên "khu pho": Chi bộ Khu phố 1'),
        (["--cell", "Khu phố 1", "--year", "2019"], "error: Chi bộ Khu phố 1 không có cuộc họp nào"),
        (["--cell", "Khu phố 1", "--year", "2026", "--meeting", "05/11/2026"], "error: Chi bộ không có cuộc họp"),
        # A year or date the register cannot cover gets the chat's refusal, not a traceback.
        (["--cell", "Khu phố 1", "--year", "10000"], "error: Năm “10000” không hợp lệ: cần một năm từ 2000 đến 2100."),
        (["--cell", "Khu phố 1", "--year", "9999"], "error: Năm “9999” không hợp lệ"),
        (["--cell", "Khu phố 1", "--year", "２０２６"], "error: Năm “２０２６” không hợp lệ"),
        (["--cell", "Khu phố 1", "--year", "2026", "--meeting", "31/02"], "error: Không có ngày 31/02."),
    ],
)
async def test_the_command_line_refuses_unknown_cells_and_years(
    app: AppContext, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    await build_history(app)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    out = tmp_path / "ra"
    code = await asyncio.to_thread(main, ["--config", str(config), "export", *args, "--out", str(out)])
    assert code == 1
    assert capsys.readouterr().err.startswith(expected)
    assert not out.exists()
