"""Approving and rejecting units' registrations in bulk (duyệt đăng ký đại biểu): the
organizer's bar on the attendee list; ``registration/approval.py`` has the rules."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.events.models import Event
from eventapp.params import whole_number
from eventapp.policy import EVENT, policy
from eventapp.registration import approval
from eventapp.registration.forms import ReviewForm
from eventapp.registration.views import bp
from eventapp.views import safe_next, submit_form


def _done(decided: approval.Decided, approved: bool) -> str:
    count = len(decided.done)
    if approved:
        text = (f"Đã duyệt {count} đại biểu; mã check-in, giấy mời và thẻ của họ đã dùng được."
                if count else "Không có đăng ký nào được duyệt.")
    else:
        text = (f"Đã từ chối {count} đăng ký; đơn vị sẽ thấy lý do và có thể sửa để gửi lại."
                if count else "Không có đăng ký nào bị từ chối.")
    if decided.skipped:
        text += (f" {decided.skipped} đăng ký không còn chờ duyệt (đã được duyệt, từ chối "
                 "hoặc hủy trước đó) nên không thay đổi.")
    return text


@bp.post("/review")
@policy(Role.organizer, load=EVENT)
def review(event: Event):
    """``decision=approve`` or ``reject`` (with ``reason``) for the ticked ``attendee`` ids,
    in one transaction; back to the list the organizer came from."""
    back = safe_next(request.form.get("next")) or url_for(
        "registration.index", slug=event.slug, status="pending")
    ids = {n for raw in request.form.getlist("attendee") if (n := whole_number(raw))}
    form = ReviewForm()
    approved = request.form.get("decision") != "reject"
    if approved:
        def action():
            return approval.approve(event, ids, current_user)
    else:
        def action():
            return approval.reject(event, ids, form.reason.data, current_user)
    submit_form(form, action, lambda decided: _done(decided, approved), on_page=False)
    return redirect(back)
