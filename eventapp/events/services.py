"""Operations on events: import/upsert from a definition, deadlines and extensions.

The only module that writes the events domain's tables.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from eventapp import audit
from eventapp.api import load
from eventapp.clock import now
from eventapp.errors import DeadlinePassed, Invalid
from eventapp.events import rules
from eventapp.events.definition import EventDef
from eventapp.events.models import (
    Category,
    DeadlineExtension,
    DeadlineKind,
    Event,
    EventSession,
    EventUnit,
    RegistrationCap,
    Topic,
)
from eventapp.extensions import db
from eventapp.formatting import configured_zone_name
from eventapp.registration import settings as registration_settings
from eventapp.units.models import Unit

#: Fields whose changes the audit log records with before/after values.
AUDITED_FIELDS = ["title", "theme", "question_deadline", "question_min_per_unit",
                  "question_max_per_unit", "registration_deadline", "nomination_deadline",
                  "nomination_reference_date", "serving_min_years", "retired_min_years",
                  "title_window_years", "discipline_window_years", "nomination_unit_kinds"]


def get_event(slug: str) -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


# --- Deadlines ----------------------------------------------------------------------------

def extension_for(event: Event, unit_id: int | None, kind: DeadlineKind | str
                  ) -> DeadlineExtension | None:
    if unit_id is None:
        return None
    return db.session.scalar(sa.select(DeadlineExtension).where(
        DeadlineExtension.event_id == event.id, DeadlineExtension.unit_id == unit_id,
        DeadlineExtension.kind == DeadlineKind(kind).value))


def effective_deadline(event: Event, unit_id: int | None, kind: DeadlineKind | str
                       ) -> datetime | None:
    ext = extension_for(event, unit_id, kind)
    return rules.effective_deadline(event.deadline_for(kind), ext.deadline if ext else None)


def ensure_open(event: Event, unit_id: int | None, kind: DeadlineKind | str) -> None:
    """Raise ``DeadlinePassed`` at or after the unit's effective deadline."""
    deadline = effective_deadline(event, unit_id, kind)
    if not rules.is_open(now(), deadline):
        raise DeadlinePassed(deadline, where=event)


def is_open_for(event: Event, unit_id: int | None, kind: DeadlineKind | str) -> bool:
    return rules.is_open(now(), effective_deadline(event, unit_id, kind))


def grant_extension(event: Event, unit: Unit, kind: DeadlineKind | str, deadline: datetime,
                    reason: str, user) -> DeadlineExtension:
    """Give one unit its own later deadline, recording who and why (replaces an earlier one)."""
    kind = DeadlineKind(kind)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Cần ghi lý do gia hạn."
    base = event.deadline_for(kind)
    if base is not None and deadline <= base:
        errors["deadline"] = "Hạn mới phải sau hạn chung của sự kiện."
    if errors:
        raise Invalid(errors)
    ext = extension_for(event, unit.id, kind)
    before = {"deadline": ext.deadline, "reason": ext.reason} if ext else None
    values = {"deadline": deadline, "reason": reason, "granted_by_id": user.id,
              "granted_at": now()}
    if ext is None:
        ext = DeadlineExtension(event_id=event.id, unit_id=unit.id, kind=kind.value, **values)
        db.session.add(ext)
    else:
        for key, value in values.items():
            setattr(ext, key, value)
    audit.record("extension.grant", obj=ext, event_id=event.id,
                 summary=f"Gia hạn '{kind.label}' cho {unit.name}", before=before,
                 after={"deadline": deadline, "reason": reason}, user=user)
    db.session.flush()
    return ext


def revoke_extension(ext: DeadlineExtension, user) -> None:
    audit.record("extension.revoke", obj=ext, event_id=ext.event_id,
                 summary=f"Hủy gia hạn cho {ext.unit.name}",
                 before={"deadline": ext.deadline, "reason": ext.reason}, user=user)
    db.session.delete(ext)
    db.session.flush()


# --- Definition import ----------------------------------------------------------------------

def import_event(raw: dict, user=None) -> Event:
    """Create or update (by slug) an event from a definition; units are upserted by code.

    Validation happens before anything is written; the whole import is one transaction.
    Sessions, topics and categories are upserted by key/name; none are deleted, so data
    already attached to them (attendees, questions) survives a re-import.
    """
    data = load(EventDef, raw)
    event = get_event(data["slug"])
    created = event is None
    if created:
        event = Event(slug=data["slug"])
        db.session.add(event)
    before = None if created else audit.snapshot(event, AUDITED_FIELDS)
    q, reg, nom = data["questions"], data["registration"], data["nominations"]
    event.title, event.theme, event.timezone = data["title"], data["theme"], data["timezone"]
    event.question_deadline = q["deadline"]
    event.question_min_per_unit = q["min_per_unit"]
    event.question_max_per_unit = q["max_per_unit"]
    event.registration_deadline = reg["deadline"]
    event.nomination_deadline = nom["deadline"]
    event.nomination_reference_date = nom["reference_date"]
    for key in ("serving_min_years", "retired_min_years", "title_window_years",
                "discipline_window_years"):
        setattr(event, key, nom[key])
    event.nomination_unit_kinds = list(nom["submitting_unit_kinds"])
    db.session.flush()

    for item in data["units"]:
        upsert_participation(event, item["code"], item["name"], item["kind"])
    sessions = {s.key: s for s in event.sessions}
    for item in data["sessions"]:
        session = sessions.get(item["key"]) or EventSession(key=item["key"])
        if session.id is None:
            event.sessions.append(session)
        for key in ("name", "starts_at", "ends_at", "venue", "capacity", "agenda"):
            setattr(session, key, item[key])
        sessions[item["key"]] = session
    topics = {t.name: t for t in event.topics}
    for position, name in enumerate(q["topics"]):
        topic = topics.get(name) or Topic(name=name)
        topic.position = position
        if topic.id is None:
            event.topics.append(topic)
    categories = {c.key: c for c in event.categories}
    for position, item in enumerate(reg["categories"]):
        category = categories.get(item["key"]) or Category(key=item["key"])
        category.name, category.position = item["name"], position
        if category.id is None:
            event.categories.append(category)
        categories[item["key"]] = category
    db.session.flush()
    for item in reg["caps"]:
        set_cap(event, sessions[item["session"]], categories[item["category"]],
                item["unit_kind"], item["max_per_unit"])
    registration_settings.store(
        event, reg["default_max_per_unit"],
        {c["key"]: c["organizer_only"] for c in reg["categories"]},
        {s["key"]: s["reserved"] for s in data["sessions"]})
    audit.record("event.import" if created else "event.update", obj=event, event_id=event.id,
                 summary=f"Nhập định nghĩa sự kiện {event.slug}", before=before,
                 after=audit.snapshot(event, AUDITED_FIELDS), user=user)
    db.session.flush()
    return event


def upsert_participation(event: Event, code: str, name: str, kind: str) -> Unit:
    """Create or update unit ``code`` and make sure it takes part in ``event``."""
    code = code.strip().upper()
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code)
        db.session.add(unit)
    unit.name, unit.kind = name.strip(), kind
    db.session.flush()
    exists = db.session.scalar(sa.select(EventUnit.id).where(
        EventUnit.event_id == event.id, EventUnit.unit_id == unit.id))
    if exists is None:
        db.session.add(EventUnit(event_id=event.id, unit_id=unit.id))
    return unit


def set_cap(event: Event, session: EventSession, category: Category, unit_kind: str | None,
            max_per_unit: int) -> RegistrationCap:
    cap = db.session.scalar(sa.select(RegistrationCap).where(
        RegistrationCap.session_id == session.id, RegistrationCap.category_id == category.id,
        RegistrationCap.unit_kind.is_(unit_kind) if unit_kind is None
        else RegistrationCap.unit_kind == unit_kind))
    if cap is None:
        cap = RegistrationCap(event_id=event.id, session_id=session.id,
                              category_id=category.id, unit_kind=unit_kind)
        db.session.add(cap)
    cap.max_per_unit = max_per_unit
    return cap


# --- Edits from the organizer pages --------------------------------------------------------

def create_event(slug: str, values: dict, topics: list[str] | None, user) -> Event:
    """A new event from the organizer's form: settings and topics, audited as one creation."""
    if get_event(slug) is not None:
        raise Invalid({"slug": "Mã sự kiện đã được dùng."})
    event = Event(slug=slug, timezone=configured_zone_name())
    db.session.add(event)
    _apply_settings(event, values)
    db.session.flush()
    if topics is not None:
        replace_topics(event, topics, user)
    audit.record("event.create", obj=event, event_id=event.id,
                 summary=f"Tạo sự kiện {event.slug}",
                 after=audit.snapshot(event, AUDITED_FIELDS), user=user)
    return event


def update_event(event: Event, values: dict, topics: list[str] | None, user) -> Event:
    """Apply edited settings (and the topic list), auditing the changed key fields."""
    before = audit.snapshot(event, AUDITED_FIELDS)
    _apply_settings(event, values)
    if topics is not None:
        replace_topics(event, topics, user)
    old, new = audit.changed(before, audit.snapshot(event, AUDITED_FIELDS))
    if new:
        audit.record("event.update", obj=event, event_id=event.id,
                     summary=f"Sửa thông tin sự kiện {event.slug}", before=old, after=new,
                     user=user)
    db.session.flush()
    return event


def _apply_settings(event: Event, values: dict) -> None:
    for key, value in values.items():
        setattr(event, key, value)
    if event.question_max_per_unit is not None and \
            event.question_max_per_unit < (event.question_min_per_unit or 0):
        raise Invalid({"question_max_per_unit": "Số tối đa không được nhỏ hơn số tối thiểu."})


def save_session(event: Event, session: EventSession | None, values: dict, user
                 ) -> EventSession:
    created = session is None
    if created:
        if any(s.key == values["key"] for s in event.sessions):
            raise Invalid({"key": "Mã phiên đã được dùng trong sự kiện này."})
        session = EventSession(event_id=event.id)
        db.session.add(session)
    before = None if created else audit.snapshot(session, ["name", "starts_at", "ends_at",
                                                           "venue", "capacity"])
    for key, value in values.items():
        setattr(session, key, value)
    if session.ends_at and session.ends_at <= session.starts_at:
        raise Invalid({"ends_at": "Giờ kết thúc phải sau giờ bắt đầu."})
    audit.record("session.create" if created else "session.update", obj=session,
                 event_id=event.id, summary=f"Phiên {session.name}", before=before,
                 after=audit.snapshot(session, ["name", "starts_at", "ends_at", "venue",
                                                "capacity"]), user=user)
    db.session.flush()
    return session


def replace_topics(event: Event, names: list[str], user) -> None:
    """Set the event's topic list; topics that already have questions are kept."""
    wanted = [n for n in dict.fromkeys(n.strip() for n in names) if n]
    existing = {t.name: t for t in event.topics}
    for position, name in enumerate(wanted):
        topic = existing.pop(name, None) or Topic(name=name)
        topic.position = position
        if topic.id is None:
            event.topics.append(topic)
    for topic in existing.values():  # topics no longer listed go to the end, not away
        topic.position = len(wanted) + topic.position
    db.session.flush()


def honoring_reference_date(event: Event) -> date | None:
    """``nomination_reference_date``, else the date of the first session."""
    if event.nomination_reference_date:
        return event.nomination_reference_date
    if event.sessions:
        from eventapp.formatting import local

        return local(event.sessions[0].starts_at, event.timezone).date()
    return None


def event_to_dict(event: Event) -> dict:
    """The API representation of an event with its sessions and units."""
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {
        "slug": event.slug, "title": event.title, "theme": event.theme,
        "timezone": event.timezone,
        "sessions": [{"key": s.key, "name": s.name, "starts_at": iso(s.starts_at),
                      "ends_at": iso(s.ends_at), "venue": s.venue, "capacity": s.capacity,
                      "agenda": list(s.agenda or [])} for s in event.sessions],
        "units": [{"code": u.code, "name": u.name, "kind": u.kind} for u in event.units],
        "questions": {"deadline": iso(event.question_deadline),
                      "min_per_unit": event.question_min_per_unit,
                      "max_per_unit": event.question_max_per_unit,
                      "topics": [t.name for t in event.topics]},
        "registration": {"deadline": iso(event.registration_deadline),
                         "categories": [{"key": c.key, "name": c.name}
                                        for c in event.categories],
                         "caps": [{"session": c.session.key, "category": c.category.key,
                                   "unit_kind": c.unit_kind, "max_per_unit": c.max_per_unit}
                                  for c in event.caps]},
        "nominations": {"deadline": iso(event.nomination_deadline),
                        "reference_date": iso(honoring_reference_date(event)),
                        "serving_min_years": event.serving_min_years,
                        "retired_min_years": event.retired_min_years,
                        "title_window_years": event.title_window_years,
                        "discipline_window_years": event.discipline_window_years,
                        "submitting_unit_kinds": list(event.nomination_unit_kinds or [])},
    }
