"""Deadline kinds (loại hạn chót): a small registry the domains contribute to.

Each domain that has an event-wide deadline registers its kind from its ``init_app`` with
``register(app, key, label, read)``; ``read(event)`` gives the event-wide deadline from the
domain's own settings. A unit's extension (``DeadlineExtension.kind``) names the kind by its
key, so the events package never names the domains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

KEY = "deadline_kinds"


@dataclass(frozen=True)
class DeadlineKind:
    """One kind of deadline: ``key`` is stored on extensions, ``label`` shown in Vietnamese."""

    key: str
    label: str
    read: Callable[..., datetime | None]

    def deadline_of(self, event) -> datetime | None:
        """The event-wide deadline of this kind (a unit may have an extension)."""
        return self.read(event)


def register(app: Flask, key: str, label: str, read: Callable[..., datetime | None]) -> None:
    """Add a deadline kind to ``app``, in registration order (a domain's ``init_app``)."""
    kinds = app.extensions.setdefault(KEY, {})
    kinds[key] = DeadlineKind(key, label, read)


def kinds() -> list[DeadlineKind]:
    """Every registered kind, in the order the domains were registered."""
    return list(current_app.extensions.get(KEY, {}).values())


def kind(key: DeadlineKind | str) -> DeadlineKind:
    """The registered kind ``key``; ``KeyError`` for a kind no domain registered."""
    if isinstance(key, DeadlineKind):
        return key
    return current_app.extensions.get(KEY, {})[key]


def choices() -> list[tuple[str, str]]:
    """``(key, label)`` of every kind, for a select field."""
    return [(k.key, k.label) for k in kinds()]
