"""Operations on events: import/upsert from a definition, deadlines and extensions.

The only module that writes the events domain's tables.
"""

from __future__ import annotations

from datetime import datetime
from textwrap import shorten

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from eventapp import audit
from eventapp.api import load
from eventapp.clock import now
from eventapp.errors import DeadlinePassed, Invalid
from eventapp.events import deadlines, rules, settings
from eventapp.events.deadlines import DeadlineKind
from eventapp.events.definition import EventDef
from eventapp.events.models import (
    Category,
    DeadlineExtension,
    Event,
    EventSession,
    EventUnit,
    RegistrationCap,
    Topic,
)
from eventapp.extensions import db
from eventapp.formatting import configured_zone_name, local_dt
from eventapp.messages import notices
from eventapp.units import history, kinds
from eventapp.units.contacts import describe as describe_contact
from eventapp.units.contacts import merge_contacts
from eventapp.units.models import Unit
from eventapp.units.rules import normal_code
from eventapp.units.tree import parent_errors, set_parents

#: The event's own fields whose changes the audit log records with before/after values;
#: the domains' settings are recorded beside them (``settings.snapshot``).
AUDITED_FIELDS = ["title", "theme"]


def quoted(event: Event) -> str:
    """The event's title, shortened and quoted, as audit summaries name it."""
    return f"“{shorten(event.title, 80, placeholder='…')}”"


def get_event(slug: str) -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


# --- Deadlines ----------------------------------------------------------------------------

def extension_for(event: Event, unit_id: int | None, kind: DeadlineKind | str
                  ) -> DeadlineExtension | None:
    if unit_id is None:
        return None
    return db.session.scalar(sa.select(DeadlineExtension).where(
        DeadlineExtension.event_id == event.id, DeadlineExtension.unit_id == unit_id,
        DeadlineExtension.kind == deadlines.kind(kind).key))


def effective_deadline(event: Event, unit_id: int | None, kind: DeadlineKind | str
                       ) -> datetime | None:
    ext = extension_for(event, unit_id, kind)
    base = deadlines.kind(kind).deadline_of(event)
    return rules.effective_deadline(base, ext.deadline if ext else None)


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
    kind = deadlines.kind(kind)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Cần ghi lý do gia hạn."
    base = kind.deadline_of(event)
    if base is not None and deadline <= base:
        errors["deadline"] = "Hạn mới phải sau hạn chung của sự kiện."
    if errors:
        raise Invalid(errors)
    ext = extension_for(event, unit.id, kind)
    before = {"deadline": ext.deadline, "reason": ext.reason} if ext else None
    values = {"deadline": deadline, "reason": reason, "granted_by_id": user.id,
              "granted_at": now()}
    if ext is None:
        ext = DeadlineExtension(event_id=event.id, unit_id=unit.id, kind=kind.key, **values)
        db.session.add(ext)
    else:
        for key, value in values.items():
            setattr(ext, key, value)
    audit.record("extension.grant", obj=ext, event_id=event.id,
                 summary=f"Gia hạn '{kind.label}' cho {unit.name}", before=before,
                 after={"deadline": deadline, "reason": reason}, user=user)
    db.session.flush()
    notices.notify("extension_granted", event=event, unit_id=unit.id, ref=f"extension:{ext.id}",
                   values={"han_muc": kind.label, "han_moi": local_dt(deadline, event),
                           "ly_do": reason}, user=user)
    return ext


def revoke_extension(ext: DeadlineExtension, user) -> None:
    notices.notify("extension_revoked", event=db.session.get(Event, ext.event_id),
                   unit_id=ext.unit_id, ref=f"extension:{ext.id}",
                   values={"han_muc": deadlines.kind(ext.kind).label}, user=user)
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
    parents = {u["code"]: u["parent"] for u in data["units"] if "parent" in u}
    if wrong := parent_errors(parents, [u["code"] for u in data["units"]]):
        codes = [normal_code(u["code"]) for u in data["units"]]
        raise Invalid({f"units.{codes.index(c)}.parent": m for c, m in wrong.items()})
    event = get_event(data["slug"])
    created = event is None
    if created:
        event = Event(slug=data["slug"])
        db.session.add(event)
    before = None if created else _snapshot(event)
    event.title, event.theme, event.timezone = data["title"], data["theme"], data["timezone"]
    db.session.flush()

    kinds.declare(data["unit_kinds"], user)
    for item in data["units"]:
        unit = upsert_participation(event, item["code"], item["name"], item["kind"])
        extra = [{"email": item["email"]}] if item["email"] else []
        merge_contacts(unit, item["contacts"] + extra)
    db.session.flush()
    set_parents({normal_code(c): normal_code(p) or None for c, p in parents.items()})
    sessions = {s.key: s for s in event.sessions}
    for item in data["sessions"]:
        session = sessions.get(item["key"]) or EventSession(key=item["key"])
        if session.id is None:
            event.sessions.append(session)
        for key in ("name", "starts_at", "ends_at", "venue", "capacity", "agenda"):
            setattr(session, key, item[key])
        sessions[item["key"]] = session
    topics = {t.name: t for t in event.topics}
    for position, name in enumerate(data["questions"]["topics"]):
        topic = topics.get(name) or Topic(name=name)
        topic.position = position
        if topic.id is None:
            event.topics.append(topic)
    categories = {c.key: c for c in event.categories}
    for position, item in enumerate(data["registration"]["categories"]):
        category = categories.get(item["key"]) or Category(key=item["key"])
        category.name, category.position = item["name"], position
        if category.id is None:
            event.categories.append(category)
        categories[item["key"]] = category
    db.session.flush()
    for item in data["registration"]["caps"]:
        set_cap(event, sessions[item["session"]], categories[item["category"]],
                item["unit_kind"], item["max_per_unit"])
    settings.load(event, data)  # each domain takes its own settings from its section
    audit.record("event.import" if created else "event.update", obj=event, event_id=event.id,
                 summary=f"Nhập định nghĩa sự kiện {quoted(event)}",
                 before=before,
                 after=_snapshot(event), user=user)
    db.session.flush()
    return event


def upsert_participation(event: Event, code: str, name: str, kind: str) -> Unit:
    """Create or update unit ``code`` and make sure it takes part in ``event``."""
    code = normal_code(code)
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code)
        db.session.add(unit)
    unit.name, unit.kind = name.strip(), kind
    db.session.flush()
    participation = db.session.scalar(sa.select(EventUnit).where(
        EventUnit.event_id == event.id, EventUnit.unit_id == unit.id))
    if participation is None:
        refuse_merged(event, unit)
        participation = EventUnit(event_id=event.id, unit_id=unit.id)
        db.session.add(participation)
    # The name typed for this event is the unit's name at this event (units/history.py).
    participation.name = unit.name
    return unit


def refuse_merged(event: Event, unit: Unit) -> None:
    """A unit merged into another on or before the event's day takes no part in it."""
    day = history.event_days([event.id]).get(event.id)
    if history.successor(unit.id, day) != unit.id:
        merge = history.merge_of(unit.id)
        raise Invalid({"code": f"{unit.name} ({unit.code}) đã sáp nhập vào "
                               f"{merge.merged_into.name} từ ngày "
                               f"{merge.effective_on:%d/%m/%Y}; không thể tham gia sự kiện "
                               "này."})


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


def kind_in_use(key: str) -> str | None:
    """Why unit kind ``key`` may not be deleted: the caps held to it."""
    count = db.session.scalar(sa.select(sa.func.count()).where(RegistrationCap.unit_kind == key))
    return f"{count} chỉ tiêu đại biểu áp dụng cho loại này" if count else None


# --- Edits from the organizer pages --------------------------------------------------------

SLUG_TAKEN = "Mã sự kiện đã được dùng."


def create_event(slug: str, values: dict, topics: list[str] | None, user,
                 parts: dict[str, dict] | None = None) -> Event:
    """A new event from the organizer's form: its fields, each domain's settings
    (``parts``: ``{part key: {field: value}}``) and topics, audited as one creation."""
    if get_event(slug) is not None:
        raise Invalid({"slug": SLUG_TAKEN})
    event = Event(slug=slug, timezone=configured_zone_name())
    for key, value in values.items():
        setattr(event, key, value)
    try:
        # Two organizers creating the same slug at once: the unique index decides, and the
        # savepoint keeps the loser's transaction usable for its message (as clone_event).
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:
        raise Invalid({"slug": SLUG_TAKEN}) from None
    settings.apply(event, parts or {})
    if topics is not None:
        replace_topics(event, topics, user)
    audit.record("event.create", obj=event, event_id=event.id,
                 summary=f"Tạo sự kiện {quoted(event)}", after=_snapshot(event), user=user)
    db.session.flush()
    return event


def update_event(event: Event, values: dict, topics: list[str] | None, user,
                 parts: dict[str, dict] | None = None) -> Event:
    """Apply edited fields, each domain's settings and the topic list, auditing the changed
    key fields."""
    before = _snapshot(event)
    for key, value in values.items():
        setattr(event, key, value)
    settings.apply(event, parts or {})
    if topics is not None:
        replace_topics(event, topics, user)
    old, new = audit.changed(before, _snapshot(event))
    if new:
        audit.record("event.update", obj=event, event_id=event.id,
                     summary=f"Sửa thông tin sự kiện {quoted(event)}", before=old, after=new,
                     user=user)
    db.session.flush()
    return event


def _snapshot(event: Event) -> dict:
    """The audited fields of the event and of every domain's settings of it."""
    return {**audit.snapshot(event, AUDITED_FIELDS), **settings.snapshot(event)}


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


def event_to_dict(event: Event, *, contacts: bool = False) -> dict:
    """The API representation of an event with its sessions and units; each domain adds
    its settings to its section. ``contacts``: each unit's contacts too (people's e-mails
    and phones: for organizers only), so that the document imports back as a definition."""
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    kind_names = kinds.names()
    document = {
        "slug": event.slug, "title": event.title, "theme": event.theme,
        "timezone": event.timezone,
        "sessions": [{"key": s.key, "name": s.name, "starts_at": iso(s.starts_at),
                      "ends_at": iso(s.ends_at), "venue": s.venue, "capacity": s.capacity,
                      "agenda": list(s.agenda or [])} for s in event.sessions],
        "units": [{"code": u.code, "name": event.unit_name(u), "kind": u.kind,
                   "kind_name": kind_names.get(u.kind, u.kind),
                   "parent": u.parent.code if u.parent else None}
                  | ({"contacts": [describe_contact(c) for c in u.contacts]} if contacts else {})
                  for u in event.units],
        "questions": {"topics": [t.name for t in event.topics]},
        "registration": {"categories": [{"key": c.key, "name": c.name}
                                        for c in event.categories],
                         "caps": [{"session": c.session.key, "category": c.category.key,
                                   "unit_kind": c.unit_kind, "max_per_unit": c.max_per_unit}
                                  for c in event.caps]},
    }
    settings.describe(event, document)
    document["unit_kinds"] = used_kinds(document, kind_names)
    return document


def used_kinds(document: dict, kind_names: dict[str, str]) -> list[dict]:
    """The kinds the event's JSON names (units, caps, submitting kinds) in the kinds' order,
    so the JSON read back as a definition declares what it uses."""
    used = {u["kind"] for u in document["units"]}
    used |= {c["unit_kind"] for c in document["registration"]["caps"]}
    used |= set(document.get("nominations", {}).get("submitting_unit_kinds", []))
    return [{"key": key, "name": name} for key, name in kind_names.items() if key in used]
