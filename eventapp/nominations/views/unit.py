"""Pages of the nominations domain — the unit's side: dossiers, files, live eligibility.

The organizer's pages are in ``review``; both hang on this package's ``bp``. Views stay
thin: parse, call ``services``, render or redirect.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.api import json_data
from eventapp.errors import Invalid
from eventapp.events import services as events
from eventapp.events.models import Event
from eventapp.events.summaries import Summary
from eventapp.forms import EmptyForm
from eventapp.nominations import access, forms, services, settings, uploads
from eventapp.nominations import eligibility as el
from eventapp.nominations.models import EDITABLE, NominationStatus
from eventapp.nominations.views import FILE, NOMINATION, bp
from eventapp.nominations.views.review import review_detail, review_index, rights
from eventapp.params import whole_number
from eventapp.policy import EVENT, load_object, policy
from eventapp.units.access import units_acted_for
from eventapp.views import shown_unit, submit_form

__all__ = ["bp"]


def _unit(event: Event):
    """The unit the page files for: ``?unit=CODE`` names a parent's child, else the first
    unit it acts for that may file (its own when it may); 404 for another unit."""
    if request.args.get("unit"):
        return shown_unit(event)
    rules = settings.of(event)
    return next(u for u in units_acted_for(current_user, event)
                if access.unit_may_nominate(rules, u))


def _acting(unit) -> dict:
    """The ``unit`` argument of links, when a parent acts for a child."""
    return {} if unit.id == current_user.unit_id else {"unit": unit.code}


def _deadline(event: Event, unit):
    deadline = events.effective_deadline(event, unit.id, services.KIND)
    return deadline, services.is_open(event, unit.id)


@bp.get("/")
@policy(Role.organizer, Role.unit, load=EVENT, allow=access.may_use_nominations)
def index(event: Event):
    """Organizer: every dossier under review. Unit: its own dossiers and its letter."""
    if current_user.is_organizer:
        return review_index(event)
    unit = _unit(event)
    rows = [(n, services.assess(n)) for n in services.unit_nominations(event, unit.id)]
    deadline, is_open = _deadline(event, unit)
    return render_template("nominations/unit_index.html", event=event, rows=rows,
                           unit=unit, acting=_acting(unit),
                           letters=services.unit_letters(event, unit.id),
                           deadline=deadline, is_open=is_open, accept=uploads.ACCEPT,
                           upload_form=forms.UploadForm(formdata=None),
                           rules=settings.of(event))


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
    unit = nomination.unit if nomination is not None else _unit(event)
    form = forms.DossierForm()
    values, errors = forms.initial(nomination), {}
    deadline, is_open = _deadline(event, unit)
    if form.is_submitted():
        data = form.dossier()
        outcome = submit_form(
            form, lambda: services.save_dossier(event, unit, nomination, data, current_user),
            "Đã lưu hồ sơ. Hãy tải lên các tệp hồ sơ rồi bấm “Gửi hồ sơ”.")
        if outcome.done:
            return redirect(url_for(".detail", slug=event.slug, nomination_id=outcome.value.id))
        values = forms.for_display(data)
        if isinstance(outcome.error, Invalid):  # the rows' messages are shown beside them
            errors = outcome.error.fields
    return render_template("nominations/form.html", event=event, nomination=nomination,
                           form=form,
                           values=values, errors=errors, choices=forms.CHOICES,
                           labels={k: forms.label(k) for k in errors},
                           deadline=deadline, is_open=is_open, unit=unit,
                           rules=services.rules_for(event, unit.id))


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
        unit = nomination.unit if nomination is not None else _unit(event)
        result = services.preview(event, unit, forms.from_json(body), nomination)
    except Invalid as error:
        problems = [(forms.label(k), v) for k, v in error.fields.items()]
        html = render_template("nominations/_result.html", result=None, problems=problems)
        return jsonify({**error.payload(), "html": html}), error.status
    as_if_now = nomination is None or nomination.status in EDITABLE
    html = render_template("nominations/_result.html", result=result, problems=[],
                           as_if_now=as_if_now)
    return jsonify({"result": result.as_dict(), "html": html})


@bp.get("/<int:nomination_id>")
@policy(Role.organizer, Role.unit, load=NOMINATION, allow=access.may_use_nominations)
def detail(event: Event, nomination):
    """A dossier: data, automatic result, files, history; the actions its viewer may take."""
    if current_user.is_organizer:
        return review_detail(event, nomination)
    deadline, is_open = _deadline(event, nomination.unit)
    return render_template("nominations/detail.html", event=event, n=nomination,
                           result=services.assess(nomination),
                           letters=services.unit_letters(event, nomination.unit_id),
                           can_edit=services.can_edit(nomination), is_open=is_open,
                           can_withdraw=is_open and nomination.status == NominationStatus.submitted,
                           can_delete=is_open and nomination.status == NominationStatus.draft,
                           can_print_certificate=False, can_review=False,
                           deadline=deadline, accept=uploads.ACCEPT, el=el,
                           upload_form=forms.UploadForm(formdata=None),
                           NominationStatus=NominationStatus,
                           as_if_now=nomination.status in EDITABLE, may=rights(nomination))


def _act(nomination, action, done: str, category: str = "success") -> bool:
    """A button on a dossier: the service's refusal is flashed, as its success is."""
    return submit_form(EmptyForm(), lambda: action(nomination, current_user), done,
                       category=category, on_page=False).done


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
    if _act(nomination, services.delete_dossier, "Đã xóa hồ sơ nháp.", "info"):
        return redirect(url_for(".index", slug=event.slug, **_acting(nomination.unit)))
    return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))


@bp.post("/<int:nomination_id>/files")
@bp.post("/letters", defaults={"nomination_id": None})
@policy(Role.unit, load=NOMINATION, allow=access.may_file)
def upload(event: Event, nomination):
    form = forms.UploadForm()
    unit = nomination.unit if nomination is not None else _unit(event)
    submit_form(form, lambda: services.add_file(event, unit, nomination, form.file.data,
                                                form.kinds.data or [], current_user),
                lambda row: f"Đã tải lên “{row.original_name}”.", on_page=False)
    if nomination is None:
        return redirect(url_for(".index", slug=event.slug, **_acting(unit)))
    return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id) + "#files")


@bp.post("/files/<int:file_id>/delete")
@policy(Role.unit, load=FILE, allow=access.may_file)
def delete_file(event: Event, file):
    target, unit = file.nomination_id, next(u for u in event.units if u.id == file.unit_id)
    _act(file, services.delete_file, "Đã xóa tệp.", "info")
    if target is None:
        return redirect(url_for(".index", slug=event.slug, **_acting(unit)))
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
    sent = [n for n in rows if n.status not in EDITABLE]
    pending = [n for n in rows if n.status in EDITABLE]
    if not rows:
        status = "Chưa có hồ sơ"
    else:
        status = f"{len(sent)} hồ sơ đã gửi" + (f", {len(pending)} chưa gửi" if pending else "")
    details = []
    for n in rows:
        if n.status == NominationStatus.returned:
            details.append(f"Hồ sơ {n.full_name} bị trả lại: {n.review_reason}")
        elif n.status == NominationStatus.draft:
            details.append(f"Hồ sơ {n.full_name} chưa gửi")
    if not services.unit_letters(event, unit.id) and rows:
        details.append("Chưa tải lên tờ trình của đơn vị")
    return Summary(title="Hồ sơ đề nghị vinh danh Tổng phụ trách Đội", status=status,
                   url=url_for("nominations.index", slug=event.slug), deadline=deadline,
                   is_open=is_open, done=bool(sent) and not pending, details=details)

