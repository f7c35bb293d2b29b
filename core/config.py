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
from typing import Annotated, Any, Literal, NamedTuple
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.localtime import is_iana

DEFAULT_CONFIG_PATH = Path("config.toml")
_OFFSET_RE = re.compile(r"^(\d{1,9})\s*([dhm])$")
_OFFSET_MINUTES = {"d": 1440, "h": 60, "m": 1}
# A reminder further ahead than this is no reminder (and meetings are planned about two months ahead).
OFFSET_MAX = timedelta(days=60)
OFFSETS_MAX = 10
# A skipped range longer than a year is a typo in a year, not a holiday.
SKIP_RANGE_MAX_DAYS = 366
# The length of MeetingScore.rating in the database.
RATING_NAME_MAX = 32


class ConfigError(Exception):
    """Start-up must stop; the message names the file, the key and the value."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Offset(NamedTuple):
    """A reminder's distance before the meeting. Given in days it keeps the local hour
    (`days` > 0, so 23 or 25 hours across a DST change); in hours or minutes it is an exact duration."""

    delta: timedelta
    days: int


def parse_offset(text: str) -> Offset:
    """Parse a reminder offset such as "3d", "1d", "2h" or "30m" (at most 60 days)."""
    match = _OFFSET_RE.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"offset {text!r} must look like 3d, 12h or 30m (a positive number and d/h/m)")
    amount, unit = int(match.group(1)), match.group(2)
    delta = timedelta(minutes=amount * _OFFSET_MINUTES[unit])
    if delta > OFFSET_MAX:
        raise ValueError(f"offset {text!r} is more than {OFFSET_MAX.days} days before the meeting")
    return Offset(delta, amount if unit == "d" else 0)


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
    if (bounds[-1] - bounds[0]).days >= SKIP_RANGE_MAX_DAYS:
        raise ValueError(f"date range {text!r} is longer than {SKIP_RANGE_MAX_DAYS} days")
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


def _web_address(value: str, *, schemes: tuple[str, ...]) -> tuple[str, str]:
    """Check scheme and host of an address; return (host, path)."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(f"{value!r} is not a web address") from None
    if parts.scheme not in schemes:
        raise ValueError(f"{value!r} must start with {' or '.join(s + '://' for s in schemes)}")
    if not parts.hostname or (port is not None and not 0 < port < 65536):
        raise ValueError(f"{value!r} has no host (e.g. https://example.org/...)")
    if parts.query or parts.fragment or parts.username or parts.password or any(c.isspace() for c in value):
        raise ValueError(f"{value!r} must not hold spaces, a query, a fragment or a password")
    return parts.hostname, parts.path


def _api_url(value: str) -> str:
    _host, path = _web_address(value, schemes=("http", "https"))
    if not path.endswith("/bot"):
        raise ValueError(f"base_url {value!r} must end with /bot (the bot token is added right after it)")
    return value


# A Bot API address: the platform's own, or a self-hosted or test server.
ApiUrl = Annotated[str, AfterValidator(_api_url)]


def _webhook_secret(value: str) -> str:
    # It travels in an HTTP header; Telegram's setWebhook accepts exactly these characters.
    if value and not re.fullmatch(r"[A-Za-z0-9_-]{8,256}", value):
        raise ValueError("webhook_secret must be 8 to 256 characters from A-Z, a-z, 0-9, _ and -")
    return value


# What the platform echoes on every webhook call (Telegram and Zalo alike); empty = none.
WebhookSecret = Annotated[str, AfterValidator(_webhook_secret)]


# How a platform's updates come in.
ReceiveMode = Literal["polling", "webhook"]


def refuse_moved(data: Any, section: str, moved: dict[str, str]) -> None:
    """A key that moved to another section stops start-up with a message naming its new place."""
    if isinstance(data, dict):
        for key, target in moved.items():
            if key in data:
                section_name, _, new_key = target.partition(".")
                raise ValueError(f"{section}.{key} has moved: set {new_key} in the [{section_name}] section ({target})")


class ServerConfig(_Section):
    """This process's HTTP server (webhooks of every platform, charts, /healthz)."""

    # "host:port"; port 0 picks a free port (tests).
    listen: str = "127.0.0.1:8443"
    # What Telegram and Zalo call: the reverse proxy in front of the serve processes; empty = none.
    public_url: str = ""
    # /healthz fails once a due outbox message has waited this long (a stuck sender).
    stuck_minutes: Annotated[int, Field(ge=1, le=1440)] = 15

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) < 65536:
            raise ValueError(f"listen {value!r} must be host:port, e.g. 127.0.0.1:8443")
        return value

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str) -> str:
        if value:
            _web_address(value, schemes=("http", "https"))
        return value.rstrip("/")


class TelegramConfig(_Section):
    token: str = ""
    base_url: ApiUrl = "https://api.telegram.org/bot"
    admin_ids: list[int] = Field(default_factory=list)
    invite_days: Annotated[int, Field(ge=1, le=365)] = 14
    # Outgoing limits (Telegram allows about 30 messages/s per bot, 20/min per group, 1/s per chat).
    rate_per_second: Annotated[float, Field(gt=0, le=30)] = 25
    group_per_minute: Annotated[int, Field(ge=1, le=20)] = 20
    chat_per_second: Annotated[float, Field(gt=0, le=1)] = 1
    # "polling" (getUpdates, one process) or "webhook" (Telegram calls `[server] public_url`).
    mode: ReceiveMode = "polling"
    # Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token on every webhook call.
    webhook_secret: WebhookSecret = ""

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
        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError("url is not a database address (user:password@host:port/name)") from None
        if "@" in (url.host or "") or not 0 < (url.port or 1) < 65536:
            raise ValueError("url is not a database address (an @ in the password must be written %40)")
        if not url.database:
            raise ValueError("url names no database (a file for SQLite, a database name for PostgreSQL)")
        return value

    @property
    def passwords(self) -> list[str]:
        """The password as meant and as written in the address (%40 for @), for redaction."""
        password = make_url(self.url).password
        return [str(password), quote(str(password), safe="")] if password else []


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
        if not is_iana(value):
            raise ValueError(f"timezone {value!r} is not an IANA zone name (use one like Asia/Ho_Chi_Minh)")
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
        if not 1 <= len(value) <= OFFSETS_MAX:
            raise ValueError(f'offsets must list 1 to {OFFSETS_MAX} moments, e.g. ["3d", "1d", "2h"]')
        deltas = [parse_offset(v).delta for v in value]
        if len(set(deltas)) != len(deltas):
            raise ValueError(f"offsets {value!r} repeat the same moment")
        return value

    @property
    def schedule(self) -> list[Offset]:
        """Offsets before the meeting, largest first (the first one announces the meeting)."""
        return sorted((parse_offset(v) for v in self.offsets), reverse=True)

    @property
    def deltas(self) -> list[timedelta]:
        return [offset.delta for offset in self.schedule]


class DigestConfig(_Section):
    # When supervisors get their weekly digest: a weekday (mon..sun) and HH:MM local time.
    weekly: str = "mon 07:30"

    @field_validator("weekly")
    @classmethod
    def _weekly(cls, value: str) -> str:
        parse_weekly(value)
        return value

    # When each organisation's chat gets the month's rollup of its subtree: a day (1-28) and HH:MM.
    monthly: str = "10 08:00"

    @field_validator("monthly")
    @classmethod
    def _monthly(cls, value: str) -> str:
        parse_monthly(value)
        return value

    @property
    def moment(self) -> tuple[int, time]:
        return parse_weekly(self.weekly)

    @property
    def monthly_moment(self) -> tuple[int, time]:
        return parse_monthly(self.monthly)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_monthly(text: str) -> tuple[int, time]:
    """Parse "10 08:00" into (day of the month 1-28, time): every month has the day."""
    parts = text.strip().split()
    if len(parts) != 2 or not parts[0].isdigit() or not 1 <= int(parts[0]) <= 28:
        raise ValueError(f"monthly {text!r} must look like '10 08:00' (a day from 1 to 28, then HH:MM)")
    return int(parts[0]), parse_clock_time(parts[1])


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


class VotesConfig(_Section):
    """Resolution votes (/bieuquyet) during a meeting."""

    # A vote the secretary does not close by hand closes by itself after this long.
    minutes: Annotated[int, Field(ge=1, le=180)] = 10


class AbsencesConfig(_Section):
    """Absences declared ahead (/tamvang)."""

    # Longest period one declaration may cover, in days: a long treatment is declared again.
    max_days: Annotated[int, Field(ge=1, le=366)] = 180


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

    @field_validator("parts")
    @classmethod
    def _parts(cls, value: dict[str, int]) -> dict[str, int]:
        # Secretaries type a part as name=points, so names are what /chamdiem can read.
        for name in value:
            if not re.fullmatch(r"[a-z][a-z_]{0,31}", name):
                raise ValueError(f"part name {name!r} must be lowercase a-z and _ (up to 32), e.g. chuan_bi")
        if not 1 <= len(value) <= 10:
            raise ValueError("parts must name 1 to 10 parts")
        return value

    @field_validator("ratings")
    @classmethod
    def _ratings(cls, value: dict[str, int]) -> dict[str, int]:
        thresholds = list(value.values())
        if thresholds != sorted(thresholds, reverse=True) or len(set(thresholds)) != len(thresholds):
            raise ValueError(f"ratings {value!r} must go from the highest threshold down, without repeats")
        if any(not 1 <= len(name) <= RATING_NAME_MAX or not name.isprintable() for name in value):
            raise ValueError(f"rating names must be 1 to {RATING_NAME_MAX} printable characters")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> ScoringConfig:
        if self.ratings and max(self.ratings.values()) > self.total:
            raise ValueError(f"scoring.ratings: a threshold above the rubric's total {self.total} can never be reached")
        return self

    @property
    def total(self) -> int:
        return sum(self.parts.values())


class ZaloConfig(_Section):
    token: str = ""
    base_url: ApiUrl = "https://bot-api.zaloplatforms.com/bot"
    # "polling" (getUpdates) or "webhook" (the platform calls `[server] public_url`).
    mode: ReceiveMode = "polling"
    # Secret the platform echoes in X-Bot-Api-Secret-Token on every webhook call (8-256 characters).
    webhook_secret: WebhookSecret = ""
    rate_per_second: Annotated[float, Field(gt=0, le=50)] = 5

    @field_validator("token")
    @classmethod
    def _token(cls, value: str) -> str:
        if value and not re.fullmatch(r"[0-9]+:[A-Za-z0-9_-]{8,}", value):
            raise ValueError("token does not look like a Zalo bot token (bot_id:secret from Zalo Bot Manager)")
        return value


class PrivacyConfig(_Section):
    """How long data that no record needs is kept (strangers' names, rejected claims, sent texts)."""

    retention_days: Annotated[int, Field(ge=1, le=3650)] = 90


class BackupConfig(_Section):
    """Where `bot.py backup` writes and what the daily backup job keeps."""

    dir: str = "backups"
    keep: Annotated[int, Field(ge=1, le=365)] = 7
    # Local HH:MM of the daily backup; empty turns the daily job off.
    daily_at: str = "03:00"

    @field_validator("dir")
    @classmethod
    def _dir(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("dir must name a folder, e.g. backups or /var/backups/chibo")
        return value

    @field_validator("daily_at")
    @classmethod
    def _daily_at(cls, value: str) -> str:
        if value:
            parse_clock_time(value)
        return value

    @property
    def daily_time(self) -> time | None:
        return parse_clock_time(self.daily_at) if self.daily_at else None


class LogConfig(_Section):
    """How log lines are written: "text" for people reading a terminal or journal, "json" (one
    object per line) for a log collector."""

    format: Literal["text", "json"] = "text"


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
    votes: VotesConfig = VotesConfig()
    absences: AbsencesConfig = AbsencesConfig()
    zalo: ZaloConfig = ZaloConfig()
    server: ServerConfig = ServerConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    backup: BackupConfig = BackupConfig()
    log: LogConfig = LogConfig()

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        # Checked here, not in [zalo], so that the message shows no value from the section (its token).
        if isinstance(data, dict):
            refuse_moved(data.get("zalo"), "zalo", {"listen": "server.listen", "public_url": "server.public_url"})
        return data

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        if self.scoring.attendance_part not in self.scoring.parts:
            raise ValueError(f"scoring.attendance_part {self.scoring.attendance_part!r} is not one of scoring.parts")
        for name, platform in (("telegram", self.telegram), ("zalo", self.zalo)):
            if (
                platform.mode == "webhook"
                and platform.token
                and not (self.server.public_url and platform.webhook_secret)
            ):
                raise ValueError(f"{name}.mode = 'webhook' needs server.public_url and {name}.webhook_secret")
        return self

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        secrets = (
            self.telegram.token,
            self.telegram.webhook_secret,
            self.zalo.token,
            self.zalo.webhook_secret,
            *self.database.passwords,
        )
        return list(dict.fromkeys(s for s in secrets if s))


_ENV_OVERRIDES = {
    "TELEGRAM_BOT_TOKEN": ("telegram", "token"),
    "DATABASE_URL": ("database", "url"),
    "ZALO_BOT_TOKEN": ("zalo", "token"),
}


def mask_url(url: str) -> str:
    """A database address fit for a message: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "*** (not a database address)"


def _format_errors(source: str, error: ValidationError, secrets: list[str]) -> str:
    """One line per problem: the file, the key, the value (never a secret) and what is wrong."""
    lines = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"])
        if item["type"] == "extra_forbidden":
            lines.append(f"{source}: {key}: unknown key (see config.example.toml for the keys that exist)")
            continue
        message = item["msg"].removeprefix("Value error, ")
        if not key:
            lines.append(f"{source}: invalid configuration: {message}")
            continue
        shown = item.get("input")
        if "token" in key or "secret" in key:
            shown = "***"
        elif key == "database.url" and isinstance(shown, str):
            shown = mask_url(shown)
        lines.append(f"{source}: {key} = {shown!r}: {message}")
    text = "\n".join(lines)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _raw_secrets(data: dict[str, Any]) -> list[str]:
    """Secret values as written, before validation (an invalid file must not print them either)."""
    found = []
    for section, key in (("telegram", "token"), ("zalo", "token"), ("zalo", "webhook_secret")):
        value = data.get(section, {}).get(key) if isinstance(data.get(section), dict) else None
        if isinstance(value, str) and value:
            found.append(value)
    url = data.get("database", {}).get("url") if isinstance(data.get("database"), dict) else None
    if isinstance(url, str):
        try:
            password = make_url(url).password
        except (ArgumentError, ValueError):
            password = None
        if password:
            found.append(str(password))
    return found


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
        raise ConfigError(_format_errors(source, exc, _raw_secrets(data))) from None
