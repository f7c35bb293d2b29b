"""The console runs the same conversation as the chat platforms."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import Markup

from channels.console import ConsoleChannel
from core.clock import FakeClock
from handlers.announce import rsvp_buttons
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import Meeting, MeetingState
from tests.dialog import ConsoleDialog, Consoles
from tests.factories import build_world

ROOT = Path(__file__).resolve().parent.parent


CUONG, AN, GIANG = "Lê Văn Cường", "Nguyễn Văn An", "Võ Thị Giang"
MEETING_SOON = timedelta(days=11, hours=10, minutes=30)  # Friday 04/12/2026 at 19:30 in Hanoi
NOT_UNDERSTOOD = "Bot chưa hiểu tin nhắn này. Gõ /trogiup để xem các lệnh."


def next_meeting(answer: str) -> str:
    return f"""
        Cuộc họp sắp tới — Chi bộ Khu phố 1
        Loại: sinh hoạt thường kỳ
        Thời gian: Thứ Sáu, 04/12/2026 lúc 19:30
        Địa điểm: Nhà văn hóa
        Nội dung: Công tác tháng 12
        Trả lời của đồng chí: {answer}

        📅 Đưa lịch họp vào điện thoại: gõ /lichhop tep
    """


def my_record(*, held: int, present: int) -> str:
    return f"""
        Lê Văn Cường — Chi bộ Khu phố 1
        Vai trò: đảng viên; đảng viên chính thức
        Năm 2026: {held} cuộc họp đã kết thúc
        Có mặt: {present}
        Vắng có lý do: 0
        Vắng không lý do: 0
    """


async def test_member_dialog(app: AppContext) -> None:
    world = await build_world(app, meeting_at=app.clock.now() + MEETING_SOON)
    await Consoles(app, world.people).verify(
        [
            (
                CUONG,
                "/trogiup",
                """
                Các lệnh của đồng chí
                /trogiup (/help) — danh sách lệnh
                /lichhop (/next) — cuộc họp sắp tới và câu trả lời của đồng chí; /lichhop tep: lịch họp cho điện thoại
                /cuatoi (/me) — tình hình dự họp của đồng chí trong năm
                /vang (/absent) — xin vắng cuộc họp tới, kèm lý do: /vang [ngày/tháng] <lý do> (ghi ngày khi sinh hoạt ở hai chi bộ)
                /diemdanh (/checkin) — điểm danh bằng mã đọc tại cuộc họp: /diemdanh <mã>
                /tamvang (/away) — báo tạm vắng dài ngày: /tamvang dd/mm-dd/mm <lý do>; /tamvang để xem; /tamvang huy <số> để hủy (bí thư ghi cho đảng viên: /tamvang <tên|số> dd/mm-dd/mm <lý do>)
                /ykien (/opinion) — gửi ý kiến: /ykien <nội dung>; /ykien để xem; /ykien xoa <số> để rút
                /dulieucuatoi (/mydata) — nhận toàn bộ dữ liệu bot lưu về đồng chí
                Tài liệu sinh hoạt hằng tháng cấp trên gửi đến kèm nút “Đã đọc” (trên Zalo: gõ số ghi bên dưới tin nhắn); đọc xong, đồng chí bấm nút để chi bộ nắm được.
                """,  # noqa: E501 (reply lines)
            ),
            (CUONG, "/lichhop", next_meeting("chưa trả lời")),
            (CUONG, "lich hop", next_meeting("chưa trả lời")),
            (CUONG, "/next", next_meeting("chưa trả lời")),
            (CUONG, "/cuatoi", my_record(held=0, present=0)),
            (CUONG, "xin chào", NOT_UNDERSTOOD),
            (CUONG, "/khonglenh", NOT_UNDERSTOOD),
        ]
    )


async def test_a_member_answers_excuses_herself_then_checks_in(
    app: AppContext, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answering the announcement by number, changing her mind with /vang, then the code at the meeting."""
    monkeypatch.setattr("services.attendance.secrets.randbelow", lambda _: 4821)  # the code read in the room
    world = await build_world(app, meeting_at=app.clock.now() + MEETING_SOON)
    assert world.meeting_id is not None
    talk = Consoles(app, world.people)
    cuong = talk.of(CUONG).console
    await cuong.send(cuong.origin, Markup("Thông báo họp"), rsvp_buttons(app.tr, world.meeting_id))
    await talk.verify(
        [
            (CUONG, "1", "» Đã ghi nhận: đồng chí sẽ dự cuộc họp ngày 04/12/2026."),
            (CUONG, "/lichhop", next_meeting("sẽ dự")),
            (CUONG, "/vang", "Vui lòng ghi rõ lý do: /vang <lý do>, ví dụ /vang đi công tác."),
            (
                CUONG,
                "/vang Ốm <b>nặng</b>",
                "Đã ghi nhận đồng chí xin vắng có lý do cuộc họp ngày 04/12/2026 của Chi bộ Khu phố 1."
                " Lý do chỉ bí thư chi bộ và cấp ủy được xem.",
            ),
            (CUONG, "/lichhop", next_meeting("xin vắng (Ốm <b>nặng</b>)")),
            (
                CUONG,
                "/diemdanh 4821",
                "Điểm danh chưa mở hoặc đã đóng. Nếu đồng chí có mặt, vui lòng báo bí thư chi bộ.",
            ),
            (CUONG, "/modiemdanh", "Lệnh này không dành cho vai trò của đồng chí."),
            (
                AN,
                "/modiemdanh",
                "Chưa đến giờ: chỉ mở điểm danh được trong vòng 2 giờ trước giờ họp (cuộc họp ngày 04/12/2026).",
            ),
        ]
    )
    clock.advance(MEETING_SOON - timedelta(minutes=10))
    await talk.verify(
        [
            (
                AN,
                "/modiemdanh ma",
                """
                Đã mở điểm danh cuộc họp ngày 04/12/2026 trong 150 phút, bắt buộc nhập mã. Mã: 4821 — đọc tại phòng họp; đảng viên nhắn /diemdanh 4821 cho bot.
                Chi bộ chưa gắn nhóm chat nên chưa có nút điểm danh chung; đảng viên điểm danh bằng mã. Gõ /ketnoi trong nhóm của chi bộ để gắn.
                """,  # noqa: E501 (reply lines)
            ),
            (CUONG, "/diemdanh", "Vui lòng gửi kèm mã đọc tại phòng họp: /diemdanh <mã>."),
            (CUONG, "/diemdanh 1234", "Mã không đúng. Vui lòng kiểm tra mã đọc tại phòng họp."),
            (
                CUONG,
                "/diemdanh 4821",
                "Đã điểm danh cuộc họp ngày 04/12/2026 của Chi bộ Khu phố 1. Cảm ơn đồng chí!",
            ),
            (CUONG, "/diemdanh 4821", "Đồng chí đã điểm danh cuộc họp ngày 04/12/2026."),
            (
                AN,
                "/dongdiemdanh",
                "Đã đóng điểm danh cuộc họp ngày 04/12/2026. Có mặt 1/5."
                " Ai không điểm danh và không báo lý do được ghi là vắng không lý do.",
            ),
            (CUONG, "/cuatoi", my_record(held=1, present=1)),
        ]
    )


async def test_help_lists_only_the_commands_of_my_role(app: AppContext) -> None:
    world = await build_world(app)
    member_commands = {"/trogiup", "/lichhop", "/cuatoi", "/vang", "/tamvang", "/diemdanh", "/ykien", "/dulieucuatoi"}

    async def listed(name: str) -> set[str]:
        answer = await ConsoleDialog(app, world.people[name]).say("/help")
        return {line.split()[0] for line in answer.splitlines() if line.startswith("/")}

    assert await listed("Lê Văn Cường") == member_commands
    secretary = await listed("Nguyễn Văn An")
    assert member_commands < secretary
    assert {
        "/datlich",
        "/modiemdanh",
        "/diemdanhho",
        "/moi",
        "/ketthuc",
        "/bieuquyet",
        "/ketthucbieuquyet",
    } <= secretary
    assert "/lichhop" not in await listed("Võ Thị Giang")  # a supervisor is not a member


async def test_refusals_without_a_meeting(app: AppContext) -> None:
    world = await build_world(app)
    no_meeting = "Chi bộ chưa có cuộc họp nào sắp diễn ra."
    not_for_role = "Lệnh này không dành cho vai trò của đồng chí."
    await Consoles(app, {**world.people, "Người lạ": 999_999}).verify(
        [
            (CUONG, "/lichhop", "Chi bộ Khu phố 1 chưa có cuộc họp nào được lên lịch."),
            (CUONG, "/vang ốm", no_meeting),
            (CUONG, "/modiemdanh", not_for_role),
            (CUONG, "/tongket", not_for_role),
            (AN, "/dongdiemdanh", no_meeting),
            (AN, "/diemdanhho 1 co", no_meeting),
            (AN, "/tongket", "Chi bộ chưa có cuộc họp nào đã diễn ra."),
            (GIANG, "/cuatoi", not_for_role),  # a supervisor is not a member
            (
                "Người lạ",
                "/lichhop",
                "Đồng chí chưa kết nối với chi bộ. Hãy mở đường link mời hoặc gửi mã mời mà bí thư chi bộ đã gửi"
                " cho đồng chí.",
            ),
            (
                "Người lạ",
                "xin chào",
                """
                Xin chào! Đây là bot sinh hoạt chi bộ.
                Để tham gia, đồng chí hãy mở đường link mời hoặc gửi mã mời (10 ký tự) mà bí thư chi bộ đã gửi.
                """,
            ),
        ]
    )


async def test_console_reads_standard_input_until_eof(app: AppContext) -> None:
    world = await build_world(app)
    out = io.StringIO()
    console = ConsoleChannel(
        app,
        Dispatcher(app, ROUTER),
        world.people["Lê Văn Cường"],
        "Lê Văn Cường",
        io.StringIO("/cuatoi\n\n/thoat\n/lichhop\n"),
        out,
    )
    await console.run()
    assert "Xin chào đồng chí Lê Văn Cường" in out.getvalue()
    assert "Vắng không lý do" in out.getvalue()
    assert "chưa có cuộc họp" not in out.getvalue()  # stopped at /thoat


def run_cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        cwd=tmp_path,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_help_says_what_each_command_does(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--help")
    assert result.returncode == 0
    for word in ("run", "console", "import", "db"):
        assert word in result.stdout
    for sub in (["import", "--help"], ["console", "--help"], ["db", "upgrade", "--help"], ["run", "--help"]):
        assert run_cli(tmp_path, *sub).returncode == 0


def test_cli_run_without_token_starts_the_demo_console(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "run", "--as", "Nguyễn Văn An", stdin="/lichhop\n")
    assert result.returncode == 0, result.stderr
    assert "To connect Telegram" in result.stdout
    assert "Chi bộ Khu phố 1" in result.stdout
    assert "Demo people to chat as:\n  Nguyễn Văn An — bí thư" in result.stdout
    assert "Traceback" not in result.stderr
    again = run_cli(tmp_path, "run", "--as", "Nguyễn Văn An", stdin="")
    assert "seeded" not in again.stdout  # only on first run


def test_cli_console_picker_reads_a_number(tmp_path: Path) -> None:
    run_cli(tmp_path, "run", "--as", "An", stdin="")
    result = run_cli(tmp_path, "console", stdin="x\n3\n/cuatoi\n")
    assert "type a number" in result.stdout
    assert "Vai trò" in result.stdout


def test_cli_import_reports_and_refuses(tmp_path: Path) -> None:
    good = tmp_path / "r.csv"
    good.write_text("dang_bo,chi_bo,ho_ten\nĐB,CB,Một Người\n", encoding="utf-8")
    result = run_cli(tmp_path, "import", str(good))
    assert result.returncode == 0, result.stderr
    assert "đảng viên: thêm 1, cập nhật 0, không đổi 0" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("dang_bo,chi_bo,ho_ten,vai_tro\nĐB,CB,,\nĐB,CB,X,sep\n", encoding="utf-8")
    result = run_cli(tmp_path, "import", str(bad))
    assert result.returncode == 1
    assert "Không nhập tệp, chưa có gì bị thay đổi:" in result.stderr
    assert "Dòng 2: ho_ten (họ tên) để trống." in result.stderr
    assert "Dòng 3: vai_tro “sep”" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run_cli(tmp_path, "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1
    assert "nope.csv: không đọc được tệp" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "absent.toml", "run"], "no such file"),
        (["console", "--as", "Không Ai"], "nobody to chat as"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_cli_bad_input_is_answered_without_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(tmp_path, *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_bad_config_names_key(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text('[schedule]\nmeeting_days = "32"\n', encoding="utf-8")
    result = run_cli(tmp_path, "--config", "c.toml", "run")
    assert result.returncode == 2
    assert "schedule.meeting_days = '32'" in result.stderr


def test_cli_unreachable_database(tmp_path: Path) -> None:
    env_db = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "db", "upgrade"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": env_db},
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "cannot open the database" in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_bare_number_never_takes_a_leaders_decision(app: AppContext) -> None:
    """Issue 10.1: leader actions happen by an explicit command, never by a bare number."""
    world = await build_world(app, meeting_at=app.clock.now() + timedelta(days=11, hours=10, minutes=30))
    dialog = ConsoleDialog(app, world.people["Nguyễn Văn An"])
    listing = await dialog.say("/huyhop")
    assert "Hủy cuộc họp 04/12/2026" in listing
    assert "gõ /huyhop 04/12/2026" in listing
    assert "Bot không thay đổi gì" in await dialog.say("1")
    async with app.sessions() as session:
        meeting = await session.get(Meeting, world.meeting_id)
        assert meeting is not None
        assert meeting.state is MeetingState.PLANNED
    assert "Đã hủy cuộc họp" in await dialog.say("/huyhop 04/12/2026")


async def test_a_question_survives_a_restart_and_expires(app: AppContext, clock: FakeClock) -> None:
    world = await build_world(app, meeting_at=app.clock.now() + MEETING_SOON)
    assert world.meeting_id is not None
    buttons = rsvp_buttons(app.tr, world.meeting_id)
    first = Consoles(app, world.people)
    await first.of(CUONG).console.send(first.of(CUONG).console.origin, Markup("Thông báo họp"), buttons)
    asks_reason = """
        » Vui lòng nhắn lý do vắng cho bot.
        Đồng chí xin vắng cuộc họp ngày 04/12/2026. Vui lòng gửi lý do trong tin nhắn tiếp theo (hoặc gõ /vang <lý do>).
    """
    await first.verify([(CUONG, "2", asks_reason)])
    restarted = Consoles(app, world.people)  # a new dispatcher and channel
    await restarted.verify(
        [
            (
                CUONG,
                "ốm",
                "Đã ghi nhận đồng chí xin vắng có lý do cuộc họp ngày 04/12/2026 của Chi bộ Khu phố 1."
                " Lý do chỉ bí thư chi bộ và cấp ủy được xem.",
            )
        ]
    )
    # A question unanswered for longer than its expiry is over: the text is read as text again.
    await restarted.of(CUONG).console.send(restarted.of(CUONG).console.origin, Markup("Nhắc"), buttons)
    await restarted.verify([(CUONG, "2", asks_reason)])
    clock.advance(timedelta(minutes=16))
    await restarted.verify([(CUONG, "bận việc nhà", NOT_UNDERSTOOD)])
