"""Pages of the nominations domain — the unit's side: dossiers, files, live eligibility.

The organizer's pages are in ``review_views``; both hang on ``blueprint.bp``. Views stay
thin: parse, call ``services``, render or redirect.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from eventapp.api import json_data
from eventapp.auth import event_for
from eventapp.errors import DomainError, Forbidden, Invalid
from eventapp.events import services as events
from eventapp.events.models import Event
from eventapp.events.summaries import Summary, provider
from eventapp.nominations import eligibility as el
from eventapp.nominations import forms, services, uploads
from eventapp.nominations.blueprint import bp
from eventapp.nominations.models import EDITABLE, NominationStatus
from eventapp.params import whole_number

__all__ = ["bp"]


def _unit_event(slug: str) -> Event:
    """The event for a unit account allowed to file dossiers (403 otherwise)."""
    if not current_user.is_unit:
        raise Forbidden("Chỉ tài khoản đơn vị mới lập hồ sơ đề nghị vinh danh.")
    event = event_for(current_user, slug)
    services.ensure_may_nominate(event, current_user.unit)
    return event


def _deadline(event: Event):
    deadline = events.effective_deadline(event, current_user.unit_id, services.KIND)
    return deadline, services.is_open(event, current_user.unit_id)


@bp.get("/")
@login_required
def index(slug: str):
    """Organizer: every dossier under review. Unit: its own dossiers and its letter."""
    if current_user.is_organizer:
        from eventapp.nominations.review_views import review_index

        return review_index(slug)
    event = _unit_event(slug)
    rows = [(n, services.assess(n)) for n in services.unit_nominations(event,
                                                                        current_user.unit_id)]
    deadline, is_open = _deadline(event)
    return render_template("nominations/unit_index.html", event=event, rows=rows,
                           letters=services.unit_letters(event, current_user.unit_id),
                           deadline=deadline, is_open=is_open, accept=uploads.ACCEPT)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    event = _unit_event(slug)
    return _edit(event, None)


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, nomination_id: int):
    event = _unit_event(slug)
    nomination = services.get_nomination(current_user, event, nomination_id)
    if not services.can_edit(nomination):
        flash("Hồ sơ này hiện không sửa được (đã gửi hoặc đã hết hạn).", "warning")
        return redirect(url_for(".detail", slug=slug, nomination_id=nomination.id))
    return _edit(event, nomination)


def _edit(event: Event, nomination):
    values, errors = forms.initial(nomination), {}
    deadline, is_open = _deadline(event)
    if request.method == "POST":
        data = forms.parse(request.form)
        try:
            nomination = services.save_dossier(event, current_user.unit, nomination, data,
                                               current_user)
        except Invalid as error:
            values, errors = forms.for_display(data), error.fields
            flash("Vui lòng sửa các ô được đánh dấu.", "danger")
        except DomainError as error:
            flash(error.message, "danger")
            values = forms.for_display(data)
        else:
            flash("Đã lưu hồ sơ. Hãy tải lên các tệp hồ sơ rồi bấm “Gửi hồ sơ”.", "success")
            return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))
    return render_template("nominations/form.html", event=event, nomination=nomination,
                           values=values, errors=errors, choices=forms.CHOICES,
                           labels={k: forms.label(k) for k in errors},
                           deadline=deadline, is_open=is_open,
                           rules=services.rules_for(event, current_user.unit_id))


@bp.post("/preview")
@login_required
def preview(slug: str):
    """Live eligibility while editing (JSON, session + CSRF header)."""
    event = _unit_event(slug)
    body = json_data()
    if not isinstance(body, dict):
        raise Invalid({"_schema": "Nội dung gửi lên phải là một đối tượng JSON."})
    nomination = None
    if (nomination_id := whole_number(body.get("nomination_id"))) is not None:
        nomination = services.get_nomination(current_user, event, nomination_id)
    try:
        result = services.preview(event, current_user.unit, forms.from_json(body), nomination)
    except Invalid as error:
        problems = [(forms.label(k), v) for k, v in error.fields.items()]
        html = render_template("nominations/_result.html", result=None, problems=problems)
        return jsonify({"error": "invalid", "fields": error.fields, "html": html}), 422
    as_if_now = nomination is None or nomination.state in EDITABLE
    html = render_template("nominations/_result.html", result=result, problems=[],
                           as_if_now=as_if_now)
    return jsonify({"result": result.as_dict(), "html": html})


@bp.get("/<int:nomination_id>")
@login_required
def detail(slug: str, nomination_id: int):
    """A dossier: data, automatic result, files, history; the actions its viewer may take."""
    event = event_for(current_user, slug)
    nomination = services.get_nomination(current_user, event, nomination_id)
    if current_user.is_organizer:
        from eventapp.nominations.review_views import review_detail

        return review_detail(event, nomination)
    services.ensure_may_nominate(event, current_user.unit)
    deadline, is_open = _deadline(event)
    return render_template("nominations/detail.html", event=event, n=nomination,
                           result=services.assess(nomination),
                           letters=services.unit_letters(event, nomination.unit_id),
                           can_edit=services.can_edit(nomination), is_open=is_open,
                           deadline=deadline, accept=uploads.ACCEPT, el=el,
                           NominationStatus=NominationStatus,
                           as_if_now=nomination.state in EDITABLE)


def _act(slug: str, nomination_id: int, action, done: str):
    event = _unit_event(slug)
    nomination = services.get_nomination(current_user, event, nomination_id)
    try:
        action(nomination, current_user)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(done, "success")
    return nomination


@bp.post("/<int:nomination_id>/submit")
@login_required
def submit(slug: str, nomination_id: int):
    _act(slug, nomination_id, services.submit, "Đã gửi hồ sơ đến Ban tổ chức.")
    return redirect(url_for(".detail", slug=slug, nomination_id=nomination_id))


@bp.post("/<int:nomination_id>/withdraw")
@login_required
def withdraw(slug: str, nomination_id: int):
    _act(slug, nomination_id, services.withdraw, "Đã rút hồ sơ về để sửa.")
    return redirect(url_for(".detail", slug=slug, nomination_id=nomination_id))


@bp.post("/<int:nomination_id>/delete")
@login_required
def delete(slug: str, nomination_id: int):
    event = _unit_event(slug)
    nomination = services.get_nomination(current_user, event, nomination_id)
    try:
        services.delete_dossier(nomination, current_user)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for(".detail", slug=slug, nomination_id=nomination_id))
    flash("Đã xóa hồ sơ nháp.", "info")
    return redirect(url_for(".index", slug=slug))


@bp.post("/<int:nomination_id>/files")
@bp.post("/letters", defaults={"nomination_id": None})
@login_required
def upload(slug: str, nomination_id: int | None):
    event = _unit_event(slug)
    nomination = None
    if nomination_id is not None:
        nomination = services.get_nomination(current_user, event, nomination_id)
    try:
        row = services.add_file(event, current_user.unit, nomination, request.files.get("file"),
                                request.form.getlist("kinds"), current_user)
    except Invalid as error:
        flash(" ".join(error.fields.values()), "danger")
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(f"Đã tải lên “{row.original_name}”.", "success")
    if nomination is None:
        return redirect(url_for(".index", slug=slug))
    return redirect(url_for(".detail", slug=slug, nomination_id=nomination.id) + "#files")


@bp.post("/files/<int:file_id>/delete")
@login_required
def delete_file(slug: str, file_id: int):
    event = _unit_event(slug)
    file = services.get_file(current_user, event, file_id)
    target = file.nomination_id
    try:
        services.delete_file(file, current_user)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash("Đã xóa tệp.", "info")
    if target is None:
        return redirect(url_for(".index", slug=slug))
    return redirect(url_for(".detail", slug=slug, nomination_id=target) + "#files")


@bp.get("/files/<int:file_id>")
@login_required
def download(slug: str, file_id: int):
    """Only the owning unit and organizers; always as an attachment under its real type."""
    event = event_for(current_user, slug)
    file = services.get_file(current_user, event, file_id)
    response = send_file(uploads.path_of(file.stored_name), mimetype=file.content_type,
                         as_attachment=True, download_name=file.original_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@provider
def nominations_summary(event: Event, unit) -> Summary | None:
    """The unit home page line: dossiers sent, drafts, returns waiting for a fix."""
    if not services.may_nominate(event, unit):
        return None
    rows = services.unit_nominations(event, unit.id)
    deadline = events.effective_deadline(event, unit.id, services.KIND)
    is_open = services.is_open(event, unit.id)
    sent = [n for n in rows if n.state not in EDITABLE]
    pending = [n for n in rows if n.state in EDITABLE]
    if not rows:
        status = "Chưa có hồ sơ"
    else:
        status = f"{len(sent)} hồ sơ đã gửi" + (f", {len(pending)} chưa gửi" if pending else "")
    details = []
    for n in rows:
        if n.state == NominationStatus.returned:
            details.append(f"Hồ sơ {n.full_name} bị trả lại: {n.review_reason}")
        elif n.state == NominationStatus.draft:
            details.append(f"Hồ sơ {n.full_name} chưa gửi")
    if not services.unit_letters(event, unit.id) and rows:
        details.append("Chưa tải lên tờ trình của đơn vị")
    return Summary(title="Hồ sơ đề nghị vinh danh Tổng phụ trách Đội", status=status,
                   url=url_for("nominations.index", slug=event.slug), deadline=deadline,
                   is_open=is_open, done=bool(sent) and not pending, details=details)


from eventapp.nominations import cli, review_views  # noqa: E402,F401  (routes and commands)
