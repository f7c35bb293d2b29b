"""A material's file end to end over the fake Telegram Bot API: the committee's admin sends a PDF
privately with `/tailieu tháng | tiêu đề` as its caption; the bot downloads it once (getFile) and
keeps it in the database; the outbox sends it to the cell's group and members as a document with
the "Đã đọc" button, uploaded once and then by the file_id Telegram gave it; a member's press counts
in the listing and in /tongket's read rate.

The real python-telegram-bot Application long-polls the fake server over loopback HTTP.
"""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup
from sqlalchemy import select, update

from channels.telegram import TelegramChannel
from core.buttons import MaterialReadData
from core.clock import FakeClock
from core.messages import Address, Button
from handlers.context import AppContext
from models import Committee, CommitteeRole, Material, MaterialFile, NodeRole, Platform
from scheduler.dispatch import OutboxDispatcher
from tests.factories import CELL, COMMITTEE, World, build_world
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.fixtures import People
from tests.fake_telegram.world import BotMessage

MEETING_AT = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)  # 19:30 in Hanoi
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
NAME = "Nghị quyết tháng 11.pdf"
CAPTION = "/tailieu 11/2026 | Nghị quyết <tháng 11>"


async def world_with_an_admin(app: AppContext) -> World:
    """The standard cell and meeting; Võ Thị Giang administers the ward above it."""
    world = await build_world(app, meeting_at=MEETING_AT)
    async with app.sessions() as session:
        committee = await session.scalar(select(Committee.id).where(Committee.name == COMMITTEE))
        assert committee is not None
        session.add(CommitteeRole(committee_id=committee, person_id=world.people["Võ Thị Giang"], role=NodeRole.ADMIN))
        await session.commit()
    return world


def documents(fake: FakeTelegram, since: int) -> list[BotMessage]:
    return [
        fake.messages[(int(c.params["chat_id"]), c.result["message_id"])]
        for c in fake.calls_to("sendDocument", since=since)
        if c.ok
    ]


async def test_a_pdf_reaches_the_group_and_members_uploaded_once_and_is_read(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    world = await world_with_an_admin(tg_app)
    an, binh, cuong, giang = people.an, people.binh, people.cuong, people.giang
    for member in (an, binh, cuong, giang):
        await fake.say(member, "/trogiup")
    group = fake.group(CELL)
    fake.add_bot(an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    await fake.say(an, "/ketnoi", group)

    # The secretary is no admin: refused, and her file is never downloaded.
    since = fake.mark()
    fake.send_file(an, NAME, PDF, caption=CAPTION, mime_type="application/pdf")
    [refused] = await fake.wait_for(lambda: fake.sent(an.id, since=since))
    assert "không dành cho vai trò" in refused.text
    assert not fake.calls_to("getFile", since=since)

    since = fake.mark()
    fake.send_file(giang, NAME, PDF, caption=CAPTION, mime_type="application/pdf")
    [sent] = await fake.wait_for(lambda: fake.sent(giang.id, since=since))
    assert "tệp Nghị quyết tháng 11.pdf) tới 2 chi bộ: 1 nhóm và 3 đảng viên nhận riêng" in sent.text
    assert [c.method for c in fake.calls[since:] if c.method in ("getfile", "download")] == ["getfile", "download"]
    async with tg_app.sessions() as session:
        stored = await session.scalar(select(MaterialFile))
        assert stored is not None
        assert (stored.name, stored.size, stored.mime_type) == (NAME, len(PDF), "application/pdf")

    since = fake.mark()
    outbox = OutboxDispatcher(tg_app.sessions, clock, {Platform.TELEGRAM: channel.sender}, claim_seconds=60)
    report = await outbox.run_once()
    assert report.sent == 4
    posted = documents(fake, since)
    assert sorted(m.chat_id for m in posted) == sorted([group.id, an.id, binh.id, cuong.id])
    uploads = [m for m in posted if m.upload is not None and m.upload.data]
    assert [u.upload.data for u in uploads if u.upload] == [PDF]  # uploaded once …
    file_id = uploads[0].file_id
    assert {m.upload.reference for m in posted if m not in uploads and m.upload} == {file_id}  # … then by its id
    async with tg_app.sessions() as session:
        assert await session.scalar(select(MaterialFile.telegram_file_id)) == file_id
    for message in posted:
        assert "Nghị quyết <tháng 11>" in message.text
        assert "📎 Tệp: Nghị quyết tháng 11.pdf" in message.text
        assert [b["text"] for b in message.buttons] == ["Đã đọc"]
        assert message.upload is not None
        assert message.upload.name == NAME

    [private] = [m for m in posted if m.chat_id == cuong.id]
    toast = await fake.click(cuong, private, private.button("Đã đọc"))
    assert toast["text"].startswith("Đã ghi nhận")
    toast = await fake.click(cuong, private, private.button("Đã đọc"))
    assert "trước đó" in toast["text"]
    # A forged press for a material that does not exist counts nobody.
    async with tg_app.sessions() as session:
        material = await session.scalar(select(Material.id))
    assert material is not None
    forged = BotMessage(cuong.id, private.message_id, "", "", None, _read_keyboard(material + 1), 0, 0.0)
    query = fake.press(cuong, forged, f"read:{material + 1}")
    [answer] = await fake.wait_for(lambda: fake.answers.get(query))
    assert "hết hiệu lực" in answer["text"]

    [listing] = await fake.say(giang, "/tailieu 11/2026")
    assert "Nghị quyết <tháng 11> — 2 chi bộ, 1/7 lượt đã đọc (14,3%)" in listing.text

    assert world.meeting_id is not None
    clock.set(MEETING_AT)
    since = fake.mark()
    await fake.say(an, "/modiemdanh")
    [checkin] = await fake.wait_for(lambda: fake.sent(group.id, since=since))
    await fake.click(an, checkin, checkin.button("Có mặt"))
    await fake.say(an, "/dongdiemdanh")
    summary = await fake.say(an, "/tongket")
    assert any("Tài liệu sinh hoạt tháng: 1/6 lượt đã đọc (16,7%)" in m.text for m in summary)
    assert not fake.rejected()


def _read_keyboard(material: int) -> dict[str, object]:
    return {"inline_keyboard": [[{"text": "Đã đọc", "callback_data": f"read:{material}"}]]}


async def test_a_long_caption_follows_the_file_and_a_forgotten_file_id_is_uploaded_again(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await world_with_an_admin(tg_app)
    await fake.say(people.giang, "/trogiup")
    await fake.say(people.cuong, "/trogiup")
    fake.send_file(people.giang, "ke-hoach.docx", b"PK\x03\x04 docx", caption="/tailieu 11/2026 | Kế hoạch")
    await fake.wait_for(lambda: any("tới 2 chi bộ" in m.text for m in fake.sent(people.giang.id)))
    async with tg_app.sessions() as session:
        file_id = await session.scalar(select(MaterialFile.id))
        material = await session.scalar(select(Material.id))
        # Telegram no longer knows the id we kept (say, the bot's token changed).
        await session.execute(update(MaterialFile).values(telegram_file_id="BQAC-forgotten"))
        await session.commit()
    assert file_id is not None
    assert material is not None
    since = fake.mark()
    caption = Markup("<b>Kế hoạch</b>\n") + Markup("\n").join(["Dòng nội dung khá dài của tài liệu."] * 60)
    buttons = ((Button("Đã đọc", MaterialReadData(material)),),)
    await channel.sender.send_stored(Address(Platform.TELEGRAM, str(people.cuong.id)), file_id, caption, buttons)
    [document] = documents(fake, since)
    assert document.upload is not None
    assert document.upload.data == b"PK\x03\x04 docx"
    assert len(document.text) <= 1024
    assert not document.buttons
    rest = [m for m in fake.sent(people.cuong.id, since=since) if m.kind == "text"]
    assert rest
    assert [b["text"] for b in rest[-1].buttons] == ["Đã đọc"]
    assert fake.rejected(since=since) == ["senddocument: Bad Request: wrong file identifier/HTTP URL specified"]
    async with tg_app.sessions() as session:
        assert await session.scalar(select(MaterialFile.telegram_file_id)) == document.file_id
