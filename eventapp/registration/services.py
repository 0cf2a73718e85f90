"""Operations on attendees (đại biểu): register, edit, cancel, re-issue a code.

The only module (with ``imports.py``) that writes attendees. Caps and capacity are checked
after ``write_lock`` so concurrent requests cannot overshoot them. Lock order, the same in
every writer so that PostgreSQL never sees a cycle: first the unit's ``EventUnit`` row, then the
``EventSession`` rows in ascending id (invited guests, who belong to no unit, take the
event's first session row in the unit row's place; see ``lock``). On SQLite the first
lock (BEGIN IMMEDIATE) already serialises every writer.

Decisions where the issue is silent:
- A unit account changes its delegates until its effective "registration" deadline; an
  organizer at any time. The unit of an attendee is fixed (cancel and register again).
- Cancelling keeps the row (status ``cancelled``) so that check-in can answer "revoked";
  a cancelled attendee is not restored, the unit registers the person again instead.
- Seats are assigned by organizers only; units cannot set or change them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from eventapp import audit
from eventapp.clock import now
from eventapp.database import is_sqlite, lock, write_lock
from eventapp.errors import Changed, Conflict, Forbidden, Invalid, NotFound
from eventapp.events.models import (
    Category,
    DeadlineKind,
    Event,
    EventSession,
    EventUnit,
    RegistrationCap,
)
from eventapp.events.services import ensure_open
from eventapp.extensions import db
from eventapp.registration import access, codes, rules, settings
from eventapp.registration.catalog import Catalog, session_label
from eventapp.registration.models import Attendee, AttendeeStatus, attendee_session
from eventapp.text import clean, fold
from eventapp.units.models import Unit

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIMITS = {"full_name": 200, "position": 200, "workplace": 300, "phone": 32, "email": 254,
          "seat": 64}
AUDITED = ["full_name", "position", "workplace", "phone", "email", "seat", "category",
           "sessions", "unit"]


# --- Validation -------------------------------------------------------------------------

def validate(catalog: Catalog, raw: Mapping, *, organizer: bool, unit: Unit | None = None,
             unit_given: bool = False, current_category: Category | None = None
             ) -> tuple[dict, dict[str, str]]:
    """Clean values and Vietnamese errors by field, from an API body, a form or an Excel row.

    ``category`` is a key or a name; ``sessions`` a list (or one text) of keys, numbers
    ("1", "Phiên 2") or names. An organizer may name a ``unit`` by code (empty: a guest);
    for a unit account ``unit`` is its own unit. A unit cannot choose an organizer-only
    category, but keeps ``current_category`` (its delegate's, when editing).
    """
    errors: dict[str, str] = {}
    values: dict = {}
    for name in ("full_name", "position", "workplace", "phone", "email", "seat"):
        value = raw.get(name)
        if name == "phone" and isinstance(value, int) and len(str(value)) == 9:
            value = f"0{value}"  # Excel drops the leading zero of a number typed as such
        if value is not None and not isinstance(value, str | int | float):
            errors[name] = "Phải là chuỗi ký tự."
            value = None
        values[name] = clean(str(value)) if value is not None else ""
        if len(values[name]) > LIMITS[name]:
            errors[name] = f"Tối đa {LIMITS[name]} ký tự."
    if not values["full_name"]:
        errors["full_name"] = "Họ và tên không được để trống."
    elif not any(ch.isalpha() for ch in values["full_name"]):
        errors["full_name"] = "Họ và tên phải có chữ cái."
    values["name_key"] = fold(values["full_name"])
    if message := rules.phone_error(values["phone"]):
        errors["phone"] = message
    values["email"] = values["email"].lower()
    if values["email"] and not _EMAIL.match(values["email"]):
        errors["email"] = "Địa chỉ email không hợp lệ."
    if not organizer:
        values.pop("seat")

    values["category"] = catalog.category(raw.get("category"))
    if raw.get("category") in (None, ""):
        errors["category"] = "Chọn thành phần đại biểu."
    elif values["category"] is None:
        choosable = catalog.categories if organizer else catalog.unit_categories()
        errors["category"] = (f"Thành phần '{raw.get('category')}' không có trong sự kiện; "
                              "dùng: " + "; ".join(c.name for c in choosable) + ".")
    elif not organizer and values["category"] not in catalog.unit_categories(current_category):
        errors["category"] = (f"Thành phần '{values['category'].name}' do Ban tổ chức đăng ký "
                              "(lãnh đạo, khách mời); đơn vị không chọn thành phần này.")

    tokens = raw.get("sessions")
    tokens = rules.split_list(tokens) if isinstance(tokens, str) else list(tokens or [])
    sessions, unknown = [], []
    for token in tokens:
        found = catalog.session(token)
        (sessions.append(found) if found else unknown.append(str(token)))
    if unknown:
        errors["sessions"] = (f"Không có phiên: {', '.join(unknown)}. Ghi số thứ tự phiên "
                              f"(1–{len(catalog.sessions)}) hoặc mã phiên.")
    elif not sessions:
        errors["sessions"] = "Chọn ít nhất một phiên tham dự."
    values["sessions"] = sorted(set(sessions), key=catalog.sessions.index)

    if organizer and unit_given:
        code = raw.get("unit")
        unit = catalog.unit(code) if code else None
        if code and unit is None:
            errors["unit"] = f"Đơn vị '{code}' không tham gia sự kiện này."
    values["unit"] = unit
    return values, errors


def clean_input(catalog: Catalog, raw: Mapping, actor, *, unit: Unit | None = None,
                unit_given: bool = False, current_category: Category | None = None) -> dict:
    values, errors = validate(catalog, raw, organizer=actor.is_organizer, unit=unit,
                              unit_given=unit_given, current_category=current_category)
    if errors:
        raise Invalid(errors)
    return values


# --- Access ---------------------------------------------------------------------------

def acting_unit(actor, event: Event) -> Unit | None:
    """The unit a unit account acts for; organizers act for no unit by default."""
    if actor.is_organizer:
        return None
    if not actor.is_unit:
        raise Forbidden("Tài khoản này không có quyền đăng ký đại biểu.")
    return actor.unit


def get_attendee(event: Event, attendee_id: int) -> Attendee:
    """An attendee of ``event`` (who may see it: ``access.may_see_attendee``)."""
    attendee = db.session.get(Attendee, attendee_id) if 0 < attendee_id < 2**31 else None
    if attendee is None or attendee.event_id != event.id:
        raise NotFound("Không tìm thấy đại biểu.")
    return attendee


def ensure_can_change(event: Event, actor, unit_id: int | None) -> None:
    """``access.may_change_attendees``, with its refusals: another unit's delegate is not
    found (404); past the unit's deadline, ``DeadlinePassed`` names it (403)."""
    if not access.may_change_attendees(actor, unit_id, registration_open=True):
        raise NotFound("Không tìm thấy đại biểu.")
    if not access.may_change_attendees(actor, unit_id, registration_open=False):
        ensure_open(event, unit_id, DeadlineKind.registration)  # the deadline decides


# --- Locks and limits --------------------------------------------------------------------

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
    """How full each of ``limits`` is: active registrations per session (capacity), the
    units' seats per session, and, for a unit, its places under its caps and default limit.
    """
    active = [Attendee.event_id == catalog.event.id,
              Attendee.status == AttendeeStatus.active.value]
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
    """An active attendee of the same unit with the same folded name and phone digits."""
    stmt = sa.select(Attendee).where(
        Attendee.event_id == event_id, Attendee.name_key == name_key,
        Attendee.status == AttendeeStatus.active.value,
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


def _check_places(catalog: Catalog, unit: Unit | None, category: Category,
                  sessions: list[EventSession], exclude_id: int | None = None) -> None:
    limits = maxima(catalog.event, unit)
    used = used_places(catalog, unit.id if unit else None, limits, exclude_id)
    keys = rules.keys_for([s.id for s in sessions], category.id, limits,
                          catalog.organizer_only)
    refused = rules.over_limits(limits, used, [keys])
    if refused:
        # A per-unit limit is the more useful message when several are full.
        key = min(refused[0], key=lambda k: rules.MESSAGE_ORDER[k[0]])
        raise limit_conflict(catalog, key, limits[key], used.get(key, 0))


def snapshot(attendee: Attendee) -> dict:
    return {"full_name": attendee.full_name, "position": attendee.position,
            "workplace": attendee.workplace, "phone": attendee.phone, "email": attendee.email,
            "seat": attendee.seat, "category": attendee.category.key if attendee.category
            else None, "sessions": [s.key for s in attendee.sessions],
            "unit": attendee.unit.code if attendee.unit else None}


# --- Operations ---------------------------------------------------------------------------

def register(event: Event, actor, raw: Mapping) -> Attendee:
    """Register one attendee; raises Invalid, DeadlinePassed or Conflict (cap_reached,
    capacity_reached, duplicate). Organizers name the unit by code, or none for a guest."""
    catalog = Catalog(event)
    own_unit = acting_unit(actor, event)
    if own_unit is not None and str(raw.get("unit") or own_unit.code).upper() != own_unit.code:
        raise Forbidden("Tài khoản đơn vị chỉ đăng ký đại biểu cho đơn vị mình.")
    if own_unit is not None:
        ensure_open(event, own_unit.id, DeadlineKind.registration)
    data = clean_input(catalog, raw, actor, unit=own_unit, unit_given=actor.is_organizer)
    unit = data["unit"]
    event_id, unit_id = event.id, unit.id if unit else None
    lock_places(event_id, unit_id, [s.id for s in data["sessions"]])
    existing = find_duplicate(event_id, unit_id, data["name_key"], data["phone"])
    if existing is not None:
        raise Conflict(duplicate_message(existing), code="duplicate",
                       existing={"id": existing.id, "full_name": existing.full_name,
                                 "phone": existing.phone})
    _check_places(catalog, unit, data["category"], data["sessions"])
    attendee = Attendee(
        event_id=event_id, unit_id=unit_id, category_id=data["category"].id,
        full_name=data["full_name"], name_key=data["name_key"],
        position=data["position"], workplace=data["workplace"], phone=data["phone"],
        email=data["email"], seat=data.get("seat", ""),
        status=AttendeeStatus.active.value, code_nonce=codes.new_nonce(),
        created_at=now(), created_by_id=actor.id)
    attendee.sessions = list(data["sessions"])
    db.session.add(attendee)
    db.session.flush()
    audit.record("attendee.register", obj=attendee, event_id=event_id,
                 summary=f"Đăng ký đại biểu {attendee.full_name} — {attendee.unit_name}",
                 after=snapshot(attendee), user=actor)
    return attendee


def update(attendee: Attendee, actor, raw: Mapping) -> Attendee:
    """Edit an attendee's details and sessions; same checks as registering. Raises
    ``Changed`` when the attendee was cancelled meanwhile."""
    event = attendee.event
    ensure_can_change(event, actor, attendee.unit_id)
    catalog = Catalog(event)
    data = clean_input(catalog, raw, actor, unit=attendee.unit,
                       current_category=attendee.category)
    attendee_id, event_id, unit_id = attendee.id, event.id, attendee.unit_id
    lock_places(event_id, unit_id, [s.id for s in data["sessions"]])
    lock(attendee)
    if not attendee.is_active:
        raise Changed("Đại biểu đã bị hủy đăng ký trong lúc bạn sửa; không thể lưu.")
    existing = find_duplicate(event_id, unit_id, data["name_key"], data["phone"],
                              exclude_id=attendee_id)
    if existing is not None:
        raise Conflict(duplicate_message(existing), code="duplicate",
                       existing={"id": existing.id, "full_name": existing.full_name,
                                 "phone": existing.phone})
    _check_places(catalog, attendee.unit, data["category"], data["sessions"],
                  exclude_id=attendee_id)
    before = snapshot(attendee)
    for name in ("full_name", "name_key", "position", "workplace", "phone", "email"):
        setattr(attendee, name, data[name])
    if "seat" in data:
        attendee.seat = data["seat"]
    attendee.category = data["category"]
    attendee.sessions = list(data["sessions"])
    old, new = audit.changed(before, snapshot(attendee))
    if new:
        audit.record("attendee.update", obj=attendee, event_id=event_id,
                     summary=f"Sửa đại biểu {attendee.full_name} — {attendee.unit_name}",
                     before=old, after=new, user=actor)
    db.session.flush()
    return attendee


def cancel(attendee: Attendee, actor) -> Attendee:
    """Cancel a registration; its check-in code stops working (revoked). The attendee row
    is locked first: of two cancels at once, the second gets ``Changed``."""
    ensure_can_change(attendee.event, actor, attendee.unit_id)
    lock(attendee)
    if not attendee.is_active:
        raise Changed("Đại biểu này đã được hủy đăng ký trước đó; không có gì thay đổi.")
    attendee.status = AttendeeStatus.cancelled.value
    attendee.cancelled_at = now()
    audit.record("attendee.cancel", obj=attendee, event_id=attendee.event_id,
                 summary=f"Hủy đăng ký {attendee.full_name} — {attendee.unit_name}",
                 before={"status": "active"}, after={"status": "cancelled"}, user=actor)
    db.session.flush()
    return attendee


def reissue_code(attendee: Attendee, actor) -> str:
    """Organizer: give the attendee a new code; the old one stops working at once."""
    if not actor.is_organizer:
        raise Forbidden("Chỉ Ban tổ chức được cấp lại mã check-in.")
    lock(attendee)
    if not attendee.is_active:
        raise Conflict("Đại biểu đã bị hủy đăng ký; không cấp lại mã.", code="cancelled")
    attendee.code_nonce = codes.new_nonce()
    audit.record("attendee.reissue_code", obj=attendee, event_id=attendee.event_id,
                 summary=f"Cấp lại mã check-in cho {attendee.full_name} — "
                         f"{attendee.unit_name}; mã cũ hết hiệu lực", user=actor)
    db.session.flush()
    return codes.attendee_code(attendee)


def save_settings(event: Event, values: Mapping, actor) -> None:
    """Organizer: what invitation letters and badges print for this event."""
    from eventapp.registration.models import InvitationSetting

    setting = db.session.scalar(sa.select(InvitationSetting).where(
        InvitationSetting.event_id == event.id))
    fields = ["issuer_parent", "issuer", "number", "place", "issued_on", "inviter",
              "signer_capacity", "signer_title", "signer_name", "short_title", "note"]
    before = audit.snapshot(setting, fields) if setting else None
    if setting is None:
        setting = InvitationSetting(event_id=event.id)
        db.session.add(setting)
    for name in fields:
        value = values.get(name)
        setattr(setting, name, value.strip() if isinstance(value, str) else value)
    audit.record("invitation.settings", obj=setting, event_id=event.id,
                 summary="Sửa thông tin in giấy mời, thẻ đại biểu", before=before,
                 after=audit.snapshot(setting, fields), user=actor)
    db.session.flush()
