"""The organizer's pages: dossiers under review, decisions, honoree list, certificates."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.errors import DomainError, Invalid
from eventapp.events.models import Event
from eventapp.nominations import eligibility as el
from eventapp.nominations import exports, review, services
from eventapp.nominations.models import EDITABLE, STATUS_LABELS, Nomination, NominationStatus
from eventapp.nominations.views import NOMINATION, bp
from eventapp.params import storable_int, whole_number
from eventapp.policy import EVENT, policy
from eventapp.text import clean
from eventapp.views import apply_errors, send_xlsx


def review_index(event: Event):
    """Every dossier units sent, with its automatic result and decision (``index`` calls it)."""
    unit_id = request.args.get("unit", type=storable_int)
    status = request.args.get("status") or None
    if status not in {s.value for s in NominationStatus}:
        status = None
    rows = [(n, services.assess(n)) for n in services.sent_nominations(event, unit_id, status)]
    drafts = {}
    for unit in event.units:
        count = sum(1 for n in services.unit_nominations(event, unit.id)
                    if n.state == NominationStatus.draft)
        if count and services.may_nominate(event, unit):
            drafts[unit.name] = count
    return render_template("nominations/review_index.html", event=event, rows=rows,
                           drafts=drafts, unit_id=unit_id, status=status,
                           statuses=STATUS_LABELS, el=el,
                           units=[u for u in event.units if services.may_nominate(event, u)])


def review_detail(event: Event, nomination: Nomination, errors: dict | None = None):
    """The dossier with review forms (``detail`` calls it for organizers)."""
    return render_template("nominations/detail.html", event=event, n=nomination,
                           result=services.assess(nomination),
                           letters=services.unit_letters(event, nomination.unit_id),
                           can_edit=False, is_open=services.is_open(event, nomination.unit_id),
                           can_withdraw=False, can_delete=False, can_review=True,
                           can_print_certificate=nomination.state == NominationStatus.approved,
                           deadline=None, errors=errors or {}, el=el,
                           NominationStatus=NominationStatus, form=request.form,
                           as_if_now=nomination.state in EDITABLE)


@bp.post("/<int:nomination_id>/return")
@policy(Role.organizer, load=NOMINATION)
def return_dossier(event: Event, nomination: Nomination):
    try:
        review.return_dossier(nomination, clean(request.form.get("return_reason"), multiline=True),
                              current_user)
    except Invalid as error:
        flash(" ".join(error.fields.values()), "danger")
        return review_detail(event, nomination, {"return_reason": error.fields.get("reason")}), 422
    except DomainError as error:
        apply_errors(None, error)
    else:
        flash(f"Đã trả lại hồ sơ {nomination.full_name} cho {nomination.unit.name}.", "info")
    return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))


@bp.post("/<int:nomination_id>/decide")
@policy(Role.organizer, load=NOMINATION)
def decide(event: Event, nomination: Nomination):
    checks = {code: request.form.get(f"check-{code}") == "1" for code in el.MANUAL_CRITERIA}
    try:
        review.decide(nomination, request.form.get("decision", ""),
                      clean(request.form.get("reason"), multiline=True), checks, current_user)
    except Invalid as error:
        flash(" ".join(error.fields.values()), "danger")
        return review_detail(event, nomination, error.fields), 422
    except DomainError as error:
        apply_errors(None, error)
    else:
        flash("Đã lưu kết quả xét hồ sơ.", "success")
        return redirect(url_for(".index", slug=event.slug))
    return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))


@bp.route("/honorees", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def honorees(event: Event):
    """The list read at the ceremony; the organizer numbers the reading order."""
    errors = {}
    if request.method == "POST":
        orders = {whole_number(k.removeprefix("order-")): v for k, v in request.form.items()
                  if k.startswith("order-")}
        orders.pop(None, None)
        try:
            review.set_reading_order(event, orders, current_user)
        except Invalid as error:
            errors = error.fields
            flash(" ".join(errors.values()), "danger")
        else:
            flash("Đã lưu thứ tự đọc.", "success")
            return redirect(url_for(".honorees", slug=event.slug))
    return render_template("nominations/honorees.html", event=event,
                           rows=review.honoree_rows(event), errors=errors,
                           printing=request.args.get("print") == "1")


@bp.get("/export.xlsx")
@policy(Role.organizer, load=EVENT)
def export(event: Event):
    return send_xlsx(exports.workbook(event), f"vinh-danh-{event.slug}.xlsx")


@bp.route("/certificate-settings", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def certificate_settings(event: Event):
    settings = review.certificate_settings(event)
    errors = {}
    if request.method == "POST":
        values = {k: clean(request.form.get(k)) for k in review.CERTIFICATE_FIELDS}
        try:
            values["signed_on"] = date.fromisoformat(values["signed_on"]) \
                if values["signed_on"] else None
        except ValueError:
            errors["signed_on"] = "Ngày không hợp lệ."
        if not errors:
            try:
                review.save_certificate_settings(event, values, current_user)
            except Invalid as error:
                errors = error.fields
            else:
                flash("Đã lưu nội dung giấy chứng nhận.", "success")
                return redirect(url_for(".honorees", slug=event.slug))
        for key, value in values.items():
            if key != "signed_on" or not errors.get("signed_on"):
                setattr(settings, key, value)
    return render_template("nominations/certificate_settings.html", event=event,
                           s=settings, errors=errors)


@bp.get("/certificates")
@bp.get("/<int:nomination_id>/certificate")
@policy(Role.organizer, load=NOMINATION)
def certificates(event: Event, nomination: Nomination | None = None):
    """Printable certificates (A4 landscape): one honoree, or every honoree in order."""
    rows = review.honoree_rows(event)
    if nomination is not None:
        rows = [r for r in rows if r.nomination.id == nomination.id]
        if not rows:
            flash(f"{nomination.full_name} chưa được duyệt vinh danh nên chưa in giấy chứng "
                  "nhận.", "warning")
            return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))
    settings = review.certificate_settings(event)
    return render_template("nominations/certificate.html", event=event, rows=rows,
                           s=settings, signed=review.signed_date_text(settings))
