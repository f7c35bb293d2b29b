"""Benchmark: counting a resolution vote in a 30-member cell and in a 600-member one.

Every member is full, present and has answered; closing counts the vote (one grouped query), deletes
the ballots and drops the waiting private ballots, through services/votes.py's real `close`. Prints
the SQL statements of one closing (target: the same for both cells) and the time ratio 600/30
(target <= 20: no worse than linear in members). Exits 1 when a target is missed.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import open_app  # noqa: E402
from core.clock import FakeClock  # noqa: E402
from core.config import Config  # noqa: E402
from handlers.context import AppContext  # noqa: E402
from models import (  # noqa: E402
    Attendance,
    Cell,
    Committee,
    Meeting,
    MeetingState,
    Membership,
    Person,
    VoteBallot,
    VoteChoice,
)
from services import votes  # noqa: E402
from tests.dbutil import run_on_sqlite_file  # noqa: E402

SMALL, BIG = 30, 600
RATIO_TARGET = 20
REPEATS = 5
NOW = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)


async def cell_in_session(app: AppContext, committee_id: int, members: int) -> int:
    """A cell of `members` full members, all checked in at a meeting whose check-in is open."""
    async with app.sessions() as session, session.begin():
        cell = Cell(committee_id=committee_id, name=f"Chi bộ {members}")
        session.add(cell)
        await session.flush()
        meeting = Meeting(cell_id=cell.id, starts_at=NOW, state=MeetingState.CHECKIN_OPEN, created_at=NOW)
        session.add(meeting)
        await session.flush()
        people = (
            await session.scalars(
                insert(Person).returning(Person.id), [{"full_name": f"Đảng viên {members}-{i}"} for i in range(members)]
            )
        ).all()
        await session.execute(insert(Membership), [{"person_id": p, "cell_id": cell.id} for p in people])
        await session.execute(
            insert(Attendance),
            [{"meeting_id": meeting.id, "person_id": p, "checked_in_at": NOW, "code_failures": 0} for p in people],
        )
        return meeting.id


async def answered_vote(app: AppContext, meeting_id: int) -> int:
    """A new vote at the meeting with every member's answer (setup, not timed)."""
    async with app.sessions() as session, session.begin():
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        vote = await votes.open_vote(session, meeting, "Nghị quyết", 1, NOW, 10)
        people = await votes.present_voters(session, meeting)
        choices = [VoteChoice.YES, VoteChoice.NO]
        await session.execute(
            insert(VoteBallot),
            [
                {"vote_id": vote.id, "person_id": p, "choice": choices[i % 2], "cast_at": NOW}
                for i, p in enumerate(sorted(people))
            ],
        )
        return vote.id


async def close_timed(app: AppContext, meeting_id: int, counter: list[int], members: int) -> tuple[float, int]:
    timings, statements = [], 0
    for _ in range(REPEATS + 1):
        vote_id = await answered_vote(app, meeting_id)
        before = counter[0]
        started = time.perf_counter()
        async with app.sessions() as session, session.begin():
            vote = await session.get(votes.Vote, vote_id)
            assert vote is not None
            await votes.close(session, vote, NOW)
            assert vote.called == members
            assert vote.yes == (members + 1) // 2
        timings.append(time.perf_counter() - started)
        statements = counter[0] - before
    return statistics.median(timings[1:]), statements


async def bench(url: str) -> bool:
    async with open_app(Config.model_validate({"database": {"url": url}}), FakeClock(NOW)) as app:
        counter = [0]

        def seen(*_args: Any) -> None:
            counter[0] += 1

        event.listen(app.sessions.kw["bind"].sync_engine, "before_cursor_execute", seen)
        async with app.sessions() as session, session.begin():
            committee = Committee(name="Đảng bộ thử")
            session.add(committee)
            await session.flush()
            committee_id = committee.id
        small = await close_timed(app, await cell_in_session(app, committee_id, SMALL), counter, SMALL)
        big = await close_timed(app, await cell_in_session(app, committee_id, BIG), counter, BIG)
    ratio = big[0] / small[0]
    print(f"closing a vote, {SMALL:>3} members: {small[0] * 1000:7.2f} ms, {small[1]} SQL statements")
    print(f"closing a vote, {BIG:>3} members: {big[0] * 1000:7.2f} ms, {big[1]} SQL statements")
    print(f"time ratio {BIG}/{SMALL} members: {ratio:.2f} (target <= {RATIO_TARGET})")
    ok = small[1] == big[1] and ratio <= RATIO_TARGET
    return ok


if __name__ == "__main__":
    sys.exit(run_on_sqlite_file(bench))
