"""Pages of the nominations domain — the unit's side: dossiers, files, live eligibility.

The organizer's pages are in ``review``; both hang on this package's ``bp``. Views stay
thin: parse, call ``services``, render or redirect.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.api import json_data
from eventapp.errors import DomainError, Invalid
from eventapp.events import services as events
from eventapp.events.models import Event
from eventapp.events.summaries import Summary
from eventapp.nominations import access, forms, services, uploads
from eventapp.nominations import eligibility as el
from eventapp.nominations.models import EDITABLE, NominationStatus
from eventapp.nominations.views import FILE, NOMINATION, bp
from eventapp.params import whole_number
from eventapp.policy import EVENT, load_object, policy
from eventapp.views import apply_errors

__all__ = ["bp"]


def _deadline(event: Event):
    deadline = events.effective_deadline(event, current_user.unit_id, services.KIND)
    return deadline, services.is_open(event, current_user.unit_id)


@bp.get("/")
@policy(Role.organizer, Role.unit, load=EVENT, allow=access.may_use_nominations)
def index(event: Event):
    """Organizer: every dossier under review. Unit: its own dossiers and its letter."""
    if current_user.is_organizer:
        from eventapp.nominations.views.review import review_index

        return review_index(event)
    rows = [(n, services.assess(n)) for n in services.unit_nominations(event,
                                                                        current_user.unit_id)]
    deadline, is_open = _deadline(event)
    return render_template("nominations/unit_index.html", event=event, rows=rows,
                           letters=services.unit_letters(event, current_user.unit_id),
                           deadline=deadline, is_open=is_open, accept=uploads.ACCEPT)


@bp.route("/new", methods=["GET", "POST"])
@policy(Role.unit, load=EVENT, allow=access.may_file)
def new(event: Event):
    return _edit(event, None)


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
@policy(Role.unit, load=NOMINATION, allow=access.may_file)
def edit(event: Event, nomination):
    if not services.can_edit(nomination):
        flash("Hồ sơ này hiện không sửa được (đã gửi hoặc đã hết hạn).", "warning")
        return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))
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
            apply_errors(None, error)
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
@policy(Role.unit, load=EVENT, allow=access.may_file)
def preview(event: Event):
    """Live eligibility while editing (JSON, session + CSRF header)."""
    body = json_data()
    if not isinstance(body, dict):
        raise Invalid({"_schema": "Nội dung gửi lên phải là một đối tượng JSON."})
    nomination = None
    if (nomination_id := whole_number(body.get("nomination_id"))) is not None:
        nomination = load_object(NOMINATION, event, nomination_id)
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
@policy(Role.organizer, Role.unit, load=NOMINATION, allow=access.may_use_nominations)
def detail(event: Event, nomination):
    """A dossier: data, automatic result, files, history; the actions its viewer may take."""
    if current_user.is_organizer:
        from eventapp.nominations.views.review import review_detail

        return review_detail(event, nomination)
    deadline, is_open = _deadline(event)
    return render_template("nominations/detail.html", event=event, n=nomination,
                           result=services.assess(nomination),
                           letters=services.unit_letters(event, nomination.unit_id),
                           can_edit=services.can_edit(nomination), is_open=is_open,
                           can_withdraw=is_open and nomination.state == NominationStatus.submitted,
                           can_delete=is_open and nomination.state == NominationStatus.draft,
                           can_print_certificate=False, can_review=False,
                           deadline=deadline, accept=uploads.ACCEPT, el=el,
                           NominationStatus=NominationStatus,
                           as_if_now=nomination.state in EDITABLE)


def _act(nomination, action, done: str):
    try:
        action(nomination, current_user)
    except DomainError as error:
        apply_errors(None, error)
    else:
        flash(done, "success")
    return nomination


@bp.post("/<int:nomination_id>/submit")
@policy(Role.unit, load=NOMINATION, allow=access.may_file)
def submit(event: Event, nomination):
    _act(nomination, services.submit, "Đã gửi hồ sơ đến Ban tổ chức.")
    return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))


@bp.post("/<int:nomination_id>/withdraw")
@policy(Role.unit, load=NOMINATION, allow=access.may_file)
def withdraw(event: Event, nomination):
    _act(nomination, services.withdraw, "Đã rút hồ sơ về để sửa.")
    return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))


@bp.post("/<int:nomination_id>/delete")
@policy(Role.unit, load=NOMINATION, allow=access.may_file)
def delete(event: Event, nomination):
    try:
        services.delete_dossier(nomination, current_user)
    except DomainError as error:
        apply_errors(None, error)
        return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))
    flash("Đã xóa hồ sơ nháp.", "info")
    return redirect(url_for(".index", slug=event.slug))


@bp.post("/<int:nomination_id>/files")
@bp.post("/letters", defaults={"nomination_id": None})
@policy(Role.unit, load=NOMINATION, allow=access.may_file)
def upload(event: Event, nomination):
    try:
        row = services.add_file(event, current_user.unit, nomination, request.files.get("file"),
                                request.form.getlist("kinds"), current_user)
    except Invalid as error:
        flash(" ".join(error.fields.values()), "danger")
    except DomainError as error:
        apply_errors(None, error)
    else:
        flash(f"Đã tải lên “{row.original_name}”.", "success")
    if nomination is None:
        return redirect(url_for(".index", slug=event.slug))
    return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id) + "#files")


@bp.post("/files/<int:file_id>/delete")
@policy(Role.unit, load=FILE, allow=access.may_file)
def delete_file(event: Event, file):
    target = file.nomination_id
    try:
        services.delete_file(file, current_user)
    except DomainError as error:
        apply_errors(None, error)
    else:
        flash("Đã xóa tệp.", "info")
    if target is None:
        return redirect(url_for(".index", slug=event.slug))
    return redirect(url_for(".detail", slug=event.slug, nomination_id=target) + "#files")


@bp.get("/files/<int:file_id>")
@policy(Role.organizer, Role.unit, load=FILE)
def download(event: Event, file):
    """Only the owning unit and organizers; always as an attachment under its real type."""
    response = send_file(uploads.path_of(file.stored_name), mimetype=file.content_type,
                         as_attachment=True, download_name=file.original_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


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

