"""Invitations by e-mail: the organizer's send buttons on the attendee list and page, and the
signed link a delegate opens without logging in (``invitations.py`` has the rules)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.errors import NotFound
from eventapp.events.models import Event
from eventapp.events.services import get_event
from eventapp.formatting import number
from eventapp.forms import EmptyForm
from eventapp.params import whole_number
from eventapp.policy import EVENT, policy, public
from eventapp.registration import invitations
from eventapp.registration.views import ATTENDEE, bp
from eventapp.registration.views.documents import render_print
from eventapp.views import safe_next, submit_form


def _sent(count: int) -> str:
    if not count:
        return "Không có đại biểu nào để gửi (cần có địa chỉ thư điện tử và chưa bị hủy)."
    return f"Đã xếp {number(count)} giấy mời vào hộp thư đi; hệ thống sẽ gửi trong ít phút."


@bp.post("/<int:attendee_id>/send-invitation")
@policy(Role.organizer, load=ATTENDEE)
def send_invitation(event: Event, attendee):
    submit_form(EmptyForm(), lambda: invitations.send(event, [attendee.id], current_user),
                _sent, on_page=False)
    return redirect(safe_next(request.form.get("next"))
                    or url_for("registration.edit", slug=event.slug, attendee_id=attendee.id))


@bp.post("/send-invitations")
@policy(Role.organizer, load=EVENT)
def send_invitations(event: Event):
    """``scope=unsent``: everyone without one yet; else the ticked ``attendee`` boxes."""
    back = safe_next(request.form.get("next")) or url_for("registration.index", slug=event.slug)
    if request.form.get("scope") == "unsent":
        ids = None
    else:
        ids = {n for raw in request.form.getlist("attendee") if (n := whole_number(raw))}
        if not ids:
            flash("Hãy đánh dấu các đại biểu cần gửi giấy mời, hoặc chọn “Gửi cho mọi người "
                  "chưa được gửi”.", "warning")
            return redirect(back)
    submit_form(EmptyForm(), lambda: invitations.send(event, ids, current_user), _sent,
                on_page=False)
    return redirect(back)


@bp.get("/invitation/<invitation_token>")
@public
def invitation_link(slug: str, invitation_token: str):
    """The printable invitation of the delegate the signed link names; no login."""
    event = get_event(slug)
    if event is None:
        raise NotFound(invitations.EXPIRED)
    attendee = invitations.from_token(event, invitation_token)
    return render_print("invitation", event, [attendee], back=None)
