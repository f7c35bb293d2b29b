"""Logging that never prints a secret or a member's personal data.

- Secrets (bot tokens, the webhook secret, the database password) are replaced by *** in the whole
  formatted record: message, traceback and stack, even inside a URL a library logs.
- Database errors are shown by their type, SQL state and statement only. Their messages are not
  printed: PostgreSQL's carry row values ("DETAIL: Failing row contains (…, <absence reason>)",
  "Key (phone)=(…)"), and SQLAlchemy's would carry the parameters if an engine did not hide them.
- One line per event: a newline inside a message or traceback is written as "\\n" (text), or is
  escaped by JSON (`[log] format = "json"`: one object per line with time, level, logger,
  message and exception). So a log collector never splits an event, and nothing a member types
  can forge a line of its own.
- People are logged by id, never by name, reason or phone (tests/test_logs.py checks real paths).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy.exc import StatementError

# Shorter values would mangle ordinary words if replaced everywhere; they are masked where printed.
SECRET_MIN_LENGTH = 4
# What a driver error may show: codes and names of the schema, never values.
_DRIVER_FIELDS = ("sqlstate", "sqlite_errorname", "table_name", "column_name", "constraint_name")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        self.secrets = sorted((s for s in secrets if len(s) >= SECRET_MIN_LENGTH), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def describe(error: BaseException) -> str:
    """An exception's line in a log: its message, or for a database error only what holds no data."""
    if isinstance(error, StatementError):
        statement = " ".join((error.statement or "").split())
        return f"({type(error.orig).__name__}: {_driver_fields(error.orig)}) [SQL: {statement}]"
    try:
        return str(error)
    except Exception:  # a broken __str__ must not hide the traceback
        return "<the exception's text could not be read>"


def _driver_fields(error: BaseException | None) -> str:
    fields = [f"{name}={getattr(error, name)}" for name in _DRIVER_FIELDS if getattr(error, name, None)]
    return ", ".join(fields) or "message hidden"


def _chain(error: BaseException) -> list[BaseException]:
    """The exception and those that led to it, outermost first (as Python links them)."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in found):
        found.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return found


def format_exception(error: BaseException) -> str:
    """Like Python's traceback, but what lies under a database error (the driver's own exceptions,
    whose messages hold row values) shows its type and codes only."""
    chain = _chain(error)
    hidden = False
    lines: list[str] = []
    for position, item in enumerate(chain):
        text = _driver_fields(item) if hidden else describe(item)
        hidden = hidden or isinstance(item, StatementError)
        block = ["Traceback (most recent call last):\n", *traceback.format_tb(item.__traceback__)]
        block.append(f"{type(item).__module__}.{type(item).__qualname__}: {text}\n")
        if isinstance(item, BaseExceptionGroup):
            for number, member in enumerate(item.exceptions, start=1):
                block.append(f"+-- {number}: " + format_exception(member).replace("\n", "\n    ") + "\n")
        if position:
            block.append("\nThe exception above led to the one below.\n\n")
        lines[:0] = block
    return "".join(lines).rstrip("\n")


class RedactingFormatter(logging.Formatter):
    """Formats with `format_exception` and redacts secrets from the whole formatted record."""

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        self.redact = Redactor(secrets)

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802 (logging's name)
        _kind, error, _tb = ei
        return format_exception(error) if error is not None else ""

    def _prepare(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and any(isinstance(a, StatementError) for a in record.args):
            record.args = tuple(describe(a) if isinstance(a, StatementError) else a for a in record.args)
        # Another handler may have cached an unsafe rendering of the exception.
        record.exc_text = None

    def format(self, record: logging.LogRecord) -> str:
        self._prepare(record)
        return self.redact(super().format(record)).replace("\r", "\\r").replace("\n", "\\n")


class JsonFormatter(RedactingFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and exception /
    stack when present, each redacted like the text format."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__("%(message)s", secrets)

    def format(self, record: logging.LogRecord) -> str:
        self._prepare(record)
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        if record.exc_info and record.exc_info[1] is not None:
            event["exception"] = self.redact(self.formatException(record.exc_info))
        if record.stack_info:
            event["stack"] = self.redact(self.formatStack(record.stack_info))
        return json.dumps(event, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers whose INFO lines are noise or unsafe; their warnings and errors still show.
QUIET = (
    "httpx",  # logs every request URL, and Bot API URLs hold the token
    "httpcore",
    "alembic",
    "apscheduler",  # "Running job …" / "Job … executed successfully" on every tick
)


def setup_logging(secrets: Iterable[str], level: int = logging.INFO, fmt: str = "text") -> None:
    """Route every log line through one redacting handler on stderr, text or JSON (`[log] format`)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(secrets) if fmt == "json" else RedactingFormatter(TEXT_FORMAT, secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
