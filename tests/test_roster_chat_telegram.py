"""Over the fake Bot API: a secretary sends her cell's roster as a document, the bot fetches it
(getFile, then the file download), previews it, and the confirm button writes it."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select

from channels.telegram import TelegramChannel
from handlers.context import AppContext
from models import Cell, Membership, Person
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.factories import CELL, roster_table
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.fixtures import People


def workbook(*rows: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def members(app: AppContext) -> list[str]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(Person.full_name)
            .join(Membership, Membership.person_id == Person.id)
            .join(Cell, Cell.id == Membership.cell_id)
            .where(Cell.name == CELL)
        )
        return sorted(rows)


async def test_a_secretary_sends_a_roster_file_and_confirms_it(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    async with tg_app.sessions() as session:
        await import_rows(session, parse_rows(roster_table()))
        await session.commit()
    before = await members(tg_app)
    an = people.an
    file = workbook(["Chi bộ", "Họ tên", "Trạng thái"], [CELL, "Ngô Văn Hải", "du_bi"], [CELL, "Lê Văn Cường", ""])
    since = fake.mark()
    fake.send_file(an, "danh-sach.xlsx", file, mime_type="application/vnd.ms-excel")
    [preview] = await fake.wait_for(lambda: fake.sent(an.id, since=since))
    assert "Xem trước tệp danh-sach.xlsx" in preview.text
    assert "Thêm vào chi bộ: 1 (Ngô Văn Hải)" in preview.text
    assert [c.method for c in fake.calls[since:] if c.method in ("getfile", "download")] == ["getfile", "download"]
    assert await members(tg_app) == before

    since = fake.mark()
    toast = await fake.click(an, preview, preview.button("Xác nhận"))
    assert toast["text"] == "Đã ghi danh sách."
    [done] = await fake.wait_for(lambda: fake.sent(an.id, since=since))
    assert "Đã ghi tệp danh-sach.xlsx: thêm 1 đảng viên" in done.text
    assert await members(tg_app) == sorted([*before, "Ngô Văn Hải"])

    # The preview loses its buttons once answered.
    await fake.wait_for(lambda: not fake.messages[(an.id, preview.message_id)].buttons)
    assert "Xem trước tệp danh-sach.xlsx" in fake.messages[(an.id, preview.message_id)].text
    # A member's document is not a roster: refused, nothing fetched.
    since = fake.mark()
    fake.send_file(people.cuong, "x.csv", b"chi_bo,ho_ten\n")
    [refusal] = await fake.wait_for(lambda: fake.sent(people.cuong.id, since=since))
    assert "không dành cho vai trò" in refusal.text
    assert not fake.calls_to("getFile", since=since)
    assert not fake.rejected()


async def test_a_file_over_telegrams_download_limit_is_not_fetched(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    async with tg_app.sessions() as session:
        await import_rows(session, parse_rows(roster_table()))
        await session.commit()
    since = fake.mark()
    fake.send_file(people.an, "lon.csv", b"x" * (20 * 1024 * 1024 + 1))
    [refusal] = await fake.wait_for(lambda: fake.sent(people.an.id, since=since))
    assert "Tệp quá lớn: tối đa 20 MB" in refusal.text
    assert not fake.calls_to("getFile", since=since)
    assert not fake.rejected()
