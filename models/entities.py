"""The domain's tables. Uniqueness rules live here as constraints, not only in code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SQLColumnExpression,
    String,
    UniqueConstraint,
    func,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UserString, UserText, str_enum
from models.enums import (
    CommitteeKind,
    EndReason,
    JoinState,
    MeetingKind,
    MeetingState,
    MemberRole,
    MemberStatus,
    NodeRole,
    OutboxState,
    Outcome,
    Platform,
    Rsvp,
    VoteChoice,
)


class Committee(Base):
    """A party organisation above cells (Thành ủy, Đảng ủy xã/phường, Đảng bộ cơ sở): a node of
    the tree, with its parent (None at the top) and one chat where its reports go.

    Names are unique among siblings: two wards may each have a "Đảng bộ Trường Tiểu học Kim Đồng".
    Subtrees and ancestors are read with recursive queries (services/tree.py), so a node can be
    added anywhere without rewriting others.
    """

    __tablename__ = "committees"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CommitteeKind] = mapped_column(
        str_enum(CommitteeKind, "committee_kind"), default=CommitteeKind.OTHER, server_default=CommitteeKind.OTHER
    )
    name: Mapped[str] = mapped_column(UserString(200))
    cells: Mapped[list[Cell]] = relationship(back_populates="committee")


# Unique among siblings; the top level (no parent) counts as one family.
Index("uq_committees_parent_name", func.coalesce(Committee.parent_id, 0), Committee.name, unique=True)


class CommitteeRole(Base):
    """An admin or supervisor of an organisation and everything below it."""

    __tablename__ = "committee_roles"
    __table_args__ = (UniqueConstraint("person_id", "committee_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    role: Mapped[NodeRole] = mapped_column(str_enum(NodeRole, "node_role"))
    committee: Mapped[Committee] = relationship()


class Cell(Base):
    """Chi bộ, with its monthly meeting rule."""

    __tablename__ = "cells"
    __table_args__ = (
        UniqueConstraint("committee_id", "name"),
        CheckConstraint("rule_day IS NULL OR (rule_day BETWEEN 1 AND 28)", name="rule_day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(UserString(200))
    rule_day: Mapped[int | None] = mapped_column(Integer)
    rule_time: Mapped[str | None] = mapped_column(String(5))
    rule_place: Mapped[str | None] = mapped_column(UserString(300))
    anonymous_opinions: Mapped[bool] = mapped_column(Boolean, default=False)
    score_mode: Mapped[str] = mapped_column(String(16), default="rubric")
    committee: Mapped[Committee] = relationship(back_populates="cells")


class Person(Base):
    """One human, whatever chat platforms they use: reports count people, not accounts."""

    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(UserString(200))
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    wants_reminders: Mapped[bool | None] = mapped_column(Boolean)
    # Set when a committee admin erased this person's personal data on request.
    erased_at: Mapped[datetime | None]
    accounts: Mapped[list[Account]] = relationship(back_populates="person", cascade="all, delete-orphan")
    # Read-only views for resolving who is talking in one query; rows are written as Membership
    # and Supervision objects. Only current memberships: an ending never lies in the future
    # (services/membership.py refuses it), so "not ended" is "active now".
    memberships: Mapped[list[Membership]] = relationship(
        viewonly=True,
        order_by="Membership.id",
        primaryjoin="and_(Person.id == Membership.person_id, Membership.ended_at.is_(None))",
    )
    supervised_cells: Mapped[list[Cell]] = relationship(secondary="supervisions", viewonly=True, order_by="Cell.name")
    node_roles: Mapped[list[CommitteeRole]] = relationship(viewonly=True, order_by="CommitteeRole.id")


class Account(Base):
    """A person's identity on one chat platform."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        UniqueConstraint("person_id", "platform"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    external_id: Mapped[str] = mapped_column(String(64))
    # When the account first wrote to the bot in a private chat. Until then the platform refuses
    # private messages and menus for it ("chat not found"): the account is "not yet connected".
    connected_at: Mapped[datetime | None]
    person: Mapped[Person] = relationship(back_populates="accounts")


class Membership(Base):
    """A person's place in a cell: role and party status, and when and why it ended.

    An ended membership stays (past attendance and opinions keep their cell); from `ended_at`
    the person no longer counts, is not reminded, listed or invited. `active_at` is the one
    definition of "a current member at that instant" every roster query uses.
    """

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "cell_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"), default=MemberRole.MEMBER)
    status: Mapped[MemberStatus] = mapped_column(str_enum(MemberStatus, "member_status"), default=MemberStatus.FULL)
    # Local midnight of the day the membership ended, in UTC; None while it lasts.
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[EndReason | None] = mapped_column(str_enum(EndReason, "end_reason"))
    end_note: Mapped[str | None] = mapped_column(UserString(500))
    person: Mapped[Person] = relationship()
    cell: Mapped[Cell] = relationship()

    @classmethod
    def active_at(cls, at: datetime | SQLColumnExpression[datetime]) -> ColumnElement[bool]:
        """SQL: the membership had not ended at instant `at` (a value, or a column such as a meeting's start)."""
        return or_(cls.ended_at.is_(None), cls.ended_at > at)

    @classmethod
    def current(cls) -> ColumnElement[bool]:
        """SQL: active now. Equal to `active_at(now)` because an ending is never set in the future."""
        return cls.ended_at.is_(None)

    def is_active(self, at: datetime) -> bool:
        """The same rule as `active_at`, for a loaded row."""
        return self.ended_at is None or self.ended_at > at


class Supervision(Base):
    """Cấp ủy viên theo dõi: follows a cell without being its member."""

    __tablename__ = "supervisions"
    __table_args__ = (UniqueConstraint("person_id", "cell_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    person: Mapped[Person] = relationship()
    cell: Mapped[Cell] = relationship()


class ChatLink(Base):
    """A group chat bound to a cell (announcements, check-in) or to a committee (summaries)."""

    __tablename__ = "chat_links"
    __table_args__ = (
        UniqueConstraint("platform", "chat_id"),
        UniqueConstraint("platform", "cell_id"),
        UniqueConstraint("platform", "committee_id"),
        CheckConstraint("(cell_id IS NULL) <> (committee_id IS NULL)", name="one_owner"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    chat_id: Mapped[str] = mapped_column(String(64))
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))


class Meeting(Base):
    """One meeting of one cell. `rule_month` makes rule-planned meetings idempotent per month."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("cell_id", "rule_month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(str_enum(MeetingKind, "meeting_kind"), default=MeetingKind.REGULAR)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(UserString(300))
    agenda: Mapped[str | None] = mapped_column(UserText)
    state: Mapped[MeetingState] = mapped_column(str_enum(MeetingState, "meeting_state"), default=MeetingState.PLANNED)
    rule_month: Mapped[str | None] = mapped_column(String(7))
    checkin_code: Mapped[str | None] = mapped_column(String(12))
    checkin_requires_code: Mapped[bool] = mapped_column(Boolean, default=False)
    checkin_opened_at: Mapped[datetime | None]
    checkin_closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    summary_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Bumped with `changed_at` whenever the time, place, agenda or state that phone calendars show
    # changes (services/calendar.py `revise`): the feed's SEQUENCE and LAST-MODIFIED.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    changed_at: Mapped[datetime | None]
    cell: Mapped[Cell] = relationship()


class CalendarToken(Base):
    """The secret of one private calendar (.ics) address: a member's, or a cell's.

    The token is kept so its owner can ask for the link again; `selector` (its first characters)
    finds the row and the whole token is then compared in constant time, so a response's timing
    tells nothing about a guess. Rotating overwrites both, which kills the old address at once.
    """

    __tablename__ = "calendar_tokens"
    __table_args__ = (CheckConstraint("(person_id IS NULL) <> (cell_id IS NULL)", name="one_owner"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    selector: Mapped[str] = mapped_column(String(16), unique=True)
    token: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), unique=True)
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime]


class Attendance(Base):
    """One member at one meeting: the RSVP, the check-in, and the settled outcome."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    rsvp: Mapped[Rsvp | None] = mapped_column(str_enum(Rsvp, "rsvp"))
    reason: Mapped[str | None] = mapped_column(UserString(500))
    rsvp_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "outcome"))
    member_status: Mapped[MemberStatus | None] = mapped_column(str_enum(MemberStatus, "member_status"))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    # Wrong check-in codes typed; after a few the member must ask the secretary (codes are short).
    code_failures: Mapped[int] = mapped_column(Integer, default=0)
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class Opinion(Base):
    """Ý kiến: a short opinion a member sends for a meeting."""

    __tablename__ = "opinions"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(UserString(1000))
    created_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    person: Mapped[Person] = relationship()


class MeetingScore(Base):
    """The meeting's score against the configured rubric, or the 'bốn tốt' self-assessment."""

    __tablename__ = "meeting_scores"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    mode: Mapped[str] = mapped_column(String(16))
    parts: Mapped[dict[str, object]] = mapped_column(JSON)
    total: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(32))
    adjust_reason: Mapped[str | None] = mapped_column(UserString(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime]


class PostedMessage(Base):
    """A bot message we may edit later (check-in counter, committee summary)."""

    __tablename__ = "posted_messages"
    __table_args__ = (UniqueConstraint("meeting_id", "purpose", "platform", "chat_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(24))
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    # Fingerprint of the text and buttons the message shows now (services/posted.py): an edit that
    # would change nothing is never sent (Telegram refuses it: "message is not modified").
    shown: Mapped[str | None] = mapped_column(String(64))


class AuditEntry(Base):
    """Every change a secretary makes to another person's record."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(UserText)


class Invite(Base):
    """An invite code: per member (person_id set, works once) or per cell (needs approval)."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class JoinRequest(Base):
    """Someone who used a cell code and picked a name: waits for the secretary."""

    __tablename__ = "join_requests"
    __table_args__ = (UniqueConstraint("platform", "external_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(UserString(200))
    state: Mapped[JoinState] = mapped_column(str_enum(JoinState, "join_state"), default=JoinState.PENDING)
    created_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))


class OutboxMessage(Base):
    """A message that must go out, written in the same transaction as the state that caused it.

    `key` is the idempotency key (meeting, kind, recipient): writing the same key twice is refused
    by the database, so planning twice never sends twice.
    """

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    chat_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(UserText)
    buttons: Mapped[list[list[list[str]]] | None] = mapped_column(JSON)
    # A picture (PNG) sent with `text` as its caption (the digest's chart); dropped once sent.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    # A stored file (a material's) sent with `text` as its caption; referenced, never copied here,
    # so a fan-out to thousands holds the bytes once.
    material_file_id: Mapped[int | None] = mapped_column(ForeignKey("material_files.id", ondelete="SET NULL"))
    not_before: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    state: Mapped[OutboxState] = mapped_column(
        str_enum(OutboxState, "outbox_state"), default=OutboxState.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    external_message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))


class ReminderStep(Base):
    """One step of a meeting's reminder plan that has been written to the outbox (or skipped on purpose).

    The plan itself is derived from the meeting's time and the configured offsets every time the
    dispatcher runs, so nothing lives only in memory; this marker, unique per (meeting, step),
    makes writing each step happen once across ticks, restarts and processes.
    """

    __tablename__ = "reminder_steps"
    __table_args__ = (UniqueConstraint("meeting_id", "step"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(64))
    done_at: Mapped[datetime]
    messages: Mapped[int] = mapped_column(Integer, default=0)


class ProcessedUpdate(Base):
    """An incoming update (Telegram update_id, Zalo message_id) whose work is committed.

    Written in the same transaction as the handler's work: a platform that delivers the update
    again (we died before answering 200) finds it here and nothing acts twice.
    """

    __tablename__ = "processed_updates"
    __table_args__ = (UniqueConstraint("platform", "update_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    update_id: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime] = mapped_column(index=True)


class Lease(Base):
    """A named role only one process may hold at a time (on SQLite, where there are no advisory
    locks): the holder renews `until`; once it lapses another process takes the role over."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime]


class SendBudget(Base):
    """Telegram's limits shared by every process of one bot (PostgreSQL): for each key (the whole
    bot, one chat, one group) the theoretical time of the next free slot, in epoch seconds (GCRA).
    Each send reserves its slot here in one atomic statement, so replies from any serve process
    and the worker's fan-out draw on one budget."""

    __tablename__ = "send_budget"
    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)


class PendingEdit(Base):
    """The text a bot message should show next (a live check-in counter, a re-run summary), one row
    per message: any process writes it, only the process holding the sender lock sends it
    (handlers/edit_queue.py), within the bot's one send budget.

    A newer text replaces an older one (`version` counts them; `sent_version` is the last one
    sent), so a burst of presses becomes one edit per `next_at` interval. `live` names a text read
    when the edit goes out (the counter, from committed rows) instead of `text`. A `final` text (the
    check-in closed) is never replaced by a live one, so the final state always lands.
    """

    __tablename__ = "pending_edits"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "message_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(UserText)
    live: Mapped[str | None] = mapped_column(String(48))
    buttons: Mapped[list[list[list[str]]] | None] = mapped_column(JSON)
    final: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    sent_version: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer)
    # Not sent before: the last send plus the interval (a final text moves it to now).
    next_at: Mapped[datetime] = mapped_column(index=True)


class ChartImage(Base):
    """A picture served to a platform that fetches it by URL (Zalo's sendPhoto), kept here so any
    process behind the proxy can serve what a worker sent; the token is 256 random bits and the
    image stops being served after `expires_at` (channels/zalo/charts.py)."""

    __tablename__ = "chart_images"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class CommandMenu(Base):
    """A command menu the bot has set on a platform, per scope ("chat:42", "all_private_chats"), so a
    restart or another process sends only what changed and drops what is no longer wanted."""

    __tablename__ = "command_menus"
    __table_args__ = (UniqueConstraint("platform", "scope"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    scope: Mapped[str] = mapped_column(String(80))
    # [[command, description], ...] as last set.
    commands: Mapped[list[list[str]]] = mapped_column(JSON)
    set_at: Mapped[datetime]


class JobRun(Base):
    """A periodic job done for one period (the weekly digest of ISO week "2026-W48"), written in
    the same transaction as what the run produced: when a job is due is read from here, so a bot
    that was down at the time catches up once, and two processes never both do it."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))
    done_at: Mapped[datetime]
    # What the run produced (messages written), for the record.
    produced: Mapped[int] = mapped_column(Integer, default=0)


class Prompt(Base):
    """What one account's next reply can answer where there are no buttons (Zalo, the console), or
    the question the bot asked on any platform: kept here, not in a process's memory, so it
    survives a restart and is shared by processes, and with an expiry.

    `kind` "choices": the numbered buttons of one message (`buttons`: [number, label, data] each),
    bound to that message; "question": the follow-up `question` whose answer is the next plain
    message, with its `data`. A prompt is closed when answered or when a newer one on the same
    `subject` (or, for questions, any newer question) replaces it.
    """

    __tablename__ = "prompts"
    __table_args__ = (Index("ix_prompts_open", "platform", "account", "closed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    # The account's id on the platform (its private chat with the bot).
    account: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(String(80))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str | None] = mapped_column(String(64))
    buttons: Mapped[list[list[object]] | None] = mapped_column(JSON)
    question: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, object] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Vote(Base):
    """Biểu quyết: one resolution put to the vote at one meeting; the result is frozen at closing.

    `open_meeting_id` is the meeting's id while the vote is open and NULL once closed: a unique
    column, so the database refuses a second open vote at the same meeting (two secretaries at once).
    """

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    # 1, 2, … within the meeting, as the summary numbers them.
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(UserString(1000))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime] = mapped_column(index=True)
    open_meeting_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    closed_at: Mapped[datetime | None]
    # The count at closing (services/votes.py explains the arithmetic).
    called: Mapped[int | None] = mapped_column(Integer)
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int | None] = mapped_column(Integer)
    exempt_absent: Mapped[int | None] = mapped_column(Integer)
    temporary: Mapped[int | None] = mapped_column(Integer)
    probationary: Mapped[int | None] = mapped_column(Integer)


class VoteBallot(Base):
    """One member's answer to an open vote; a new answer replaces it. Never shown, and deleted when
    the vote is counted (a secret ballot: only the totals on the vote remain)."""

    __tablename__ = "vote_ballots"
    __table_args__ = (UniqueConstraint("vote_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    choice: Mapped[VoteChoice] = mapped_column(str_enum(VoteChoice, "vote_choice"))
    cast_at: Mapped[datetime]


class Absence(Base):
    """Tạm vắng: a period a member declared ahead (ill, in treatment, away on work), with the reason.

    Stored as instants: local midnight of the first day and of the day after the last, in UTC, so a
    meeting is covered when `starts_at <= meeting.starts_at < ends_at`; the period ends by itself.
    """

    __tablename__ = "absences"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(UserString(500))
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class Material(Base):
    """Tài liệu sinh hoạt: the month's material an organisation sends to the cells below it."""

    __tablename__ = "materials"
    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    # "2026-12": the month the material is for (its meetings, its read rate).
    month: Mapped[str] = mapped_column(String(7), index=True)
    title: Mapped[str] = mapped_column(UserString(200))
    # A text, or an http(s) link (`link` says which).
    body: Mapped[str] = mapped_column(UserText)
    link: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class MaterialFile(Base):
    """The file of a material (PDF, DOCX …), kept once in the database so every process can send
    or serve it after a restart. `token` (256 random bits) opens its private download link (for
    Zalo, which cannot send files); `telegram_file_id` is Telegram's id for it once uploaded, so
    the other recipients get it by reference instead of a new upload."""

    __tablename__ = "material_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(UserString(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    telegram_file_id: Mapped[str | None] = mapped_column(String(255))


class MaterialCell(Base):
    """A cell a material was sent to: its read rate counts the cell's members."""

    __tablename__ = "material_cells"
    __table_args__ = (UniqueConstraint("material_id", "cell_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)


class MaterialRead(Base):
    """A member pressed "Đã đọc": once per member and material (the database refuses a second)."""

    __tablename__ = "material_reads"
    __table_args__ = (UniqueConstraint("material_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime]


class SupervisorVisit(Base):
    """A supervisor at one meeting of a cell they follow: registered ahead (or not), checked in at
    it, with an optional comment for the summary. Never an attendance row: a visitor is not a
    member of the meeting and is never counted in its attendance."""

    __tablename__ = "supervisor_visits"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    registered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    # Wrong check-in codes typed, as for members (services/attendance.py MAX_CODE_FAILURES).
    code_failures: Mapped[int] = mapped_column(Integer, default=0)
    comment: Mapped[str | None] = mapped_column(UserString(1000))
    person: Mapped[Person] = relationship()
