"""The organizer's pages: dossiers under review, decisions, honoree list, certificates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.errors import Invalid
from eventapp.events.models import Event
from eventapp.nominations import access, exports, review, services, settings
from eventapp.nominations import eligibility as el
from eventapp.nominations.forms import (
    CertificateForm,
    DecisionForm,
    ReturnForm,
    decision_form,
    reading_order_form,
)
from eventapp.nominations.models import EDITABLE, STATUS_LABELS, Nomination, NominationStatus
from eventapp.nominations.views import NOMINATION, bp
from eventapp.params import storable_int
from eventapp.policy import EVENT, policy
from eventapp.units.rules import GROUP_BY_PARENT
from eventapp.views import send_xlsx, submit_form


def review_index(event: Event):
    """Every dossier units sent, with its automatic result and decision (``index`` calls it)."""
    unit_id = request.args.get("unit", type=storable_int)
    status = request.args.get("status") or None
    if status not in {s.value for s in NominationStatus}:
        status = None
    rows = review.review_rows(services.sent_nominations(event, unit_id, status))
    drafts = {}
    for unit in event.units:
        count = sum(1 for n in services.unit_nominations(event, unit.id)
                    if n.status == NominationStatus.draft)
        if count and services.may_nominate(event, unit):
            drafts[unit.name] = count
    return render_template("nominations/review_index.html", event=event, rows=rows,
                           drafts=drafts, unit_id=unit_id, status=status,
                           rules=settings.of(event),
                           statuses=STATUS_LABELS, el=el, manual_count=len(el.MANUAL_CRITERIA),
                           units=[u for u in event.units if services.may_nominate(event, u)])


def rights(nomination) -> dict[str, bool]:
    """The dossier page's named answers (``may.file``, ``may.review``), from ``access``."""
    return {"file": access.files_nomination(current_user, nomination),
            "review": access.may_review_nomination(current_user, nomination)}


def review_detail(event: Event, nomination: Nomination, *, decide_form: DecisionForm | None = None,
                  return_form: ReturnForm | None = None):
    """The dossier with review forms (``detail`` calls it for organizers); a refused form is
    shown again as posted."""
    return render_template("nominations/detail.html", event=event, n=nomination,
                           result=services.assess(nomination),
                           letters=services.unit_letters(event, nomination.unit_id),
                           can_edit=False, is_open=services.is_open(event, nomination.unit_id),
                           can_withdraw=False, can_delete=False, can_review=True,
                           can_print_certificate=nomination.status == NominationStatus.approved,
                           deadline=None, el=el, NominationStatus=NominationStatus,
                           decide_form=decide_form or decision_form(nomination, posted=False),
                           return_form=return_form or ReturnForm(formdata=None),
                           as_if_now=nomination.status in EDITABLE, may=rights(nomination))


@bp.post("/<int:nomination_id>/return")
@policy(Role.organizer, load=NOMINATION)
def return_dossier(event: Event, nomination: Nomination):
    form = ReturnForm()
    outcome = submit_form(
        form, lambda: review.return_dossier(nomination, form.reason.data or "", current_user),
        f"Đã trả lại hồ sơ {nomination.full_name} cho {nomination.unit.name}.", category="info")
    if isinstance(outcome.error, Invalid):
        return review_detail(event, nomination, return_form=form), outcome.status
    return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))


@bp.post("/<int:nomination_id>/decide")
@policy(Role.organizer, load=NOMINATION)
def decide(event: Event, nomination: Nomination):
    form = decision_form(nomination, posted=True)
    outcome = submit_form(
        form, lambda: review.decide(nomination, form.decision.data or "", form.reason.data or "",
                                    form.checks(), current_user),
        "Đã lưu kết quả xét hồ sơ.")
    if outcome.done:
        return redirect(url_for(".index", slug=event.slug))
    if isinstance(outcome.error, Invalid):
        return review_detail(event, nomination, decide_form=form), outcome.status
    return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))


@bp.route("/honorees", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def honorees(event: Event):
    """The list read at the ceremony; the organizer numbers the reading order."""
    rows = review.honoree_rows(event)
    form = reading_order_form(rows, posted=request.method == "POST")
    orders = {row.nomination.id: form[f"order-{row.nomination.id}"].data for row in rows}
    if submit_form(form, lambda: review.set_reading_order(event, orders, current_user),
                   "Đã lưu thứ tự đọc.", refusals=Invalid).done:
        return redirect(url_for(".honorees", slug=event.slug))
    return render_template("nominations/honorees.html", event=event, rows=rows, form=form,
                           printing=request.args.get("print") == "1")


@bp.get("/export.xlsx")
@policy(Role.organizer, load=EVENT)
def export(event: Event):
    by_parent = request.args.get("group") == GROUP_BY_PARENT
    return send_xlsx(exports.workbook(event, by_parent), f"vinh-danh-{event.slug}.xlsx")


@bp.route("/certificate-settings", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def certificate_settings(event: Event):
    settings = review.certificate_settings(event)
    form = CertificateForm(obj=settings) if request.method == "GET" else CertificateForm()
    if submit_form(form, lambda: review.save_certificate_settings(event, form.values(),
                                                                  current_user),
                   "Đã lưu nội dung giấy chứng nhận.", refusals=Invalid).done:
        return redirect(url_for(".honorees", slug=event.slug))
    return render_template("nominations/certificate_settings.html", event=event, form=form)


@bp.get("/certificates")
@bp.get("/<int:nomination_id>/certificate")
@policy(Role.organizer, load=NOMINATION)
def certificates(event: Event, nomination: Nomination | None = None):
    """Printable certificates (A4 landscape): one honoree, or every honoree in order."""
    rows = review.honoree_rows(event)
    if nomination is not None:
        rows = [row for row in rows if row.nomination.id == nomination.id]
        if not rows:
            flash(f"{nomination.full_name} chưa được duyệt vinh danh nên chưa in giấy chứng "
                  "nhận.", "warning")
            return redirect(url_for(".detail", slug=event.slug, nomination_id=nomination.id))
    settings = review.certificate_settings(event)
    back = url_for(".detail", slug=event.slug, nomination_id=nomination.id) if nomination \
        else url_for(".honorees", slug=event.slug)
    return render_template("nominations/certificate.html", event=event, rows=rows,
                           s=settings, signed=review.signed_date_text(settings), back=back,
                           missing=review.certificate_missing(settings))
