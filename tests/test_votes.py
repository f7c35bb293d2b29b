"""Resolution votes through the real dispatcher: opening during a meeting, answers, refusals, the
count by domain.md's rule (full members called, minus temporary members and absent exempted ones),
closing by command and by the scheduled job, and the result in the summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from channels.choices import PromptBook, typed_reply
from core.clock import FakeClock
from core.messages import Address, Incoming, load_keyboard
from handlers import votes as vote_handlers
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import Account, Membership, MemberStatus, OutboxMessage, OutboxState, Platform, Vote, VoteBallot, VoteChoice
from scheduler import jobs
from services import attendance, votes
from services.roster import import_rows
from services.roster_file import parse_rows
from services.vote_result import describe
from tests.chat import GROUP, Chat
from tests.factories import CELL, build_world, connect_everyone, roster_table
from tests.test_export import minutes_text
from tests.test_meeting_flow import DEPUTY, EXEMPT, MEMBER, OTHER_SECRETARY, PROBATIONARY, SECRETARY, SUPERVISOR

MEETING_AT = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)  # 19:30 in Hanoi, the fixture clock's day


async def meeting_under_way(app: AppContext, chat: Chat, clock: FakeClock, *present: str) -> int:
    """The standard cell, its group linked, check-in open at the meeting, these accounts checked in."""
    world = await build_world(app, meeting_at=MEETING_AT)
    await connect_everyone(app)
    assert "Đã gắn nhóm" in (await chat.say(SECRETARY, "/ketnoi", group=GROUP)).text
    clock.set(MEETING_AT)
    assert "Đã mở điểm danh" in (await chat.say(SECRETARY, "/modiemdanh")).text
    assert world.meeting_id is not None
    for user in present:
        assert "Đã điểm danh" in (await chat.press(user, f"ci:{world.meeting_id}", group=GROUP)).toast
    return world.meeting_id


async def open_vote_id(app: AppContext) -> int:
    async with app.sessions() as session:
        vote_id = await session.scalar(select(Vote.id).where(Vote.closed_at.is_(None)))
    assert vote_id is not None
    return vote_id


def test_typed_without_a_slash() -> None:
    """On Zalo and the console commands are typed bare: "kết thúc biểu quyết" must not be /ketthuc
    (ending a membership) with "biểu quyết" as the member's name."""
    for typed, name in (
        ("ket thuc bieu quyet", "endvote"),
        ("kết thúc biểu quyết", "endvote"),
        ("đóng biểu quyết", "endvote"),
        ("biểu quyết Thông qua nghị quyết", "vote"),
        ("tạm vắng 20/12-10/01 ốm", "away"),
        ("kết thúc Lê Văn Cường chuyen_di", "endmember"),
    ):
        parsed = ROUTER.parse(typed, bare=True)
        assert parsed is not None, typed
        assert parsed[0].name == name, typed


async def test_vote_refusals_before_the_meeting(app: AppContext, chat: Chat) -> None:
    await build_world(app, meeting_at=MEETING_AT)
    assert "Chỉ mở biểu quyết được trong cuộc họp" in (await chat.say(SECRETARY, "/bieuquyet Thông qua")).text
    assert "không dành cho vai trò" in (await chat.say(MEMBER, "/bieuquyet Thông qua")).text
    assert "không dành cho vai trò" in (await chat.say(SUPERVISOR, "/ketthucbieuquyet")).text
    assert "Không có biểu quyết nào đang mở" in (await chat.say(SECRETARY, "/ketthucbieuquyet")).text
    assert "hết hiệu lực" in (await chat.press(MEMBER, "vote:999999:y")).toast


async def test_a_vote_from_opening_to_the_summary(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    meeting_id = await meeting_under_way(app, chat, clock, SECRETARY, DEPUTY, MEMBER, PROBATIONARY)
    assert "Cách dùng: /bieuquyet" in (await chat.say(SECRETARY, "/bieuquyet")).text
    assert "tối đa 1.000 ký tự" in (await chat.say(SECRETARY, "/bieuquyet " + "x" * 1001)).text
    opened = await chat.say(SECRETARY, "/bieuquyet Thông qua <b>nghị quyết</b> tháng 12")
    assert "Đã mở biểu quyết số 1 (đến 19:40)" in opened.text
    assert "gửi riêng cho 3 đảng viên" in opened.text  # An, Bình, Cường; not Dung (probationary)
    [post] = [m for m in opened.response.messages if m.to is not None and m.to.chat_id == GROUP]
    assert "&lt;b&gt;nghị quyết&lt;/b&gt;" in post.text  # the secretary's text is escaped
    assert [b.label for row in post.buttons for b in row] == ["Tán thành", "Không tán thành"]
    vote_id = await open_vote_id(app)
    async with app.sessions() as session:
        ballots = (await session.scalars(select(OutboxMessage.chat_id).where(OutboxMessage.kind == "vote"))).all()
    assert sorted(ballots) == [SECRETARY, DEPUTY, MEMBER]
    assert "Đang có biểu quyết số 1" in (await chat.say(DEPUTY, "/bieuquyet Việc khác")).text

    yes, no = f"vote:{vote_id}:y", f"vote:{vote_id}:n"
    assert "Đã ghi phiếu biểu quyết số 1: Tán thành" in (await chat.press(SECRETARY, yes)).toast
    changed = (await chat.press(SECRETARY, no)).toast
    assert "đổi phiếu biểu quyết số 1 thành: Không tán thành (trước đó: Tán thành)" in changed
    assert "thành: Tán thành" in (await chat.press(SECRETARY, yes)).toast
    assert "Đã ghi phiếu" in (await chat.press(DEPUTY, yes, group=GROUP)).toast
    assert "dự bị không biểu quyết" in (await chat.press(PROBATIONARY, yes)).toast
    assert "có mặt tại cuộc họp" in (await chat.press(EXEMPT, yes)).toast
    assert "không thuộc chi bộ" in (await chat.press(OTHER_SECRETARY, yes)).toast
    assert "hết hiệu lực" in (await chat.press(MEMBER, f"vote:{vote_id}:maybe")).toast
    assert "đã có 2 người biểu quyết" in (await chat.say(SECRETARY, "/bieuquyet")).text

    closed = (await chat.say(DEPUTY, "/ketthucbieuquyet")).text
    assert "Tán thành: 2 · Không tán thành: 0 · Không biểu quyết: 1" in closed
    assert "Tính trên 3 đảng viên chính thức được triệu tập" in closed
    assert "ít nhất 2 phiếu" in closed
    assert "1 đảng viên sinh hoạt tạm thời, 1 đảng viên dự bị (không biểu quyết), 1 đảng viên miễn sinh hoạt" in closed
    assert "2/3 = 66,7% tán thành → THÔNG QUA" in closed
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        assert name not in closed  # the tally, never who voted how
    assert "đã kết thúc" in (await chat.press(MEMBER, no)).toast
    assert "Không có biểu quyết nào đang mở" in (await chat.say(SECRETARY, "/ketthucbieuquyet")).text
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(VoteBallot)) == 0  # counted, then forgotten
        states = (await session.scalars(select(OutboxMessage.state).where(OutboxMessage.kind == "vote"))).all()
    assert set(states) == {OutboxState.DROPPED}  # never sent, and no use once the vote closed

    # A second vote closes by itself when its time is up (the scheduled job), and fails.
    assert (
        "biểu quyết số 2"
        in (await chat.say(SECRETARY, "/bieuquyet Bầu tổ trưởng tổ đảng", group=GROUP)).to(SECRETARY)[0]
    )
    second = await open_vote_id(app)
    assert "Đã ghi phiếu" in (await chat.press(MEMBER, f"vote:{second}:y")).toast
    clock.advance(timedelta(minutes=9))
    async with app.sessions() as session:
        assert await vote_handlers.close_due(app, session) == (0, [])
    clock.advance(timedelta(minutes=1))
    assert await jobs.close_due_votes(app, {}) == 1  # the scheduler's job
    async with app.sessions() as session:
        told = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "vote-result"))).all()
        assert await vote_handlers.close_due(app, session) == (0, [])  # closed once
    assert [m.chat_id for m in told] == [SECRETARY]
    assert "1/3 = 33,3% tán thành → <b>KHÔNG THÔNG QUA</b>" in told[0].text

    assert "Đã đóng điểm danh" in (await chat.say(SECRETARY, "/dongdiemdanh")).text
    summary = (await chat.say(SECRETARY, "/tongket")).text
    assert "Biểu quyết số 1: “Thông qua <b>nghị quyết</b> tháng 12”" in summary
    assert "THÔNG QUA" in summary
    assert "KHÔNG THÔNG QUA" in summary
    async with app.sessions() as session:
        assert len(await votes.results(session, meeting_id)) == 2
    exported = await chat.say(SECRETARY, "/xuatfile")
    [minutes] = [m.document[1] for m in exported.response.messages if m.document and m.document[0].endswith(".docx")]
    conclusion = minutes_text(minutes).split("IV. Kết luận", 1)[1]
    assert "Biểu quyết số 1: “Thông qua <b>nghị quyết</b> tháng 12”" in conclusion
    assert "2/3 = 66,7% tán thành → THÔNG QUA." in conclusion
    assert "1/3 = 33,3% tán thành → KHÔNG THÔNG QUA" in conclusion


async def test_one_open_vote_per_meeting_in_the_database(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    """Two leaders opening at the same instant both pass the code's check; the unique column refuses one."""
    meeting_id = await meeting_under_way(app, chat, clock)
    async with app.sessions() as session:
        for number in (1, 2):
            session.add(
                Vote(
                    meeting_id=meeting_id,
                    number=number,
                    text="Nghị quyết",
                    opened_at=clock.now(),
                    closes_at=clock.now(),
                    open_meeting_id=meeting_id,
                )
            )
        with pytest.raises(IntegrityError):
            await session.flush()


@pytest.mark.parametrize(
    ("present", "yes", "called", "passes"),
    [
        # Full members An, Bình, Cường; Dung probationary; Em exempted; Phương temporary.
        ({"An", "Bình", "Cường"}, {"An", "Bình"}, 3, True),
        ({"An", "Bình", "Cường"}, {"An"}, 3, False),
        # Em present: she is a full member called, so the base grows to 4 and 2 is only half.
        ({"An", "Bình", "Em"}, {"An", "Em"}, 4, False),
        ({"An", "Bình", "Em"}, {"An", "Bình", "Em"}, 4, True),
        # Absent members still count in the base: 2 present of 3 full members, both in favour.
        ({"An", "Bình"}, {"An", "Bình"}, 3, True),
        # Probationary and temporary members present change nothing.
        ({"An", "Dung", "Phương"}, {"An"}, 3, False),
    ],
)
async def test_the_quorum_rule(
    app: AppContext, clock: FakeClock, present: set[str], yes: set[str], called: int, passes: bool
) -> None:
    world = await build_world(app, meeting_at=MEETING_AT)
    short = {name.split()[-1]: pid for name, pid in world.people.items()}
    clock.set(MEETING_AT)
    async with app.sessions() as session, session.begin():
        meeting = await session.get(votes.Meeting, world.meeting_id)
        assert meeting is not None
        await attendance.open_checkin(session, meeting, clock.now(), 30, requires_code=False)
        for name in present:
            await attendance.check_in(session, meeting, short[name], clock.now(), code=None)
        vote = await votes.open_vote(session, meeting, "Nghị quyết", short["An"], clock.now(), 10)
        statuses = dict(
            (
                await session.execute(
                    select(Membership.person_id, Membership.status).where(Membership.cell_id == meeting.cell_id)
                )
            ).all()
        )
        for name in present:
            if name in yes:
                await votes.cast(session, vote, short[name], VoteChoice.YES, clock.now())
            elif statuses[short[name]] in votes.VOTING:
                await votes.cast(session, vote, short[name], VoteChoice.NO, clock.now())
        await votes.close(session, vote, clock.now())
        assert (vote.called, votes.passed(vote)) == (called, passes)
        assert vote.temporary == 1
        assert vote.probationary == 1
        assert vote.exempt_absent == (0 if "Em" in present else 1)
        assert statuses[short["Em"]] is MemberStatus.EXEMPT
        assert describe(app.tr, vote)[-1].count("THÔNG QUA") == 1


async def test_a_zalo_member_votes_by_number(
    app: AppContext, chat: Chat, dispatcher: Dispatcher, clock: FakeClock
) -> None:
    """On Zalo the ballot's buttons are numbered choices bound to the message: "2" answers it, "1"
    changes the answer, a word such as "có" casts nothing, and after closing a number does nothing."""
    hai = ["", CELL, "Ngô Văn Hải", "dang_vien", "chinh_thuc", "", "z-hai"]
    async with app.sessions() as session:
        await import_rows(session, parse_rows(roster_table([hai])))
        await session.commit()
    await connect_everyone(app)
    meeting_id = await meeting_under_way(app, chat, clock, SECRETARY)
    async with app.sessions() as session, session.begin():
        meeting = await session.get(votes.Meeting, meeting_id)
        person = await session.scalar(select(Account.person_id).where(Account.external_id == "z-hai"))
        assert meeting is not None
        assert person is not None
        await attendance.check_in(session, meeting, person, clock.now(), code=None)
    assert "gửi riêng cho 2 đảng viên" in (await chat.say(SECRETARY, "/bieuquyet Thông qua nghị quyết")).text
    async with app.sessions() as session:
        ballot = await session.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == "z-hai"))
    assert ballot is not None
    # What the Zalo sender does when the outbox sends the ballot: number its choices, bind them.
    book = PromptBook(app)
    prompt_id, numbered = await book.open(Address(Platform.ZALO, "z-hai"), load_keyboard(ballot.buttons))
    await book.bind(prompt_id, "zalo-msg-1")
    assert [(n, b.label) for n, b in numbered] == [(1, "Tán thành"), (2, "Không tán thành")]

    async def typed(text: str) -> str:
        incoming = Incoming(platform=Platform.ZALO, user_id="z-hai", user_name="Hải", chat_id="z-hai", text=text)
        response = await typed_reply(app, dispatcher, incoming)
        if response is None:
            return ""
        for message in response.messages:  # sent again with its choices, as the Zalo sender would
            prompt, _ = await book.open(Address(Platform.ZALO, "z-hai"), message.buttons)
            await book.bind(prompt, "zalo-msg-2")
        return response.toast or " ".join(str(m.text) for m in response.messages)

    assert await typed("có") == ""  # not an answer to a vote: read as ordinary text
    assert "Đã ghi phiếu biểu quyết số 1: Không tán thành" in await typed("2")
    assert "thành: Tán thành (trước đó: Không tán thành)" in await typed("1")
    assert "Kết quả: 1/4 = 25%" in (await chat.say(SECRETARY, "/ketthucbieuquyet")).text  # Hải is the 4th full member
    assert "đã kết thúc" in await typed("2")
    async with app.sessions() as session:
        vote = await session.scalar(select(Vote))
    assert vote is not None
    assert (vote.yes, vote.no) == (1, 0)
