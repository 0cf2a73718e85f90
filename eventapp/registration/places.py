"""Places (chỗ, chỉ tiêu): the locks that serialise writers, every limit that can fill up,
how full each is, the 409 answers when one is full, and duplicates of a delegate.

Shared by ``services`` (one attendee) and ``imports`` (a whole file); they change attendees,
this module only reads and locks. Lock order: see ``services``' docstring.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from eventapp.database import is_sqlite, write_lock
from eventapp.errors import Conflict
from eventapp.events.models import Category, Event, EventSession, EventUnit, RegistrationCap
from eventapp.extensions import db
from eventapp.registration import rules, settings
from eventapp.registration.catalog import Catalog, session_label
from eventapp.registration.models import HOLDING, Attendee, attendee_session
from eventapp.units.models import Unit


def lock_places(event_id: int, unit_id: int | None, session_ids: Iterable[int]) -> None:
    """Serialise writers for this unit and these sessions (see the module docstring).

    Invited guests have no unit row: the event's first session row stands in for it. Not
    the ``Event`` row: every attendee insert takes a FOR KEY SHARE lock on ``event`` through
    its foreign key, so a FOR UPDATE there would deadlock with registrations in progress.
    Nothing references ``event_unit``, and a session row is referenced only by writers that
    locked it first, so ascending order is a total order and no cycle can form.
    """
    ids = set(session_ids)
    locks: list[tuple[type, int]] = []
    if unit_id is None:
        ids.add(db.session.scalar(sa.select(sa.func.min(EventSession.id))
                                  .where(EventSession.event_id == event_id)))
    else:
        locks.append((EventUnit, db.session.scalar(sa.select(EventUnit.id).where(
            EventUnit.event_id == event_id, EventUnit.unit_id == unit_id))))
    locks += [(EventSession, session_id) for session_id in sorted(ids)]
    session = db.session()
    if is_sqlite(session.get_bind()):
        locks = locks[:1]  # one BEGIN IMMEDIATE already serialises every writer
    for model, ident in locks:
        write_lock(session, model, ident)


def maxima(event: Event, unit: Unit | None) -> dict[rules.LimitKey, int]:
    """Every limit that can fill up for ``unit``: session capacities and, for a unit, its
    caps, the default per-unit limit and the seats left to units (guests: capacity only)."""
    found = {rules.capacity_key(s.id): s.capacity for s in event.sessions
             if s.capacity is not None}
    if unit is None:
        return found
    caps = db.session.execute(sa.select(
        RegistrationCap.session_id, RegistrationCap.category_id, RegistrationCap.unit_kind,
        RegistrationCap.max_per_unit).where(RegistrationCap.event_id == event.id)).all()
    found.update(rules.unit_caps(caps, unit.kind))
    found.update(rules.unit_maxima({s.id: s.capacity for s in event.sessions},
                                   settings.reserved(event),
                                   settings.default_max_per_unit(event)))
    return found


def used_places(catalog: Catalog, unit_id: int | None, limits: Mapping[rules.LimitKey, int],
                exclude_id: int | None = None) -> dict[rules.LimitKey, int]:
    """How full each of ``limits`` is: registrations holding a place (approved or waiting
    for approval) per session (capacity), the
    units' seats per session, and, for a unit, its places under its caps and default limit.
    """
    # A registration waiting for approval holds its place: units cannot over-register
    # while the organizer has not decided yet.
    active = [Attendee.event_id == catalog.event.id, Attendee.status.in_(HOLDING)]
    if exclude_id is not None:
        active.append(Attendee.id != exclude_id)
    joined = sa.select(attendee_session.c.session_id).join(
        Attendee, Attendee.id == attendee_session.c.attendee_id).where(*active)
    used: dict[rules.LimitKey, int] = {}
    for session_id, count in db.session.execute(
            joined.add_columns(sa.func.count()).group_by(attendee_session.c.session_id)):
        used[rules.capacity_key(session_id)] = count
    closed = catalog.organizer_only
    if any(key[0] == "units" for key in limits):
        for session_id, count in db.session.execute(
                joined.add_columns(sa.func.count())
                .where(Attendee.unit_id.is_not(None), Attendee.category_id.not_in(closed))
                .group_by(attendee_session.c.session_id)):
            used[rules.units_key(session_id)] = count
    if unit_id is not None:
        counts = {(session_id, category_id): count
                  for session_id, category_id, count in db.session.execute(
                      joined.add_columns(Attendee.category_id, sa.func.count())
                      .where(Attendee.unit_id == unit_id)
                      .group_by(attendee_session.c.session_id, Attendee.category_id))}
        used.update(rules.unit_used(counts, limits, closed))
    return used


def limit_message(catalog: Catalog, key: rules.LimitKey, limit: int, used: int) -> str:
    session = next(s for s in catalog.sessions if s.id == key[1])
    where = f"{session_label(catalog, session)} ({_short(session.name)})"
    if key[0] == "capacity":
        return f"{where} đã đủ chỗ: {rules.seats_text(used, limit)}."
    if key[0] == "units":
        return (f"{where} đã hết chỗ dành cho các đơn vị: {rules.seats_text(used, limit)}; "
                f"{(session.capacity or 0) - limit} chỗ còn lại Ban tổ chức giữ cho khách mời.")
    if key[0] == "default":
        return (f"Đơn vị đã đăng ký đủ {limit} đại biểu ở {where} trong các thành phần không có "
                f"chỉ tiêu riêng (tối đa {limit} người mỗi đơn vị một phiên): "
                f"{rules.seats_text(used, limit)}.")
    category = next(c for c in catalog.categories if c.id == key[2])
    return (f"Đơn vị đã đủ chỉ tiêu {category.name} ở {where}: "
            f"{rules.seats_text(used, limit)}.")


def limit_conflict(catalog: Catalog, key: rules.LimitKey, limit: int, used: int) -> Conflict:
    """409 ``capacity_reached`` (the session, or its seats left to units: ``reserved`` says
    how many are kept back) or ``cap_reached`` (a category's cap, or the default limit:
    no ``category``)."""
    session = next(s for s in catalog.sessions if s.id == key[1])
    extra = {"session": session.key, "limit": limit, "registered": used}
    message = limit_message(catalog, key, limit, used)
    if key[0] == "capacity":
        return Conflict(message, code="capacity_reached", **extra)
    if key[0] == "units":
        return Conflict(message, code="capacity_reached",
                        reserved=(session.capacity or 0) - limit, **extra)
    if key[0] == "default":
        return Conflict(message, code="cap_reached", **extra)
    category = next(c for c in catalog.categories if c.id == key[2])
    return Conflict(message, code="cap_reached", category=category.key, **extra)


def find_duplicate(event_id: int, unit_id: int | None, name_key: str, phone: str,
                   exclude_id: int | None = None) -> Attendee | None:
    """An attendee of the same unit (approved or waiting for approval) with the same
    folded name and phone digits."""
    stmt = sa.select(Attendee).where(
        Attendee.event_id == event_id, Attendee.name_key == name_key,
        Attendee.status.in_(HOLDING),
        Attendee.unit_id.is_(None) if unit_id is None else Attendee.unit_id == unit_id)
    if exclude_id is not None:
        stmt = stmt.where(Attendee.id != exclude_id)
    key = rules.phone_key(phone)
    return next((a for a in db.session.scalars(stmt) if rules.phone_key(a.phone) == key), None)


def duplicate_message(existing: Attendee) -> str:
    phone = f", điện thoại {existing.phone}" if existing.phone else ""
    return (f"Trùng đại biểu đã đăng ký: {existing.full_name}{phone} "
            f"({existing.unit_name}, mã đại biểu {existing.id}).")


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "…"


def check_places(catalog: Catalog, unit: Unit | None, category: Category,
                 sessions: list[EventSession], exclude_id: int | None = None) -> None:
    """``Conflict`` (409) when registering in ``sessions`` would overfill a limit."""
    limits = maxima(catalog.event, unit)
    used = used_places(catalog, unit.id if unit else None, limits, exclude_id)
    keys = rules.keys_for([s.id for s in sessions], category.id, limits,
                          catalog.organizer_only)
    refused = rules.over_limits(limits, used, [keys])
    if refused:
        # A per-unit limit is the more useful message when several are full.
        key = min(refused[0], key=lambda k: rules.MESSAGE_ORDER[k[0]])
        raise limit_conflict(catalog, key, limits[key], used.get(key, 0))
