"""Check-in pages: the staff landing page, the scanner (with its session-authenticated,
CSRF-protected JSON endpoints), and the organizer's arrivals board, missing lists, history
with undo, manual check-in and Excel report.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from eventapp.accounts.models import Role
from eventapp.api import json_body
from eventapp.checkin import failed, installable, lists, reports, rules, services, walkins
from eventapp.checkin.access import STAFF, may_pair_phones, may_watch_arrivals
from eventapp.checkin.forms import ManualForm, UndoForm, WalkInForm, WalkInSettingForm
from eventapp.checkin.models import Method
from eventapp.checkin.schemas import PageAttendeeCheckin, PageScanRequest
from eventapp.clock import now
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.params import storable_int
from eventapp.policy import EVENT, Loader, policy, public
from eventapp.views import safe_next, send_xlsx, submit_form

bp = Blueprint("checkin", __name__, url_prefix="/checkin")

#: A session of the event by key; staff and organizers see every event and its sessions.
SESSION = Loader("session_key", "session", lambda event, key: event.session_by_key(key),
                 lambda user, session: True, "Không tìm thấy phiên.", owned=False)


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


# --- Staff: landing page and scanner ----------------------------------------------------------

@bp.get("/")
@policy(*STAFF)
def index():
    """Choose the event and the session once; the scanner page then stays open."""
    events = db.session.scalars(sa.select(Event).order_by(Event.created_at.desc())).all()
    current = {e.id: rules.default_session(e.sessions, now()) for e in events}
    return render_template("checkin/index.html", events=events, current=current,
                           may={"pair_phones": may_pair_phones(current_user),
                                "watch": {e.id: may_watch_arrivals(current_user, e)
                                          for e in events}})


@bp.get("/<slug>/scan/<session_key>")
@policy(*STAFF, load=SESSION)
def scanner(event: Event, session):
    return _scanner_page(event, session)


def _scanner_page(event: Event, session, walk_in_form: WalkInForm | None = None):
    # The door reads codes and words its answers as the server does, online and offline.
    config = {
        "event": event.slug, "session": session.key, "sessionName": session.name,
        "tz": event.timezone,
        "user": current_user.display_name,
        "code": {"pattern": rules.CODE_PATTERN.pattern, "maxLength": rules.MAX_CODE_LENGTH},
        "outcomes": {o.value: {"message": o.message, "colour": o.colour} for o in rules.Outcome},
        "urls": {
            "scan": url_for(".scan", slug=event.slug, session_key=session.key),
            "codes": url_for(".codes", slug=event.slug, session_key=session.key),
            "search": url_for(".search", slug=event.slug, session_key=session.key),
            "attendee": url_for(".attendee_checkin", slug=event.slug, session_key=session.key,
                                attendee_id=0),
            "ping": url_for("core.healthz"),
            "zxing": url_for("static", filename="vendor/zxing/zxing.min.js"),
            "manifest": url_for(".manifest", slug=event.slug, session_key=session.key),
            "worker": url_for(".service_worker"),
            "workerScope": installable.SCOPE,
        },
    }
    walk_ins = walkins.may_register(current_user, event)
    setting_form = None
    if current_user.role == Role.organizer:
        setting_form = WalkInSettingForm(staff_walk_ins=walkins.staff_walk_ins(event))
    return render_template("checkin/scanner.html", event=event, session=session, config=config,
                           walk_in_form=(walk_in_form or WalkInForm()) if walk_ins else None,
                           setting_form=setting_form, units=event.units)


@bp.post("/<slug>/scan/<session_key>/walk-in")
@policy(*STAFF, load=SESSION)
def walk_in(event: Event, session):
    """Register a person at the door and check them in at once (within capacity)."""
    walkins.ensure_may_register(current_user, event)  # a 403 page, not a form error
    form = WalkInForm()
    outcome = submit_form(form, lambda: walkins.walk_in(event, session, current_user, form.data))
    if outcome.done:
        result = outcome.value
        name = result.attendee.full_name if result.attendee else ""
        if result.outcome == rules.Outcome.checked_in:
            flash(f"Đã đăng ký tại cửa và check-in: {name}.", "success")
        else:
            flash(f"{name}: {result.outcome.message}.", "warning")
        return redirect(url_for(".scanner", slug=event.slug, session_key=session.key))
    return _scanner_page(event, session, form), 422


@bp.post("/<slug>/checkin-settings")
@policy(Role.organizer, load=EVENT)
def settings(event: Event):
    """Organizer: whether check-in staff may register walk-ins at this event."""
    form = WalkInSettingForm()
    back = safe_next(request.form.get("back")) or url_for(".index")
    if form.validate_on_submit():
        walkins.set_staff_walk_ins(event, form.staff_walk_ins.data, current_user)
        flash("Đã cho phép tổ đón tiếp đăng ký khách tại cửa." if form.staff_walk_ins.data
              else "Chỉ Ban tổ chức được đăng ký khách tại cửa.", "success")
    return redirect(back)


@bp.get("/<slug>/scan/<session_key>/manifest.webmanifest")
@policy(*STAFF, load=SESSION)
def manifest(event: Event, session):
    """Installed from this page, the app opens this session's scanner."""
    start = url_for(".scanner", slug=event.slug, session_key=session.key)
    response = jsonify(installable.manifest(event, session, start))
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
@public
def service_worker():
    """The scanner's service worker (scope ``/checkin/``); no-cache so a deploy reaches it."""
    response = make_response(render_template(installable.WORKER_TEMPLATE,
                                             **installable.worker_context()))
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<slug>/scan/<session_key>/codes.json")
@policy(*STAFF, load=SESSION)
def codes(event: Event, session):
    """Fingerprints of the session's codes for offline judging (never the raw codes), and
    the session's CSRF token for a page the service worker opened from the device."""
    response = jsonify(lists.offline_table(event, session) | {"csrf": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<slug>/scan/<session_key>/scan")
@policy(*STAFF, load=SESSION)
def scan(event: Event, session):
    body = json_body(PageScanRequest)
    result = services.check_in_code(event, session, body["code"], staff=current_user,
                                    device=body["device"], scanned_at=body["scanned_at"],
                                    scan_id=body["scan_id"], offline=body["offline"])
    return jsonify(result.to_json()), result.http_status


@bp.get("/<slug>/scan/<session_key>/search")
@policy(*STAFF, load=SESSION)
def search(event: Event, session):
    query = request.args.get("q", "")[:100]
    return jsonify({"results": lists.search(event, session, query)})


@bp.post("/<slug>/scan/<session_key>/attendees/<int:attendee_id>/checkin")
@policy(*STAFF, load=SESSION)
def attendee_checkin(event: Event, session, attendee_id: int):
    """Check in a person found by name at the door."""
    body = json_body(PageAttendeeCheckin)
    result = services.check_in_attendee(event, session, attendee_id, staff=current_user,
                                        method=Method.search, device=body["device"],
                                        scan_id=body["scan_id"], scanned_at=body["scanned_at"],
                                        offline=body["offline"])
    return jsonify(result.to_json()), result.http_status


# --- Organizer: arrivals board -----------------------------------------------------------------

@bp.get("/<slug>/board")
@policy(Role.organizer, load=EVENT)
def board(event: Event):
    session = _board_session(event)
    stats = reports.session_stats(event, session)
    config = {"data": url_for(".board_data", slug=event.slug, session=session.key),
              "missing": url_for(".missing_page", slug=event.slug, session=session.key),
              "interval": 5000}
    return render_template("checkin/board.html", event=event, session=session, stats=stats,
                           config=config, failed_scans=failed.total(session.id))


@bp.get("/<slug>/board.json")
@policy(Role.organizer, load=EVENT)
def board_data(event: Event):
    session = _board_session(event)
    expand = [k for k in request.args.get("expand", "").split(",") if k]
    response = jsonify(reports.board_json(event, session, expand))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<slug>/export.xlsx")
@policy(Role.organizer, load=EVENT)
def export(event: Event):
    session = _board_session(event)
    handle = reports.export_report(event, session)
    return send_xlsx(handle, f"bao-cao-check-in-{event.slug}-{session.key}.xlsx")


@bp.get("/<slug>/missing")
@policy(Role.organizer, load=EVENT)
def missing_page(event: Event):
    """Who has not arrived yet in one unit (or all), with manual check-in buttons."""
    session = _board_session(event)
    unit = request.args.get("unit") or None
    stats = reports.session_stats(event, session)
    people = reports.missing(event, session, [unit] if unit else None)
    lines = [ln for ln in stats.units if ln.key in people]
    return render_template("checkin/missing.html", event=event, session=session, lines=lines,
                           people=people, unit=unit, form=ManualForm())


@bp.post("/<slug>/scan/<session_key>/attendees/<int:attendee_id>/manual")
@policy(Role.organizer, load=SESSION)
def manual(event: Event, session, attendee_id: int):
    form = ManualForm()
    back = url_for(".missing_page", slug=event.slug, session=session.key,
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


@bp.get("/<slug>/failed")
@policy(Role.organizer, load=EVENT)
def failed_page(event: Event):
    """Refused scans of a session (nhật ký quét lỗi): counts per door and the stored rows."""
    session = _board_session(event)
    rows = failed.scans(session.id)
    return render_template("checkin/failed.html", event=event, session=session, rows=rows,
                           doors=failed.per_door(session.id), total=failed.total(session.id),
                           cap=failed.stored_cap())


@bp.get("/<slug>/log")
@policy(Role.organizer, load=EVENT)
def log(event: Event):
    """History of check-ins of a session, newest first, with undo."""
    session = _board_session(event)
    page = max(1, request.args.get("page", 1, type=storable_int))
    name = request.args.get("q", "")[:100]
    found = reports.history(event, session, name, page)
    return render_template("checkin/log.html", event=event, session=session, rows=found.items,
                           page=found, q=name, form=UndoForm())


@bp.post("/<slug>/checkins/<int:checkin_id>/undo")
@policy(Role.organizer, load=EVENT)
def undo(event: Event, checkin_id: int):
    form = UndoForm()
    back = safe_next(request.form.get("back")) or url_for(".log", slug=event.slug)
    submit_form(form, lambda: services.undo(event, checkin_id, form.reason.data, current_user),
                lambda row: f"Đã hủy check-in của {row.attendee.full_name}. Có thể check-in "
                            "lại khi cần.", on_page=False)
    return redirect(back)

