"""Printable documents: QR images (PNG, SVG), invitation letters and badge sheets.

Invitations and badges are print-ready HTML pages (A4, ``@page`` CSS) for one attendee or
for the whole filtered list (same query string as the list page). Units print only their
own delegates; cancelled attendees are never printed (their codes are revoked).
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.auth import event_for, roles_required
from eventapp.errors import Conflict
from eventapp.extensions import db
from eventapp.registration import codes, printing, qr, queries, services
from eventapp.registration.blueprint import bp
from eventapp.registration.catalog import Catalog

page_roles = roles_required(Role.organizer, Role.unit)


def _active_attendee(slug: str, attendee_id: int):
    event = event_for(current_user, slug)
    attendee = services.get_attendee(event, attendee_id, current_user)
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
@page_roles
def qr_png(slug: str, attendee_id: int):
    _, attendee = _active_attendee(slug, attendee_id)
    return _image(qr.png(codes.attendee_code(attendee)), "image/png",
                  f"qr-dai-bieu-{attendee.id}.png")


@bp.get("/<int:attendee_id>/qr.svg")
@page_roles
def qr_svg(slug: str, attendee_id: int):
    _, attendee = _active_attendee(slug, attendee_id)
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


def _many(slug: str, kind: str):
    event = event_for(current_user, slug)
    filters = queries.parse_filters(Catalog(event), request.args, current_user)
    back = url_for("registration.index", slug=slug, **filters.args())
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
@page_roles
def invitation(slug: str, attendee_id: int):
    event, attendee = _active_attendee(slug, attendee_id)
    return _render("invitation", event, [attendee],
                   url_for("registration.edit", slug=slug, attendee_id=attendee_id))


@bp.get("/invitations")
@page_roles
def invitations(slug: str):
    return _many(slug, "invitation")


@bp.get("/<int:attendee_id>/badge")
@page_roles
def badge(slug: str, attendee_id: int):
    event, attendee = _active_attendee(slug, attendee_id)
    return _render("badge", event, [attendee],
                   url_for("registration.edit", slug=slug, attendee_id=attendee_id))


@bp.get("/badges")
@page_roles
def badges(slug: str):
    return _many(slug, "badge")
