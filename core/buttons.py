"""Every kind of button the bot sends, as typed callback data (core/callback.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callback import CallbackData


class Answer(StrEnum):
    YES = "yes"
    NO = "no"


class Decision(StrEnum):
    OK = "ok"
    NO = "no"


@dataclass(frozen=True)
class RsvpData(CallbackData, prefix="rsvp"):
    """A member's answer to a meeting announcement; "no" asks for the reason."""

    meeting: int
    answer: Answer

    @property
    def declines(self) -> bool:
        return self.answer is Answer.NO

    @property
    def takes_reason(self) -> bool:
        return self.declines

    @property
    def affirms(self) -> bool:
        return self.answer is Answer.YES

    @property
    def meeting_id(self) -> int:
        return self.meeting

    @property
    def subject(self) -> str:
        return f"meeting:{self.meeting}"


@dataclass(frozen=True)
class CheckinData(CallbackData, prefix="ci"):
    """The check-in button under the group's counter."""

    meeting: int


@dataclass(frozen=True)
class OpenCheckinData(CallbackData, prefix="open"):
    """The secretary's "open check-in" in the reminder at meeting time."""

    leader = True
    meeting: int


@dataclass(frozen=True)
class CancelData(CallbackData, prefix="cancel"):
    """One meeting in the secretary's /huyhop list."""

    leader = True
    meeting: int


@dataclass(frozen=True)
class PickData(CallbackData, prefix="pick"):
    """Someone with a cell code says which name on the roster is theirs."""

    code: str
    person: int

    @property
    def subject(self) -> str:
        return f"invite:{self.code}"


@dataclass(frozen=True)
class JoinData(CallbackData, prefix="join"):
    """A leader's (or the committee admin's) decision on a name claim."""

    leader = True
    request: int
    decision: Decision

    @property
    def declines(self) -> bool:
        return self.decision is Decision.NO


@dataclass(frozen=True)
class WhichMeetingData(CallbackData, prefix="next"):
    """A member of two cells picked which meeting `/lichhop` should show."""

    meeting: int

    @property
    def meeting_id(self) -> int:
        return self.meeting

    @property
    def subject(self) -> str:
        return "which:next"


@dataclass(frozen=True)
class AbsentData(CallbackData, prefix="absent"):
    """A member of two cells picked the meeting to be excused from; the reason is asked next."""

    meeting: int

    @property
    def takes_reason(self) -> bool:
        return True

    @property
    def meeting_id(self) -> int:
        return self.meeting

    @property
    def subject(self) -> str:
        return "which:absent"


class VoteAnswer(StrEnum):
    YES = "y"
    NO = "n"


@dataclass(frozen=True)
class VoteData(CallbackData, prefix="vote"):
    """A member's answer to a resolution vote (1 / 2 where there are no buttons; never a word, so
    "không" or "vắng" typed for something else cannot cast a vote)."""

    vote: int
    answer: VoteAnswer

    @property
    def subject(self) -> str:
        return f"vote:{self.vote}"


@dataclass(frozen=True)
class RosterUploadData(CallbackData, prefix="roster"):
    """Apply or drop a roster file sent in chat (kept in the database as prompt `upload`)."""

    upload: int
    decision: Decision

    @property
    def affirms(self) -> bool:
        return self.decision is Decision.OK

    @property
    def subject(self) -> str:
        return f"roster:{self.upload}"


@dataclass(frozen=True)
class MaterialReadData(CallbackData, prefix="read"):
    """A member says they read one of the month's materials (/tailieu); "1" where there are no buttons."""

    material: int


class VisitAction(StrEnum):
    REGISTER = "r"
    CANCEL = "c"


@dataclass(frozen=True)
class VisitData(CallbackData, prefix="visit"):
    """A supervisor registering to attend a followed cell's meeting, or withdrawing (/lichtheodoi)."""

    meeting: int
    action: VisitAction
