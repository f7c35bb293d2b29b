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
from handlers.registry import ROUTER
from handlers.router import Dispatcher
from models import Meeting, MeetingState
from tests.dialog import ConsoleDialog
from tests.factories import build_world

ROOT = Path(__file__).resolve().parent.parent


async def test_member_dialog(app: AppContext) -> None:
    world = await build_world(app, meeting_at=app.clock.now() + timedelta(days=11, hours=10, minutes=30))
    dialog = ConsoleDialog(app, world.people["Lê Văn Cường"])
    table = [
        ("/trogiup", ["/lichhop (/next)", "/cuatoi (/me)"]),
        ("/lichhop", ["Thứ Sáu, 04/12/2026 lúc 19:30", "Nhà văn hóa", "Công tác tháng 12", "chưa trả lời"]),
        ("lich hop", ["Thứ Sáu, 04/12/2026"]),
        ("/next", ["Cuộc họp sắp tới — Chi bộ Khu phố 1"]),
        ("/cuatoi", ["Lê Văn Cường", "đảng viên chính thức", "Năm 2026: 0 cuộc họp"]),
        ("xin chào", ["Bot chưa hiểu tin nhắn này"]),
        ("/khonglenh", ["Bot chưa hiểu tin nhắn này"]),
    ]
    for said, expected in table:
        answer = await dialog.say(said)
        for fragment in expected:
            assert fragment in answer, (said, answer)


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


async def test_no_meeting_planned(app: AppContext) -> None:
    world = await build_world(app)
    answer = await ConsoleDialog(app, world.people["Lê Văn Cường"]).say("/lichhop")
    assert "chưa có cuộc họp nào" in answer


async def test_a_supervisor_is_not_a_member(app: AppContext) -> None:
    world = await build_world(app)
    answer = await ConsoleDialog(app, world.people["Võ Thị Giang"]).say("/cuatoi")
    assert "không dành cho vai trò" in answer


async def test_unknown_person_is_told_how_to_join(app: AppContext) -> None:
    await build_world(app)
    answer = await ConsoleDialog(app, 999_999).say("/lichhop")
    assert "chưa kết nối với chi bộ" in answer


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
    world = await build_world(app, meeting_at=app.clock.now() + timedelta(days=11, hours=10, minutes=30))
    assert world.meeting_id is not None
    first = ConsoleDialog(app, world.people["Lê Văn Cường"])
    await first.console.send(first.console.origin, Markup("Thông báo họp"), rsvp_buttons(app.tr, world.meeting_id))
    assert "lý do" in await first.say("2")
    restarted = ConsoleDialog(app, world.people["Lê Văn Cường"])  # a new dispatcher and channel
    assert "xin vắng có lý do" in await restarted.say("ốm")
    # A question unanswered for longer than its expiry is over: the text is read as text again.
    await restarted.console.send(restarted.console.origin, Markup("Nhắc"), rsvp_buttons(app.tr, world.meeting_id))
    assert "lý do" in await restarted.say("2")
    clock.advance(timedelta(minutes=16))
    assert "Bot chưa hiểu" in await restarted.say("bận việc nhà")
