"""Chart images served by URL (models.ChartImage): written by the process that sends, read by
whichever process the platform's fetch reaches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ChartImage


async def keep(session: AsyncSession, token: str, image: bytes, expires_at: datetime) -> None:
    session.add(ChartImage(token=token, image=image, expires_at=expires_at))


async def find(session: AsyncSession, token: str, now: datetime) -> bytes | None:
    """The image, unless unknown or expired."""
    image: bytes | None = await session.scalar(
        select(ChartImage.image).where(ChartImage.token == token, ChartImage.expires_at > now)
    )
    return image


async def forget_expired(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(ChartImage).where(ChartImage.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
