"""Invites: a personal code links an account to a roster entry at once; a cell code lets someone
pick their name, which then waits for the secretary's approval (nobody can claim another's name).

Codes are random, expire, and personal codes work once. They avoid look-alike characters
because elderly members may type them by hand on Zalo.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Invite, JoinRequest, JoinState, Membership, Person, Platform
from services.errors import DomainError
from services.people import cell_members

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return text.strip().upper().replace(" ", "").replace("-", "")


def looks_like_code(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == CODE_LENGTH and all(c in ALPHABET for c in code)


async def invites_for(
    session: AsyncSession, cell_id: int, person_ids: Sequence[int | None], now: datetime, days: int
) -> dict[int | None, Invite]:
    """A valid code for each of these members (None = the cell's shared code), reusing codes still
    valid: one query for the whole cell, whatever its size."""
    valid = (
        await session.scalars(
            select(Invite)
            .where(Invite.cell_id == cell_id, Invite.used_at.is_(None), Invite.expires_at > now)
            .order_by(Invite.id)
        )
    ).all()
    found: dict[int | None, Invite] = {}
    for invite in valid:
        found.setdefault(invite.person_id, invite)
    for person_id in person_ids:
        if person_id not in found:
            found[person_id] = Invite(
                code=new_code(),
                cell_id=cell_id,
                person_id=person_id,
                created_at=now,
                expires_at=now + timedelta(days=days),
            )
            session.add(found[person_id])
    await session.flush()
    return {person_id: found[person_id] for person_id in person_ids}


@dataclass(frozen=True)
class Redeemed:
    """What a code did: linked a person at once, or offers the cell's names to pick from."""

    person: Person | None
    invite: Invite
    choices: Sequence[Person] = ()


async def _usable(session: AsyncSession, code: str, now: datetime) -> Invite:
    invite = await session.scalar(select(Invite).where(Invite.code == normalise_code(code)))
    if invite is None:
        raise DomainError("join-code-unknown")
    if invite.expires_at <= now:
        raise DomainError("join-code-expired")
    if invite.used_at is not None:
        raise DomainError("join-code-used")
    return invite


async def _link(
    session: AsyncSession, person: Person, platform: Platform, external_id: str, connected_at: datetime
) -> None:
    """Link the account; it is connected from when it wrote to the bot with the code."""
    taken = await session.scalar(
        select(Account).where(Account.platform == platform, Account.external_id == external_id)
    )
    if taken is not None:
        raise DomainError("join-already-linked")
    mine = await session.scalar(select(Account).where(Account.person_id == person.id, Account.platform == platform))
    if mine is not None:
        raise DomainError("join-person-taken", name=person.full_name)
    session.add(Account(person_id=person.id, platform=platform, external_id=external_id, connected_at=connected_at))
    await session.flush()


async def _is_member(session: AsyncSession, cell_id: int, person_id: int) -> bool:
    """A current member of the cell: codes never link someone whose membership ended."""
    found = await session.scalar(
        select(Membership.id).where(
            Membership.cell_id == cell_id, Membership.person_id == person_id, Membership.current()
        )
    )
    return found is not None


async def redeem(session: AsyncSession, code: str, platform: Platform, external_id: str, now: datetime) -> Redeemed:
    invite = await _usable(session, code, now)
    if invite.person_id is not None:
        person = await session.get(Person, invite.person_id)
        assert person is not None
        if not await _is_member(session, invite.cell_id, person.id):
            raise DomainError("join-code-unknown")  # her membership ended after the code was made
        await _link(session, person, platform, external_id, now)
        invite.used_at = now
        return Redeemed(person=person, invite=invite)
    if await session.scalar(select(Account).where(Account.platform == platform, Account.external_id == external_id)):
        raise DomainError("join-already-linked")
    choices = [
        m.person
        for m in await cell_members(session, invite.cell_id)
        if not any(a.platform == platform for a in m.person.accounts)
    ]
    if not choices:
        raise DomainError("join-nobody-left")
    return Redeemed(person=None, invite=invite, choices=choices)


async def claim(
    session: AsyncSession,
    code: str,
    person_id: int,
    platform: Platform,
    external_id: str,
    display_name: str,
    now: datetime,
) -> JoinRequest:
    """Someone with the cell code says who they are; the secretary must approve."""
    invite = await _usable(session, code, now)
    if invite.person_id is not None:
        raise DomainError("join-code-unknown")
    if not await _is_member(session, invite.cell_id, person_id):
        raise DomainError("join-code-unknown")
    if await session.scalar(select(Account).where(Account.person_id == person_id, Account.platform == platform)):
        person = await session.get(Person, person_id)
        raise DomainError("join-person-taken", name=person.full_name if person else "")
    request = await session.scalar(
        select(JoinRequest).where(
            JoinRequest.platform == platform,
            JoinRequest.external_id == external_id,
            JoinRequest.person_id == person_id,
        )
    )
    if request is None:
        request = JoinRequest(
            cell_id=invite.cell_id,
            person_id=person_id,
            platform=platform,
            external_id=external_id,
            display_name=display_name[:200],
            created_at=now,
        )
        session.add(request)
    elif request.state is not JoinState.PENDING:
        raise DomainError("join-already-decided")
    await session.flush()
    return request


async def decide(session: AsyncSession, request_id: int, approver_id: int, approve: bool) -> JoinRequest:
    """The secretary approves (links the account) or rejects a name claim. Role is checked by the caller."""
    request = await session.get(JoinRequest, request_id)
    if request is None:
        raise DomainError("err-stale-button")
    if request.state is not JoinState.PENDING:
        raise DomainError("join-already-decided")
    request.decided_by_id = approver_id
    if approve:
        person = await session.get(Person, request.person_id)
        assert person is not None
        await _link(session, person, request.platform, request.external_id, request.created_at)
        request.state = JoinState.APPROVED
    else:
        request.state = JoinState.REJECTED
    return request
