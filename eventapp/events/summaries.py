"""What a unit still has to do, gathered from every domain for its home page.

A domain contributes a provider ``fn(event, unit) -> Summary | None`` from its ``init_app``
with ``register(app, fn)``; the events overview shows them in that order. Keeps the events
package from importing the other domains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app

KEY = "unit_summaries"


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


def register(app: Flask, fn: Callable) -> None:
    """Add ``fn`` to the unit home page of ``app`` (a domain's ``init_app`` calls this)."""
    providers = app.extensions.setdefault(KEY, [])
    if fn not in providers:
        providers.append(fn)


def unit_summaries(event, unit) -> list[Summary]:
    return [s for s in (fn(event, unit) for fn in current_app.extensions.get(KEY, []))
            if s is not None]
