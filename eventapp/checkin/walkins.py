"""Walk-ins (khách đăng ký tại cửa): a person not on the list registered at the door in
three fields and checked in at once, within the session's capacity; and the event's
check-in setting that lets check-in staff do it (organizers always may).

Registration owns the attendee (``registration.attendance.register_walk_in``); the check-in
is the audited one of ``services`` (method ``walk_in``), in the same transaction, so a
walk-in refused for capacity leaves neither row behind.
"""

from __future__ import annotations

from collections.abc import Mapping

from eventapp import audit
from eventapp.checkin import access, services
from eventapp.checkin.models import CheckinSetting, Method
from eventapp.errors import Forbidden
from eventapp.events.models import Event, EventSession
from eventapp.extensions import db
from eventapp.registration import attendance


def staff_walk_ins(event: Event) -> bool:
    """Whether the event lets check-in staff register walk-ins (default: no)."""
    setting = db.session.get(CheckinSetting, event.id)
    return bool(setting and setting.staff_walk_ins)


def may_register(user, event: Event) -> bool:
    return access.may_register_walk_ins(user, staff_walk_ins(event))


def ensure_may_register(user, event: Event) -> None:
    """403 for check-in staff where the event does not let them register walk-ins."""
    if not may_register(user, event):
        raise Forbidden("Sự kiện này chỉ cho Ban tổ chức đăng ký khách tại cửa.")


def set_staff_walk_ins(event: Event, allowed: bool, actor) -> None:
    """Organizer: let check-in staff register walk-ins, or not (audited)."""
    setting = db.session.get(CheckinSetting, event.id)
    before = bool(setting and setting.staff_walk_ins)
    if setting is None:
        setting = CheckinSetting(event_id=event.id)
        db.session.add(setting)
    setting.staff_walk_ins = bool(allowed)
    if before != setting.staff_walk_ins:
        audit.record("checkin.settings", obj=setting, event_id=event.id,
                     summary="Cho phép tổ đón tiếp đăng ký khách tại cửa" if allowed
                     else "Chỉ Ban tổ chức đăng ký khách tại cửa",
                     before={"staff_walk_ins": before},
                     after={"staff_walk_ins": setting.staff_walk_ins}, user=actor)
    db.session.flush()


def walk_in(event: Event, session: EventSession, actor, raw: Mapping,
            device: str = "") -> services.ScanResult:
    """Register ``raw`` (full_name, unit, position) for ``session`` and check them in."""
    ensure_may_register(actor, event)
    attendee = attendance.register_walk_in(event, session, actor, raw)
    return services.check_in_attendee(event, session, attendee.id, staff=actor,
                                      method=Method.walk_in, device=device)
