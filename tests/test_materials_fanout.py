"""/tailieu to many cells: the same number of SQL statements for 3 cells as for 30 (two queries for
all the cells' groups and members, one insert for every recipient), and exactly the recipients the
cell-by-cell path reached: each cell's groups and each current member once, at their preferred
connected account (Telegram before Zalo); an ended member, an unconnected account and a member with
no account get nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from handlers.context import AppContext
from models import (
    Account,
    Cell,
    ChatLink,
    Committee,
    CommitteeKind,
    CommitteeRole,
    Material,
    Membership,
    NodeRole,
    OutboxMessage,
    Person,
    Platform,
)
from services import chats, reminders
from tests.chat import Chat
from tests.test_digest import count_statements
from tests.test_processes import engine_of

SMALL, BIG = 3, 30
SMALL_ADMIN, BIG_ADMIN = "9003", "9030"


def _person(session_add: list[object], name: str, *accounts: tuple[Platform, str, datetime | None]) -> Person:
    person = Person(full_name=name)
    person.accounts = [Account(platform=p, external_id=x, connected_at=at) for p, x, at in accounts]
    session_add.append(person)
    return person


async def _ward(app: AppContext, name: str, cells: int, admin: str) -> list[int]:
    """A ward of `cells` cells. In each: a member on Telegram; one on Zalo and Telegram; one whose
    membership ended; one with no account; one whose account never wrote to the bot. Even cells
    have a Telegram group, the first a Zalo group too; the first two share a member."""
    now = app.clock.now()
    async with app.sessions() as session:
        ward = Committee(name=name, kind=CommitteeKind.COMMUNE)
        session.add(ward)
        await session.flush()
        boss = Person(full_name=f"Quản trị {name}")
        boss.accounts = [Account(platform=Platform.TELEGRAM, external_id=admin, connected_at=now)]
        session.add(boss)
        await session.flush()
        session.add(CommitteeRole(person_id=boss.id, committee_id=ward.id, role=NodeRole.ADMIN))
        shared = Person(full_name=f"Hai chi bộ {name}")
        shared.accounts = [Account(platform=Platform.TELEGRAM, external_id=f"{admin}-shared", connected_at=now)]
        session.add(shared)
        ids: list[int] = []
        for i in range(cells):
            cell = Cell(committee_id=ward.id, name=f"Chi bộ {i}")
            session.add(cell)
            await session.flush()
            ids.append(cell.id)
            tag = f"{admin}-{i}"
            added: list[object] = []
            people = [
                _person(added, f"Telegram {tag}", (Platform.TELEGRAM, f"t{tag}", now)),
                _person(
                    added, f"Hai nền tảng {tag}", (Platform.ZALO, f"z{tag}", now), (Platform.TELEGRAM, f"b{tag}", now)
                ),
                _person(added, f"Đã chuyển {tag}", (Platform.TELEGRAM, f"e{tag}", now)),
                _person(added, f"Không tài khoản {tag}"),
                _person(added, f"Chưa kết nối {tag}", (Platform.TELEGRAM, f"n{tag}", None)),
            ]
            session.add_all(added)
            await session.flush()
            for number, person in enumerate(people):
                session.add(Membership(person_id=person.id, cell_id=cell.id, ended_at=now if number == 2 else None))
            if i < 2:
                session.add(Membership(person_id=shared.id, cell_id=cell.id))
            if i % 2 == 0:
                session.add(ChatLink(platform=Platform.TELEGRAM, chat_id=f"-{tag}", cell_id=cell.id))
            if i == 0:
                session.add(ChatLink(platform=Platform.ZALO, chat_id=f"g{tag}", cell_id=cell.id))
        await session.commit()
        return ids


async def _cell_by_cell(app: AppContext, cells: list[int]) -> list[tuple[Platform, str]]:
    """Whom the former loop reached: each cell's groups and current members with an account."""
    reached: set[tuple[Platform, str]] = set()
    async with app.sessions() as session:
        for cell_id in cells:
            reached |= {(g.platform, g.chat_id) for g in await chats.cell_groups(session, cell_id)}
            reached |= {(m.to.platform, m.to.chat_id) for m in await reminders.members(session, cell_id) if m.to}
    return sorted(reached)


async def _sent(app: AppContext, title: str) -> list[tuple[Platform, str]]:
    async with app.sessions() as session:
        material = await session.scalar(select(Material.id).where(Material.title == title))
        rows = await session.execute(
            select(OutboxMessage.platform, OutboxMessage.chat_id).where(
                OutboxMessage.key.startswith(f"material:{material}:")
            )
        )
        return sorted((platform, chat_id) for platform, chat_id in rows.all())


async def test_the_statements_do_not_grow_with_the_cells_and_the_recipients_stay_the_same(
    app: AppContext, chat: Chat
) -> None:
    small = await _ward(app, "Phường Nhỏ", SMALL, SMALL_ADMIN)
    big = await _ward(app, "Phường Lớn", BIG, BIG_ADMIN)
    counts = []
    for admin, title in ((SMALL_ADMIN, "Nhỏ"), (BIG_ADMIN, "Lớn")):
        with count_statements(engine_of(app)) as statements:
            said = await chat.say(admin, f"/tailieu 12/2026 | {title} | đọc kỹ")
        counts.append(len(statements))
        assert "Đã gửi tài liệu" in said.text
    assert counts[0] == counts[1] <= 12, counts
    # 3 cells: 2 Telegram groups + 1 Zalo group; 3 × 2 members + the shared one.
    assert "tới 3 chi bộ: 3 nhóm và 7 đảng viên" in (await chat.say(SMALL_ADMIN, "/tailieu 12/2026 | Lại | x")).text
    for cells, title, admin in ((small, "Nhỏ", SMALL_ADMIN), (big, "Lớn", BIG_ADMIN)):
        sent = await _sent(app, title)
        assert len(sent) == len(set(sent))
        assert sent == await _cell_by_cell(app, cells)
        chat_ids = {chat_id for _, chat_id in sent}
        assert f"{admin}-shared" in chat_ids
        for i in range(len(cells)):
            tag = f"{admin}-{i}"
            assert {f"t{tag}", f"b{tag}"} <= chat_ids
            assert not {f"z{tag}", f"e{tag}", f"n{tag}"} & chat_ids
            assert (f"-{tag}" in chat_ids) == (i % 2 == 0)
    assert len(await _sent(app, "Lớn")) == BIG // 2 + 1 + BIG * 2 + 1
