"""Property-based: whatever anyone types or forges, every command and button answers in words.

Every registered command gets generated arguments (long text, any Unicode, control and invisible
characters, huge and look-alike numbers, dates in every shape, the cell's real ids and codes), and
every button kind gets forged data, from every role, privately and in the cell's group. Each must
get a reply that is neither the internal-error message nor an exception. One seeded cell serves
every example: its rows are put back after each one, which costs a few statements, not a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, delete, insert, select

from channels.plain import to_plain
from core.messages import Response
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from handlers.router import Command, Need
from models import Base, ChatLink, Platform
from services import invites
from tests.chat import GROUP, Chat
from tests.conftest import ADMIN_ID
from tests.dialog import ConsoleDialog
from tests.factories import build_world
from tests.test_summary_world import hold_meeting

ROLES = {
    "stranger": "5555",
    "member": "1003",
    "secretary": "1001",
    "deputy": "1002",
    "supervisor": "9001",
    "admin": str(ADMIN_ID),
}
# Every button kind the bot sends: the prefix of its data and how many parts follow it (raw
# strings: what a forger sends, whatever the bot builds them from).
BUTTON_KINDS = {"rsvp": 2, "ci": 1, "open": 1, "cancel": 1, "join": 2, "pick": 2}
HOSTILE_CHARS = "\x00\x07\x1b\x7f\u200b\u200d\u202e\u2066\ufeff\t\n"
LOOKALIKE_DIGITS = ("²", "٣", "５", "①", "߁", "𝟗")
KEYWORDS = (
    "hangthang", "chuyende", "xoa", "andanh", "bat", "tat", "kieu", "bontot", "diem", "co", "vang",
    "khong", "ma", "capuy", "Khu phố 1", "Nguyễn Văn An", "lý do:", "chuan_bi=15", "-5", "0",
)  # fmt: skip
EXAMPLES = 30


class Seeded:
    """The seeded cell's rows, and the ids and codes a forger could have seen."""

    def __init__(self, rows: dict[Table, list[dict[str, Any]]], known: list[str], people: dict[str, int]) -> None:
        self.rows = rows
        self.known = known
        # Person ids by role, for the console (which acts as a person, not an account).
        self.people = people

    def __repr__(self) -> str:
        return f"Seeded(known={self.known!r})"

    async def restore(self, app: AppContext) -> None:
        async with app.sessions() as session, session.begin():
            for table in reversed(Base.metadata.sorted_tables):
                await session.execute(delete(table))
            for table in Base.metadata.sorted_tables:
                if self.rows[table]:
                    await session.execute(insert(table), self.rows[table])


async def seed(app: AppContext) -> Seeded:
    """A cell with a meeting held (for reports), one ahead (for answers), linked chats and codes."""
    world = await build_world(app, meeting_at=datetime(2026, 12, 4, 12, 30, tzinfo=UTC))
    people = world.people
    held = await hold_meeting(
        app,
        world.cell_id,
        datetime(2026, 11, 4, 12, 30, tzinfo=UTC),
        present=[people["Nguyễn Văn An"], people["Lê Văn Cường"]],
        excused={people["Phạm Thị Dung"]: "Ốm"},
    )
    async with app.sessions() as session, session.begin():
        session.add(ChatLink(platform=Platform.TELEGRAM, chat_id=GROUP, cell_id=world.cell_id))
        codes = await invites.invites_for(session, world.cell_id, [None, people["Đỗ Thị Phương"]], app.clock.now(), 14)
    async with app.sessions() as session:
        rows = {
            table: [dict(row._mapping) for row in (await session.execute(select(table))).all()]
            for table in Base.metadata.sorted_tables
        }
    known = [str(world.meeting_id), str(held), *(str(i) for i in people.values()), *(i.code for i in codes.values())]
    return Seeded(rows, known, {"member": people["Lê Văn Cường"], "secretary": people["Nguyễn Văn An"]})


@pytest.fixture
async def seeded(app: AppContext) -> Seeded:
    return await seed(app)


def words(known: Sequence[str]) -> st.SearchStrategy[str]:
    """One word of an argument: mostly things parsers must bound or refuse."""
    numbers = st.one_of(
        st.integers(min_value=0, max_value=99999).map(str),
        st.integers(min_value=10**25, max_value=10**80).map(str),
        st.integers(min_value=-(10**40), max_value=-1).map(str),
    )
    dates = st.builds(
        lambda d, m, y, sep: sep.join([str(d), str(m), *([str(y)] if y is not None else [])]),
        st.integers(-1, 40),
        st.integers(-1, 14),
        st.one_of(st.none(), st.integers(0, 99999)),
        st.sampled_from("/.-"),
    )
    times = st.builds(
        lambda h, m, sep: f"{h}{sep}{m:02d}", st.integers(0, 99), st.integers(0, 99), st.sampled_from(":hg")
    )
    hostile = st.text(alphabet=st.sampled_from(HOSTILE_CHARS + "a1/"), min_size=1, max_size=8)
    # Repeated branches are drawn more often: numbers and dates are what parsers must bound.
    return st.one_of(
        numbers,
        numbers,
        st.sampled_from(LOOKALIKE_DIGITS),
        dates,
        dates,
        times,
        hostile,
        st.sampled_from(KEYWORDS),
        st.sampled_from(known),
        st.text(min_size=1, max_size=30),
    )


def arguments(known: Sequence[str]) -> st.SearchStrategy[str]:
    """What follows a command: a keyword then words, a long text, or any text at all."""
    long_text = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=6), st.integers(300, 1500))
    lead = st.sampled_from((*KEYWORDS[:10], ""))
    worded = st.builds(
        lambda head, rest: " ".join([head, *rest]).strip(), lead, st.lists(words(known), min_size=2, max_size=4)
    )
    return st.one_of(worded, worded, worded, worded, worded, long_text, st.text(max_size=50))


def button_data(kind: str, known: Sequence[str]) -> st.SearchStrategy[str]:
    """Forged data for one button kind: usually as many parts as it carries, each one hostile."""
    part = st.one_of(words(known), st.just(""), st.sampled_from(("yes", "no", "ok")))
    count = st.sampled_from((BUTTON_KINDS[kind],) * 3 + (0, 1, 2, 3))
    return count.flatmap(lambda n: st.lists(part, min_size=n, max_size=n)).map(lambda parts: ":".join([kind, *parts]))


def check(app: AppContext, response: Response, what: str) -> None:
    """A reply in words: a message or a toast, never the internal error, always renderable."""
    internal = to_plain(app.tr.t("err-internal"))
    texts = [to_plain(m.text) for m in response.messages] + ([response.toast] if response.toast else [])
    assert texts, f"no reply to {what!r}"
    assert not any(internal in text for text in texts), f"internal error for {what!r}"


async def live_edits(response: Response) -> None:
    """Edits whose text is read when sent must read without failing too."""
    for edit in response.edits:
        await edit.current_text()


async def answer(app: AppContext, role: str, in_group: bool, *, text: str = "", button: str = "") -> None:
    chat = Chat(Dispatcher(app, ROUTER))
    group = GROUP if in_group else None
    said = await (chat.press(ROLES[role], button, group=group) if button else chat.say(ROLES[role], text, group=group))
    check(app, said.response, button or text)
    await live_edits(said.response)


# Roles a command is meant for are drawn half the time, so examples get past the role check
# (a kind of need not listed here draws from every role).
ALLOWED = {
    Need.ANYONE: sorted(ROLES),
    Need.JOINED: ["member", "secretary", "supervisor"],
    Need.MEMBER: ["member", "secretary", "deputy"],
    Need.SECRETARY: ["secretary", "deputy"],
    Need.SUPERVISOR: ["supervisor", "admin"],
    Need.ADMIN: ["admin"],
}


def callers(need: Need = Need.ANYONE, *, in_groups: bool = True) -> st.SearchStrategy[tuple[str, bool]]:
    """Who sends it, and whether in the cell's group (seldom for commands only answered privately)."""
    role = st.one_of(st.sampled_from(ALLOWED.get(need, sorted(ROLES))), st.sampled_from(sorted(ROLES)))
    return st.tuples(role, st.booleans() if in_groups else st.sampled_from((False, False, False, True)))


@pytest.mark.parametrize("command", ROUTER.commands, ids=lambda c: c.vi)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
async def test_every_command_answers_any_arguments(
    app: AppContext, seeded: Seeded, command: Command, data: st.DataObject
) -> None:
    """A few messages in a row (state carries between them), then the cell is put back."""
    try:
        for _ in range(data.draw(st.integers(1, 3), label="messages")):
            role, in_group = data.draw(callers(command.need, in_groups=command.in_groups), label="caller")
            name = data.draw(st.sampled_from(command.names), label="name")
            args = data.draw(arguments(seeded.known), label="arguments")
            await answer(app, role, in_group, text=f"/{name} {args}")
    finally:
        await seeded.restore(app)


@pytest.mark.parametrize("kind", sorted(BUTTON_KINDS))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
async def test_every_button_answers_forged_data(
    app: AppContext, seeded: Seeded, kind: str, data: st.DataObject
) -> None:
    try:
        for _ in range(data.draw(st.integers(1, 3), label="presses")):
            role, in_group = data.draw(callers(), label="caller")
            await answer(app, role, in_group, button=data.draw(button_data(kind, seeded.known), label="data"))
    finally:
        await seeded.restore(app)


def console_lines(known: Sequence[str]) -> st.SearchStrategy[str]:
    """A console line: a command typed bare (no slash, spaces inside), a number pressing a shown
    button, or free text answering whatever the bot last asked."""
    bare = st.builds(
        lambda command, name, args: f"{name.replace('_', ' ') if command else name} {args}",
        st.booleans(),
        st.sampled_from([n for c in ROUTER.commands for n in c.names]),
        arguments(known),
    )
    return st.one_of(bare, st.sampled_from(("1", "2", "3", "có", "vắng bận việc", "không")), arguments(known))


@pytest.mark.parametrize("role", ["member", "secretary"])
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
async def test_the_console_answers_any_line(app: AppContext, seeded: Seeded, role: str, data: st.DataObject) -> None:
    """The console dialog: bare commands, numbered buttons and answers to the bot's questions."""
    dialog = ConsoleDialog(app, seeded.people[role], role)
    internal = to_plain(app.tr.t("err-internal"))
    try:
        for _ in range(data.draw(st.integers(1, 4), label="lines")):
            line = data.draw(console_lines(seeded.known), label="line")
            printed = await dialog.say(line)
            assert printed.strip(), f"no reply to {line!r}"
            assert internal not in printed, f"internal error for {line!r}"
    finally:
        await seeded.restore(app)
