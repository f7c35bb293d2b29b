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

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Invite, JoinRequest, JoinState, MemberRole, Membership, Person, Platform
from services.errors import DomainError
from services.people import cell_members

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
# Identities a cell code never offers: they see absence reasons and run meetings, so they join by a
# personal code, and a claim of one anyway (forged button data) goes to the committee's admin.
LEADER_ROLES = (MemberRole.SECRETARY, MemberRole.DEPUTY, MemberRole.COMMITTEE_MEMBER)
# Name claims one account may make in a day (a rejected claim counts too).
CLAIMS_PER_DAY = 3


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


async def _member_role(session: AsyncSession, cell_id: int, person_id: int) -> MemberRole | None:
    """The role of a current member of the cell, None for anyone else: codes never link someone
    whose membership ended."""
    return await session.scalar(
        select(Membership.role).where(
            Membership.cell_id == cell_id, Membership.person_id == person_id, Membership.current()
        )
    )


async def redeem(session: AsyncSession, code: str, platform: Platform, external_id: str, now: datetime) -> Redeemed:
    invite = await _usable(session, code, now)
    if invite.person_id is not None:
        person = await session.get(Person, invite.person_id)
        assert person is not None
        if await _member_role(session, invite.cell_id, person.id) is None:
            raise DomainError("join-code-unknown")  # her membership ended after the code was made
        await _link(session, person, platform, external_id, now)
        invite.used_at = now
        return Redeemed(person=person, invite=invite)
    if await session.scalar(select(Account).where(Account.platform == platform, Account.external_id == external_id)):
        raise DomainError("join-already-linked")
    choices = [
        m.person
        for m in await cell_members(session, invite.cell_id)
        if m.role not in LEADER_ROLES and not any(a.platform == platform for a in m.person.accounts)
    ]
    if not choices:
        raise DomainError("join-nobody-left")
    return Redeemed(person=None, invite=invite, choices=choices)


@dataclass(frozen=True)
class Claim:
    request: JoinRequest
    # False when the same claim was made before and is still waiting (a repeated press).
    new: bool
    # A leader's identity: only the committee's admin decides.
    leader: bool


async def claim(
    session: AsyncSession,
    code: str,
    person_id: int,
    platform: Platform,
    external_id: str,
    display_name: str,
    now: datetime,
) -> Claim:
    """Someone with the cell code says who they are; the secretary (for a leader, the admin) must
    approve. Pressing again changes nothing; one claim waits per account, a few a day at most."""
    invite = await _usable(session, code, now)
    if invite.person_id is not None:
        raise DomainError("join-code-unknown")
    role = await _member_role(session, invite.cell_id, person_id)
    if role is None:
        raise DomainError("join-code-unknown")
    if await session.scalar(select(Account).where(Account.person_id == person_id, Account.platform == platform)):
        person = await session.get(Person, person_id)
        raise DomainError("join-person-taken", name=person.full_name if person else "")
    mine = (
        await session.scalars(
            select(JoinRequest).where(JoinRequest.platform == platform, JoinRequest.external_id == external_id)
        )
    ).all()
    request = next((r for r in mine if r.person_id == person_id), None)
    leader = role in LEADER_ROLES
    if request is not None and request.state is JoinState.PENDING:
        return Claim(request, new=False, leader=leader)
    if request is not None:
        raise DomainError("join-already-decided")
    waiting = next((r for r in mine if r.state is JoinState.PENDING), None)
    if waiting is not None:
        other = await session.get(Person, waiting.person_id)
        raise DomainError("join-claim-waiting", name=other.full_name if other else "")
    if sum(r.created_at > now - timedelta(days=1) for r in mine) >= CLAIMS_PER_DAY:
        raise DomainError("join-claim-limit")
    request = JoinRequest(
        cell_id=invite.cell_id,
        person_id=person_id,
        platform=platform,
        external_id=external_id,
        display_name=display_name[:200],
        created_at=now,
    )
    session.add(request)
    await session.flush()
    return Claim(request, new=True, leader=leader)


async def leader_claim(session: AsyncSession, request: JoinRequest) -> bool:
    """Whether the request claims a leader's identity in its cell."""
    role = await session.scalar(
        select(Membership.role).where(Membership.cell_id == request.cell_id, Membership.person_id == request.person_id)
    )
    return role in LEADER_ROLES


async def check_decider(session: AsyncSession, request: JoinRequest, runs_cell: bool, is_admin: bool) -> None:
    """A leader's identity is the admin's decision; any other, the cell's secretary's or deputy's too."""
    if is_admin:
        return
    if await leader_claim(session, request):
        raise DomainError("join-admin-only")
    if not runs_cell:
        raise DomainError("err-other-cell")


async def waiting_requests(
    session: AsyncSession, cell_ids: Sequence[int], is_admin: bool, administered: Select[int] | None = None
) -> list[tuple[JoinRequest, str]]:
    """Requests still waiting that these leaders may decide (a root admin: all; an admin of part of
    the tree: every request of the cells in `administered` too), with the name each claims, oldest first."""
    query = (
        select(JoinRequest, Person.full_name, Membership.role)
        .join(Person, Person.id == JoinRequest.person_id)
        .join(Membership, (Membership.person_id == JoinRequest.person_id) & (Membership.cell_id == JoinRequest.cell_id))
        .where(JoinRequest.state == JoinState.PENDING)
        .order_by(JoinRequest.id)
    )
    if not is_admin:
        led = JoinRequest.cell_id.in_(cell_ids) & Membership.role.not_in(LEADER_ROLES)
        query = query.where(led | JoinRequest.cell_id.in_(administered) if administered is not None else led)
    return [(request, name) for request, name, _ in (await session.execute(query)).all()]


async def decide(session: AsyncSession, request_id: int, approver_id: int | None, approve: bool) -> JoinRequest:
    """Approve (link the account) or reject a name claim; `check_decider` says who may."""
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


async def cell_leader_accounts(session: AsyncSession, cell_id: int) -> Sequence[Account]:
    """The reachable accounts of the cell's secretary and deputies: who decides an ordinary
    member's claim."""
    return (
        await session.scalars(
            select(Account)
            .join(Membership, Membership.person_id == Account.person_id)
            .where(
                Membership.cell_id == cell_id,
                Membership.role.in_((MemberRole.SECRETARY, MemberRole.DEPUTY)),
                Membership.current(),
                # Only accounts that have opened a chat with the bot can be written to.
                Account.connected_at.is_not(None),
            )
        )
    ).all()
