"""A material's file: sent privately with `/tailieu tháng | tiêu đề` as its caption, refused with a
Vietnamese reason (and nothing downloaded or written) for every bad input, kept once in the database
and referred to by every outbox row; Zalo members get a private link our server answers (the right
token: the bytes under a safe name; any other: 404), the console the file's name."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from collections.abc import AsyncIterator
from urllib.parse import unquote

import aiohttp
import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from channels.console import ConsoleChannel
from channels.material_downloads import add_material_route, content_disposition
from channels.ratelimit import RateLimiter, Window
from channels.server import HttpServer
from channels.zalo.client import ZaloClient
from channels.zalo.sender import ZaloSender
from core.config import Config
from core.i18n import Translator
from core.messages import Address
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.stored_files import StoredFiles
from models import Material, MaterialFile, OutboxMessage, Platform
from scheduler.dispatch import OutboxDispatcher
from services import material_files, outbox
from tests.chat import Chat
from tests.fake_zalo.server import serving
from tests.test_tree_admins import SCHOOL_ADMIN, WARD_ADMIN, WARD_SUPERVISOR, city

__all__ = ["city"]

PUBLIC = "https://chibo.example.vn"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 16 + b"\n%%EOF\n"
NAME = 'Nghị quyết "số 1"; 2026.pdf'
CAPTION = "/tailieu 12/2026 | Nghị quyết tháng 12"
LIMIT = material_files.MAX_BYTES


@pytest.fixture
def config(db_url: str) -> Config:
    sections = {"database": {"url": db_url}, "telegram": {"admin_ids": [4242]}}
    return Config.model_validate({**sections, "server": {"listen": "127.0.0.1:0", "public_url": PUBLIC}})


@pytest.fixture
async def server(app: AppContext) -> AsyncIterator[HttpServer]:
    served = HttpServer(app.config.server.listen)
    add_material_route(served, app)
    await served.start()
    try:
        yield served
    finally:
        await served.stop()


async def fetch(server: HttpServer, path: str) -> tuple[int, dict[str, str], bytes]:
    url = f"http://127.0.0.1:{server.port}{path}"
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status, dict(response.headers), await response.read()


async def counts(app: AppContext) -> tuple[int, int, int]:
    async with app.sessions() as session:
        return (
            int(await session.scalar(select(func.count()).select_from(Material)) or 0),
            int(await session.scalar(select(func.count()).select_from(MaterialFile)) or 0),
            int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0),
        )


async def test_the_file_is_kept_once_and_every_message_refers_to_it(city: AppContext, chat: Chat) -> None:
    await chat.say("2001", "/trogiup")
    await chat.say("2003", "/trogiup")
    said = await chat.send_file(WARD_ADMIN, NAME, PDF, caption=CAPTION)
    assert f"tệp {NAME}) tới 2 chi bộ" in said.text
    assert chat.fetches == 1
    async with city.sessions() as session:
        [stored] = (await session.scalars(select(MaterialFile))).all()
        assert (stored.name, stored.size, stored.mime_type) == (NAME, len(PDF), "application/pdf")
        assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
        assert await material_files.content(session, stored.id) == PDF
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", stored.token)
        rows = (await session.execute(select(OutboxMessage.material_file_id, OutboxMessage.photo))).all()
        assert len(rows) == 2
        assert set(rows) == {(stored.id, None)}
    # Only the cells of one kind, as for a text.
    said = await chat.send_file(
        WARD_ADMIN, "ke-hoach.docx", b"PK\x03\x04", caption="/tailieu coso | 12/2026 | Kế hoạch"
    )
    assert "tới 1 chi bộ" in said.text


TOO_BIG = LIMIT + 1


@pytest.mark.parametrize(
    ("who", "name", "data", "caption", "size", "answer", "fetched"),
    [
        ("2001", NAME, PDF, CAPTION, None, "không dành cho vai trò", False),
        ("7777", NAME, PDF, CAPTION, None, "chưa", False),
        (WARD_SUPERVISOR, NAME, PDF, CAPTION, None, "Chỉ quản trị viên", False),
        (WARD_ADMIN, NAME, PDF, "/tailieu 12/2026", None, "chú thích", False),
        (WARD_ADMIN, NAME, PDF, "/tailieu", None, "chú thích", False),
        (WARD_ADMIN, NAME, PDF, "/tailieu 12/2026 | Tiêu đề | nội dung", None, "chú thích", False),
        (WARD_ADMIN, NAME, PDF, "/tailieu xa | 12/2026 | Tiêu đề | nội dung", None, "chú thích", False),
        (WARD_ADMIN, NAME, PDF, "/tailieu 13/2026 | Tiêu đề", None, "không hợp lệ", False),
        (WARD_ADMIN, NAME, PDF, "/tailieu 12/2026 | \u200b ", None, "cần có tiêu đề", False),
        (WARD_ADMIN, NAME, PDF, "/tailieu 12/2026 | " + "T" * 201, None, "dài quá", False),
        (WARD_ADMIN, "a\x07b.pdf", PDF, CAPTION, None, "Tên tệp", False),
        (WARD_ADMIN, "nghi\u202efdp.exe", PDF, CAPTION, None, "Tên tệp", False),
        (WARD_ADMIN, "dong\nhai.pdf", PDF, CAPTION, None, "Tên tệp", False),
        (WARD_ADMIN, "../../etc/x.pdf", PDF, CAPTION, None, "Tên tệp", False),
        (WARD_ADMIN, "C:\\tai lieu\\x.pdf", PDF, CAPTION, None, "Tên tệp", False),
        (WARD_ADMIN, ".pdf", PDF, CAPTION, None, "Tên tệp", False),
        (WARD_ADMIN, "", PDF, CAPTION, None, "Tên tệp", False),
        (WARD_ADMIN, "a" * 250 + ".pdf", PDF, CAPTION, None, "dài quá", False),
        (WARD_ADMIN, "virus.exe", PDF, CAPTION, None, "Loại tệp này", False),
        (WARD_ADMIN, "trang.html", PDF, CAPTION, None, "Loại tệp này", False),
        (WARD_ADMIN, NAME, PDF, CAPTION, TOO_BIG, "Tệp quá lớn: tối đa 20 MB", False),
        (WARD_ADMIN, NAME, PDF, "/tailieu Đảng ủy phường Ba Đình | 12/2026 | T", None, "Không thấy tổ chức", False),
        (SCHOOL_ADMIN, NAME, PDF, "/tailieu xa | 12/2026 | T", None, "Không có chi bộ nào", False),
        (WARD_ADMIN, NAME, b"", CAPTION, None, "không có nội dung", True),
        (WARD_ADMIN, NAME, None, CAPTION, 10, "Không tải được tệp", True),
        (WARD_ADMIN, NAME, b"x" * TOO_BIG, CAPTION, 10, "Tệp quá lớn", True),
    ],
)
async def test_refusals_download_and_write_nothing(
    city: AppContext,
    chat: Chat,
    who: str,
    name: str,
    data: bytes | None,
    caption: str,
    size: int | None,
    answer: str,
    fetched: bool,
) -> None:
    await chat.say("2001", "/trogiup")
    said = await chat.send_file(who, name, data, caption=caption, size=size)
    assert answer in said.text
    assert chat.fetches == int(fetched)
    assert await counts(city) == (0, 0, 0)


async def test_a_document_without_the_command_is_still_a_roster(city: AppContext, chat: Chat) -> None:
    said = await chat.send_file(WARD_ADMIN, NAME, PDF, caption="tài liệu tháng 12")
    assert "chỉ nhập được tệp .csv hoặc .xlsx" in said.text
    assert await counts(city) == (0, 0, 0)


def test_the_download_name_is_safe_in_the_header() -> None:
    header = content_disposition(NAME)
    fallback = re.fullmatch(r'attachment; filename="([^"]*)"; filename\*=UTF-8\'\'(\S+)', header)
    assert fallback is not None
    assert fallback.group(1) == "nghi quyet _so 1__ 2026.pdf"
    assert unquote(fallback.group(2)) == NAME
    assert header.isascii()
    assert "\r" not in header
    assert "\n" not in header


async def test_zalo_members_get_a_private_link_the_server_answers(
    city: AppContext, chat: Chat, server: HttpServer
) -> None:
    await chat.say(WARD_ADMIN, "/trogiup")
    await chat.send_file(WARD_ADMIN, NAME, PDF, caption=CAPTION)
    async with city.sessions() as session:
        stored = await session.scalar(select(MaterialFile))
        assert stored is not None
        file_id, token = stored.id, stored.token
    async with serving() as fake:
        member = fake.user("zalo-77", "Phương")
        client = ZaloClient(fake.token, fake.base_url)
        limiter = RateLimiter(overall=Window.rate(100))
        sender = ZaloSender(client, city.tr, limiter, public_url=PUBLIC, files=StoredFiles(city))
        try:
            await sender.send_stored(Address(Platform.ZALO, member), file_id, Markup("<b>Nghị quyết</b>"))
        finally:
            await client.aclose()
        [text] = fake.texts(member)
    link = f"{PUBLIC}/tailieu/{token}"
    assert "Nghị quyết" in text
    assert link in text
    status, headers, body = await fetch(server, link.removeprefix(PUBLIC))
    assert (status, body) == (200, PDF)
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == content_disposition(NAME)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (f"/tailieu/{wrong}", f"/tailieu/{token[:20]}", f"/tailieu/{token}x", "/tailieu/..%2F..%2Fetc"):
        status, _, body = await fetch(server, path)
        assert status == 404
        assert PDF not in body


async def test_without_a_public_address_zalo_and_the_console_name_the_file(
    city: AppContext, chat: Chat, dispatcher: Dispatcher
) -> None:
    await chat.send_file(WARD_ADMIN, NAME, PDF, caption=CAPTION)
    async with city.sessions() as session:
        file_id = await session.scalar(select(MaterialFile.id))
    assert file_id is not None
    server = city.config.server.model_copy(update={"public_url": ""})
    private = dataclasses.replace(city, config=city.config.model_copy(update={"server": server}))
    shown = await StoredFiles(private).without_file(file_id, Markup("Tài liệu"))
    assert f"Tệp “{Markup.escape(NAME)}” chỉ gửi được qua Telegram" in str(shown)
    out = io.StringIO()
    console = ConsoleChannel(private, dispatcher, 1, "An", io.StringIO(), out)
    await console.send_stored(Address(Platform.CONSOLE, "1"), file_id, Markup("Tài liệu"))
    assert f"Tệp “{NAME}” chỉ gửi được qua Telegram" in out.getvalue()


async def test_the_outbox_sends_each_zalo_member_the_link(city: AppContext, chat: Chat) -> None:
    """Through the dispatcher: a Zalo recipient's row goes out as text with the link, once."""
    await chat.send_file(WARD_ADMIN, NAME, PDF, caption=CAPTION)
    async with city.sessions() as session:
        stored = await session.scalar(select(MaterialFile))
        assert stored is not None
        token = stored.token
        # A Zalo member of the ward's cell (the roster has Telegram ids only).
        to = outbox.Recipient(Platform.ZALO, "zalo-88")
        now = city.clock.now()
        await outbox.enqueue(
            session, key="m:z", to=to, text="Tài liệu", kind="material", not_before=now, material_file_id=stored.id
        )
        await session.commit()
    async with serving() as fake:
        fake.user("zalo-88", "Tám")
        client = ZaloClient(fake.token, fake.base_url)
        sender = ZaloSender(
            client, Translator("vi"), RateLimiter(overall=Window.rate(100)), public_url=PUBLIC, files=StoredFiles(city)
        )
        try:
            dispatcher = OutboxDispatcher(city.sessions, city.clock, {Platform.ZALO: sender}, claim_seconds=60)
            assert (await dispatcher.run_once()).sent == 1
        finally:
            await client.aclose()
        [text] = fake.texts("zalo-88")
    assert f"{PUBLIC}/tailieu/{token}" in text
