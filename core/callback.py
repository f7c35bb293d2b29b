"""Typed button data: each kind of button is a small frozen dataclass packed as "<prefix>:<field>:…".

Telegram hands back whatever string a client sends as callback data, so data are read only
through `unpack`, which refuses anything we could not have built: an unknown prefix, a wrong
number of parts, a field that is not what its type says (non-ASCII digits such as "²", a 30-digit
id, a value outside its enum). Packing checks Telegram's 64-byte limit when the button is built,
not when Telegram refuses the message. Modelled on aiogram's `filters/callback_data.py`.

A kind also says what it means, so channels without buttons can offer it as a numbered choice
without reading its data: `declines` (the "no" of a question, answered with "vắng <lý do>"),
`takes_reason` (its question may be answered in the same message), `affirms` ("có"), and
`leader` (a leader's decision: never taken from a bare number or word, only from a real button
or an explicit command).
"""

from __future__ import annotations

import dataclasses
import re
from enum import StrEnum
from typing import Any, ClassVar, Self, get_type_hints

SEPARATOR = ":"
DATA_LIMIT = 64  # bytes, Telegram's callback_data limit
# Ids are database keys (PostgreSQL INTEGER): 1 to 2**31 - 1, written in ASCII digits.
_ID = re.compile(r"[0-9]{1,10}")
ID_MAX = 2**31 - 1
_WORD = re.compile(r"[A-Za-z0-9_-]{1,32}")

_KINDS: dict[str, type[CallbackData]] = {}


def _reader(kind: Any) -> Any:
    """The strict parser of one field type; raises ValueError for anything else."""
    if kind is int:

        def read_int(text: str) -> int:
            if not _ID.fullmatch(text) or not 1 <= int(text) <= ID_MAX:
                raise ValueError(text)
            return int(text)

        return read_int
    if kind is str:

        def read_word(text: str) -> str:
            if not _WORD.fullmatch(text):
                raise ValueError(text)
            return text

        return read_word
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind
    raise TypeError(f"callback data fields are int, str or StrEnum, not {kind!r}")


@dataclasses.dataclass(frozen=True)
class CallbackData:
    """Base of every button kind; subclasses are frozen dataclasses declared with a prefix."""

    prefix: ClassVar[str]
    leader: ClassVar[bool] = False
    _readers: ClassVar[tuple[tuple[str, Any], ...]]

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix or SEPARATOR in prefix:
            raise ValueError(f"{cls.__name__} needs a prefix without {SEPARATOR!r}")
        if prefix in _KINDS:
            raise ValueError(f"button prefix clash: {prefix}")
        cls.prefix = prefix
        _KINDS[prefix] = cls

    @classmethod
    def _fields(cls) -> tuple[tuple[str, Any], ...]:
        # Built on first use: the dataclass decorator runs after __init_subclass__.
        if "_readers" not in cls.__dict__:
            hints = get_type_hints(cls)
            cls._readers = tuple((f.name, _reader(hints[f.name])) for f in dataclasses.fields(cls))
        return cls._readers

    def pack(self) -> str:
        parts = [self.prefix]
        for name, _ in self._fields():
            value = str(getattr(self, name))
            if SEPARATOR in value:
                raise ValueError(f"{self.prefix}.{name} may not contain {SEPARATOR!r}")
            parts.append(value)
        data = SEPARATOR.join(parts)
        if len(data.encode()) > DATA_LIMIT:
            raise ValueError(f"button data over {DATA_LIMIT} bytes: {data!r}")
        return data

    @classmethod
    def parse(cls, parts: list[str]) -> Self | None:
        fields = cls._fields()
        if len(parts) != len(fields):
            return None
        try:
            values = {name: read(part) for (name, read), part in zip(fields, parts, strict=True)}
        except ValueError:
            return None
        return cls(**values)

    @property
    def declines(self) -> bool:
        """The "no" of a question; typed as "vắng <lý do>" where there are no buttons."""
        return False

    @property
    def takes_reason(self) -> bool:
        """Pressing it asks for a reason, which may follow the choice's number ("2 bận công tác")."""
        return False

    @property
    def affirms(self) -> bool:
        """The "yes" of a question; typed as "có"."""
        return False

    @property
    def meeting_id(self) -> int | None:
        """The meeting this button is about, if any: a choice expires when the meeting starts."""
        return None

    @property
    def subject(self) -> str:
        """What the question is about: a newer question on the same subject replaces the older."""
        return self.pack()


def unpack(data: str | None) -> CallbackData | None:
    """The typed data a press carries, or None for anything we did not build (old or forged)."""
    if not data or len(data.encode()) > DATA_LIMIT:
        return None
    prefix, *parts = data.split(SEPARATOR)
    kind = _KINDS.get(prefix)
    return kind.parse(parts) if kind is not None else None
