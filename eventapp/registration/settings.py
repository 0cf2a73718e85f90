"""An event's registration limits: read them, and store them from the event definition.

The definition (``registration.default_max_per_unit``, ``registration.categories[]
.organizer_only``, ``sessions[].reserved``) is parsed by ``events/definition.py``; the
events import hands these values here, so registration owns its own settings.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from eventapp.events.models import Category, Event, EventSession
from eventapp.extensions import db
from eventapp.registration.models import (
    DEFAULT_MAX_PER_UNIT,
    CategorySetting,
    RegistrationSetting,
    SessionReservation,
)


def default_max_per_unit(event: Event) -> int | None:
    """The per-unit limit per session where no cap applies (None: no limit)."""
    setting = db.session.scalar(sa.select(RegistrationSetting).where(
        RegistrationSetting.event_id == event.id))
    return DEFAULT_MAX_PER_UNIT if setting is None else setting.default_max_per_unit


def organizer_only(event: Event) -> set[int]:
    """Ids of the event's categories that only the organizer may register people in."""
    return set(db.session.scalars(
        sa.select(CategorySetting.category_id).join(
            Category, Category.id == CategorySetting.category_id)
        .where(Category.event_id == event.id, CategorySetting.organizer_only)))


def reserved(event: Event) -> dict[int, int]:
    """``{session id: seats kept for the organizer's guests}`` (sessions with some)."""
    return dict(db.session.execute(
        sa.select(SessionReservation.session_id, SessionReservation.reserved).join(
            EventSession, EventSession.id == SessionReservation.session_id)
        .where(EventSession.event_id == event.id, SessionReservation.reserved > 0)).all())


def store(event: Event, default_max: int | None, organizer_only_by_key: Mapping[str, bool],
          reserved_by_key: Mapping[str, int]) -> None:
    """Set the event's limits from its definition; categories and sessions the definition
    does not list keep what they had (the import never deletes them either)."""
    setting = db.session.scalar(sa.select(RegistrationSetting).where(
        RegistrationSetting.event_id == event.id))
    if setting is None:
        setting = RegistrationSetting(event_id=event.id)
        db.session.add(setting)
    setting.default_max_per_unit = default_max
    for category in event.categories:
        if category.key in organizer_only_by_key:
            row = db.session.get(CategorySetting, category.id) or CategorySetting(
                category_id=category.id)
            row.organizer_only = bool(organizer_only_by_key[category.key])
            db.session.add(row)
    for session in event.sessions:
        if session.key in reserved_by_key:
            row = db.session.get(SessionReservation, session.id) or SessionReservation(
                session_id=session.id)
            row.reserved = reserved_by_key[session.key]
            db.session.add(row)
    db.session.flush()
