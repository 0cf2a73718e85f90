"""Printable documents: QR images (PNG, SVG), invitation letters and badge sheets.

Invitations and badges are print-ready HTML pages (A4, ``@page`` CSS) for one attendee or
for the whole filtered list (same query string as the list page). Units print only their
own delegates; cancelled attendees are never printed (their codes are revoked).
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.errors import Conflict
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.policy import EVENT, policy
from eventapp.registration import codes, printing, qr, queries
from eventapp.registration.catalog import Catalog
from eventapp.registration.views import ATTENDEE, MEMBER, bp


def _active(event, attendee):
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


def _render(kind: str, event, attendees, back: str):
    setting = printing.settings_for(event)
    cards = list(printing.cards(event, attendees))
    template = "registration/invitations.html" if kind == "invitation" else \
        "registration/badges.html"
    return render_template(template, event=event, setting=setting, cards=cards,
                           sheets=printing.pages(cards), back=back,
                           date_line=printing.date_line(setting, event.timezone),
                           colours=printing.category_colours(event))


def _many(event, kind: str):
    filters = queries.parse_filters(Catalog(event), request.args, current_user)
    back = url_for("registration.index", slug=event.slug, **filters.args())
    if filters.cancelled:
        flash("Không in giấy mời hay thẻ cho đại biểu đã hủy đăng ký.", "warning")
        return redirect(back)
    total = queries.count(event, filters)
    if total > printing.MAX_PRINT:
        flash(f"Danh sách có {total} đại biểu; mỗi lần in tối đa {printing.MAX_PRINT}. "
              "Hãy lọc theo đơn vị, phiên hoặc thành phần.", "warning")
        return redirect(back)
    attendees = db.session.scalars(queries.attendees(event, filters)).all()
    return _render(kind, event, attendees, back)


@bp.get("/<int:attendee_id>/invitation")
@policy(*MEMBER, load=ATTENDEE)
def invitation(event: Event, attendee):
    event, attendee = _active(event, attendee)
    return _render("invitation", event, [attendee],
                   url_for("registration.edit", slug=event.slug, attendee_id=attendee.id))


@bp.get("/invitations")
@policy(*MEMBER, load=EVENT)
def invitations(event: Event):
    return _many(event, "invitation")


@bp.get("/<int:attendee_id>/badge")
@policy(*MEMBER, load=ATTENDEE)
def badge(event: Event, attendee):
    event, attendee = _active(event, attendee)
    return _render("badge", event, [attendee],
                   url_for("registration.edit", slug=event.slug, attendee_id=attendee.id))


@bp.get("/badges")
@policy(*MEMBER, load=EVENT)
def badges(event: Event):
    return _many(event, "badge")
