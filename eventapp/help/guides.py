"""Which guide a role reads (parent units read the units' guide) and the event its steps
link to: the newest one the reader sees, so "Gửi câu hỏi" opens the real page."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import url_for

from eventapp.accounts.models import Role
from eventapp.checkin.rules import default_session
from eventapp.clock import now
from eventapp.events.models import Event, EventUnit
from eventapp.extensions import db

#: The guides by the last part of their address: (role, template, title).
GUIDES = {
    "ban-to-chuc": (Role.organizer, "help/organizer.html", "Hướng dẫn cho Ban tổ chức"),
    "don-vi": (Role.unit, "help/unit.html", "Hướng dẫn cho đơn vị"),
    "don-tiep": (Role.checkin, "help/checkin.html", "Hướng dẫn cho tổ đón tiếp (check-in)"),
}
#: The address of each role's own guide.
BY_ROLE = {role: key for key, (role, _, _) in GUIDES.items()}


def example_event(user) -> Event | None:
    """The newest event ``user`` sees: a unit's (or its children's), else any."""
    query = sa.select(Event).order_by(Event.created_at.desc(), Event.id.desc()).limit(1)
    if user.is_unit:
        acted_for = {user.unit_id, *user.child_unit_ids}
        query = query.where(Event.id.in_(sa.select(EventUnit.event_id).where(
            EventUnit.unit_id.in_(acted_for))))
    return db.session.scalar(query)


def linker(event: Event | None) -> Callable[..., str]:
    """``to(endpoint, **args)``: the page in ``event`` (its ``slug`` added), or — with no
    event yet — ``fallback`` (the list where one is chosen or created)."""

    def to(endpoint: str, fallback: str = "core.home", **args) -> str:
        if event is None:
            return url_for(fallback)
        if endpoint == "checkin.scanner" and "session_key" not in args:
            session = default_session(event.sessions, now())  # as the check-in list opens
            if session is None:
                return url_for(fallback)
            args["session_key"] = session.key
        return url_for(endpoint, slug=event.slug, **args)

    return to
