"""Closed sets of values stored as short ASCII strings (portable across SQLite and PostgreSQL)."""

from enum import StrEnum


class Platform(StrEnum):
    TELEGRAM = "telegram"
    ZALO = "zalo"
    CONSOLE = "console"


class MemberRole(StrEnum):
    """Role inside the cell; import values are the same strings."""

    SECRETARY = "bi_thu"
    DEPUTY = "pho_bi_thu"
    COMMITTEE_MEMBER = "chi_uy_vien"
    MEMBER = "dang_vien"

    @property
    def runs_meetings(self) -> bool:
        return self in (MemberRole.SECRETARY, MemberRole.DEPUTY)


class CommitteeKind(StrEnum):
    """The level of a party organisation above cells (two-level local government, from 1 July 2025)."""

    PROVINCE = "tinh_uy"  # Thành ủy / Tỉnh ủy
    COMMUNE = "dang_uy_xa"  # Đảng ủy xã / phường / đặc khu
    GRASSROOTS = "dang_bo_co_so"  # Đảng bộ cơ sở of an agency, school or company: has cells of its own
    OTHER = "khac"


class NodeRole(StrEnum):
    """A person's role over a whole organisation (its subtree), given by the roster with an empty chi_bo."""

    ADMIN = "quan_tri"
    SUPERVISOR = "theo_doi"


class MemberStatus(StrEnum):
    FULL = "chinh_thuc"
    PROBATIONARY = "du_bi"
    TEMPORARY = "tam_thoi"
    EXEMPT = "mien_sinh_hoat"


class EndReason(StrEnum):
    """Why a membership ended; the person's history in the cell stays."""

    MOVED = "chuyen_di"  # chuyển sinh hoạt đi
    REMOVED = "xoa_ten"  # xóa tên khỏi danh sách đảng viên
    DIED = "tu_tran"
    OTHER = "khac"


class MeetingKind(StrEnum):
    REGULAR = "thuong_ky"
    THEMATIC = "chuyen_de"
    EXTRAORDINARY = "bat_thuong"


class MeetingState(StrEnum):
    PLANNED = "planned"
    CHECKIN_OPEN = "checkin_open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Rsvp(StrEnum):
    ATTEND = "attend"
    ABSENT = "absent"


class Outcome(StrEnum):
    """The settled record once check-in closes."""

    PRESENT = "present"
    EXCUSED = "excused"
    UNEXCUSED = "unexcused"


class JoinState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    UNDELIVERABLE = "undeliverable"
    DROPPED = "dropped"
    FAILED = "failed"


class VoteChoice(StrEnum):
    """A member's answer to a resolution vote."""

    YES = "tan_thanh"
    NO = "khong_tan_thanh"
