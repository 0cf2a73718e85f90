"""Event pages: the organizer's list and settings, and each role's event overview."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.clock import now
from eventapp.errors import Conflict, DomainError, Invalid
from eventapp.events import (
    checklist,
    cloning,
    deadlines,
    progress,
    requests,
    rules,
    services,
    settings,
)
from eventapp.events.access import may_manage_event, may_see_request, takes_part
from eventapp.events.forms import (
    CloneForm,
    EventForm,
    ExtensionForm,
    ExtensionRequestForm,
    GrantForm,
    RefuseForm,
    SessionForm,
)
from eventapp.events.models import (
    DeadlineExtension,
    Event,
    EventSession,
    ExtensionRequest,
    RequestStatus,
)
from eventapp.events.summaries import unit_summaries
from eventapp.extensions import db
from eventapp.formatting import configured_zone_name, for_input, typed_in
from eventapp.forms import EmptyForm
from eventapp.policy import EVENT, Loader, may_call, policy
from eventapp.units.access import units_acted_for
from eventapp.units.models import Unit
from eventapp.views import submit_form

bp = Blueprint("events", __name__, url_prefix="/events")


def _fetch_request(event: Event, request_id: int) -> ExtensionRequest | None:
    found = db.session.get(ExtensionRequest, request_id)
    return found if found is not None and found.event_id == event.id else None


#: A unit's extension request in the event: organizers see all, a unit its own (404).
EXTENSION_REQUEST = Loader("request_id", "extension_request", _fetch_request, may_see_request,
                           "Không tìm thấy đơn xin gia hạn.")


def _fetch_extension(event: Event, extension_id: int) -> DeadlineExtension | None:
    found = db.session.get(DeadlineExtension, extension_id)
    return found if found is not None and found.event_id == event.id else None


#: A unit's granted extension in the event (the same rule as its request).
EXTENSION = Loader("extension_id", "extension", _fetch_extension, may_see_request,
                   "Không tìm thấy gia hạn.")


def _fetch_session(event: Event, session_id: int) -> EventSession | None:
    found = db.session.get(EventSession, session_id)
    return found if found is not None and found.event_id == event.id else None


#: A session of the event, by id (the check-in pages name it by key): whoever sees the
#: event sees its sessions.
SESSION = Loader("session_id", "session", _fetch_session, lambda user, session: True,
                 "Không tìm thấy phiên.", owned=False)


#: An event's tabs (key, endpoint, organizer's label, unit's label); each is shown to
#: whoever the endpoint's declared policy admits.
TABS = (("overview", "events.overview", "Tổng quan", "Trang đơn vị"),
        ("units", "units.index", "Đơn vị", ""),
        ("questions", "questions.index", "Câu hỏi", "Câu hỏi"),
        ("registration", "registration.index", "Đại biểu", "Đại biểu"),
        ("nominations", "nominations.index", "Hồ sơ vinh danh", "Hồ sơ vinh danh"),
        ("checkin", "checkin.board", "Check-in", ""),
        ("extensions", "events.extensions", "Gia hạn", ""),
        ("messages", "messages.sent", "Thông báo", ""))


@bp.app_context_processor
def _event_tabs() -> dict:
    return {"event_tabs": event_tabs}


def event_tabs(event: Event) -> list[tuple[str, str, str]]:
    """``(key, label, url)`` of the tabs of ``event`` the current user may open."""
    return [(key, label if current_user.is_organizer else unit_label,
             url_for(endpoint, slug=event.slug))
            for key, endpoint, label, unit_label in TABS
            if may_call(endpoint, current_user, event)]


@bp.get("/")
@policy(Role.organizer)
def index():
    events = db.session.scalars(sa.select(Event).order_by(Event.created_at.desc())).all()
    return render_template("events/index.html", events=events)


@bp.route("/new", methods=["GET", "POST"])
@policy(Role.organizer)
def new():
    form = settings.event_form_class(EventForm)()

    def create():
        values, topics, parts = _settings(form, configured_zone_name())
        return services.create_event(form.slug.data, values, topics, current_user, parts)

    outcome = submit_form(form, create, "Đã tạo sự kiện. Hãy thêm các phiên và đơn vị tham gia.",
                          refusals=Invalid)
    if outcome.done:
        return redirect(url_for("events.overview", slug=outcome.value.slug))
    return _form_page(form, None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def edit(event: Event):
    # Only a GET is pre-filled from the event: a POST is exactly what the browser sent.
    form_class = settings.event_form_class(EventForm)
    if request.method == "GET":
        form = form_class(obj=event, data=settings.form_data(event))
        form.topics.data = "\n".join(t.name for t in event.topics)
    else:
        form = form_class()
    form.slug.data = event.slug  # the slug is fixed once links and codes exist

    def update():
        values, topics, parts = _settings(form, event.timezone)
        return services.update_event(event, values, topics, current_user, parts)

    if submit_form(form, update, "Đã lưu thông tin sự kiện.", refusals=Invalid).done:
        return redirect(url_for("events.overview", slug=event.slug))
    return _form_page(form, event)


def _form_page(form: EventForm, event: Event | None):
    """The event form: its own fields, then one fieldset per domain's settings."""
    sections = [(part.legend, [form[name] for name in part.field_names])
                for part in settings.parts()]
    return render_template("events/form.html", form=form, event=event, sections=sections)


def _settings(form: EventForm, timezone: str
              ) -> tuple[dict, list[str] | None, dict[str, dict]]:
    """The form's event fields, its topic list (if sent) and each domain's settings, as the
    service takes them."""
    values = {"title": form.title.data.strip(), "theme": (form.theme.data or "").strip()}
    topics = form.topics.data.splitlines() if form.topics.data is not None else None
    return values, topics, settings.form_values(form, timezone)


@bp.get("/<slug>/")
@policy(Role.organizer, Role.unit, load=EVENT)
def overview(event: Event):
    """Organizer: the event's dashboard. Unit: its home — the deadlines that concern it
    (a school's home lists no dossier deadline when only district unions file dossiers)
    and what is expected."""
    may = {"manage": may_manage_event(current_user, event),
           "as_unit": takes_part(current_user, event)}
    rows = []
    unit_id = current_user.unit_id if may["as_unit"] else None
    for kind in deadlines.kinds():
        if unit_id is not None and not progress.applies(event, kind.key, unit_id):
            continue
        ext = services.extension_for(event, unit_id, kind)
        deadline = services.effective_deadline(event, unit_id, kind)
        rows.append({"kind": kind, "deadline": deadline, "extension": ext,
                     "open": rules.is_open(now(), deadline)})
    role_page = {}
    if may["as_unit"]:
        acted_for = units_acted_for(current_user, event)
        own = [u for u in acted_for if u.id == current_user.unit_id]
        role_page = {"summaries": unit_summaries(event, own[0]) if own else [],
                     "children": [(u, child_summaries(event, u)) for u in acted_for
                                  if u not in own],
                     "request_form": _request_form(event),
                     "requests": requests.of_event(event, current_user.unit_id)}
    else:  # the organizer: what is left before the units can start
        role_page = {"steps": [(step, _step_url(event, step))
                               for step in checklist.steps(checklist.facts(event))]}
    return render_template("events/overview.html", event=event, deadlines=rows,
                           cards=settings.cards(event), now=now(),
                           kind_labels=dict(deadlines.choices()), may=may,
                           home_unit=current_user.unit if may["as_unit"] else None,
                           **role_page)


def _step_url(event: Event, step: checklist.Step) -> str:
    """The page that does a checklist step."""
    return url_for(step.endpoint, **({"slug": event.slug} if step.in_event else {}), **step.args)


def child_summaries(event: Event, unit) -> list:
    """A child's lines on its parent's home, each linking to the child's own page."""
    return [replace(s, url=f"{s.url}?{urlencode({'unit': unit.code})}" if s.url else None)
            for s in unit_summaries(event, unit)]


def _request_form(event: Event) -> ExtensionRequestForm:
    form = ExtensionRequestForm()
    form.deadline.choices = [(k.key, k.label)
                             for k in requests.kinds_for(event, current_user.unit_id)]
    return form


@bp.post("/<slug>/extension-requests")
@policy(Role.unit, load=EVENT)
def ask_extension(event: Event):
    """Xin gia hạn, from the unit's page; the answer shows there."""
    form = _request_form(event)
    submit_form(form, lambda: requests.ask(event, current_user.unit, form.deadline.data,
                                           form.reason.data, form.until.data, current_user),
                "Đã gửi đơn xin gia hạn. Ban tổ chức sẽ trả lời trên trang này.",
                on_page=False)
    return redirect(url_for("events.overview", slug=event.slug))


@bp.route("/<slug>/clone", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def clone(event: Event):
    """Nhân bản sự kiện: a new slug and the day of its first session, then its overview."""
    form = CloneForm()

    def make():
        return cloning.clone_event(event, form.slug.data, form.starts_on.data, current_user)

    outcome = submit_form(form, make, lambda new: f"Đã nhân bản thành sự kiện {new.slug}.",
                          refusals=(Invalid, Conflict))
    if outcome.done:
        return redirect(url_for("events.overview", slug=outcome.value.slug))
    return render_template("events/clone.html", event=event, form=form)


@bp.route("/<slug>/sessions/new", methods=["GET", "POST"])
@bp.route("/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@policy(Role.organizer, load=SESSION)
def session_form(event: Event, session: EventSession | None = None):
    form = SessionForm(obj=session) if request.method == "GET" else SessionForm()
    if request.method == "GET" and session is not None:
        form.starts_at.data = for_input(session.starts_at, event.timezone)
        form.ends_at.data = for_input(session.ends_at, event.timezone)
        form.agenda.data = "\n".join(session.agenda or [])
    if session is not None:
        form.key.data = session.key
    def save():
        values = {"key": form.key.data, "name": form.name.data.strip(),
                  "venue": (form.venue.data or "").strip(), "capacity": form.capacity.data,
                  "starts_at": typed_in(form.starts_at.data, event.timezone),
                  "ends_at": typed_in(form.ends_at.data, event.timezone),
                  "agenda": [line.strip() for line in (form.agenda.data or "").splitlines()
                             if line.strip()]}
        services.save_session(event, session, values, current_user)

    if submit_form(form, save, "Đã lưu phiên.", refusals=Invalid).done:
        return redirect(url_for("events.overview", slug=event.slug))
    return render_template("events/session_form.html", event=event, form=form, session=session)


@bp.route("/<slug>/extensions", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def extensions(event: Event):
    form = ExtensionForm()
    form.kind.choices = deadlines.choices()
    form.unit.choices = [(str(u.id), event.unit_name(u)) for u in event.units]
    def grant():
        unit = db.session.get(Unit, int(form.unit.data))
        services.grant_extension(event, unit, form.kind.data,
                                 typed_in(form.deadline.data, event.timezone), form.reason.data,
                                 current_user)
        return unit

    if submit_form(form, grant, lambda unit: f"Đã gia hạn cho {unit.name}.",
                   refusals=Invalid).done:
        return redirect(url_for("events.extensions", slug=event.slug))
    rows = db.session.scalars(sa.select(DeadlineExtension).where(
        DeadlineExtension.event_id == event.id).order_by(DeadlineExtension.granted_at)).all()
    asked = requests.of_event(event)
    grant_forms = {r.id: GrantForm(formdata=None, until=for_input(
        requests.proposed_until(event, r), event.timezone))
        for r in asked if r.status == RequestStatus.pending}
    return render_template("events/extensions.html", event=event, form=form, extensions=rows,
                           kind_labels=dict(deadlines.choices()), requests=asked,
                           grant_forms=grant_forms, refuse_form=RefuseForm(formdata=None))


@bp.post("/<slug>/extension-requests/<int:request_id>/grant")
@policy(Role.organizer, load=EXTENSION_REQUEST)
def grant_request(event: Event, extension_request: ExtensionRequest):
    """Gia hạn in one click: the proposed deadline, or the one edited beside the button."""
    form = GrantForm()
    submit_form(form, lambda: requests.grant(event, extension_request,
                                             typed_in(form.until.data, event.timezone),
                                             current_user),
                f"Đã gia hạn cho {extension_request.unit.name}.", on_page=False,
                refusals=DomainError)
    return redirect(url_for("events.extensions", slug=event.slug))


@bp.post("/<slug>/extension-requests/<int:request_id>/refuse")
@policy(Role.organizer, load=EXTENSION_REQUEST)
def refuse_request(event: Event, extension_request: ExtensionRequest):
    form = RefuseForm()
    submit_form(form, lambda: requests.refuse(event, extension_request, form.note.data,
                                              current_user),
                f"Đã từ chối đơn xin gia hạn của {extension_request.unit.name}.",
                category="info", on_page=False)
    return redirect(url_for("events.extensions", slug=event.slug))


@bp.post("/<slug>/extensions/<int:extension_id>/revoke")
@policy(Role.organizer, load=EXTENSION)
def revoke_extension(event: Event, extension: DeadlineExtension):
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.revoke_extension(extension, current_user)
    flash("Đã hủy gia hạn.", "info")
    return redirect(url_for("events.extensions", slug=event.slug))
