"""Printable documents: QR images (PNG, SVG), invitation letters, badge sheets and the
signature sheet (danh sách ký nhận) of a session, in print and in Excel; the settings they
print (thông tin in) and their live preview.

Invitations and badges are print-ready HTML pages (A4, ``@page`` CSS) for one attendee or
for the whole filtered list (same query string as the list page). Units print only their
own delegates; cancelled attendees are never printed (their codes are revoked).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.checkin.rules import default_session
from eventapp.clock import now
from eventapp.errors import Conflict
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.formatting import number
from eventapp.policy import EVENT, policy
from eventapp.registration import codes, printing, qr, queries, services, signatures
from eventapp.registration.catalog import Catalog
from eventapp.registration.forms import SettingsForm
from eventapp.registration.models import InvitationSetting
from eventapp.registration.views import ATTENDEE, MEMBER, bp
from eventapp.views import safe_next, send_xlsx


def _active(event, attendee):
    if attendee.is_pending or attendee.is_rejected:
        raise Conflict("Đăng ký của đại biểu chưa được Ban tổ chức duyệt; giấy mời, thẻ và "
                       "mã check-in chỉ có sau khi được duyệt.", code="not_approved")
    if not attendee.is_active:
        raise Conflict("Đại biểu đã bị hủy đăng ký; mã check-in đã bị thu hồi.",
                       code="cancelled")
    return event, attendee


def _image(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # The code changes on re-issue: never let a browser or proxy keep an old one.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:attendee_id>/qr.png")
@policy(*MEMBER, load=ATTENDEE)
def qr_png(event: Event, attendee):
    _, attendee = _active(event, attendee)
    return _image(qr.png(codes.attendee_code(attendee)), "image/png",
                  f"qr-dai-bieu-{attendee.id}.png")


@bp.get("/<int:attendee_id>/qr.svg")
@policy(*MEMBER, load=ATTENDEE)
def qr_svg(event: Event, attendee):
    _, attendee = _active(event, attendee)
    return _image(qr.svg_document(codes.attendee_code(attendee)), "image/svg+xml",
                  f"qr-dai-bieu-{attendee.id}.svg")


def render_print(kind: str, event, attendees, back: str | None):
    """Letters or badge sheets; the organizer also sees, above them, what the printed
    settings lack (never printed)."""
    setting = printing.settings_for(event)
    cards = list(printing.cards(event, attendees))
    template = "registration/invitations.html" if kind == "invitation" else \
        "registration/badges.html"
    organizer = current_user.is_authenticated and current_user.is_organizer
    return render_template(template, event=event, setting=setting, cards=cards,
                           sheets=printing.pages(cards), back=back,
                           date_line=printing.date_line(setting, event),
                           colours=printing.category_colours(event),
                           missing=printing.missing(setting) if organizer else [])


def _form_values(form: SettingsForm) -> dict:
    return {name: getattr(form, name).data for name in form.data if name != "csrf_token"}


@bp.route("/settings", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def settings(event: Event):
    """Thông tin in: pre-filled from the event on a fresh one, with a preview beside it."""
    setting = printing.settings_for(event)
    form = SettingsForm(obj=setting)
    if form.validate_on_submit():
        services.save_settings(event, _form_values(form), current_user)
        flash("Đã lưu thông tin in giấy mời và thẻ đại biểu.", "success")
        return redirect(url_for("registration.index", slug=event.slug))
    return render_template("registration/settings.html", event=event, form=form,
                           missing=printing.missing(setting),
                           suggested_day=printing.suggested_day(event))


@bp.get("/settings/preview")
@policy(Role.organizer, load=EVENT)
def settings_preview(event: Event):
    """One badge and one letter of a made-up delegate, printed with the values in the query
    string (the settings form as typed, not saved) through the print view's own partials."""
    setting = printing.settings_for(event)
    if request.args:
        form = SettingsForm(formdata=request.args, meta={"csrf": False})
        form.validate()  # a date not yet fully typed previews as empty
        setting = InvitationSetting(event_id=event.id, **{
            name: value if name == "issued_on" else (value or "").strip()
            for name, value in _form_values(form).items()})
    card = printing.sample_card(event)
    return render_template("registration/preview.html", event=event, setting=setting,
                           card=card, preview=True,
                           date_line=printing.date_line(setting, event),
                           colours=printing.category_colours(event))


def _many(event, kind: str):
    filters = queries.parse_filters(Catalog(event), request.args, current_user)
    back = url_for("registration.index", slug=event.slug, **filters.args())
    if filters.cancelled:
        flash("Không in giấy mời hay thẻ cho đại biểu đã hủy đăng ký.", "warning")
        return redirect(back)
    if filters.review in queries.REVIEW:
        flash("Chỉ in giấy mời và thẻ cho đại biểu đã được Ban tổ chức duyệt.", "warning")
        return redirect(back)
    total = queries.count(event, filters)
    if total > printing.MAX_PRINT:
        flash(f"Danh sách có {number(total)} đại biểu; mỗi lần in tối đa "
              f"{number(printing.MAX_PRINT)}. Hãy lọc theo đơn vị, phiên hoặc thành phần.",
              "warning")
        return redirect(back)
    attendees = db.session.scalars(queries.attendees(event, filters)).all()
    return render_print(kind, event, attendees, back)


@bp.get("/<int:attendee_id>/invitation")
@policy(*MEMBER, load=ATTENDEE)
def invitation(event: Event, attendee):
    return _one(event, attendee, "invitation")


@bp.get("/invitations")
@policy(*MEMBER, load=EVENT)
def invitations(event: Event):
    return _many(event, "invitation")


@bp.get("/<int:attendee_id>/badge")
@policy(*MEMBER, load=ATTENDEE)
def badge(event: Event, attendee):
    return _one(event, attendee, "badge")


def _one(event: Event, attendee, kind: str):
    """One delegate's printout; "back" returns to the delegate's page."""
    event, attendee = _active(event, attendee)
    return render_print(kind, event, [attendee],
                   url_for("registration.edit", slug=event.slug, attendee_id=attendee.id))


@bp.get("/badges")
@policy(*MEMBER, load=EVENT)
def badges(event: Event):
    return _many(event, "badge")


def _signature_sheet(event: Event):
    """The sheet for ``?session=<key>`` (without one: the session under way or next, as
    on the check-in board) and the list's other filters; a unit account gets its own
    unit's whatever it asks."""
    key = request.args.get("session")
    session = event.session_by_key(key) if key else default_session(event.sessions, now())
    if session is None:
        abort(404)
    filters = queries.parse_filters(Catalog(event), request.args, current_user)
    return session, filters, signatures.build(event, session, filters)


@bp.get("/signatures")
@policy(*MEMBER, load=EVENT)
def signature_sheet(event: Event):
    """Danh sách ký nhận of one session, one A4 sheet (or more) per unit."""
    session, filters, sheet = _signature_sheet(event)
    back = safe_next(request.args.get("back")) or url_for("registration.index", slug=event.slug,
                                                           **filters.args())
    return render_template("registration/signatures.html", event=event, sheet=sheet,
                           back=back, excel=url_for(".signature_sheet_xlsx", slug=event.slug,
                                                    **filters.args()))


@bp.get("/signatures.xlsx")
@policy(*MEMBER, load=EVENT)
def signature_sheet_xlsx(event: Event):
    session, filters, sheet = _signature_sheet(event)
    unit = filters.unit.code.lower() if filters.unit else "tat-ca"
    return send_xlsx(signatures.workbook(sheet).to_bytes(),
                     f"danh-sach-ky-nhan-{event.slug}-{session.key}-{unit}.xlsx")
