"""Check-in pages: the staff landing page, the scanner (with its session-authenticated,
CSRF-protected JSON endpoints), and the organizer's arrivals board, missing lists, history
with undo, manual check-in and Excel report.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.api import json_body
from eventapp.auth import event_for, organizer_required, roles_required
from eventapp.checkin import lists, reports, rules, services
from eventapp.checkin.forms import ManualForm, UndoForm
from eventapp.checkin.models import Method
from eventapp.checkin.schemas import PageAttendeeCheckin, PageScanRequest
from eventapp.clock import now
from eventapp.errors import DomainError
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.params import storable_int
from eventapp.views import apply_errors, safe_next, send_xlsx

bp = Blueprint("checkin", __name__, url_prefix="/checkin")

staff_required = roles_required("checkin", "organizer")


def _json_errors(view):
    """Page JSON endpoints answer refusals in JSON too (the scanner reads ``error``)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            db.session.rollback()
            return jsonify(error.payload()), error.status

    return wrapped


def _event_session(slug: str, key: str | None):
    event = event_for(current_user, slug)
    session = event.session_by_key(key or "")
    if session is None:
        abort(404)
    return event, session


def _board_session(event: Event):
    """The session named in ``?session=``, else the one under way or next."""
    key = request.args.get("session")
    if key:
        session = event.session_by_key(key)
        if session is None:
            abort(404)
        return session
    session = rules.default_session(event.sessions, now())
    if session is None:
        abort(404)
    return session


def _json_body(schema):
    return json_body(schema)


# --- Staff: landing page and scanner ----------------------------------------------------------

@bp.get("/")
@staff_required
def index():
    """Choose the event and the session once; the scanner page then stays open."""
    events = db.session.scalars(sa.select(Event).order_by(Event.created_at.desc())).all()
    current = {e.id: rules.default_session(e.sessions, now()) for e in events}
    return render_template("checkin/index.html", events=events, current=current)


@bp.get("/<slug>/scan/<session_key>")
@staff_required
def scanner(slug: str, session_key: str):
    event, session = _event_session(slug, session_key)
    config = {
        "event": event.slug, "session": session.key, "sessionName": session.name,
        "tz": event.timezone,
        "user": current_user.display_name,
        "urls": {
            "scan": url_for(".scan", slug=slug, session_key=session.key),
            "codes": url_for(".codes", slug=slug, session_key=session.key),
            "search": url_for(".search", slug=slug, session_key=session.key),
            "attendee": url_for(".attendee_checkin", slug=slug, session_key=session.key,
                                attendee_id=0),
            "ping": url_for("core.healthz"),
        },
    }
    return render_template("checkin/scanner.html", event=event, session=session, config=config)


@bp.get("/<slug>/scan/<session_key>/codes.json")
@staff_required
def codes(slug: str, session_key: str):
    """Fingerprints of the session's codes for offline judging (never the raw codes)."""
    event, session = _event_session(slug, session_key)
    response = jsonify(lists.offline_table(event, session))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<slug>/scan/<session_key>/scan")
@staff_required
@_json_errors
def scan(slug: str, session_key: str):
    event, session = _event_session(slug, session_key)
    body = _json_body(PageScanRequest)
    result = services.check_in_code(event, session, body["code"], staff=current_user,
                                    device=body["device"], scanned_at=body["scanned_at"],
                                    scan_id=body["scan_id"], offline=body["offline"])
    return jsonify(result.to_json()), result.http_status


@bp.get("/<slug>/scan/<session_key>/search")
@staff_required
@_json_errors
def search(slug: str, session_key: str):
    event, session = _event_session(slug, session_key)
    query = request.args.get("q", "")[:100]
    return jsonify({"results": lists.search(event, session, query)})


@bp.post("/<slug>/scan/<session_key>/attendees/<int:attendee_id>/checkin")
@staff_required
@_json_errors
def attendee_checkin(slug: str, session_key: str, attendee_id: int):
    """Check in a person found by name at the door."""
    event, session = _event_session(slug, session_key)
    body = _json_body(PageAttendeeCheckin)
    result = services.check_in_attendee(event, session, attendee_id, staff=current_user,
                                        method=Method.search, device=body["device"],
                                        scan_id=body["scan_id"], scanned_at=body["scanned_at"],
                                        offline=body["offline"])
    return jsonify(result.to_json()), result.http_status


# --- Organizer: arrivals board -----------------------------------------------------------------

@bp.get("/<slug>/board")
@organizer_required
def board(slug: str):
    event = event_for(current_user, slug)
    session = _board_session(event)
    stats = reports.session_stats(event, session)
    config = {"data": url_for(".board_data", slug=slug, session=session.key),
              "missing": url_for(".missing_page", slug=slug, session=session.key),
              "interval": 5000}
    return render_template("checkin/board.html", event=event, session=session, stats=stats,
                           config=config)


@bp.get("/<slug>/board.json")
@organizer_required
def board_data(slug: str):
    event = event_for(current_user, slug)
    session = _board_session(event)
    expand = [k for k in request.args.get("expand", "").split(",") if k]
    response = jsonify(reports.board_json(event, session, expand))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<slug>/export.xlsx")
@organizer_required
def export(slug: str):
    event = event_for(current_user, slug)
    session = _board_session(event)
    handle = reports.export_report(event, session)
    return send_xlsx(handle, f"bao-cao-check-in-{event.slug}-{session.key}.xlsx")


@bp.get("/<slug>/missing")
@organizer_required
def missing_page(slug: str):
    """Who has not arrived yet in one unit (or all), with manual check-in buttons."""
    event = event_for(current_user, slug)
    session = _board_session(event)
    unit = request.args.get("unit") or None
    stats = reports.session_stats(event, session)
    people = reports.missing(event, session, [unit] if unit else None)
    lines = [ln for ln in stats.units if ln.key in people]
    return render_template("checkin/missing.html", event=event, session=session, lines=lines,
                           people=people, unit=unit, form=ManualForm())


@bp.post("/<slug>/scan/<session_key>/attendees/<int:attendee_id>/manual")
@organizer_required
def manual(slug: str, session_key: str, attendee_id: int):
    event, session = _event_session(slug, session_key)
    form = ManualForm()
    back = url_for(".missing_page", slug=slug, session=session.key,
                   unit=request.form.get("unit") or None)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors) or
              "Biểu mẫu không hợp lệ.", "danger")
        return redirect(back)
    result = services.check_in_attendee(event, session, attendee_id, staff=current_user,
                                        method=Method.manual, device="Ban tổ chức",
                                        note=form.note.data or "")
    name = result.attendee.full_name if result.attendee else ""
    if result.outcome == rules.Outcome.checked_in:
        flash(f"Đã check-in thủ công: {name}.", "success")
    elif result.outcome == rules.Outcome.already_checked_in:
        flash(f"{name} đã check-in lúc {result.to_json()['checked_in_time']} bởi {result.by}.",
              "warning")
    else:
        flash(f"{name}: {result.outcome.message}.", "danger")
    return redirect(back)


@bp.get("/<slug>/log")
@organizer_required
def log(slug: str):
    """History of check-ins of a session, newest first, with undo."""
    event = event_for(current_user, slug)
    session = _board_session(event)
    page = max(1, request.args.get("page", 1, type=storable_int))
    name = request.args.get("q", "")[:100]
    rows = reports.history(event, session, limit=101, offset=(page - 1) * 100, name=name)
    return render_template("checkin/log.html", event=event, session=session, rows=rows[:100],
                           more=len(rows) > 100, page=page, q=name, form=UndoForm())


@bp.post("/<slug>/checkins/<int:checkin_id>/undo")
@organizer_required
def undo(slug: str, checkin_id: int):
    event = event_for(current_user, slug)
    form = UndoForm()
    back = safe_next(request.form.get("back")) or url_for(".log", slug=slug)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors) or
              "Biểu mẫu không hợp lệ.", "danger")
        return redirect(back)
    try:
        row = services.undo(event, checkin_id, form.reason.data, current_user)
    except DomainError as error:
        apply_errors(form, error)
        return redirect(back)
    flash(f"Đã hủy check-in của {row.attendee.full_name}. Có thể check-in lại khi cần.",
          "success")
    return redirect(back)


from eventapp.checkin import summary  # noqa: E402,F401  (registers the unit home summary)
