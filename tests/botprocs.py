"""Real `bot.py` processes for tests and benchmarks: started with `--config`, stopped with SIGTERM
or killed with SIGKILL, their log kept in a file."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from tests.fake_telegram import BotMessage, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(path: Path, sections: dict[str, dict[str, Any]]) -> Path:
    """A TOML file from plain values (strings, numbers, lists of numbers)."""

    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, str):
            return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        return str(item)

    lines = []
    for name, keys in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {value(item)}" for key, item in keys.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class BotProcess:
    def __init__(self, config: Path, *command: str, log: Path) -> None:
        self.config = config
        self.command = command
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> BotProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "DATABASE_URL")}
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "bot.py"),
                "--config",
                str(self.config),
                *self.command,
                cwd=str(ROOT),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
            )
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no goodbye, no cleanup, as a crashed machine."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def stop(self, within: float = 30.0) -> int | None:
        if self.process is None or self.process.returncode is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.kill()
            return await self.process.wait()

    async def wait_log(self, needle: str, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while needle not in self.text():
            if not self.alive:
                raise AssertionError(f"{self.command} exited:\n{self.text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.command} never logged {needle!r}:\n{self.text()[-3000:]}")
            await asyncio.sleep(0.1)


async def wait_healthy(port: int, process: BotProcess, within: float = 60.0) -> None:
    """Until the serve process answers /healthz."""
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                    if answer.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            if not process.alive or time.monotonic() > deadline:
                raise AssertionError(f"serve on {port} not healthy:\n{process.text()[-3000:]}")
            await asyncio.sleep(0.2)


def check_in_post(fake: FakeTelegram, chat_id: int) -> BotMessage | None:
    """The group's check-in post. A worker may post the meeting's announcement (its buttons are
    RSVPs) before or after it, so "the first message with buttons" is not enough."""
    return next((m for m in fake.sent(chat_id) if [b["text"] for b in m.buttons] == ["Có mặt"]), None)


def is_sending(process: BotProcess) -> bool:
    """Whether the worker's log says it holds the sender lock now (took it, and has not lost it since)."""
    log = process.text()
    return log.rfind("now sends") > max(log.rfind("standing by"), -1)
