"""Approval of delegate registrations (duyệt đăng ký đại biểu), when an event asks for it
("Ban tổ chức duyệt đăng ký đại biểu" on the event form; ``settings.approval_required``).

A unit's new registration (form, import or API) is then ``pending`` (chờ duyệt) until an
organizer approves it (``active``: its check-in code is made at that moment, so invitations,
badges, the scanner and e-mailed invitations only ever see approved people) or rejects it
with a reason (``rejected``: the unit sees "Bị từ chối: <lý do>", may edit it, which sends it
back to pending, or cancel it). Organizers' own registrations need no approval.

Decisions where issue #17 is silent:
- A pending registration holds its places under the unit's caps and the session capacity
  (units cannot over-register while they wait) and counts as a duplicate; a rejected one
  holds nothing, and its re-submission is checked against the caps again.
- Only pending registrations are approved or rejected here; an approved delegate is
  cancelled, not rejected; a rejected one is approved after the unit re-submits it.
- Editing an approved delegate keeps it approved (details are corrected, the audit log has
  the change); a substitute takes the approved delegate's place without a new approval.
- Approving and rejecting are conditional updates (``status = 'pending'``), one row at a
  time in ascending id: of two organizers deciding the same rows at once, the second
  changes nothing and is told so; it is not an error.
- The unit hears of each decision once per action (one notice listing the names), and the
  organizers are not sent a notice per new pending registration (units register hundreds
  of delegates, as they send questions): the list shows how many wait.
- Switching the step off is refused while any registration waits (``settings``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from eventapp import audit
from eventapp.errors import Forbidden, Invalid
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.messages import notices
from eventapp.registration import codes, settings
from eventapp.registration.models import Attendee, AttendeeStatus
from eventapp.text import clean

REASON_MAX = 500
#: At most this many registrations in one decision (a page of the list holds 100).
MAX_IDS = 1000


@dataclass
class Decided:
    """What one approve or reject changed: ``done`` the registrations it decided, and how
    many of the asked ones were no longer waiting (decided by someone else meanwhile)."""

    done: list[Attendee] = field(default_factory=list)
    skipped: int = 0


def initial_status(event: Event, actor) -> AttendeeStatus:
    """A unit's new registration waits when the event asks for approval."""
    if not actor.is_organizer and settings.approval_required(event):
        return AttendeeStatus.pending
    return AttendeeStatus.active


def resubmit(attendee: Attendee, actor) -> None:
    """A unit's edit of a rejected registration sends it back to the organizer (pending)."""
    if attendee.is_rejected and not actor.is_organizer:
        attendee.status = AttendeeStatus.pending
        attendee.rejection_reason = ""
        audit.record("attendee.resubmit", obj=attendee, event_id=attendee.event_id,
                     summary=f"Gửi lại đăng ký {attendee.full_name} — {attendee.unit_name} "
                             "để Ban tổ chức duyệt",
                     before={"status": "rejected"}, after={"status": "pending"}, user=actor)


def approve(event: Event, ids: Iterable[int], actor) -> Decided:
    """Approve the pending registrations among ``ids``: each gets its check-in code."""
    return _decide(event, ids, actor, AttendeeStatus.active, "")


def reject(event: Event, ids: Iterable[int], reason: str, actor) -> Decided:
    """Reject the pending registrations among ``ids`` with ``reason`` (required)."""
    reason = clean(reason or "")
    if not reason:
        raise Invalid({"reason": "Nhập lý do từ chối để đơn vị biết cần sửa gì."})
    if len(reason) > REASON_MAX:
        raise Invalid({"reason": f"Lý do tối đa {REASON_MAX} ký tự."})
    return _decide(event, ids, actor, AttendeeStatus.rejected, reason)


def _decide(event: Event, ids: Iterable[int], actor, status: AttendeeStatus,
            reason: str) -> Decided:
    if not actor.is_organizer:
        raise Forbidden("Chỉ Ban tổ chức duyệt đăng ký đại biểu.")
    wanted = sorted({i for i in ids if 0 < i < 2**31})
    if not wanted:
        raise Invalid({"attendee": "Hãy đánh dấu các đại biểu cần duyệt hoặc từ chối."})
    if len(wanted) > MAX_IDS:
        raise Invalid({"attendee": f"Mỗi lần duyệt tối đa {MAX_IDS} đại biểu."})
    changed = []
    for attendee_id in wanted:  # ascending: two deciders never wait on each other in a cycle
        values = {"status": status.value, "rejection_reason": reason}
        if status == AttendeeStatus.active:
            values["code_nonce"] = codes.new_nonce()  # the code exists from approval on
        result = db.session.execute(
            sa.update(Attendee).where(Attendee.id == attendee_id,
                                      Attendee.event_id == event.id,
                                      Attendee.status == AttendeeStatus.pending.value)
            .values(**values).execution_options(synchronize_session=False))
        if result.rowcount:
            changed.append(attendee_id)
    decided = Decided(skipped=len(wanted) - len(changed))
    if changed:
        decided.done = list(db.session.scalars(
            sa.select(Attendee).where(Attendee.id.in_(changed)).order_by(Attendee.id)
            .execution_options(populate_existing=True)))
    _record(event, decided.done, status, reason, actor)
    db.session.flush()
    return decided


def _record(event: Event, done: list[Attendee], status: AttendeeStatus, reason: str,
            actor) -> None:
    """One audit entry per registration, one notice per unit."""
    approved = status == AttendeeStatus.active
    by_unit: dict[int, list[Attendee]] = defaultdict(list)
    for attendee in done:
        text = "Duyệt" if approved else "Từ chối"
        audit.record("attendee.approve" if approved else "attendee.reject", obj=attendee,
                     event_id=event.id,
                     summary=f"{text} đăng ký {attendee.full_name} — {attendee.unit_name}"
                             + ("" if approved else f"; lý do: {reason}"),
                     before={"status": "pending"},
                     after={"status": status.value, **({} if approved else {"reason": reason})},
                     user=actor)
        if attendee.unit_id is not None:
            by_unit[attendee.unit_id].append(attendee)
    for unit_id, attendees in by_unit.items():
        notices.notify("attendees_approved" if approved else "attendees_rejected",
                       event=event, unit_id=unit_id, user=actor,
                       values={"so_luong": len(attendees), "ly_do": reason,
                               "danh_sach": "\n".join(f"- {a.full_name}" for a in attendees)})
