"""Typed button data: what we build packs within Telegram's limit, and only what we could have built unpacks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.buttons import Answer, CancelData, CheckinData, Decision, JoinData, OpenCheckinData, PickData, RsvpData
from core.callback import CallbackData, unpack
from core.messages import Button, load_keyboard, store_keyboard


@dataclass(frozen=True)
class Wordy(CallbackData, prefix="wordy-test"):
    first: str
    second: str


KINDS = [
    RsvpData(12, Answer.YES),
    RsvpData(12, Answer.NO),
    CheckinData(5),
    OpenCheckinData(9),
    CancelData(9),
    PickData("ABCDEFGHJK", 7),
    JoinData(3, Decision.OK),
    JoinData(3, Decision.NO),
]


@pytest.mark.parametrize("data", KINDS, ids=lambda d: d.pack())
def test_every_kind_packs_and_unpacks_to_itself(data: CallbackData) -> None:
    assert unpack(data.pack()) == data
    assert len(data.pack().encode()) <= 64


def test_the_old_strings_are_still_what_is_packed() -> None:
    """Buttons already in chats (and in the outbox) keep working after the upgrade."""
    assert [d.pack() for d in KINDS] == [
        "rsvp:12:yes",
        "rsvp:12:no",
        "ci:5",
        "open:9",
        "cancel:9",
        "pick:ABCDEFGHJK:7",
        "join:3:ok",
        "join:3:no",
    ]


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "ci",
        "ci:",
        "ci:²",
        "ci:-1",
        "ci:1.0",
        "ci:" + "9" * 30,
        "ci:1:2",
        "rsvp:1:maybe",
        "rsvp:1",
        "zz:1",
        "pick:A B:1",
        "pick:" + "A" * 33 + ":1",
        "join:1:yes",
        "x" * 65,
    ],
)
def test_forged_data_unpack_to_nothing(forged: str) -> None:
    assert unpack(forged) is None


def test_what_a_button_declares() -> None:
    assert RsvpData(1, Answer.NO).declines
    assert RsvpData(1, Answer.NO).takes_reason
    assert JoinData(1, Decision.NO).declines
    assert not JoinData(1, Decision.NO).takes_reason
    assert RsvpData(1, Answer.YES).affirms
    assert not RsvpData(1, Answer.YES).declines
    assert JoinData(1, Decision.OK).leader
    assert CancelData(1).leader
    assert not PickData("A", 1).leader
    assert RsvpData(1, Answer.YES).subject == RsvpData(1, Answer.NO).subject == "meeting:1"


def test_data_over_64_bytes_or_with_a_separator_are_refused_when_the_button_is_built() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        Button("x", Wordy("a" * 30, "b" * 30))
    with pytest.raises(ValueError, match="may not contain"):
        Button("x", Wordy("a:b", "c"))
    assert Button("x", Wordy("a" * 20, "b" * 20)).packed.startswith("wordy-test:")


def test_a_stored_keyboard_comes_back_typed_and_drops_what_no_longer_parses() -> None:
    keyboard = ((Button("Sẽ dự", RsvpData(4, Answer.YES)), Button("Hủy", CancelData(4), "/huyhop 04/12/2026")),)
    stored = store_keyboard(keyboard)
    assert stored == [[["Sẽ dự", "rsvp:4:yes"], ["Hủy", "cancel:4", "/huyhop 04/12/2026"]]]
    assert load_keyboard(stored) == keyboard
    assert load_keyboard([[["Cũ", "vanished:1"]], [["Có", "ci:4"]]]) == ((Button("Có", CheckinData(4)),),)
    assert store_keyboard(()) is None
