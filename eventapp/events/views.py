"""Event pages: the organizer's list and settings, and each role's event overview."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.clock import now
from eventapp.errors import Invalid
from eventapp.events import services
from eventapp.events.forms import EventForm, ExtensionForm, SessionForm
from eventapp.events.models import (
    DeadlineExtension,
    DeadlineKind,
    Event,
    EventSession,
)
from eventapp.events.summaries import unit_summaries
from eventapp.extensions import db
from eventapp.formatting import configured_zone_name
from eventapp.forms import EmptyForm
from eventapp.policy import EVENT, may_call, policy
from eventapp.units.models import Unit
from eventapp.views import apply_errors

bp = Blueprint("events", __name__, url_prefix="/events")

DEADLINE_FIELDS = ("question_deadline", "registration_deadline", "nomination_deadline")
SETTING_FIELDS = ("title", "theme", "question_min_per_unit", "question_max_per_unit",
                  "nomination_reference_date", "serving_min_years", "retired_min_years",
                  "title_window_years", "discipline_window_years", "nomination_unit_kinds")


#: An event's tabs (key, endpoint, organizer's label, unit's label); each is shown to
#: whoever the endpoint's declared policy admits.
TABS = (("overview", "events.overview", "Tổng quan", "Trang đơn vị"),
        ("units", "units.index", "Đơn vị", ""),
        ("questions", "questions.index", "Câu hỏi", "Câu hỏi"),
        ("registration", "registration.index", "Đại biểu", "Đại biểu"),
        ("nominations", "nominations.index", "Hồ sơ vinh danh", "Hồ sơ vinh danh"),
        ("checkin", "checkin.board", "Check-in", ""),
        ("extensions", "events.extensions", "Gia hạn", ""))


@bp.app_context_processor
def _event_tabs() -> dict:
    return {"event_tabs": event_tabs}


def event_tabs(event: Event) -> list[tuple[str, str, str]]:
    """``(key, label, url)`` of the tabs of ``event`` the current user may open."""
    return [(key, label if current_user.is_organizer else unit_label,
             url_for(endpoint, slug=event.slug))
            for key, endpoint, label, unit_label in TABS
            if may_call(endpoint, current_user, event)]


def _aware(value: datetime | None, tz: str) -> datetime | None:
    """A ``datetime-local`` value typed in the event's zone, as an instant."""
    return value.replace(tzinfo=ZoneInfo(tz)) if value else None


def _naive_local(value: datetime | None, tz: str) -> datetime | None:
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None) if value else None


@bp.get("/")
@policy(Role.organizer)
def index():
    events = db.session.scalars(sa.select(Event).order_by(Event.created_at.desc())).all()
    return render_template("events/index.html", events=events)


@bp.route("/new", methods=["GET", "POST"])
@policy(Role.organizer)
def new():
    form = EventForm()
    if request.method == "GET":
        form.nomination_unit_kinds.data = ["district"]
    if form.validate_on_submit():
        try:
            event = services.create_event(form.slug.data, *_settings(form, configured_zone_name()),
                                          current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash("Đã tạo sự kiện. Hãy thêm các phiên và đơn vị tham gia.", "success")
            return redirect(url_for("events.overview", slug=event.slug))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def edit(event: Event):
    # Only a GET is pre-filled from the event: a POST is exactly what the browser sent.
    form = EventForm(obj=event) if request.method == "GET" else EventForm()
    if request.method == "GET":
        for name in DEADLINE_FIELDS:
            getattr(form, name).data = _naive_local(getattr(event, name), event.timezone)
        form.topics.data = "\n".join(t.name for t in event.topics)
    form.slug.data = event.slug  # the slug is fixed once links and codes exist
    if form.validate_on_submit():
        try:
            services.update_event(event, *_settings(form, event.timezone), current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash("Đã lưu thông tin sự kiện.", "success")
            return redirect(url_for("events.overview", slug=event.slug))
    return render_template("events/form.html", form=form, event=event)


def _settings(form: EventForm, timezone: str) -> tuple[dict, list[str] | None]:
    """The form's settings as the service takes them, and its topic list (if sent)."""
    values = {name: getattr(form, name).data for name in SETTING_FIELDS}
    values["title"] = values["title"].strip()
    values["theme"] = (values["theme"] or "").strip()
    values["question_min_per_unit"] = values["question_min_per_unit"] or 0
    for name in DEADLINE_FIELDS:
        values[name] = _aware(getattr(form, name).data, timezone)
    topics = form.topics.data.splitlines() if form.topics.data is not None else None
    return values, topics


@bp.get("/<slug>/")
@policy(Role.organizer, Role.unit, load=EVENT)
def overview(event: Event):
    """Organizer: the event's dashboard. Unit: its home — deadlines and what is expected."""
    deadlines = []
    for kind in DeadlineKind:
        unit_id = current_user.unit_id if current_user.is_unit else None
        ext = services.extension_for(event, unit_id, kind)
        deadline = services.effective_deadline(event, unit_id, kind)
        deadlines.append({"kind": kind, "deadline": deadline, "extension": ext,
                          "open": deadline is None or now() < deadline})
    summaries = unit_summaries(event, current_user.unit) if current_user.is_unit else []
    return render_template("events/overview.html", event=event, deadlines=deadlines,
                           summaries=summaries, now=now())


@bp.route("/<slug>/sessions/new", methods=["GET", "POST"])
@bp.route("/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def session_form(event: Event, session_id: int | None = None):
    session = None
    if session_id is not None:
        session = db.session.get(EventSession, session_id)
        if session is None or session.event_id != event.id:
            abort(404)
    form = SessionForm(obj=session) if request.method == "GET" else SessionForm()
    if request.method == "GET" and session is not None:
        form.starts_at.data = _naive_local(session.starts_at, event.timezone)
        form.ends_at.data = _naive_local(session.ends_at, event.timezone)
        form.agenda.data = "\n".join(session.agenda or [])
    if session is not None:
        form.key.data = session.key
    if form.validate_on_submit():
        values = {"key": form.key.data, "name": form.name.data.strip(),
                  "venue": (form.venue.data or "").strip(), "capacity": form.capacity.data,
                  "starts_at": _aware(form.starts_at.data, event.timezone),
                  "ends_at": _aware(form.ends_at.data, event.timezone),
                  "agenda": [line.strip() for line in (form.agenda.data or "").splitlines()
                             if line.strip()]}
        try:
            services.save_session(event, session, values, current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash("Đã lưu phiên.", "success")
            return redirect(url_for("events.overview", slug=event.slug))
    return render_template("events/session_form.html", event=event, form=form, session=session)


@bp.route("/<slug>/extensions", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def extensions(event: Event):
    form = ExtensionForm()
    form.unit.choices = [(str(u.id), u.name) for u in event.units]
    if form.validate_on_submit():
        unit = db.session.get(Unit, int(form.unit.data))
        try:
            services.grant_extension(event, unit, form.kind.data,
                                     _aware(form.deadline.data, event.timezone),
                                     form.reason.data, current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(f"Đã gia hạn cho {unit.name}.", "success")
            return redirect(url_for("events.extensions", slug=event.slug))
    rows = db.session.scalars(sa.select(DeadlineExtension).where(
        DeadlineExtension.event_id == event.id).order_by(DeadlineExtension.granted_at)).all()
    return render_template("events/extensions.html", event=event, form=form, extensions=rows,
                           revoke_form=EmptyForm(),
                           kind_labels={k.value: k.label for k in DeadlineKind})


@bp.post("/<slug>/extensions/<int:extension_id>/revoke")
@policy(Role.organizer, load=EVENT)
def revoke_extension(event: Event, extension_id: int):
    ext = db.session.get(DeadlineExtension, extension_id)
    if ext is None or ext.event_id != event.id or not EmptyForm().validate_on_submit():
        abort(404 if ext is None or ext.event_id != event.id else 400)
    services.revoke_extension(ext, current_user)
    flash("Đã hủy gia hạn.", "info")
    return redirect(url_for("events.extensions", slug=event.slug))
