"""Attendance as offices record it (PRODUCT.md §4): excused absences (vắng có lý do),
substitutes (cử người dự thay) and walk-ins registered at the door (khách đăng ký tại cửa).

Decisions where the issue is silent:
- A unit records an excuse until the session starts and a substitute until the delegate's
  first session starts (a substitute takes every session); organizers at any time.
- A substitute takes the delegate's unit, category, sessions and seat: no cap or capacity
  is re-checked, the place simply changes hands. A delegate who has already checked in
  somewhere, or was replaced or cancelled, is not substituted (409).
- An excuse is for a person still expected: not for one already checked in to the session.
  A person excused who comes after all is checked in as usual and counts as present.
- A walk-in is registered in the event's first organizer-only category (the organizer's
  guests: counted against the session's capacity only, never a unit's cap), for the one
  session at the door; "đơn vị" names a unit of the event by code or name, anything else
  is kept as the workplace of a guest.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from eventapp import audit
from eventapp.checkin.queries import checked_in
from eventapp.clock import now
from eventapp.database import lock
from eventapp.errors import Changed, Conflict, DeadlinePassed, Invalid, NotFound
from eventapp.events.models import Event, EventSession
from eventapp.extensions import db
from eventapp.formatting import local_dt
from eventapp.registration import access, codes, places, services
from eventapp.registration.catalog import Catalog
from eventapp.registration.models import Attendee, AttendeeStatus, Excuse, Substitution
from eventapp.text import clean, fold

EXCUSED, EXPECTED = "excused", "expected"
REASON_LENGTH = 500


def _ensure_may_record(attendee: Attendee, actor, starts_at) -> None:
    """``access.may_record_attendance``; a unit past the start gets ``deadline_passed``."""
    if not access.may_see_attendee(actor, attendee):
        raise NotFound("Không tìm thấy đại biểu.")
    if not access.may_record_attendance(actor, attendee.unit_id,
                                        session_started=now() >= starts_at):
        when = local_dt(starts_at, attendee.event.timezone)
        raise DeadlinePassed(starts_at, f"Phiên đã bắt đầu lúc {when}; chỉ Ban tổ chức còn "
                                        "thay đổi được điểm danh của đại biểu.",
                             where=attendee.event)


def _has_checked_in(attendee: Attendee, session_id: int | None = None) -> bool:
    rows = checked_in(attendee.event_id, session_id)
    rows = rows.where(rows.selected_columns.attendee_id == attendee.id)
    return bool(db.session.scalar(sa.select(sa.exists(rows))))


# --- Excused absence --------------------------------------------------------------------------

def set_attendance(attendee: Attendee, actor, session_key: str | None, status: str | None,
                   reason: str | None = "") -> Excuse | None:
    """Mark the attendee excused from one session (with a reason), or expected again.

    Returns the excuse, or None for "expected". Audited; the attendee row is locked first,
    so a substitute or a cancel at the same moment wins or loses as a whole.
    """
    session = attendee.event.session_by_key((session_key or "").strip())
    errors: dict[str, str] = {}
    if session is None:
        errors["session"] = "Phiên không tồn tại trong sự kiện này."
    elif session not in attendee.sessions:
        errors["session"] = "Đại biểu không được mời dự phiên này."
    if status not in (EXCUSED, EXPECTED):
        errors["status"] = "Trạng thái phải là excused (vắng có lý do) hoặc expected (sẽ dự)."
    reason = clean(reason or "")
    if status == EXCUSED and not reason:
        errors["reason"] = "Vui lòng ghi lý do vắng."
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = f"Lý do tối đa {REASON_LENGTH} ký tự."
    if errors:
        raise Invalid(errors)
    _ensure_may_record(attendee, actor, session.starts_at)
    lock(attendee)
    if not attendee.is_active:
        raise Changed("Đại biểu đã được thay hoặc hủy đăng ký; không thể báo vắng.")
    excuse = db.session.get(Excuse, (attendee.id, session.id))
    what = f"{attendee.full_name} — {attendee.unit_name}, {session.name[:60]}"
    if status == EXPECTED:
        if excuse is not None:
            audit.record("attendee.attendance", obj=attendee, event_id=attendee.event_id,
                         summary=f"Bỏ báo vắng: {what}", before={"session": session.key,
                                                               "reason": excuse.reason},
                         after={"session": session.key, "status": EXPECTED}, user=actor)
            db.session.delete(excuse)
            db.session.flush()
        return None
    if _has_checked_in(attendee, session.id):
        raise Conflict(f"{attendee.full_name} đã check-in ở phiên này; không báo vắng được.",
                       code="already_checked_in")
    before = {"session": session.key, "reason": excuse.reason} if excuse else None
    if excuse is None:
        excuse = Excuse(attendee_id=attendee.id, session_id=session.id)
        db.session.add(excuse)
    excuse.reason, excuse.set_at, excuse.set_by_id = reason, now(), actor.id
    audit.record("attendee.attendance", obj=attendee, event_id=attendee.event_id,
                 summary=f"Báo vắng có lý do: {what}: {reason}", before=before,
                 after={"session": session.key, "status": EXCUSED, "reason": reason},
                 user=actor)
    db.session.flush()
    return excuse


def excuses(attendee_ids: list[int]) -> dict[int, dict[int, str]]:
    """``{attendee id: {session id: reason}}`` for a page of attendees."""
    found: dict[int, dict[int, str]] = {}
    if attendee_ids:
        for row in db.session.execute(sa.select(Excuse.attendee_id, Excuse.session_id,
                                                Excuse.reason)
                                      .where(Excuse.attendee_id.in_(attendee_ids))):
            found.setdefault(row.attendee_id, {})[row.session_id] = row.reason
    return found


# --- Substitute -------------------------------------------------------------------------------

def first_start(attendee: Attendee):
    """When the delegate's first session starts: a unit's last moment to substitute."""
    return min(s.starts_at for s in attendee.sessions)


def substitute(attendee: Attendee, actor, raw: Mapping) -> Attendee:
    """Send ``raw`` (full_name, position, workplace, phone, email) in the delegate's place.

    The substitute gets a new code; the delegate's is revoked (status ``substituted``)
    and the ``Substitution`` row keeps who replaced whom, when and by whom. Two
    substitutes of one delegate at once: the second finds the row changed (409).
    """
    event = attendee.event
    catalog = Catalog(event)
    _ensure_may_record(attendee, actor, first_start(attendee))
    data = {name: raw.get(name) for name in ("full_name", "position", "workplace", "phone",
                                             "email")}
    data.update(category=attendee.category.key, sessions=[s.key for s in attendee.sessions])
    values, errors = services.validate(catalog, data, organizer=actor.is_organizer,
                                       unit=attendee.unit, current_category=attendee.category)
    if errors:
        raise Invalid(errors)
    event_id, unit_id = event.id, attendee.unit_id
    places.lock_places(event_id, unit_id, [s.id for s in attendee.sessions])
    lock(attendee)
    if not attendee.is_active:
        raise Changed("Đại biểu này đã được thay hoặc hủy đăng ký trước đó; không cử người "
                      "thay được nữa.")
    if _has_checked_in(attendee):
        raise Conflict(f"{attendee.full_name} đã check-in; không cử người dự thay được.",
                       code="already_checked_in")
    existing = places.find_duplicate(event_id, unit_id, values["name_key"], values["phone"])
    if existing is not None:
        raise Conflict(places.duplicate_message(existing), code="duplicate",
                       existing={"id": existing.id, "full_name": existing.full_name,
                                 "phone": existing.phone})
    moment = now()
    replacement = Attendee(
        event_id=event_id, unit_id=unit_id, category_id=attendee.category_id,
        full_name=values["full_name"], name_key=values["name_key"],
        position=values["position"], workplace=values["workplace"], phone=values["phone"],
        email=values["email"], seat=attendee.seat, status=AttendeeStatus.active.value,
        code_nonce=codes.new_nonce(), created_at=moment, created_by_id=actor.id)
    replacement.sessions = list(attendee.sessions)
    db.session.add(replacement)
    attendee.status = AttendeeStatus.substituted.value
    attendee.cancelled_at = moment
    db.session.flush()
    db.session.add(Substitution(event_id=event_id, replaced_id=attendee.id,
                                replacement_id=replacement.id, at=moment, by_id=actor.id))
    audit.record("attendee.substitute", obj=attendee, event_id=event_id,
                 summary=f"Cử {replacement.full_name} dự thay {attendee.full_name} — "
                         f"{attendee.unit_name}; mã cũ hết hiệu lực",
                 before={"status": AttendeeStatus.active.value},
                 after={"status": AttendeeStatus.substituted.value,
                        "replacement_id": replacement.id,
                        "replacement": services.snapshot(replacement)}, user=actor)
    db.session.flush()
    return replacement


def substitutions(attendee_ids: list[int]) -> dict[int, Substitution]:
    """The substitution of each replaced attendee among ``attendee_ids``."""
    if not attendee_ids:
        return {}
    return {s.replaced_id: s for s in db.session.scalars(
        sa.select(Substitution).where(Substitution.replaced_id.in_(attendee_ids)))}


def replaced_by(attendee: Attendee) -> Substitution | None:
    """Whom this attendee came in place of, if a substitute."""
    return db.session.scalar(sa.select(Substitution).where(
        Substitution.replacement_id == attendee.id))


# --- Walk-in ----------------------------------------------------------------------------------

def walk_in_category(catalog: Catalog):
    """The organizer's guests' category (the first organizer-only one), else the last."""
    return next((c for c in catalog.categories if c.id in catalog.organizer_only),
                catalog.categories[-1] if catalog.categories else None)


def _unit_named(catalog: Catalog, text: str):
    """The unit typed at the door: by code, by its name at this event (what the picker
    offers) or by today's name."""
    key, event = fold(text), catalog.event
    return catalog.unit(text) or next((u for u in event.units if key in {
        fold(event.unit_name(u)), fold(u.name)}), None) if key else None


def register_walk_in(event: Event, session: EventSession, actor, raw: Mapping) -> Attendee:
    """Register a person at the door (full_name, unit, position) for ``session`` only,
    within its capacity; the caller checks them in at once, in the same transaction."""
    catalog = Catalog(event)
    unit_text = clean(str(raw.get("unit") or ""))
    unit = _unit_named(catalog, unit_text)
    category = walk_in_category(catalog)
    data = {"full_name": raw.get("full_name"), "position": raw.get("position") or "",
            "workplace": "" if unit else unit_text, "category": category.key if category
            else None, "sessions": [session.key]}
    values, errors = services.validate(catalog, data, organizer=True, unit=unit)
    if "workplace" in errors:
        errors["unit"] = errors.pop("workplace")
    if errors:
        raise Invalid(errors)
    unit_id = unit.id if unit else None
    places.lock_places(event.id, unit_id, [session.id])
    existing = places.find_duplicate(event.id, unit_id, values["name_key"], "")
    if existing is not None:
        raise Conflict(places.duplicate_message(existing) + " Tìm tên người này để "
                       "check-in.", code="duplicate")
    places.check_places(catalog, None, category, [session])
    attendee = Attendee(
        event_id=event.id, unit_id=unit_id, category_id=category.id,
        full_name=values["full_name"], name_key=values["name_key"],
        position=values["position"], workplace=values["workplace"],
        status=AttendeeStatus.active.value, code_nonce=codes.new_nonce(), created_at=now(),
        created_by_id=actor.id)
    attendee.sessions = [session]
    db.session.add(attendee)
    db.session.flush()
    audit.record("attendee.walk_in", obj=attendee, event_id=event.id,
                 summary=f"Đăng ký tại cửa: {attendee.full_name} — {attendee.unit_name}, "
                         f"{session.name[:60]}", after=services.snapshot(attendee), user=actor)
    return attendee
