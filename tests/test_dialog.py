"""The dialog table itself: whole replies compared, stopping at the first one that differs."""

from __future__ import annotations

import pytest

from tests.dialog import verify_dialog


async def test_a_table_stops_at_the_first_differing_reply_and_shows_a_diff() -> None:
    said: list[str] = []

    async def speak(who: str, text: str) -> str:
        said.append(text)
        return {"/a": "một\nhai\n", "/b": "ba\n"}[text]

    steps = [
        (
            "An",
            "/a",
            """
            một
            hai
        """,
        ),
        ("An", "/b", "bốn"),
        ("An", "/a", "never asked"),
    ]
    with pytest.raises(AssertionError) as failure:
        await verify_dialog(speak, steps)
    assert str(failure.value) == "step 2: An says '/b'\n--- expected\n+++ replied\n@@ -1 +1 @@\n-bốn\n+ba"
    assert said == ["/a", "/b"]


async def test_a_fragment_is_not_a_reply() -> None:
    async def speak(who: str, text: str) -> str:
        return "Đã ghi nhận. Cảm ơn đồng chí!\n"

    with pytest.raises(AssertionError, match="step 1"):
        await verify_dialog(speak, [("An", "/vang ốm", "Đã ghi nhận.")])
