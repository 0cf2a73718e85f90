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

from collections.abc import Mapping

import sqlalchemy as sa

from eventapp import audit
from eventapp.clock import now
from eventapp.database import lock
from eventapp.errors import Changed, Conflict, Forbidden, Invalid, NotFound
from eventapp.events.models import (
    Category,
    Event,
)
from eventapp.events.services import ensure_open
from eventapp.extensions import db
from eventapp.messages import notices, outbox
from eventapp.registration import access, approval, codes, invitations, places, rules
from eventapp.registration.catalog import Catalog
from eventapp.registration.models import Attendee, AttendeeStatus, InvitationSetting
from eventapp.registration.settings import DEADLINE
from eventapp.text import clean, email_error, fold
from eventapp.units.access import unit_acted_for
from eventapp.units.models import Unit

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
    if values["email"] and (message := email_error(values["email"])):
        errors["email"] = message
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

def acting_unit(actor, event: Event, code: str | None = None) -> Unit | None:
    """The unit a unit account acts for: its own, or the child ``code`` names (a parent
    registers for its children, under their deadlines and caps); organizers act for no
    unit by default."""
    if actor.is_organizer:
        return None
    if not actor.is_unit:
        raise Forbidden("Tài khoản này không có quyền đăng ký đại biểu.")
    unit = unit_acted_for(actor, event, code)
    if unit is None:
        raise Forbidden("Tài khoản đơn vị chỉ đăng ký đại biểu cho đơn vị mình hoặc đơn vị "
                        "cấp dưới của mình.")
    return unit


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
        ensure_open(event, unit_id, DEADLINE)  # the deadline decides


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
    own_unit = acting_unit(actor, event, raw.get("unit"))
    if own_unit is not None:
        ensure_open(event, own_unit.id, DEADLINE)
    data = clean_input(catalog, raw, actor, unit=own_unit, unit_given=actor.is_organizer)
    unit = data["unit"]
    event_id, unit_id = event.id, unit.id if unit else None
    places.lock_places(event_id, unit_id, [s.id for s in data["sessions"]])
    existing = places.find_duplicate(event_id, unit_id, data["name_key"], data["phone"])
    if existing is not None:
        raise Conflict(places.duplicate_message(existing), code="duplicate",
                       existing={"id": existing.id, "full_name": existing.full_name,
                                 "phone": existing.phone})
    places.check_places(catalog, unit, data["category"], data["sessions"])
    attendee = Attendee(
        event_id=event_id, unit_id=unit_id, category_id=data["category"].id,
        full_name=data["full_name"], name_key=data["name_key"],
        position=data["position"], workplace=data["workplace"], phone=data["phone"],
        email=data["email"], seat=data.get("seat", ""),
        status=approval.initial_status(event, actor), code_nonce=codes.new_nonce(),
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
    ``Changed`` when the attendee was cancelled meanwhile. A unit's edit of a rejected
    registration sends it back for approval (``approval.resubmit``)."""
    event = attendee.event
    ensure_can_change(event, actor, attendee.unit_id)
    catalog = Catalog(event)
    data = clean_input(catalog, raw, actor, unit=attendee.unit,
                       current_category=attendee.category)
    attendee_id, event_id, unit_id = attendee.id, event.id, attendee.unit_id
    places.lock_places(event_id, unit_id, [s.id for s in data["sessions"]])
    lock(attendee)
    if not attendee.is_current:
        raise Changed("Đại biểu đã bị hủy đăng ký trong lúc bạn sửa; không thể lưu.")
    existing = places.find_duplicate(event_id, unit_id, data["name_key"], data["phone"],
                              exclude_id=attendee_id)
    if existing is not None:
        raise Conflict(places.duplicate_message(existing), code="duplicate",
                       existing={"id": existing.id, "full_name": existing.full_name,
                                 "phone": existing.phone})
    places.check_places(catalog, attendee.unit, data["category"], data["sessions"],
                  exclude_id=attendee_id)
    before = snapshot(attendee)
    for name in ("full_name", "name_key", "position", "workplace", "phone", "email"):
        setattr(attendee, name, data[name])
    if "seat" in data:
        attendee.seat = data["seat"]
    attendee.category = data["category"]
    attendee.sessions = list(data["sessions"])
    approval.resubmit(attendee, actor)
    old, new = audit.changed(before, snapshot(attendee))
    if new:
        audit.record("attendee.update", obj=attendee, event_id=event_id,
                     summary=f"Sửa đại biểu {attendee.full_name} — {attendee.unit_name}",
                     before=old, after=new, user=actor)
    db.session.flush()
    return attendee


def cancel(attendee: Attendee, actor) -> Attendee:
    """Cancel a registration (approved, waiting or refused); its check-in code stops
    working (revoked). The attendee row is locked first: of two cancels at once, the second
    gets ``Changed``."""
    ensure_can_change(attendee.event, actor, attendee.unit_id)
    lock(attendee)
    if not attendee.is_current:
        raise Changed("Đại biểu này đã được hủy đăng ký trước đó; không có gì thay đổi.")
    was = str(attendee.status)
    attendee.status = AttendeeStatus.cancelled
    attendee.cancelled_at = now()
    audit.record("attendee.cancel", obj=attendee, event_id=attendee.event_id,
                 summary=f"Hủy đăng ký {attendee.full_name} — {attendee.unit_name}",
                 before={"status": was}, after={"status": "cancelled"}, user=actor)
    db.session.flush()
    # Its code is revoked: an invitation still waiting in the outbox would carry a dead QR.
    outbox.cancel_waiting(invitations.CAUSE, invitations.ref(attendee.id))
    if actor.is_organizer:  # a unit knows what it cancelled itself
        _notify("attendee_cancelled", attendee, actor)
    return attendee


def _notify(kind: str, attendee: Attendee, actor) -> None:
    notices.notify(kind, event=attendee.event, unit_id=attendee.unit_id,
                   ref=invitations.ref(attendee.id), user=actor,
                   values={"attendee_id": attendee.id, "ho_ten": attendee.full_name})


def reissue_code(attendee: Attendee, actor) -> str:
    """Organizer: give the attendee a new code; the old one stops working at once."""
    if not actor.is_organizer:
        raise Forbidden("Chỉ Ban tổ chức được cấp lại mã check-in.")
    lock(attendee)
    if not attendee.is_active:
        raise Conflict("Đại biểu đã bị hủy đăng ký hoặc chưa được duyệt; không cấp lại mã.",
                       code="cancelled")
    attendee.code_nonce = codes.new_nonce()
    audit.record("attendee.reissue_code", obj=attendee, event_id=attendee.event_id,
                 summary=f"Cấp lại mã check-in cho {attendee.full_name} — "
                         f"{attendee.unit_name}; mã cũ hết hiệu lực", user=actor)
    db.session.flush()
    _notify("code_reissued", attendee, actor)
    invitations.after_reissue(attendee, actor)
    return codes.attendee_code(attendee)


def save_settings(event: Event, values: Mapping, actor) -> None:
    """Organizer: what invitation letters and badges print for this event."""
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
