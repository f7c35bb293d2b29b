"""The Telegram channel end to end: the real python-telegram-bot Application long-polls the fake Bot API
server over loopback HTTP, runs the real handlers and database, and we read what Telegram received."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from channels.telegram import TelegramChannel
from core.callback import CallbackData
from core.logs import RedactingFormatter, setup_logging
from core.messages import Address, Button
from handlers.context import AppContext
from models import ChatLink, MemberRole, Membership, Platform
from tests.factories import build_world, connect_everyone
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram, parse_html
from tests.fake_telegram.fixtures import People
from tests.fake_telegram.world import FakeUser


@dataclass(frozen=True)
class Gone(CallbackData, prefix="gone"):
    """A kind of button no route handles any more (an old release's)."""

    n: int


async def test_help_next_and_me_in_a_private_chat(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await build_world(tg_app, meeting_at=tg_app.clock.now() + timedelta(days=11, hours=10, minutes=30))
    [help_reply] = await fake.say(people.cuong, "/trogiup")
    assert "/lichhop (/next)" in help_reply.text
    assert "/datlich" not in help_reply.text
    assert help_reply.parse_mode == "HTML"
    assert help_reply.source.startswith("<b>")
    [next_reply] = await fake.say(people.cuong, "/lichhop")
    assert "Thứ Sáu, 04/12/2026 lúc 19:30" in next_reply.text
    assert "Nhà văn hóa" in next_reply.text
    [english] = await fake.say(people.cuong, "/me")
    assert "Lê Văn Cường" in english.text
    [unknown] = await fake.say(people.cuong, "xin chào")
    assert "Bot chưa hiểu tin nhắn này" in unknown.text


async def test_a_stranger_is_told_how_to_join(fake: FakeTelegram, people: People, channel: TelegramChannel) -> None:
    [reply] = await fake.say(people.stranger, "/lichhop")
    assert "chưa kết nối" in reply.text


def menu(fake: FakeTelegram, *scope: object) -> list[str]:
    return [c["command"] for c in fake.commands.get((scope, ""), [])]


async def connect(app: AppContext, fake: FakeTelegram, *users: FakeUser) -> None:
    """These people pressed Start earlier (their private chats are open, the bot noted it)."""
    for user in users:
        fake.chats[user.id].open = True
    await connect_everyone(app, *(str(user.id) for user in users))


async def test_menus_and_bot_name_are_set_at_start(tg_app: AppContext, fake: FakeTelegram, people: People) -> None:
    world = await build_world(tg_app)
    group = fake.group("Chi bộ Khu phố 1")
    async with tg_app.sessions() as session:
        session.add(ChatLink(platform=Platform.TELEGRAM, chat_id=str(group.id), cell_id=world.cell_id))
        await session.commit()
    await connect(tg_app, fake, people.an, people.binh, people.cuong, people.khang, people.giang)
    async with TelegramChannel(tg_app).running():
        assert tg_app.bot_names[Platform.TELEGRAM] == "chibo_test_bot"
    private, groups = menu(fake, "all_private_chats"), menu(fake, "all_group_chats")
    secretary = menu(fake, "chat", people.an.id)
    assert "lichhop" in private
    assert "datlich" not in private
    # Everyone in a group sees help and how to link it; the running of the meeting is the secretary's.
    assert set(groups) == {"trogiup", "ketnoi"}
    assert set(private) < set(secretary)
    assert {"datlich", "modiemdanh", "moi"} <= set(secretary)
    for leader in (people.an, people.binh):
        in_group = menu(fake, "chat_member", group.id, leader.id)
        assert {"modiemdanh", "dongdiemdanh", "tongket", "trogiup"} <= set(in_group)
        assert "datlich" not in in_group  # only commands that work in a group
    # An ordinary member needs no personal menu: the default ones are theirs.
    assert not menu(fake, "chat", people.cuong.id)
    assert not menu(fake, "chat_member", group.id, people.cuong.id)
    assert all(c["description"] and "&lt;" not in c["description"] for m in fake.commands.values() for c in m)


async def test_menus_follow_role_changes_while_running(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    """A secretary stepping down and a member taking over: the next refresh (every few minutes)
    sends just the menus that changed, and drops the one no longer wanted."""
    world = await build_world(tg_app)
    await connect(tg_app, fake, people.an, people.binh, people.khang, people.giang)
    group = fake.group("Chi bộ Khu phố 1")
    fake.add_bot(people.an, group)
    await fake.say(people.cuong, "/start")
    async with tg_app.sessions() as session:
        session.add(ChatLink(platform=Platform.TELEGRAM, chat_id=str(group.id), cell_id=world.cell_id))
        await session.commit()
    # The roster arrived after start: the own menus of An, Bình, Khang and Giang, and An's and Bình's
    # in their newly linked group.
    assert await channel.menus.refresh() == 6
    assert await channel.menus.refresh() == 0  # nothing changed: nothing sent
    async with tg_app.sessions() as session:
        an, cuong = (
            await session.scalars(
                select(Membership).where(
                    Membership.person_id.in_([world.people["Nguyễn Văn An"], world.people["Lê Văn Cường"]])
                )
            )
        ).all()
        an.role, cuong.role = MemberRole.MEMBER, MemberRole.SECRETARY
        await session.commit()
    assert await channel.menus.refresh() == 2
    assert "modiemdanh" in menu(fake, "chat", people.cuong.id)
    assert "modiemdanh" in menu(fake, "chat_member", group.id, people.cuong.id)
    assert not menu(fake, "chat", people.an.id)
    assert not menu(fake, "chat_member", group.id, people.an.id)


async def test_menus_only_for_accounts_that_wrote_to_the_bot(
    tg_app: AppContext, fake: FakeTelegram, people: People
) -> None:
    """An imported Telegram id that never pressed Start gets no personal menu (Telegram would answer
    "chat not found" at every refresh); once it writes, the next refresh gives it its menu."""
    await build_world(tg_app)
    async with TelegramChannel(tg_app).running() as channel:
        assert not menu(fake, "chat", people.an.id)
        await fake.say(people.an, "/start")
        assert await channel.menus.refresh() == 1
        assert "datlich" in menu(fake, "chat", people.an.id)
    assert fake.rejected() == []


async def test_menus_set_are_remembered_across_restarts_and_processes(
    tg_app: AppContext, fake: FakeTelegram, people: People
) -> None:
    """A restart sends no menu that is already set, yet still drops one no longer wanted, even when
    the role changed while the bot was down (or in another process)."""
    world = await build_world(tg_app)
    await connect(tg_app, fake, people.an, people.binh, people.khang, people.giang)
    async with TelegramChannel(tg_app).running():
        assert "datlich" in menu(fake, "chat", people.an.id)
    since = fake.mark()
    async with TelegramChannel(tg_app).running():
        pass
    assert fake.calls_to("setMyCommands", since=since) == []
    async with tg_app.sessions() as session, session.begin():
        an = await session.scalar(select(Membership).where(Membership.person_id == world.people["Nguyễn Văn An"]))
        assert an is not None
        an.role = MemberRole.MEMBER
    async with TelegramChannel(tg_app).running():
        pass
    assert not menu(fake, "chat", people.an.id)
    assert [c.method for c in fake.calls[since:] if "commands" in c.method] == ["deletemycommands"]
    assert fake.rejected() == []


async def test_privacy_mode_groups_only_see_commands(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await build_world(tg_app)
    group = fake.group("Chi bộ Khu phố 1")
    since = fake.mark()
    fake.add_bot(people.an, group)
    [hello] = await fake.wait_for(lambda: fake.sent(group.id, since=since))
    assert "/ketnoi" in hello.text
    assert fake.send(people.cuong, "chào cả nhà", group) is None
    [reply] = await fake.say(people.cuong, "/trogiup@chibo_test_bot", group)
    assert "/trogiup" in reply.text
    # A command meant for another bot is left alone.
    update = fake.send(people.cuong, "/trogiup@other_bot", group)
    assert update is None


async def test_long_replies_are_split_at_line_boundaries(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    fake.send(people.cuong, "/start")
    await fake.wait_for(lambda: fake.sent(people.cuong.id))
    since = fake.mark()
    lines = [f"<b>Dòng {n}</b> — " + " ".join(["&lt;ý kiến&gt;"] * 12) for n in range(200)]
    text = "<i>" + "\n".join(lines) + "</i>"
    await channel.sender.send(Address(Platform.TELEGRAM, str(people.cuong.id)), text)  # type: ignore[arg-type]
    parts = fake.sent(people.cuong.id, since=since)
    assert len(parts) > 1
    assert all(len(p.text) <= 4096 for p in parts)
    assert "\n".join(p.text for p in parts) == parse_html(text)
    assert all(p.source.startswith("<i>") and p.source.endswith("</i>") for p in parts)


async def test_tokens_never_reach_the_log(tg_app: AppContext, fake: FakeTelegram, people: People) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    setup_logging(tg_app.config.secrets(), logging.DEBUG)
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    # Even with httpx at DEBUG (it logs every URL, and Bot API URLs hold the token).
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    try:
        async with TelegramChannel(tg_app).running():
            await fake.say(people.stranger, "/trogiup")
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
        logging.getLogger("httpx").setLevel(logging.WARNING)
    output = stream.getvalue()
    assert "getUpdates" in output
    assert "bot***/getUpdates" in output
    assert DEFAULT_TOKEN not in output
    assert DEFAULT_TOKEN.split(":")[1] not in output
    assert isinstance(handler.formatter, RedactingFormatter)


async def test_a_press_is_answered_with_a_toast_only(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await build_world(tg_app)
    group = fake.group("Chi bộ Khu phố 1")
    fake.add_bot(people.an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    message_id = await channel.sender.send(
        Address(Platform.TELEGRAM, str(group.id)),
        tg_app.tr.t("telegram-added-to-group"),
        ((Button("Lỗi thời", Gone(1)),),),
    )
    message = fake.messages[(group.id, int(message_id))]
    since = fake.mark()
    answer = await fake.click(people.cuong, message, "gone:1")
    assert "hết hiệu lực" in answer["text"]
    assert fake.sent(group.id, since=since) == []
