"""Extension requests (đơn xin gia hạn): a unit asks, the organizer grants or refuses.

The only module that writes ``extension_request``. A grant goes through
``services.grant_extension`` (the one way a unit gets its own deadline), so the unit's pages
and submissions follow it at once. At most one pending request per unit and deadline kind:
the partial unique index decides between two sent at once.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from eventapp import audit
from eventapp.clock import now
from eventapp.database import lock
from eventapp.errors import Changed, Conflict, Invalid
from eventapp.events import deadlines, progress, rules, services
from eventapp.events.deadlines import DeadlineKind
from eventapp.events.models import Event, ExtensionRequest, RequestStatus
from eventapp.extensions import db
from eventapp.formatting import local_dt, zone
from eventapp.messages import notices
from eventapp.schemas import EARLIEST_YEAR, LATEST_YEAR
from eventapp.units.models import Unit

MAX_REASON = 2000
DUPLICATE = ("Đơn vị đã có một đơn xin gia hạn hạn này đang chờ Ban tổ chức trả lời; "
             "vui lòng chờ câu trả lời.")
NO_REASON = "Cần ghi lý do xin gia hạn."


def kinds_for(event: Event, unit_id: int) -> list[DeadlineKind]:
    """The deadline kinds a unit may ask about: those of the event that have a deadline
    (open or already passed) and concern the unit."""
    return [k for k in deadlines.kinds()
            if k.deadline_of(event) is not None and progress.applies(event, k.key, unit_id)]


def ask(event: Event, unit: Unit, kind: str | None, reason: str | None,
        until: date | None, user) -> ExtensionRequest:
    """A unit's request; refused when the kind does not concern it, without a reason, for a
    day not after its current deadline, or while another one for that kind is pending."""
    reason = (reason or "").strip()
    errors = {}
    chosen = next((k for k in kinds_for(event, unit.id) if k.key == kind), None)
    if chosen is None:
        errors["deadline"] = "Hãy chọn một hạn chót của sự kiện áp dụng cho đơn vị."
    if not reason:
        errors["reason"] = NO_REASON
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Lý do dài quá {MAX_REASON} ký tự."
    if until is not None and not EARLIEST_YEAR <= until.year <= LATEST_YEAR:
        errors["until"], until = "Ngày không hợp lệ.", None
    asked = rules.asked_until(until, zone(event))
    current = services.effective_deadline(event, unit.id, chosen) if chosen else None
    if asked is not None and current is not None and asked <= current:
        errors["until"] = (f"Ngày xin gia hạn phải sau hạn hiện tại của đơn vị "
                           f"({local_dt(current, event)}).")
    if errors:
        raise Invalid(errors)
    if _pending(event.id, unit.id, chosen.key) is not None:
        raise Conflict(DUPLICATE, code="duplicate")
    request = ExtensionRequest(event_id=event.id, unit_id=unit.id, kind=chosen.key,
                               reason=reason, requested_until=until, requested_by_id=user.id,
                               requested_at=now(), status=RequestStatus.pending,
                               answer_note="")
    try:
        with db.session.begin_nested():  # two requests at once: the index keeps one
            db.session.add(request)
    except IntegrityError:
        raise Conflict(DUPLICATE, code="duplicate") from None
    audit.record("extension_request.create", obj=request, event_id=event.id,
                 summary=f"{unit.name} xin gia hạn '{chosen.label}'",
                 after={"kind": chosen.key, "reason": reason, "until": until}, user=user)
    db.session.flush()
    notices.notify("extension_requested", event=event, unit_id=unit.id,
                   ref=f"extension_request:{request.id}",
                   values={"han_muc": chosen.label, "ly_do": reason}, user=user)
    return request


def _pending(event_id: int, unit_id: int, kind: str) -> ExtensionRequest | None:
    return db.session.scalar(sa.select(ExtensionRequest).where(
        ExtensionRequest.event_id == event_id, ExtensionRequest.unit_id == unit_id,
        ExtensionRequest.kind == kind, ExtensionRequest.status == RequestStatus.pending))


def proposed_until(event: Event, request: ExtensionRequest) -> datetime:
    """The deadline the organizer's one click grants unless edited."""
    current = services.effective_deadline(event, request.unit_id, request.kind)
    return rules.proposed_until(current, rules.asked_until(request.requested_until,
                                                           zone(event)), now())


def grant(event: Event, request: ExtensionRequest, until: datetime | None, user,
          note: str = "") -> ExtensionRequest:
    """Grant a pending request: the unit's extension until ``until`` (default: the proposed
    one), recorded with the unit's reason. A request answered meanwhile: 409 ``changed``."""
    _lock_pending(request)
    until = until or proposed_until(event, request)
    ext = services.grant_extension(event, request.unit, request.kind, until,
                                   f"Theo đơn xin gia hạn: {request.reason}", user)
    _answer(event, request, RequestStatus.granted, user, note, granted_until=ext.deadline)
    return request


def refuse(event: Event, request: ExtensionRequest, note: str | None, user
           ) -> ExtensionRequest:
    """Refuse a pending request, with an optional note the unit reads."""
    _lock_pending(request)
    _answer(event, request, RequestStatus.refused, user, note)
    return request


def _lock_pending(request: ExtensionRequest) -> None:
    lock(request)
    if request.status != RequestStatus.pending:
        raise Changed("Đơn xin gia hạn này vừa được trả lời. Vui lòng tải lại trang.")


def _answer(event: Event, request: ExtensionRequest, status: RequestStatus, user,
            note: str | None, granted_until: datetime | None = None) -> None:
    note = (note or "").strip()
    if len(note) > MAX_REASON:
        raise Invalid({"note": f"Ghi chú dài quá {MAX_REASON} ký tự."})
    request.status, request.answer_note = status, note
    request.answered_by_id, request.answered_at = user.id, now()
    request.granted_until = granted_until
    label = deadlines.kind(request.kind).label
    audit.record(f"extension_request.{status.value}", obj=request, event_id=event.id,
                 summary=f"{'Gia hạn' if granted_until else 'Từ chối gia hạn'} '{label}' "
                         f"cho {request.unit.name} theo đơn",
                 before={"status": RequestStatus.pending.value},
                 after={"status": status.value, "note": note, "until": granted_until},
                 user=user)
    db.session.flush()


def of_event(event: Event, unit_id: int | None = None,
             status: RequestStatus | None = None) -> list[ExtensionRequest]:
    """An event's requests, newest first (one unit's when ``unit_id``)."""
    query = sa.select(ExtensionRequest).where(ExtensionRequest.event_id == event.id)
    if unit_id is not None:
        query = query.where(ExtensionRequest.unit_id == unit_id)
    if status is not None:
        query = query.where(ExtensionRequest.status == status)
    return list(db.session.scalars(query.order_by(ExtensionRequest.requested_at.desc(),
                                                  ExtensionRequest.id.desc())))


def pending_counts() -> dict[int, int]:
    """Pending requests per event id (one grouped query, for the dashboard)."""
    return dict(db.session.execute(
        sa.select(ExtensionRequest.event_id, sa.func.count())
        .where(ExtensionRequest.status == RequestStatus.pending)
        .group_by(ExtensionRequest.event_id)).all())


def to_dict(request: ExtensionRequest) -> dict:
    """The API's representation of a request."""
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {"id": request.id, "unit": request.unit.code, "deadline": request.kind,
            "reason": request.reason, "until": iso(request.requested_until),
            "status": request.status.value, "requested_at": iso(request.requested_at),
            "answered_at": iso(request.answered_at), "answer_note": request.answer_note,
            "granted_until": iso(request.granted_until)}

