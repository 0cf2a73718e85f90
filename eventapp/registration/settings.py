"""An event's registration settings (deadline and limits): read them, store them, and
contribute them to the event pages, the API's event JSON and the deadline kinds.

The definition (``registration.deadline``, ``registration.default_max_per_unit``,
``registration.categories[].organizer_only``, ``sessions[].reserved``) is parsed by
``events/definition.py``; the events import hands it here (``_load``), so registration owns
its own settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from flask import Flask

from eventapp.errors import Invalid
from eventapp.events import cloning, deadlines
from eventapp.events import settings as event_settings
from eventapp.events.models import Category, Event, EventSession
from eventapp.extensions import db
from eventapp.registration.forms import RegistrationSettingsForm
from eventapp.registration.models import (
    DEFAULT_MAX_PER_UNIT,
    Attendee,
    AttendeeStatus,
    CategorySetting,
    InvitationSetting,
    RegistrationSetting,
    SessionReservation,
)

#: The deadline kind of registration (``DeadlineExtension.kind``).
DEADLINE = "registration"
#: What a clone copies of the invitation settings as it is (``issued_on`` is moved).
INVITATION = ("issuer_parent", "issuer", "number", "place", "inviter", "signer_capacity",
              "signer_title", "signer_name", "short_title", "note")


def _setting(event: Event) -> RegistrationSetting | None:
    return db.session.scalar(sa.select(RegistrationSetting).where(
        RegistrationSetting.event_id == event.id))


def _setting_for_update(event: Event) -> RegistrationSetting:
    setting = _setting(event)
    if setting is None:
        setting = RegistrationSetting(event_id=event.id, default_max_per_unit=DEFAULT_MAX_PER_UNIT)
        db.session.add(setting)
    return setting


def default_max_per_unit(event: Event) -> int | None:
    """The per-unit limit per session where no cap applies (None: no limit)."""
    setting = _setting(event)
    return DEFAULT_MAX_PER_UNIT if setting is None else setting.default_max_per_unit


def deadline(event: Event) -> datetime | None:
    """Units register delegates strictly before it (None: no deadline)."""
    setting = _setting(event)
    return None if setting is None else setting.deadline


def store_deadline(event: Event, value: datetime | None) -> None:
    _setting_for_update(event).deadline = value
    db.session.flush()


def approval_required(event: Event) -> bool:
    """Ban tổ chức duyệt đăng ký đại biểu: units' new registrations wait for approval."""
    setting = _setting(event)
    return bool(setting and setting.approval_required)


def store_approval(event: Event, value: bool) -> None:
    """Switch the approval step on or off; off is refused while registrations wait
    (``Invalid`` on the form's field): they would otherwise be neither approved nor not."""
    if not value and approval_required(event) and _waiting(event):
        raise Invalid({"approval_required": (
            f"Còn {_waiting(event)} đăng ký đại biểu chờ duyệt: hãy duyệt hoặc từ chối hết "
            "rồi mới tắt bước duyệt.")})
    _setting_for_update(event).approval_required = bool(value)
    db.session.flush()


def _waiting(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.count(Attendee.id)).where(
        Attendee.event_id == event.id,
        Attendee.status == AttendeeStatus.pending.value)) or 0


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
    _setting_for_update(event).default_max_per_unit = default_max
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


def _apply(event: Event, values: Mapping) -> None:
    if "approval_required" in values:
        store_approval(event, bool(values["approval_required"]))
    store_deadline(event, values["registration_deadline"])


def _load(event: Event, definition: dict) -> None:
    section = definition["registration"]
    store_deadline(event, section["deadline"])
    store(event, section["default_max_per_unit"],
          {c["key"]: c["organizer_only"] for c in section["categories"]},
          {s["key"]: s["reserved"] for s in definition["sessions"]})


def _describe(event: Event) -> dict:
    value = deadline(event)
    return {"deadline": value.isoformat() if value else None,
            "approval_required": approval_required(event)}


PART = event_settings.SettingsPart(
    key="registration", legend="Đăng ký đại biểu", form=RegistrationSettingsForm,
    values=lambda event: {"registration_deadline": deadline(event),
                          "approval_required": approval_required(event)},
    apply=_apply,
    load=_load, describe=_describe)


def copy(source: Event, target: Event, shift: cloning.Shift) -> None:
    """A clone's deadline (moved like its sessions), limits and invitation settings (the
    date of issue moved too)."""
    store_deadline(target, shift.instant(deadline(source)))
    store_approval(target, approval_required(source))
    categories = {c.id: c.key for c in source.categories}
    sessions = {s.id: s.key for s in source.sessions}
    store(target, default_max_per_unit(source),
          {categories[category_id]: True for category_id in organizer_only(source)},
          {sessions[session_id]: seats for session_id, seats in reserved(source).items()})
    shift.copy_row(InvitationSetting, source, target, INVITATION, "issued_on")


def contribute(app: Flask) -> None:
    """The registration deadline kind, the registration part of the event settings and its
    copy."""
    deadlines.register(app, DEADLINE, "Đăng ký đại biểu", deadline)
    event_settings.register(app, PART)
    cloning.register(app, "registration", copy)
