"""What a unit still has to do, gathered from every domain for its home page.

A domain registers a provider ``fn(event, unit) -> Summary | None`` with ``@provider``;
the events overview shows them in registration order. Keeps the events package from
importing the other domains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

_providers: list[Callable] = []


@dataclass
class Summary:
    title: str
    #: One-line status such as "9/15 câu hỏi — còn thiếu 6".
    status: str
    url: str | None = None
    deadline: datetime | None = None
    is_open: bool = True
    done: bool = False
    details: list[str] = field(default_factory=list)


def provider(fn: Callable) -> Callable:
    if fn not in _providers:
        _providers.append(fn)
    return fn


def unit_summaries(event, unit) -> list[Summary]:
    return [s for s in (fn(event, unit) for fn in _providers) if s is not None]
