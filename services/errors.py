"""Refusals a user can act on. The key names a catalog message; handlers render it."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule said no: nothing was changed, and the user is told why with `key`."""

    def __init__(self, key: str, **args: Any) -> None:
        super().__init__(key)
        self.key = key
        self.args_for_message = args
