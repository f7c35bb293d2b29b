"""/tongket: the summary to the committee, its re-run, its split, every warning, and refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from markupsafe import Markup
from sqlalchemy import select

from core.messages import Address, ChatKind, Edit, Incoming, Keyboard, Response
from handlers.context import AppContext
from handlers.delivery import deliver
from handlers.dispatcher import Dispatcher
from handlers.textsplit import split_messages, visible_length
from models import (
    ChatLink,
    Committee,
    Meeting,
    Opinion,
    OutboxMessage,
    OutboxState,
    Person,
    Platform,
    PostedMessage,
)
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.dialog import Consoles, expected_text
from tests.factories import CELL, COMMITTEE, build_world, connect_everyone, roster_table
from tests.fake_telegram import parse_html, utf16_len
from tests.test_summary_world import hold_meeting

# 19:30 in Hanoi on these days of 2026 (the test clock is Monday 23/11/2026, 09:00 Hanoi).
NOV_4 = datetime(2026, 11, 4, 12, 30, tzinfo=UTC)
COMMITTEE_CHAT = "-100900"
CELL_GROUP = "-100100"


@dataclass
class Recorder:
    """A channel double behind handlers.delivery.deliver: numbers what it sends, keeps edits."""

    sent: list[tuple[Address, str]] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        self.sent.append((to, str(text)))
        return str(len(self.sent))

    async def edit(self, edit: Edit) -> None:
        self.edits.append(edit)

    def to(self, chat_id: str) -> list[str]:
        return [text for address, text in self.sent if address.chat_id == chat_id]


def private(user_id: str, text: str) -> Incoming:
    return Incoming(Platform.TELEGRAM, user_id, "u", user_id, ChatKind.PRIVATE, text)


def in_group(user_id: str, text: str, chat_id: str = CELL_GROUP) -> Incoming:
    return Incoming(Platform.TELEGRAM, user_id, "u", chat_id, ChatKind.GROUP, text)


async def run(app: AppContext, dispatcher: Dispatcher, incoming: Incoming, recorder: Recorder) -> Response:
    response = await dispatcher.handle(incoming)
    await deliver(app, response, incoming.chat, {p: recorder for p in Platform})
    return response


def all_text(response: Response) -> str:
    return "\n".join([str(m.text) for m in response.messages] + [str(e.text) for e in response.edits])


async def link_chats(app: AppContext, cell_id: int, *, committee_platform: Platform = Platform.TELEGRAM) -> None:
    async with app.sessions() as session, session.begin():
        committee = await session.scalar(select(Committee))
        assert committee is not None
        session.add(ChatLink(platform=committee_platform, chat_id=COMMITTEE_CHAT, committee_id=committee.id))
        session.add(ChatLink(platform=Platform.TELEGRAM, chat_id=CELL_GROUP, cell_id=cell_id))


async def add_opinions(app: AppContext, meeting_id: int, person_id: int, *texts: str) -> None:
    async with app.sessions() as session, session.begin():
        for text in texts:
            session.add(Opinion(meeting_id=meeting_id, person_id=person_id, text=text, created_at=NOV_4))


async def standard_meeting(app: AppContext) -> tuple[dict[str, int], int, int]:
    world = await build_world(app)
    p = world.people
    meeting_id = await hold_meeting(
        app,
        world.cell_id,
        NOV_4,
        present=[p["Nguyễn Văn An"], p["Trần Thị Bình"], p["Phạm Thị Dung"]],
        excused={p["Lê Văn Cường"]: "Đi công tác Đà Nẵng"},
    )
    return p, world.cell_id, meeting_id


async def test_summary_posts_to_the_committee_and_shows_the_secretary(app: AppContext, dispatcher: Dispatcher) -> None:
    people, cell_id, meeting_id = await standard_meeting(app)
    await link_chats(app, cell_id)
    await add_opinions(app, meeting_id, people["Lê Văn Cường"], "Đề nghị sửa đường")
    recorder = Recorder()
    response = await run(app, dispatcher, private("1001", "/tongket"), recorder)

    committee = recorder.to(COMMITTEE_CHAT)
    assert len(committee) == 1
    post = parse_html(committee[0])
    for fragment in (
        "TỔNG KẾT SINH HOẠT — Chi bộ Khu phố 1",
        "Thứ Tư, 04/11/2026 lúc 19:30 — sinh hoạt thường kỳ",
        "Dự họp: 3/5 đồng chí (60%)",
        "chính thức 2/3, dự bị 1/1, sinh hoạt tạm thời 0/1",
        "Miễn sinh hoạt: 1 đồng chí",
        "Nguyễn Văn An, Phạm Thị Dung, Trần Thị Bình",
        "Lê Văn Cường: Đi công tác Đà Nẵng",
        "Không trả lời thông báo và không đến (1):",
        "Đỗ Thị Phương",
        "Ý kiến (1):",
        "Lê Văn Cường: Đề nghị sửa đường",
        "Điểm: chưa chấm",
        "Tỷ lệ dự họp 60%, không vượt mức 85%",
        "1 đồng chí vắng không lý do: Đỗ Thị Phương",
    ):
        assert fragment in post, fragment
    private_text = parse_html("\n".join(recorder.to("1001")))
    assert "Đã gửi bản tổng kết cuộc họp ngày 04/11/2026 lên nhóm cấp ủy." in private_text
    assert "Lê Văn Cường: Đi công tác Đà Nẵng" in private_text
    assert all(m.to is None or m.to.chat_id == COMMITTEE_CHAT for m in response.messages)
    async with app.sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        assert meeting.summary_at == app.clock.now()
        posted = (await session.scalars(select(PostedMessage))).all()
        assert [(p.purpose, p.chat_id) for p in posted] == [("summary", COMMITTEE_CHAT)]


async def test_running_the_summary_again_edits_the_committee_post(app: AppContext, dispatcher: Dispatcher) -> None:
    people, cell_id, meeting_id = await standard_meeting(app)
    await link_chats(app, cell_id)
    recorder = Recorder()
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    first_id = "1"
    assert recorder.sent[0][0].chat_id == COMMITTEE_CHAT
    await add_opinions(app, meeting_id, people["Phạm Thị Dung"], "Ý kiến mới")

    again = await run(app, dispatcher, private("1001", "/tongket 04/11"), recorder)
    assert len(recorder.to(COMMITTEE_CHAT)) == 1, "a re-run must not stack a second copy"
    assert [e.message_id for e in recorder.edits] == [first_id]
    assert recorder.edits[0].to == Address(Platform.TELEGRAM, COMMITTEE_CHAT)
    assert "Phạm Thị Dung: Ý kiến mới" in recorder.edits[0].text
    assert "Đã sửa lại bản tổng kết cuộc họp ngày 04/11/2026 trong nhóm cấp ủy" in all_text(again)


async def test_a_platform_without_edits_gets_a_replacement_that_says_so(
    app: AppContext, dispatcher: Dispatcher
) -> None:
    _, cell_id, _ = await standard_meeting(app)
    await link_chats(app, cell_id, committee_platform=Platform.ZALO)
    recorder = Recorder()
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    posts = recorder.to(COMMITTEE_CHAT)
    assert len(posts) == 2
    assert recorder.edits == []
    assert "thay thế bản đã gửi trước đó" not in posts[0]
    assert "Bản tổng kết này thay thế bản đã gửi trước đó." in posts[1]
    async with app.sessions() as session:
        posted = (await session.scalars(select(PostedMessage))).all()
        assert [p.message_id for p in posted] == ["3"], "the replacement is the one to replace next time"


async def test_a_long_summary_is_split_and_every_part_is_edited_on_rerun(
    app: AppContext, dispatcher: Dispatcher
) -> None:
    people, cell_id, meeting_id = await standard_meeting(app)
    await link_chats(app, cell_id)
    texts = [f"Ý kiến số {n} <b>không</b> & " + "rất dài " * 110 for n in range(12)]
    await add_opinions(app, meeting_id, people["Lê Văn Cường"], *texts)
    recorder = Recorder()
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    parts = recorder.to(COMMITTEE_CHAT)
    assert len(parts) >= 3
    for part in parts:
        assert utf16_len(parse_html(part)) <= 4096
        assert "<b>không</b>" not in part
        assert "&lt;b&gt;không&lt;/b&gt; &amp;" in part
    assert "Ý kiến số 11" in parts[-1]
    assert "Ý kiến số 0" in parts[0]
    async with app.sessions() as session:
        purposes = sorted((await session.scalars(select(PostedMessage.purpose))).all())
    assert purposes == sorted(["summary"] + [f"summary-{n}" for n in range(2, len(parts) + 1)])

    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    assert len(recorder.to(COMMITTEE_CHAT)) == len(parts)
    assert recorder.edits == []  # nothing changed: no edit (Telegram refuses "message is not modified")
    await add_opinions(app, meeting_id, people["Nguyễn Văn An"], "Ý kiến cuối")
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    assert len(recorder.to(COMMITTEE_CHAT)) == len(parts)
    assert 1 <= len(recorder.edits) < len(parts)  # the count and the last part; the middle is unchanged


async def test_parts_follow_the_limit_the_platform_declares(app: AppContext, dispatcher: Dispatcher) -> None:
    """Zalo declares 2,000 characters and no edits: the handler cuts the committee's copy for it
    (each part recorded, so a re-run replaces them all), not at Telegram's size."""
    people, cell_id, meeting_id = await standard_meeting(app)
    await link_chats(app, cell_id, committee_platform=Platform.ZALO)
    await add_opinions(app, meeting_id, people["Lê Văn Cường"], *[f"Ý kiến số {n} " + "dài " * 150 for n in range(8)])
    recorder = Recorder()
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    parts = recorder.to(COMMITTEE_CHAT)
    assert len(parts) >= 3
    assert all(visible_length(part) <= app.traits(Platform.ZALO).text_limit == 2000 for part in parts)
    async with app.sessions() as session:
        purposes = (await session.scalars(select(PostedMessage.purpose))).all()
    assert len(purposes) == len(parts)


async def test_a_shorter_rerun_blanks_the_parts_it_no_longer_needs(app: AppContext, dispatcher: Dispatcher) -> None:
    people, cell_id, meeting_id = await standard_meeting(app)
    await link_chats(app, cell_id)
    await add_opinions(app, meeting_id, people["Lê Văn Cường"], *["dài " * 240] * 8)
    recorder = Recorder()
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    assert len(recorder.to(COMMITTEE_CHAT)) >= 2
    async with app.sessions() as session, session.begin():
        for opinion in (await session.scalars(select(Opinion))).all():
            opinion.withdrawn_at = NOV_4
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    assert "Ý kiến (0):" in recorder.edits[0].text
    assert all("Phần này không còn" in e.text for e in recorder.edits[1:])
    assert len(recorder.edits) >= 2


def test_split_keeps_lines_whole_and_cuts_a_giant_line_at_spaces() -> None:
    lines = [Markup("<b>Tiêu đề</b>")] + [Markup("dòng ") + str(n) for n in range(2000)]
    lines.append(Markup("&lt;x&gt; ") * 3000)
    parts = split_messages(lines, 4096)
    assert all(visible_length(p) <= 4096 for p in parts)
    for part in parts:
        parse_html(str(part))  # never cut inside a tag or an entity
    joined = "\n".join(parse_html(str(p)) for p in parts)
    assert "dòng 0\n" in joined
    assert "dòng 1999" in joined
    assert joined.count("<x>") == 3000


async def test_summary_in_the_cell_group_names_nobody_there(app: AppContext, dispatcher: Dispatcher) -> None:
    _, cell_id, _ = await standard_meeting(app)
    await link_chats(app, cell_id)
    await connect_everyone(app)  # Bình has written to the bot, so it may answer her privately
    recorder = Recorder()
    await run(app, dispatcher, in_group("1002", "/tongket"), recorder)
    in_the_group = recorder.to(CELL_GROUP)
    assert in_the_group == [
        "Đã gửi bản tổng kết cuộc họp ngày 04/11/2026 lên cấp ủy; "
        "nội dung chi tiết đã nhắn riêng cho đồng chí Trần Thị Bình."
    ]
    assert any("Đi công tác Đà Nẵng" in text for text in recorder.to("1002"))
    assert any("Đi công tác Đà Nẵng" in text for text in recorder.to(COMMITTEE_CHAT))


async def test_without_a_committee_chat_the_secretary_learns_how_to_link_one(
    app: AppContext, dispatcher: Dispatcher
) -> None:
    await standard_meeting(app)
    recorder = Recorder()
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    assert len(recorder.sent) == 1
    assert recorder.sent[0][0].chat_id == "1001"
    text = parse_html(recorder.sent[0][1])
    assert "Chưa kết nối nhóm chat của cấp ủy" in text
    assert "/ketnoi capuy Đảng bộ phường Thử Nghiệm" in text
    assert "Dự họp: 3/5" in text


async def test_excused_four_times_in_a_row_and_three_unexcused_absences_warn(
    app: AppContext, dispatcher: Dispatcher
) -> None:
    world = await build_world(app)
    p = world.people
    regulars = [p["Nguyễn Văn An"], p["Trần Thị Bình"], p["Phạm Thị Dung"]]
    for month in (7, 8, 9, 10):
        await hold_meeting(
            app,
            world.cell_id,
            datetime(2026, month, 4, 12, 30, tzinfo=UTC),
            present=regulars,
            excused={p["Lê Văn Cường"]: f"Ốm tháng {month}"},
        )
    recorder = Recorder()
    answer = parse_html(all_text(await run(app, dispatcher, private("1001", "/tongket"), recorder)))
    assert "Lê Văn Cường vắng có lý do 4 cuộc họp liên tiếp trong năm 2026." in answer
    assert "Xem xét xóa tên: Đỗ Thị Phương vắng không lý do 4 lần trong năm 2026 (Quy định 294-QĐ/TW)." in answer

    earlier = parse_html(all_text(await run(app, dispatcher, private("1001", "/tongket 04/09"), recorder)))
    assert "liên tiếp" not in earlier, "three in a row is still within the rule"
    assert "Xem xét xóa tên: Đỗ Thị Phương vắng không lý do 3 lần" in earlier
    first = parse_html(all_text(await run(app, dispatcher, private("1001", "/tongket 04/08"), recorder)))
    assert "Xem xét xóa tên" not in first


async def test_good_meeting_has_no_warnings(app: AppContext, dispatcher: Dispatcher) -> None:
    world = await build_world(app)
    p = world.people
    everyone = [p[n] for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Đỗ Thị Phương")]
    await hold_meeting(app, world.cell_id, NOV_4, present=everyone)
    text = parse_html(all_text(await run(app, dispatcher, private("1001", "/tongket"), Recorder())))
    assert "Dự họp: 5/5 đồng chí (100%)" in text
    assert "Cảnh báo" not in text


async def test_members_the_bot_could_not_reach_are_named(app: AppContext, dispatcher: Dispatcher) -> None:
    people, _, meeting_id = await standard_meeting(app)
    async with app.sessions() as session, session.begin():
        for n, state in enumerate((OutboxState.UNDELIVERABLE, OutboxState.SENT)):
            session.add(
                OutboxMessage(
                    key=f"reminder:{meeting_id}:{n}",
                    platform=Platform.TELEGRAM,
                    chat_id="1004" if n == 0 else "1003",
                    person_id=people["Phạm Thị Dung"] if n == 0 else people["Lê Văn Cường"],
                    meeting_id=meeting_id,
                    kind="reminder",
                    text="x",
                    not_before=NOV_4,
                    state=state,
                )
            )
    text = parse_html(all_text(await run(app, dispatcher, private("1001", "/tongket"), Recorder())))
    assert "Bot không gửi được tin nhắn tới: Phạm Thị Dung." in text
    assert "tới: Lê Văn Cường" not in text


async def test_names_and_opinions_with_html_are_escaped(app: AppContext, dispatcher: Dispatcher) -> None:
    async with app.sessions() as session, session.begin():
        await import_rows(
            session, parse_rows(roster_table([[COMMITTEE, CELL, "Tèo <b>đậm</b> & <i", "dang_vien", "", "1010", ""]]))
        )
    world = await build_world(app)
    teo = world.people["Tèo <b>đậm</b> & <i"]
    meeting_id = await hold_meeting(app, world.cell_id, NOV_4, present=[teo, world.people["Nguyễn Văn An"]])
    await add_opinions(app, meeting_id, teo, "</b><script>alert(1)</script>")
    response = await run(app, dispatcher, private("1001", "/tongket"), Recorder())
    for message in response.messages:
        parse_html(str(message.text))
    text = all_text(response)
    assert "Tèo &lt;b&gt;đậm&lt;/b&gt; &amp; &lt;i" in text
    assert "&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text


async def test_anonymous_opinions_hide_authors_only_in_the_committee_post(
    app: AppContext, dispatcher: Dispatcher
) -> None:
    people, cell_id, meeting_id = await standard_meeting(app)
    await link_chats(app, cell_id)
    await add_opinions(app, meeting_id, people["Trần Thị Bình"], "Góp ý kín")
    recorder = Recorder()
    said = await run(app, dispatcher, private("1001", "/tongket andanh bat"), recorder)
    assert "không kèm tên người phát biểu" in all_text(said)
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    committee = recorder.to(COMMITTEE_CHAT)[0]
    assert "• Góp ý kín" in committee
    assert "Trần Thị Bình: Góp ý kín" not in committee
    assert any("Trần Thị Bình: Góp ý kín" in text for text in recorder.to("1001"))
    usage = await run(app, dispatcher, private("1001", "/tongket andanh"), recorder)
    assert "Cách dùng: /tongket andanh bat" in all_text(usage)


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("1003", "Lệnh này không dành cho vai trò của đồng chí."),  # a member
        ("9001", "Lệnh này không dành cho vai trò của đồng chí."),  # the cell's supervisor
        ("777", "Đồng chí chưa kết nối với chi bộ."),  # a stranger
    ],
)
async def test_only_the_cells_secretaries_may_ask(
    app: AppContext, dispatcher: Dispatcher, user: str, expected: str
) -> None:
    _, cell_id, meeting_id = await standard_meeting(app)
    await link_chats(app, cell_id)
    recorder = Recorder()
    response = await run(app, dispatcher, private(user, "/tongket"), recorder)
    assert expected in all_text(response)
    assert recorder.to(COMMITTEE_CHAT) == []
    async with app.sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        assert meeting.summary_at is None


async def test_another_cells_secretary_learns_nothing(app: AppContext, dispatcher: Dispatcher) -> None:
    _, cell_id, _ = await standard_meeting(app)
    await link_chats(app, cell_id)
    recorder = Recorder()
    in_their_group = await run(app, dispatcher, in_group("2001", "/tongket"), recorder)
    assert all_text(in_their_group) == "Đồng chí không phụ trách chi bộ này."
    own = await run(app, dispatcher, private("2001", "/tongket 04/11"), recorder)
    assert all_text(own) == "Chi bộ không có cuộc họp nào ngày 04/11/2026."
    assert recorder.to(COMMITTEE_CHAT) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("31/02", "Không có ngày 31/02."),
        ("hôm qua", "“hôm qua” không phải ngày hợp lệ."),
        ("05/11", "Chi bộ không có cuộc họp nào ngày 05/11/2026."),
    ],
)
async def test_bad_days_are_refused(app: AppContext, dispatcher: Dispatcher, args: str, expected: str) -> None:
    await standard_meeting(app)
    answer = all_text(await run(app, dispatcher, private("1001", f"/tongket {args}"), Recorder()))
    assert answer.startswith(expected)


async def test_a_meeting_not_held_yet_or_still_open_is_refused(app: AppContext, dispatcher: Dispatcher) -> None:
    world = await build_world(app, meeting_at=datetime(2026, 12, 4, 12, 30, tzinfo=UTC))
    nothing = all_text(await run(app, dispatcher, private("1001", "/tongket"), Recorder()))
    assert nothing == "Chi bộ chưa có cuộc họp nào đã diễn ra."
    future = all_text(await run(app, dispatcher, private("1001", "/tongket 04/12/2026"), Recorder()))
    assert future.startswith("Cuộc họp ngày 04/12/2026 chưa diễn ra")
    await hold_meeting(app, world.cell_id, datetime(2026, 11, 23, 1, 0, tzinfo=UTC), close=False)
    still_open = all_text(await run(app, dispatcher, private("1001", "/tongket"), Recorder()))
    assert still_open.startswith("Cuộc họp ngày 23/11/2026 đang mở điểm danh.")
    async with app.sessions() as session:
        assert (await session.scalars(select(Meeting.summary_at))).all() == [None, None]


async def test_console_dialog(app: AppContext) -> None:
    _, cell_id, _ = await standard_meeting(app)
    await link_chats(app, cell_id)
    summary = expected_text(
        """
        TỔNG KẾT SINH HOẠT — Chi bộ Khu phố 1
        Thứ Tư, 04/11/2026 lúc 19:30 — sinh hoạt thường kỳ
        Địa điểm: Nhà văn hóa
        Nội dung: Công tác tháng

        Dự họp: 3/5 đồng chí (60%)
        Có mặt: chính thức 2/3, dự bị 1/1, sinh hoạt tạm thời 0/1
        Miễn sinh hoạt: 1 đồng chí, không tính vào tỷ lệ (có mặt 0)

        Có mặt (3):
        Nguyễn Văn An, Phạm Thị Dung, Trần Thị Bình
        Vắng có lý do (1):
        • Lê Văn Cường: Đi công tác Đà Nẵng
        Vắng không lý do (0):
        không có
        Không trả lời thông báo và không đến (1):
        Đỗ Thị Phương

        Ý kiến (0):
        không có

        Điểm: chưa chấm

        ⚠️ Cảnh báo
        • Tỷ lệ dự họp 60%, không vượt mức 85% (Hướng dẫn 12-HD/BTCTW).
        • 1 đồng chí vắng không lý do: Đỗ Thị Phương.
        """
    )
    not_for_role = "Lệnh này không dành cho vai trò của đồng chí."
    await Consoles(app, await _people(app)).verify(
        [
            (
                "Nguyễn Văn An",
                "/tongket",
                f"[→ telegram {COMMITTEE_CHAT}]\n{summary}\n"
                f"Đã gửi bản tổng kết cuộc họp ngày 04/11/2026 lên nhóm cấp ủy.\n\n{summary}",
            ),
            # The same text again: the committee's post is not edited (no ✎ line) and not sent again.
            (
                "Nguyễn Văn An",
                "tong ket",
                "Đã sửa lại bản tổng kết cuộc họp ngày 04/11/2026 trong nhóm cấp ủy (không gửi thêm bản mới).\n\n"
                + summary,
            ),
            ("Nguyễn Văn An", "/tongket 05/11", "Chi bộ không có cuộc họp nào ngày 05/11/2026."),
            ("Nguyễn Văn An", "/tongket 31/02", "Không có ngày 31/02."),
            ("Lê Văn Cường", "/tongket", not_for_role),
            ("Võ Thị Giang", "/tongket", not_for_role),
            ("Bùi Văn Khang", "/tongket", "Chi bộ chưa có cuộc họp nào đã diễn ra."),
        ]
    )


async def _people(app: AppContext) -> dict[str, int]:
    async with app.sessions() as session:
        return {p.full_name: p.id for p in (await session.scalars(select(Person))).all()}


async def test_the_longest_opinion_full_of_markup_characters_still_goes_out(
    app: AppContext, dispatcher: Dispatcher
) -> None:
    people, cell_id, meeting_id = await standard_meeting(app)
    await link_chats(app, cell_id)
    await add_opinions(app, meeting_id, people["Lê Văn Cường"], "&" * 1000, "<" * 1000)
    async with app.sessions() as session, session.begin():
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.agenda = "Nội dung <rất> dài & " * 400
    recorder = Recorder()
    await run(app, dispatcher, private("1001", "/tongket"), recorder)
    posted = [parse_html(text) for text in recorder.to(COMMITTEE_CHAT)]
    assert all(utf16_len(text) <= 4096 for text in posted)
    joined = " ".join(posted)
    assert joined.count("&") == joined.count("<") == 1000 + 400, "the opinions are cut between messages, not lost"
    assert joined.count("Nội dung <rất> dài &") == 400
