"""Attendance pages of a delegate: "Báo vắng" (excused from a session, with a reason) and
"Cử người thay" (a substitute in the delegate's place), linked from the registration list.
The unit records them until the session starts, organizers at any time
(``registration/attendance.py``)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from eventapp.clock import now
from eventapp.events.models import Event
from eventapp.policy import policy
from eventapp.registration import access, attendance
from eventapp.registration.catalog import Catalog
from eventapp.registration.forms import AbsenceForm, SubstituteForm
from eventapp.registration.views import ATTENDEE, MEMBER, bp
from eventapp.views import submit_form

__all__ = ["bp", "permissions"]


def permissions(attendee) -> dict[str, bool]:
    """What the current user may record for ``attendee`` now: ``absence`` (some session of
    theirs has not started, or an organizer) and ``substitute`` (before the first)."""
    if not attendee.is_active or not attendee.sessions:
        return {"absence": False, "substitute": False}
    moment = now()
    last = max(s.starts_at for s in attendee.sessions)
    return {
        "absence": access.may_record_attendance(current_user, attendee.unit_id,
                                                session_started=moment >= last),
        "substitute": access.may_record_attendance(
            current_user, attendee.unit_id,
            session_started=moment >= attendance.first_start(attendee)),
    }


def _open_sessions(attendee) -> list:
    moment = now()
    return [s for s in attendee.sessions
            if access.may_record_attendance(current_user, attendee.unit_id,
                                            session_started=moment >= s.starts_at)]


@bp.route("/<int:attendee_id>/absence", methods=["GET", "POST"])
@policy(*MEMBER, load=ATTENDEE)
def absence(event: Event, attendee):
    """Báo vắng: one session at a time; the page lists what is recorded for each."""
    catalog = Catalog(event)
    form = AbsenceForm()
    open_sessions = _open_sessions(attendee) if attendee.is_active else []
    form.session.choices = [(s.key, f"Phiên {catalog.number(s)}: {s.name[:80]}")
                            for s in open_sessions]
    if open_sessions and submit_form(
            form, lambda: attendance.set_attendance(attendee, current_user, form.session.data,
                                                    form.status.data, form.reason.data),
            lambda excuse: f"Đã ghi {attendee.full_name} vắng có lý do." if excuse else
            f"Đã bỏ báo vắng: {attendee.full_name} sẽ dự phiên.").done:
        return redirect(url_for("registration.absence", slug=event.slug,
                                attendee_id=attendee.id))
    recorded = attendance.excuses([attendee.id]).get(attendee.id, {})
    sessions = [{"label": f"Phiên {catalog.number(s)}", "name": s.name,
                 "starts_at": s.starts_at, "reason": recorded.get(s.id),
                 "open": s in open_sessions} for s in attendee.sessions]
    return render_template("registration/absence.html", event=event, attendee=attendee,
                           form=form, sessions=sessions, can_record=bool(open_sessions))


@bp.route("/<int:attendee_id>/substitute", methods=["GET", "POST"])
@policy(*MEMBER, load=ATTENDEE)
def substitute(event: Event, attendee):
    """Cử người thay: the substitute gets a new code, invitation and badge."""
    form = SubstituteForm()
    allowed = permissions(attendee)["substitute"]
    if allowed:
        raw = {name: getattr(form, name).data for name in
               ("full_name", "position", "workplace", "phone", "email")}
        outcome = submit_form(
            form, lambda: attendance.substitute(attendee, current_user, raw),
            lambda replacement: f"Đã cử {replacement.full_name} dự thay {attendee.full_name}. "
            "Mã check-in cũ đã bị thu hồi; hãy in giấy mời và thẻ mới cho người dự thay.")
        if outcome.done:
            return redirect(url_for("registration.edit", slug=event.slug,
                                    attendee_id=outcome.value.id))
    history = attendance.substitutions([attendee.id]).get(attendee.id)
    return render_template("registration/substitute.html", event=event, attendee=attendee,
                           form=form, allowed=allowed, history=history,
                           first_start=attendance.first_start(attendee)
                           if attendee.sessions else None)
