"""Finding people, cells and committees by a typed name: one rule for every search.

Identity is `name_key` (every diacritic counts: Tâm is not Tám). Searching is kinder: when no
name is the same, the folded name (diacritics dropped) is tried whole, then as whole words, then
as a part. A caller that needs identity (the roster import) uses `same_name`; a caller that
answers a typed command uses `find_by_name` and asks again when several remain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from services.text import clean_name, fold, name_key

T = TypeVar("T")


def same_name(items: Iterable[T], wanted: str, name: Callable[[T], str]) -> list[T]:
    """The items whose name is this name (identity: case, spacing and invisible characters aside)."""
    key = name_key(wanted)
    return [item for item in items if name_key(name(item)) == key]


def find_by_name(items: Sequence[T], wanted: str, name: Callable[[T], str]) -> list[T]:
    """The first non-empty tier of: same name, same folded name, folded whole words, folded part."""
    exact = same_name(items, wanted, name)
    if exact or not clean_name(wanted):
        return exact
    typed = fold(clean_name(wanted))
    folded = [(item, fold(clean_name(name(item)))) for item in items]
    for matches in (
        lambda f: f == typed,
        lambda f: f" {typed} " in f" {f} ",
        lambda f: typed in f,
    ):
        found = [item for item, f in folded if matches(f)]
        if found:
            return found
    return []


def suggest(items: Iterable[T], wanted: str, name: Callable[[T], str], limit: int = 5) -> list[T]:
    """Items a mistyped name may have meant ("did you mean …"), for messages only: the same folded
    name (Tám for Tâm), else a folded part."""
    typed = fold(clean_name(wanted))
    folded = [(item, fold(clean_name(name(item)))) for item in items]
    same = [item for item, f in folded if f == typed]
    return (same or [item for item, f in folded if typed and (typed in f or f in typed)])[:limit]
