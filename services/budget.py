"""One send budget for a bot across every process (PostgreSQL), as a generic cell rate algorithm.

A key (the whole bot, one chat, one group) holds its theoretical arrival time `tat`. Reserving a
slot is one atomic upsert: tat := max(tat, now) + interval; the caller may send once
`tat - interval - tolerance` has come. `tolerance` lets a burst of `burst` calls through at once
(a private chat's short burst, a group's 20 per minute), and the long-run rate never exceeds one
call per `interval`. The database's clock is the only clock, so processes on several machines agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

_RESERVE = text(
    """
    WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)
    INSERT INTO send_budget AS b (key, tat)
    SELECT :key, clock.now + :interval FROM clock
    ON CONFLICT (key) DO UPDATE SET tat = greatest(b.tat, excluded.tat - :interval) + :interval
    RETURNING tat, (SELECT now FROM clock) AS now
    """
)
_PAUSE = text(
    """
    WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)
    INSERT INTO send_budget AS b (key, tat)
    SELECT :key, clock.now + :seconds FROM clock
    ON CONFLICT (key) DO UPDATE SET tat = greatest(b.tat, excluded.tat)
    """
)


@dataclass(frozen=True)
class Rate:
    """At most `burst` calls at once, one per `interval` seconds in the long run."""

    interval: float
    burst: int = 1

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval


async def reserve(engine: AsyncEngine, key: str, rate: Rate) -> float:
    """Take the next slot for `key`; returns the seconds to wait before using it (0 = now)."""
    async with engine.connect() as connection:
        row = (await connection.execute(_RESERVE, {"key": key, "interval": rate.interval})).one()
        await connection.commit()
    return max(0.0, float(row.tat) - rate.interval - rate.tolerance - float(row.now))


async def pause(engine: AsyncEngine, key: str, seconds: float, rate: Rate) -> None:
    """The platform said "retry after": no process takes a slot for `key` before then."""
    async with engine.connect() as connection:
        await connection.execute(_PAUSE, {"key": key, "seconds": seconds + rate.interval + rate.tolerance})
        await connection.commit()


async def forget_idle(engine: AsyncEngine, older_than: float = 3600.0) -> int:
    """Drop the keys of chats nobody wrote to for a while (a fan-out leaves one per member)."""
    async with engine.connect() as connection:
        result = await connection.execute(
            text("DELETE FROM send_budget WHERE tat < extract(epoch FROM clock_timestamp()) - :older"),
            {"older": older_than},
        )
        await connection.commit()
    return int(getattr(result, "rowcount", 0) or 0)
