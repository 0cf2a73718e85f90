"""What the domains put on the organizer's dashboard, through hooks registered from their
``init_app`` (as ``events/summaries.py``): the dashboard never names a domain's tables.

- ``register_waiting(app, fn)``: ``fn() -> list[Waiting]``, the organizer's work waiting in
  every event (one grouped query across events, e.g. questions to moderate);
- ``register_arrivals(app, fn)``: ``fn(event, session) -> Arrivals | None``, the live
  arrivals of a session running now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app, url_for

WAITING, ARRIVALS = "dashboard_waiting", "dashboard_arrivals"


@dataclass(frozen=True)
class Waiting:
    """Work waiting for the organizer in one event: "12 câu hỏi chờ duyệt" and its page."""

    event_id: int
    section: str
    count: int
    url: str


@dataclass(frozen=True)
class Arrivals:
    """A running session's arrivals so far, and the page that follows them."""

    arrived: int
    expected: int
    url: str


def waiting_per_event(model, status: str, label: str, endpoint: str) -> list[Waiting]:
    """Rows of ``model`` in ``status``, per event that has some, linked to ``endpoint``
    filtered by that status: the shape every domain's waiting work takes."""
    from eventapp.events.models import Event  # the events package imports this registry
    from eventapp.extensions import db

    # Counted per event inside the (event_id, status…) index, not by a join over the table.
    count = (sa.select(sa.func.count()).select_from(model)
             .where(model.event_id == Event.id, model.status == status).scalar_subquery())
    rows = db.session.execute(sa.select(Event.id, Event.slug, count)).all()
    return [Waiting(event_id, label, n, url_for(endpoint, slug=slug, status=status))
            for event_id, slug, n in rows if n]


def register_waiting(app: Flask, fn: Callable[[], list[Waiting]]) -> None:
    app.extensions.setdefault(WAITING, []).append(fn)


def register_arrivals(app: Flask, fn: Callable[..., Arrivals | None]) -> None:
    app.extensions.setdefault(ARRIVALS, []).append(fn)


def waiting() -> list[Waiting]:
    return [w for fn in current_app.extensions.get(WAITING, []) for w in fn()]


def arrivals(event, session) -> Arrivals | None:
    """The first answer of the registered providers (check-in is the one today)."""
    for fn in current_app.extensions.get(ARRIVALS, []):
        found = fn(event, session)
        if found is not None:
            return found
    return None
