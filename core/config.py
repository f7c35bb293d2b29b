"""Configuration: one TOML file validated at start-up, secrets overridable from the environment.

Every section is a frozen pydantic model that forbids unknown keys, so a typo stops start-up with
a message naming the key instead of being silently ignored.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CONFIG_PATH = Path("config.toml")
_OFFSET_RE = re.compile(r"^(\d+)\s*([dhm])$")
_OFFSET_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class ConfigError(Exception):
    """Start-up must stop; the message names the file, the key and the value."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_offset(text: str) -> timedelta:
    """Parse a reminder offset such as "3d", "1d", "2h" or "30m"."""
    match = _OFFSET_RE.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"offset {text!r} must look like 3d, 12h or 30m (a positive number and d/h/m)")
    return timedelta(**{_OFFSET_UNITS[match.group(2)]: int(match.group(1))})


def parse_clock_time(text: str) -> time:
    """Parse "HH:MM" in 24-hour form."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"time {text!r} must be HH:MM on a 24-hour clock, e.g. 19:30")
    return time(int(match.group(1)), int(match.group(2)))


def parse_date_range(text: str) -> tuple[date, date]:
    """Parse "2027-02-05" or "2027-02-05..2027-02-10" (inclusive)."""
    parts = text.strip().split("..")
    try:
        bounds = [date.fromisoformat(p.strip()) for p in parts]
    except ValueError:
        raise ValueError(f"date {text!r} must be YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD") from None
    if len(bounds) > 2 or bounds[0] > bounds[-1]:
        raise ValueError(f"date range {text!r} must be FIRST..LAST with FIRST not after LAST")
    return bounds[0], bounds[-1]


def parse_day_window(text: str) -> tuple[int, ...]:
    """Parse a window of days of the month: "3-5", "3,4,5" or "4"."""
    days: set[int] = set()
    for part in text.replace(" ", "").split(","):
        bounds = part.split("-")
        if len(bounds) > 2 or not all(b.isdigit() for b in bounds):
            raise ValueError(f"meeting_days {text!r} must look like 3-5 or 3,4,5")
        low, high = int(bounds[0]), int(bounds[-1])
        if low > high:
            raise ValueError(f"meeting_days {text!r}: range {part} runs backwards")
        days.update(range(low, high + 1))
    if not days or min(days) < 1 or max(days) > 28:
        raise ValueError(f"meeting_days {text!r}: days must be 1-28 so that every month has them")
    return tuple(sorted(days))


def _api_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"base_url {value!r} must start with http:// or https://")
    return value


# A Bot API address: the platform's own, or a self-hosted or test server.
ApiUrl = Annotated[str, AfterValidator(_api_url)]


class TelegramConfig(_Section):
    token: str = ""
    base_url: ApiUrl = "https://api.telegram.org/bot"
    admin_ids: list[int] = Field(default_factory=list)
    invite_days: Annotated[int, Field(ge=1, le=365)] = 14
    # Outgoing limits (Telegram allows about 30 messages/s per bot, 20/min per group, 1/s per chat).
    rate_per_second: Annotated[float, Field(gt=0, le=30)] = 25
    group_per_minute: Annotated[int, Field(ge=1, le=20)] = 20
    chat_per_second: Annotated[float, Field(gt=0, le=1)] = 1

    @field_validator("token")
    @classmethod
    def _token(cls, value: str) -> str:
        if value and not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", value):
            raise ValueError("token does not look like a Telegram bot token (digits:secret from BotFather)")
        return value


class DatabaseConfig(_Section):
    url: str = "sqlite+aiosqlite:///data/chibo.db"

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "url must start with sqlite+aiosqlite:// or postgresql+asyncpg:// (the async drivers we ship)"
            )
        return value


class ScheduleConfig(_Section):
    timezone: str = "Asia/Ho_Chi_Minh"
    meeting_days: str = "3-5"
    meeting_time: str = "19:30"
    checkin_minutes: Annotated[int, Field(ge=10, le=720)] = 150
    # Days on which no meeting may fall (Tết...): "2027-02-05" or a range "2027-02-05..2027-02-10".
    skip_dates: list[str] = Field(default_factory=list)
    # How many months ahead meetings are planned from each cell's monthly rule.
    plan_months: Annotated[int, Field(ge=1, le=12)] = 2

    @field_validator("skip_dates")
    @classmethod
    def _skip(cls, value: list[str]) -> list[str]:
        for item in value:
            parse_date_range(item)
        return value

    @property
    def skipped(self) -> frozenset[date]:
        days: set[date] = set()
        for item in self.skip_dates:
            first, last = parse_date_range(item)
            days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
        return frozenset(days)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone {value!r} does not exist (use an IANA name like Asia/Ho_Chi_Minh)") from None
        return value

    @field_validator("meeting_days")
    @classmethod
    def _days(cls, value: str) -> str:
        parse_day_window(value)
        return value

    @field_validator("meeting_time")
    @classmethod
    def _time(cls, value: str) -> str:
        parse_clock_time(value)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> tuple[int, ...]:
        return parse_day_window(self.meeting_days)

    @property
    def default_time(self) -> time:
        return parse_clock_time(self.meeting_time)


class RemindersConfig(_Section):
    offsets: list[str] = Field(default_factory=lambda: ["3d", "1d", "2h"])
    # /nhaclai may resend to non-answering members at most this often per meeting.
    resend_minutes: Annotated[int, Field(ge=5, le=1440)] = 60
    # The secretary is reminded once if no /tongket was made this long after check-in closed.
    summary_after_hours: Annotated[int, Field(ge=1, le=168)] = 24
    # How often the outbox dispatcher looks for due messages.
    dispatch_seconds: Annotated[float, Field(gt=0, le=300)] = 5
    # How long a process holds the messages it is sending; after a crash they wait this long
    # before another process (or the restarted one) sends them. Must exceed one send's timeout.
    claim_seconds: Annotated[int, Field(ge=5, le=3600)] = 60

    @field_validator("offsets")
    @classmethod
    def _offsets(cls, value: list[str]) -> list[str]:
        parsed = [parse_offset(v) for v in value]
        if len(set(parsed)) != len(parsed):
            raise ValueError(f"offsets {value!r} repeat the same moment")
        return value

    @property
    def deltas(self) -> list[timedelta]:
        """Offsets before the meeting, largest first."""
        return sorted((parse_offset(v) for v in self.offsets), reverse=True)


class DigestConfig(_Section):
    # When supervisors get their weekly digest: a weekday (mon..sun) and HH:MM local time.
    weekly: str = "mon 07:30"

    @field_validator("weekly")
    @classmethod
    def _weekly(cls, value: str) -> str:
        parse_weekly(value)
        return value

    @property
    def moment(self) -> tuple[int, time]:
        return parse_weekly(self.weekly)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_weekly(text: str) -> tuple[int, time]:
    """Parse "mon 07:30" into (weekday 0-6, time)."""
    parts = text.strip().lower().split()
    if len(parts) != 2 or parts[0] not in WEEKDAYS:
        raise ValueError(f"weekly {text!r} must look like 'mon 07:30' (mon, tue, wed, thu, fri, sat, sun)")
    return WEEKDAYS.index(parts[0]), parse_clock_time(parts[1])


class OpinionsConfig(_Section):
    """Limits on the opinions (ý kiến) members send for a meeting."""

    # Opinions one member may have standing for one meeting (withdrawn ones do not count):
    # 100 of them made one /tongket 33 messages long.
    max_per_meeting: Annotated[int, Field(ge=1, le=50)] = 5


class ScoringConfig(_Section):
    """The meeting rubric (points per part) and rating thresholds; default: the common 100-point one."""

    parts: dict[str, Annotated[int, Field(ge=1, le=100)]] = Field(
        default_factory=lambda: {"chuan_bi": 15, "ty_le_du_hop": 20, "dien_bien": 45, "ket_thuc": 20}
    )
    # Minimum total for each rating, best first; below the last one the rating is "kem".
    ratings: dict[str, Annotated[int, Field(ge=0, le=1000)]] = Field(
        default_factory=lambda: {"tot": 90, "kha": 70, "trung_binh": 50}
    )
    # The part the bot proposes from check-ins.
    attendance_part: str = "ty_le_du_hop"

    @field_validator("ratings")
    @classmethod
    def _ratings(cls, value: dict[str, int]) -> dict[str, int]:
        thresholds = list(value.values())
        if thresholds != sorted(thresholds, reverse=True) or len(set(thresholds)) != len(thresholds):
            raise ValueError(f"ratings {value!r} must go from the highest threshold down, without repeats")
        return value

    @property
    def total(self) -> int:
        return sum(self.parts.values())


class ZaloConfig(_Section):
    token: str = ""
    base_url: ApiUrl = "https://bot-api.zaloplatforms.com/bot"
    # "polling" (getUpdates) or "webhook" (the platform calls us; needs public_url).
    mode: str = "polling"
    # Secret the platform echoes in X-Bot-Api-Secret-Token on every webhook call (8-256 characters).
    webhook_secret: str = ""
    # Where our webhook and chart server listens, "host:port".
    listen: str = "127.0.0.1:8443"
    # The bot's public HTTPS address (webhook and digest charts); empty = none.
    public_url: str = ""
    rate_per_second: Annotated[float, Field(gt=0, le=50)] = 5

    @field_validator("token")
    @classmethod
    def _token(cls, value: str) -> str:
        if value and not re.fullmatch(r"[0-9]+:[A-Za-z0-9_-]{8,}", value):
            raise ValueError("token does not look like a Zalo bot token (bot_id:secret from Zalo Bot Manager)")
        return value

    @field_validator("mode")
    @classmethod
    def _mode(cls, value: str) -> str:
        if value not in ("polling", "webhook"):
            raise ValueError(f"mode {value!r} must be polling or webhook")
        return value

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str) -> str:
        if value and not value.startswith("https://"):
            raise ValueError(f"public_url {value!r} must be an https:// address")
        return value.rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        if value and not 8 <= len(value) <= 256:
            raise ValueError("webhook_secret must be 8 to 256 characters")
        return value

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"listen {value!r} must be host:port, e.g. 127.0.0.1:8443")
        return value


class BotConfig(_Section):
    language: str = "vi"

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError(f"language {value!r} must be vi or en")
        return value


class Config(_Section):
    bot: BotConfig = BotConfig()
    telegram: TelegramConfig = TelegramConfig()
    database: DatabaseConfig = DatabaseConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    reminders: RemindersConfig = RemindersConfig()
    digest: DigestConfig = DigestConfig()
    scoring: ScoringConfig = ScoringConfig()
    opinions: OpinionsConfig = OpinionsConfig()
    zalo: ZaloConfig = ZaloConfig()

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        if self.scoring.attendance_part not in self.scoring.parts:
            raise ValueError(f"scoring.attendance_part {self.scoring.attendance_part!r} is not one of scoring.parts")
        if self.zalo.mode == "webhook" and self.zalo.token and not (self.zalo.public_url and self.zalo.webhook_secret):
            raise ValueError("zalo.mode = 'webhook' needs zalo.public_url and zalo.webhook_secret")
        return self

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        return [s for s in (self.telegram.token, self.zalo.token, self.zalo.webhook_secret) if s]


_ENV_OVERRIDES = {
    "TELEGRAM_BOT_TOKEN": ("telegram", "token"),
    "DATABASE_URL": ("database", "url"),
    "ZALO_BOT_TOKEN": ("zalo", "token"),
}


def _format_errors(source: str, error: ValidationError) -> str:
    lines = [f"{source}: invalid configuration"]
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"])
        if item["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key (see config.example.toml for the keys that exist)")
            continue
        message = item["msg"].removeprefix("Value error, ")
        if not key:
            lines.append(f"  {message}")
            continue
        shown = item.get("input")
        if key and ("token" in key or "secret" in key):
            shown = "***"
        lines.append(f"  {key} = {shown!r}: {message}")
    return "\n".join(lines)


def load_config(path: Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """Read the TOML file (built-in defaults when the default path is absent), then the environment."""
    environ = dict(os.environ) if environ is None else environ
    data: dict[str, Any] = {}
    source = str(path or DEFAULT_CONFIG_PATH)
    if path is not None and not path.exists():
        raise ConfigError(f"{source}: no such file")
    target = path or DEFAULT_CONFIG_PATH
    if target.exists():
        try:
            data = tomllib.loads(target.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise ConfigError(f"{source}: not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    for variable, (section, key) in _ENV_OVERRIDES.items():
        if environ.get(variable):
            data.setdefault(section, {})
            if not isinstance(data[section], dict):
                break
            data[section][key] = environ[variable]
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(source, exc)) from None
