"""/chamdiem: the rubric from config, the attendance part proposed from check-ins, and bốn tốt."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import open_app
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import Cell, MeetingScore, MemberStatus
from services.scoring import proposed_attendance, rating_for
from services.summary import Breakdown
from tests.factories import build_world
from tests.test_summary import Recorder, all_text, private, run
from tests.test_summary_world import hold_meeting

NOV_4 = datetime(2026, 11, 4, 12, 30, tzinfo=UTC)
RATINGS = {"tot": 90, "kha": 70, "trung_binh": 50}


async def held(app: AppContext) -> dict[str, int]:
    """The standard cell's meeting of 04/11: 3 of the 5 counted members present (60 %)."""
    world = await build_world(app)
    p = world.people
    await hold_meeting(
        app,
        world.cell_id,
        NOV_4,
        present=[p["Nguyễn Văn An"], p["Trần Thị Bình"], p["Phạm Thị Dung"]],
        excused={p["Lê Văn Cường"]: "ốm"},
    )
    return p


async def say(app: AppContext, dispatcher: Dispatcher, text: str, user: str = "1001") -> str:
    return all_text(await run(app, dispatcher, private(user, text), Recorder()))


async def scores(app: AppContext) -> list[MeetingScore]:
    async with app.sessions() as session:
        return list((await session.scalars(select(MeetingScore))).all())


def test_ratings_follow_the_configured_thresholds() -> None:
    assert [rating_for(t, RATINGS) for t in (100, 90, 89, 70, 69, 50, 49, 0)] == [
        "tot",
        "tot",
        "kha",
        "kha",
        "trung_binh",
        "trung_binh",
        "kem",
        "kem",
    ]


@pytest.mark.parametrize(
    ("present", "counted", "points", "expected"),
    [(3, 5, 20, 12), (17, 20, 20, 17), (5, 6, 20, 17), (1, 8, 20, 3), (0, 9, 20, 0), (9, 9, 20, 20), (0, 0, 20, 0)],
)
def test_attendance_points_are_proportional_and_rounded_half_up(
    present: int, counted: int, points: int, expected: int
) -> None:
    breakdown = Breakdown({MemberStatus.FULL: (counted, present), MemberStatus.EXEMPT: (2, 1)})
    assert proposed_attendance(breakdown, points) == expected


async def test_the_secretary_sees_the_rubric_and_the_proposal(app: AppContext, dispatcher: Dispatcher) -> None:
    await held(app)
    answer = await say(app, dispatcher, "/chamdiem")
    assert "Chấm điểm cuộc họp 04/11/2026" in answer
    assert "Điểm tỷ lệ dự họp bot đề xuất: <b>12/20</b> (dự họp 60%)" in answer
    assert "/chamdiem chuan_bi=15 dien_bien=45 ket_thuc=20" in answer
    assert await scores(app) == []


async def test_scores_in_rubric_order_take_the_proposed_attendance(app: AppContext, dispatcher: Dispatcher) -> None:
    await held(app)
    answer = await say(app, dispatcher, "/chamdiem 14 40 18")
    assert "84/100" in answer
    assert "xếp loại <b>khá</b>" in answer
    [score] = await scores(app)
    assert score.parts == {"chuan_bi": 14, "ty_le_du_hop": 12, "dien_bien": 40, "ket_thuc": 18}
    assert (score.total, score.rating, score.adjust_reason) == (84, "kha", None)
    summary = await say(app, dispatcher, "/tongket")
    assert "Điểm:</b> 84/100, xếp loại khá" in summary


async def test_changing_the_attendance_part_needs_a_reason(app: AppContext, dispatcher: Dispatcher) -> None:
    await held(app)
    refused = await say(app, dispatcher, "/chamdiem chuan_bi=14 dien_bien=40 ket_thuc=18 ty_le_du_hop=19")
    assert refused.startswith("Bot đề xuất 12 điểm tỷ lệ dự họp; muốn ghi 19 điểm thì cần ghi lý do")
    assert await scores(app) == []
    ok = await say(app, dispatcher, "/chamdiem 14 19 40 18 lý do: hai đồng chí được cấp ủy cho vắng")
    assert "91/100" in ok
    [score] = await scores(app)
    assert score.rating == "tot"
    assert score.adjust_reason == "hai đồng chí được cấp ủy cho vắng"
    assert "Điểm tỷ lệ dự họp đã điều chỉnh: hai đồng chí được cấp ủy cho vắng" in await say(
        app, dispatcher, "/tongket"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("16 40 18", "Điểm mục chuan_bi là 16, phải từ 0 đến 15. Chưa ghi gì."),
        ("14 -1 18", "Điểm mục dien_bien là -1, phải từ 0 đến 45. Chưa ghi gì."),
        ("chuan_bi=14 dien_bien=40", "Còn thiếu điểm các mục: ket_thuc. Chưa ghi gì."),
        ("chuan_bi=14 tot=40 ket_thuc=18", 'Không có mục "tot" trong thang điểm.'),
        ("14 dien_bien=40 18", "Hãy ghi điểm cùng một kiểu"),
        ("14 40", "Cần 3 số điểm theo thứ tự chuan_bi, dien_bien, ket_thuc"),
        ("14 20 40 18 " + "x" * 501, "Lý do quá dài (tối đa 500 ký tự). Chưa ghi gì."),
        ("31/02 14 40 18", "Không có ngày 31/02."),
        ("05/11 14 40 18", "Chi bộ không có cuộc họp nào ngày 05/11/2026."),
    ],
)
async def test_scores_outside_the_rubric_change_nothing(
    app: AppContext, dispatcher: Dispatcher, args: str, expected: str
) -> None:
    await held(app)
    await say(app, dispatcher, "/chamdiem 10 30 10")
    answer = await say(app, dispatcher, f"/chamdiem {args}")
    assert answer.startswith(expected), answer
    [score] = await scores(app)
    assert score.total == 62


async def test_bon_tot_mode_per_cell(app: AppContext, dispatcher: Dispatcher) -> None:
    await held(app)
    assert "Chi bộ bốn tốt" in await say(app, dispatcher, "/chamdiem kieu bontot")
    async with app.sessions() as session:
        assert [c.score_mode for c in (await session.scalars(select(Cell).order_by(Cell.name))).all()] == [
            "bon_tot",
            "rubric",
        ]
    helped = await say(app, dispatcher, "/chamdiem")
    assert "1. lãnh đạo thực hiện tốt nhiệm vụ chính trị" in helped
    assert "4. cán bộ, đảng viên tốt" in helped
    assert "chưa đạt" in await say(app, dispatcher, "/chamdiem co có không co")
    [score] = await scores(app)
    assert score.parts == {"lanh_dao": True, "chat_luong": True, "doan_ket": False, "can_bo": True}
    assert (score.mode, score.total, score.rating) == ("bon_tot", None, "chua_dat")
    assert "<b>đạt</b> (4/4 tiêu chí)" in await say(app, dispatcher, "/chamdiem 04/11 c c c c")
    assert "Chi bộ bốn tốt:</b> đạt (4/4 tiêu chí)" in await say(app, dispatcher, "/tongket")
    assert (await say(app, dispatcher, "/chamdiem co co")).startswith("Cần đúng 4 câu trả lời")
    assert (await say(app, dispatcher, "/chamdiem co co tốt co")).startswith('"tốt" không phải có/không')
    assert (await say(app, dispatcher, "/chamdiem 14 40 18")).startswith("Chi bộ đang tự đánh giá")
    [score] = await scores(app)
    assert score.rating == "dat"
    assert "thang 100 điểm" in await say(app, dispatcher, "/chamdiem kieu diem")
    assert (await say(app, dispatcher, "/chamdiem kieu gi")).startswith("Cách dùng: /chamdiem kieu diem")


@pytest.mark.parametrize(("user", "expected"), [("1003", "không dành cho vai trò"), ("9001", "không dành cho vai trò")])
async def test_members_and_supervisors_cannot_score(
    app: AppContext, dispatcher: Dispatcher, user: str, expected: str
) -> None:
    await held(app)
    assert expected in await say(app, dispatcher, "/chamdiem 14 40 18", user)
    assert await scores(app) == []


async def test_another_cells_secretary_scores_only_their_own(app: AppContext, dispatcher: Dispatcher) -> None:
    await held(app)
    assert await say(app, dispatcher, "/chamdiem 14 40 18", "2001") == "Chi bộ chưa có cuộc họp nào đã diễn ra."
    assert await scores(app) == []


async def test_a_meeting_not_held_cannot_be_scored(app: AppContext, dispatcher: Dispatcher) -> None:
    await build_world(app, meeting_at=datetime(2026, 12, 4, 12, 30, tzinfo=UTC))
    assert (await say(app, dispatcher, "/chamdiem 04/12/2026 14 40 18")).startswith(
        "Cuộc họp ngày 04/12/2026 chưa diễn ra"
    )
    assert await scores(app) == []


async def test_a_custom_rubric_from_config(db_url: str, clock: FakeClock) -> None:
    config = Config.model_validate(
        {
            "database": {"url": db_url},
            "scoring": {
                "parts": {"noi_dung": 60, "du_hop": 40},
                "ratings": {"xuat_sac": 95, "tot": 80},
                "attendance_part": "du_hop",
            },
        }
    )
    async with open_app(config, clock) as app:
        dispatcher = Dispatcher(app, ROUTER)
        await held(app)
        answer = await say(app, dispatcher, "/chamdiem 58")
        assert "82/100" in answer
        assert "xếp loại <b>tốt</b>" in answer
        high = await say(app, dispatcher, "/chamdiem noi_dung=60 du_hop=38 lý do: được phép")
        assert "xếp loại <b>xuat_sac</b>" in high
