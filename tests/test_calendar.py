"""Phone calendars: /lichhop tep|moi|chibo through the real dispatcher, the feed parsed back with
icalendar, and GET /lich/<token>.ics through the real HTTP server (channels/server.py)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import icalendar
import pytest
from sqlalchemy import select, update

from bot import open_app
from channels.calendar_feed import add_calendar_route
from channels.server import HttpServer
from core.clock import FakeClock
from core.config import Config
from core.messages import Incoming
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from handlers.reminders import renderer
from models import CalendarToken, Meeting, Membership, Person, Platform
from services import erasure, reminders
from services.meetings import schedule_meeting
from tests.chat import GROUP, Chat, Said
from tests.conftest import ADMIN_ID
from tests.factories import build_world
from tests.test_two_cells import two_cells

PUBLIC = "https://lich.example.vn"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
AN, CUONG, KHANG, PHUONG_ZALO = "1001", "1003", "2001", "z-1006"
# Friday 4 December 2026, 19:30 in Hanoi.
MEETING_AT = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)
LINK_RE = re.compile(re.escape(PUBLIC) + r"(/lich/[A-Za-z0-9_-]{43}\.ics)")


def settings(db_url: str, **server: str) -> Config:
    sections = {"database": {"url": db_url}, "telegram": {"admin_ids": [ADMIN_ID]}}
    return Config.model_validate({**sections, "server": {"listen": "127.0.0.1:0", **server}})


@pytest.fixture
def config(db_url: str) -> Config:
    return settings(db_url, public_url=PUBLIC)


@pytest.fixture
async def server(app: AppContext) -> AsyncIterator[HttpServer]:
    served = HttpServer(app.config.server.listen)
    add_calendar_route(served, app)
    await served.start()
    try:
        yield served
    finally:
        await served.stop()


def link_in(said: Said) -> str:
    found = LINK_RE.search(said.text)
    assert found is not None, said.text
    return found.group(1)


def ics_of(said: Said) -> tuple[str, bytes]:
    [document] = [m.document for m in said.response.messages if m.document is not None]
    assert document is not None
    return document


def events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


async def fetch(server: HttpServer, path: str, method: str = "GET") -> tuple[int, str, bytes]:
    url = f"http://127.0.0.1:{server.port}{path}"
    async with aiohttp.ClientSession() as client, client.request(method, url) as response:
        return response.status, response.content_type, await response.read()


async def test_a_members_file_and_link_hold_their_cells_meetings_and_nobody(
    app: AppContext, chat: Chat, server: HttpServer
) -> None:
    world = await build_world(app, meeting_at=MEETING_AT)
    assert "gõ /lichhop tep" in (await chat.say(CUONG, "/lichhop")).text  # the next meeting offers the calendar
    await chat.say(KHANG, "/datlich 05/12 08:00 Trụ sở khu phố 2")  # another cell's meeting
    said = await chat.say(CUONG, "/lichhop tep")
    name, body = ics_of(said)
    assert name == "lich-hop.ics"
    assert "đăng ký đường link riêng" in said.text
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["x-wr-calname"] == "Lịch họp chi bộ"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n" in body
    [event] = calendar.walk("VEVENT")
    assert event["summary"] == "Họp chi bộ: sinh hoạt thường kỳ — Chi bộ Khu phố 1"
    assert event["location"] == "Nhà văn hóa"
    assert event["description"] == "Công tác tháng 12"
    assert event["status"] == "CONFIRMED"
    assert event["sequence"] == 0
    start = event.decoded("dtstart")
    assert (start, start.tzinfo.key) == (datetime(2026, 12, 4, 19, 30, tzinfo=HANOI), "Asia/Ho_Chi_Minh")
    assert event["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert event.decoded("dtend") - start == timedelta(minutes=90)
    assert event["uid"].startswith(f"meeting-{world.meeting_id}-")
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    # Nothing about any person: no name, no answer.
    text = body.decode()
    assert not [full_name for full_name in world.people if full_name in text]

    path = link_in(said)
    assert link_in(await chat.say(CUONG, "/lichhop ics")) == path  # asked again: the same address
    status, kind, served = await fetch(server, path)
    assert (status, kind) == (200, "text/calendar")
    assert served == body  # the address serves what the file holds
    status, _, cell_2 = await fetch(server, link_in(await chat.say(KHANG, "/lichhop tep")))
    assert list(events(cell_2)) == ["Họp chi bộ: sinh hoạt thường kỳ — Chi bộ Khu phố 2"]


async def test_a_move_a_new_agenda_and_a_cancellation_update_the_feed(
    app: AppContext, chat: Chat, clock: FakeClock, server: HttpServer
) -> None:
    world = await build_world(app, meeting_at=MEETING_AT)
    path = link_in(await chat.say(CUONG, "/lichhop tep"))
    [before] = events((await fetch(server, path))[2]).values()

    clock.advance(timedelta(hours=1))
    assert "Đã cập nhật nội dung" in (await chat.say(AN, "/noidung Kiểm điểm; bầu tổ trưởng, tổ phó")).text
    clock.advance(timedelta(hours=1))
    async with app.sessions() as session, session.begin():
        meeting = await session.get(Meeting, world.meeting_id)
        assert meeting is not None
        moved_to = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # Saturday 08:00 in Hanoi
        await reminders.move_meeting(
            session, meeting, moved_to, app.config, clock.now(), renderer(app), place="Hội trường, tầng 2"
        )
    [moved] = events((await fetch(server, path))[2]).values()
    assert moved["uid"] == before["uid"]
    assert moved["sequence"] == 2
    assert moved.decoded("dtstart") == datetime(2026, 12, 5, 8, 0, tzinfo=HANOI)
    assert moved["location"] == "Hội trường, tầng 2"
    assert moved["description"] == "Kiểm điểm; bầu tổ trưởng, tổ phó"
    assert moved.decoded("last-modified") == clock.now()
    assert moved.decoded("last-modified") > before.decoded("last-modified")

    clock.advance(timedelta(hours=1))
    assert "Đã hủy" in (await chat.say(AN, "/huyhop 05/12 Trùng lịch")).text
    [cancelled] = icalendar.Calendar.from_ical((await fetch(server, path))[2]).walk("VEVENT")
    assert (cancelled["uid"], cancelled["status"], cancelled["sequence"]) == (before["uid"], "CANCELLED", 3)
    assert str(cancelled["summary"]).startswith("[ĐÃ HỦY]")
    assert cancelled.decoded("dtstamp") == clock.now()


async def test_hostile_place_and_agenda_stay_inside_their_property(app: AppContext, chat: Chat) -> None:
    world = await build_world(app)
    place = "Nhà văn hóa, tổ 5; phòng 2\nTầng 3\x07\u202e"
    agenda = "Kiểm điểm\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:giả mạo <b>x</b>\\"
    async with app.sessions() as session, session.begin():
        await schedule_meeting(session, world.cell_id, MEETING_AT, app.clock.now(), place=place, agenda=agenda)
    _, body = ics_of(await chat.say(CUONG, "/lichhop tep"))
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event["location"] == "Nhà văn hóa, tổ 5; phòng 2\nTầng 3"  # control and bidi characters dropped
    assert event["description"] == "Kiểm điểm\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:giả mạo <b>x</b>\\"
    assert body.split(b"\r\n").count(b"BEGIN:VEVENT") == 1  # the typed one stayed inside the description
    assert b"\x07" not in body
    assert b"\xe2\x80\xae" not in body


async def test_a_rotated_wrong_or_odd_address_gets_the_same_bare_404(
    app: AppContext, chat: Chat, server: HttpServer
) -> None:
    await build_world(app, meeting_at=MEETING_AT)
    old = link_in(await chat.say(CUONG, "/lichhop tep"))
    said = await chat.say(CUONG, "/lichhop mới")
    new = link_in(said)
    assert new != old
    assert "link cũ không còn hoạt động" in said.text
    assert ics_of(said)[0] == "lich-hop.ics"
    assert (await fetch(server, new))[0] == 200
    not_found = await fetch(server, old)
    assert not_found == (404, "text/plain", b"not found")
    token = new.removeprefix("/lich/").removesuffix(".ics")
    for path in (
        "/lich/" + "A" * 43 + ".ics",  # well formed, unknown
        "/lich/" + token[:-1] + ("B" if token[-1] != "B" else "C") + ".ics",  # one character off
        "/lich/" + token,  # no suffix
        "/lich/" + token[:20] + ".ics",
        "/lich/" + token + "x.ics",
        "/lich/%2e%2e%2fhealthz.ics",
        "/lich/" + "A" * 2000 + ".ics",
    ):
        assert await fetch(server, path) == not_found, path
    assert (await fetch(server, new, "HEAD"))[0] == 405
    assert (await fetch(server, new, "POST"))[0] == 405
    assert (await fetch(server, "/lich/" + "A" * 20000 + ".ics"))[0] in (400, 414)  # refused by aiohttp itself
    assert (await fetch(server, new + "?x=1"))[0] == 200  # still up, a query string changes nothing


async def test_an_ended_or_erased_members_link_stops_working(app: AppContext, chat: Chat, server: HttpServer) -> None:
    world = await build_world(app, meeting_at=MEETING_AT)
    cuong = link_in(await chat.say(CUONG, "/lichhop tep"))
    dung = link_in(await chat.say("1004", "/lichhop tep"))
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Membership)
            .where(Membership.person_id == world.people["Lê Văn Cường"])
            .values(ended_at=app.clock.now())
        )
    assert await fetch(server, cuong) == (404, "text/plain", b"not found")
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, world.people["Phạm Thị Dung"])
        assert person is not None
        await erasure.erase(
            session,
            person,
            placeholder="Đảng viên đã xóa",
            erased_text="(đã xóa)",
            actor_id=None,
            actor_label="admin",
            now=app.clock.now(),
        )
        assert await session.scalar(select(CalendarToken).where(CalendarToken.person_id == person.id)) is None
    assert await fetch(server, dung) == (404, "text/plain", b"not found")


async def test_the_cells_calendar_is_the_secretarys_to_give_and_rotate(
    app: AppContext, chat: Chat, server: HttpServer
) -> None:
    await build_world(app, meeting_at=MEETING_AT)
    assert "Chỉ bí thư hoặc phó bí thư" in (await chat.say(CUONG, "/lichhop chibo")).text
    said = await chat.say(AN, "/lichhop chi bộ")
    assert ics_of(said)[0] == "lich-hop-chi-bo.ics"
    old = link_in(said)
    status, _, body = await fetch(server, old)
    assert status == 200
    assert icalendar.Calendar.from_ical(body)["x-wr-calname"] == "Lịch họp — Chi bộ Khu phố 1"
    assert list(events(body)) == ["Họp chi bộ: sinh hoạt thường kỳ — Chi bộ Khu phố 1"]
    new = link_in(await chat.say(AN, "/lichhop chibo moi"))
    assert (await fetch(server, old))[0] == 404
    assert (await fetch(server, new))[0] == 200
    assert link_in(await chat.say(AN, "/lichhop tep")) not in (old, new)  # her own feed is another address


async def test_bad_words_groups_and_strangers_are_refused(app: AppContext, chat: Chat) -> None:
    await build_world(app, meeting_at=MEETING_AT)
    assert "Cách dùng:\n/lichhop — cuộc họp sắp tới" in (await chat.say(CUONG, "/lichhop abc")).text
    assert "Cách dùng" in (await chat.say(CUONG, "/lichhop tep moi")).text
    assert "Cách dùng" in (await chat.say(CUONG, "/lichhop chibo tep x")).text
    assert "Cách dùng" in (await chat.say(CUONG, "/lichhop " + "9" * 30)).text
    assert "Cách dùng" in (await chat.say(CUONG, "/lichhop " + "tep " * 500)).text
    assert "nhắn riêng cho bot" in (await chat.say(CUONG, "/lichhop tep", group=GROUP)).text
    assert "chưa kết nối" in (await chat.say("5555", "/lichhop tep")).text
    async with app.sessions() as session:
        assert (await session.scalars(select(CalendarToken))).all() == []  # nothing half-written
    for typed in ("/lichhop TỆP", "/lichhop t\u200bep", "/lichhop  Tep "):  # other case, marks, invisible chars
        assert ics_of(await chat.say(CUONG, typed))[0] == "lich-hop.ics", typed


async def zalo_says(dispatcher: Dispatcher, text: str) -> Said:
    incoming = Incoming(platform=Platform.ZALO, user_id=PHUONG_ZALO, user_name="Phương", chat_id=PHUONG_ZALO, text=text)
    return Said(await dispatcher.handle(incoming))


async def test_zalo_gets_the_link_without_a_file(app: AppContext, dispatcher: Dispatcher, server: HttpServer) -> None:
    await build_world(app, meeting_at=MEETING_AT)
    said = await zalo_says(dispatcher, "/lichhop tep")
    assert [m.document for m in said.response.messages] == [None]
    assert (await fetch(server, link_in(said)))[0] == 200


@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
async def test_without_a_public_address_there_is_the_file_only(db_url: str, clock: FakeClock) -> None:
    async with open_app(settings(db_url), clock) as app:
        await build_world(app, meeting_at=MEETING_AT)
        dispatcher = Dispatcher(app, ROUTER)
        chat = Chat(dispatcher)
        said = await chat.say(CUONG, "/lichhop tep")
        assert ics_of(said)[0] == "lich-hop.ics"
        assert "/lich/" not in said.text
        assert "chưa cấu hình địa chỉ công khai" in (await chat.say(CUONG, "/lichhop moi")).text
        assert "không gửi được tệp lịch" in (await zalo_says(dispatcher, "/lichhop tep")).text
        async with app.sessions() as session:
            assert (await session.scalars(select(CalendarToken))).all() == []


async def test_a_member_of_two_cells_sees_both_and_loses_one_when_it_ends(
    app: AppContext, chat: Chat, server: HttpServer
) -> None:
    person, _, second = await two_cells(app)
    path = link_in(await chat.say(CUONG, "/lichhop tep"))
    status, _, body = await fetch(server, path)
    assert status == 200
    assert [str(e["location"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")] == [
        "Nhà văn hóa",
        "Trụ sở khu 2",
    ]
    async with app.sessions() as session, session.begin():
        meeting = await session.get(Meeting, second)
        assert meeting is not None
        await session.execute(
            update(Membership)
            .where(Membership.person_id == person, Membership.cell_id == meeting.cell_id)
            .values(ended_at=app.clock.now())
        )
    assert list(events((await fetch(server, path))[2])) == ["Họp chi bộ: sinh hoạt thường kỳ — Chi bộ Khu phố 1"]
