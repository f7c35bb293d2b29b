"""The Zalo channel's pieces on their own: update parsing, numbered choices, rendering and splitting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import Markup

from channels.choices import Picked, Unclear, lines, pick
from channels.zalo.charts import CHART_PREFIX, ChartStore
from channels.zalo.render import render
from channels.zalo.updates import BadUpdate, parse_update
from core.buttons import Answer, CancelData, PickData, RsvpData
from core.clock import FakeClock
from core.i18n import Translator
from core.messages import Button, ChatKind
from handlers.context import AppContext
from handlers.registry import ROUTER
from handlers.textsplit import split_text as split_any
from models import Platform
from services.prompts import Choice

TEXT_LIMIT = 2000


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Zalo's parts: plain text, its 2,000-character limit."""
    return split_any(text, limit, markup=False)


MESSAGE = {
    "message_id": "16f6366b3f02645a3d15",
    "date": 1766619597466,
    "text": "diem danh 4821",
    "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
    "from": {"id": "e4ea2cd5189df1c3a88c", "display_name": "Nguyễn Văn A", "is_bot": False},
}
RSVP = ((Button("Sẽ dự", RsvpData(7, Answer.YES)), Button("Xin vắng", RsvpData(7, Answer.NO))),)
NUMBERED = [(1, RSVP[0][0]), (2, RSVP[0][1])]


def open_choices(*numbered: tuple[int, Button], prompt_id: int = 1) -> list[Choice]:
    return [Choice(n, b.label, b.data, prompt_id, "m1") for n, b in numbered]


@pytest.mark.parametrize(
    "body",
    [
        {"event_name": "message.text.received", "message": MESSAGE},
        {"ok": True, "result": {"event_name": "message.text.received", "message": MESSAGE}},
        {"message": MESSAGE},  # getUpdates samples come without event_name
        {"ok": True, "result": {"message": MESSAGE}},
    ],
)
def test_an_update_is_read_bare_or_wrapped(body: dict[str, object]) -> None:
    update = parse_update(body)
    assert update.is_text
    assert (update.message_id, update.user_id, update.chat_id) == (
        "16f6366b3f02645a3d15",
        "e4ea2cd5189df1c3a88c",
        "e4ea2cd5189df1c3a88c",
    )
    assert update.user_name == "Nguyễn Văn A"
    assert update.sent_at == datetime(2025, 12, 24, 23, 39, 57, 466000, tzinfo=UTC)
    incoming = update.incoming()
    assert incoming.platform is Platform.ZALO
    assert incoming.chat_kind is ChatKind.PRIVATE
    assert incoming.text == "diem danh 4821"


def test_group_chats_first_name_and_numeric_ids() -> None:
    message = {
        **MESSAGE,
        "chat": {"id": 987, "chat_type": "GROUP"},
        "from": {"id": 123, "first_name": "Bình"},
    }
    update = parse_update({"event_name": "message.text.received", "message": message})
    assert (update.chat_id, update.user_id, update.user_name) == ("987", "123", "Bình")
    assert update.chat_kind is ChatKind.GROUP


def test_known_non_text_events_are_kept_but_not_text() -> None:
    photo = {k: v for k, v in MESSAGE.items() if k != "text"} | {"photo_url": "https://x/y.jpg"}
    update = parse_update({"event_name": "message.image.received", "message": photo})
    assert not update.is_text
    assert update.text == ""


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ([], "not an object"),
        ({"ok": False, "error_code": 500}, "not an object"),
        ({"event_name": "message.text.received"}, "no message"),
        ({"event_name": "user.joined", "message": MESSAGE}, "unknown event"),
        ({"message": {k: v for k, v in MESSAGE.items() if k != "text"}}, "unknown event"),
        ({"event_name": "message.text.received", "message": {**MESSAGE, "text": None}}, "without text"),
        ({"message": {**MESSAGE, "chat": None}}, "no chat"),
        ({"message": {**MESSAGE, "from": {"id": "b", "is_bot": True}}}, "from a bot"),
        ({"message": {**MESSAGE, "message_id": ""}}, "bad message_id"),
        ({"message": {**MESSAGE, "from": {"id": ["x"]}}}, "bad from.id"),
        ({"message": {**MESSAGE, "chat": {"id": "x" * 65}}}, "chat.id too long"),
    ],
)
def test_malformed_updates_are_refused(body: object, why: str) -> None:
    with pytest.raises(BadUpdate, match=why):
        parse_update(body)


@pytest.mark.parametrize(
    ("typed", "data", "rest"),
    [
        ("1", "rsvp:7:yes", ""),
        (" 2 ", "rsvp:7:no", ""),
        ("2 bận công tác", "rsvp:7:no", "bận công tác"),
        ("2. Mẹ ốm", "rsvp:7:no", "Mẹ ốm"),
        ("có", "rsvp:7:yes", ""),
        ("Có!", "rsvp:7:yes", ""),
        ("co", "rsvp:7:yes", ""),
        ("vắng", "rsvp:7:no", ""),
        ("Vắng, bận trực cơ quan", "rsvp:7:no", "bận trực cơ quan"),
        ("vang di cong tac", "rsvp:7:no", "di cong tac"),
        ("không", "rsvp:7:no", ""),
    ],
)
def test_a_typed_answer_picks_a_numbered_choice(typed: str, data: str, rest: str) -> None:
    picked = pick(open_choices(*NUMBERED), typed)
    assert isinstance(picked, Picked)
    assert (picked.choice.data.pack(), picked.rest) == (data, rest)


@pytest.mark.parametrize("typed", ["có việc bận", "không đi được", "lich hop", "12345", ""])
def test_other_text_picks_nothing(typed: str) -> None:
    assert pick(open_choices(*NUMBERED), typed) is None


@pytest.mark.parametrize("typed", ["3", "0", "1", "2 ốm"])
def test_a_number_no_open_message_shows_is_refused(typed: str) -> None:
    choices = open_choices((3, RSVP[0][0])) if typed != "3" else []
    assert pick(choices, typed) == Unclear(())


def test_words_need_a_matching_choice_and_exactly_one() -> None:
    names = open_choices((1, Button("Lê Văn Cường", PickData("ABC", 3))))
    assert pick(names, "vắng bận") is None
    assert pick(names, "có") is None
    assert pick([], "có") is None
    # Two open announcements (two cells): a word fits both, so the bot asks which number.
    other = ((Button("Sẽ dự", RsvpData(8, Answer.YES)), Button("Xin vắng", RsvpData(8, Answer.NO))),)
    two = open_choices(*NUMBERED) + open_choices((3, other[0][0]), (4, other[0][1]), prompt_id=2)
    unclear = pick(two, "vắng ốm")
    assert isinstance(unclear, Unclear)
    assert [c.number for c in unclear.candidates] == [2, 4]
    picked = pick(two, "4 ốm")
    assert isinstance(picked, Picked)
    assert (picked.choice.data, picked.choice.prompt_id, picked.rest) == (RsvpData(8, Answer.NO), 2, "ốm")


def test_a_leaders_decision_is_shown_as_its_command_never_a_number() -> None:
    tr = Translator("vi")
    keyboard = ((Button("Hủy họp 04/12", CancelData(7), "/huyhop 04/12/2026"),),)
    assert [str(line) for line in lines(tr, [], keyboard)] == ["Hủy họp 04/12: gõ /huyhop 04/12/2026"]


def test_render_shows_numbered_choices_and_unescapes_user_text() -> None:
    tr = Translator("vi")
    text = Markup("<b>Cuộc họp</b> của { $x }").replace("{ $x }", Markup.escape("<Tổ 1> & Tổ 2"))
    shown = render(tr, text, lines(tr, NUMBERED, RSVP))
    assert shown.splitlines() == [
        "Cuộc họp của <Tổ 1> & Tổ 2",
        "",
        "Nhắn số để chọn:",
        "1. Sẽ dự",
        "2. Xin vắng",
        "Xin vắng thì nhắn 2 kèm lý do, ví dụ: 2 bận công tác",
    ]
    assert render(tr, Markup("<i>chỉ chữ</i>")) == "chỉ chữ"


def test_long_text_is_split_at_line_boundaries() -> None:
    lines = [f"{n:04d} " + "x" * 95 for n in range(50)]  # 50 lines of 100 characters
    parts = split_text("\n".join(lines))
    assert len(parts) == 3
    assert all(len(p) <= TEXT_LIMIT for p in parts)
    assert "\n".join(parts).splitlines() == lines  # nothing lost, no line cut
    assert parts[1].startswith("0019 ")


def test_a_single_overlong_line_is_cut_at_spaces_then_hard() -> None:
    words = " ".join(["chữ"] * 1000)  # 3999 characters
    parts = split_text(words)
    assert [len(p) for p in parts] == [1999, 1999]
    assert " ".join(parts) == words
    solid = "y" * 4500
    assert [len(p) for p in split_text(solid)] == [2000, 2000, 500]
    assert split_text("\n\n  \n") == []
    assert split_text("a\n\nb", limit=3) == ["a", "b"]


async def test_charts_are_served_under_unguessable_expiring_paths_by_any_process(
    app: AppContext, clock: FakeClock
) -> None:
    sending, serving = ChartStore(app, ttl=timedelta(hours=1)), ChartStore(app, ttl=timedelta(hours=1))
    first, second = await sending.put(b"one"), await sending.put(b"two")
    assert first.startswith(CHART_PREFIX)
    assert first.endswith(".png")
    assert first != second
    assert len(first) > len(CHART_PREFIX) + 40
    name = first.removeprefix(CHART_PREFIX)
    # Another process (a serve process behind the proxy) finds what the worker stored.
    assert await serving.get(name) == b"one"
    assert await serving.get("guess.png") is None
    clock.advance(timedelta(minutes=61))
    assert await serving.get(name) is None


@pytest.mark.parametrize(
    ("typed", "command", "args"),
    [
        ("diem danh 4821", "diemdanh", "4821"),
        ("Điểm danh 4821", "diemdanh", "4821"),
        ("/diemdanh 4821", "diemdanh", "4821"),
        ("diem danh ho 6 co", "diemdanhho", "6 co"),  # the longer name wins
        ("điểm danh hộ Phạm Thị Dung vang nằm viện", "diemdanhho", "Phạm Thị Dung vang nằm viện"),
        ("mo diem danh ma", "modiemdanh", "ma"),
        ("y kiến xoá 2", "ykien", "xoá 2"),
        ("Tổng kết 04/11", "tongket", "04/11"),
        ("vắng mẹ ốm", "vang", "mẹ ốm"),
    ],
)
def test_commands_typed_as_zalo_members_type_them(typed: str, command: str, args: str) -> None:
    parsed = ROUTER.parse(typed, bare=True)
    assert parsed is not None
    assert (parsed[0].vi, parsed[1]) == (command, args)
