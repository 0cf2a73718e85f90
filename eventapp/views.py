"""Core pages (home, health) and the small helpers every blueprint's views share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.local import LocalProxy

from eventapp.errors import DomainError, Invalid, NotFound
from eventapp.events.models import Event, EventUnit
from eventapp.events.services import get_event
from eventapp.extensions import db
from eventapp.formatting import number
from eventapp.forms import EmptyForm, Form
from eventapp.policy import ANY_ROLE, may_call, policy, public
from eventapp.spreadsheets import XLSX_MIMETYPE, ImportErrors
from eventapp.units.access import NOT_ACTED_FOR, unit_shown, units_acted_for
from eventapp.units.models import Unit

bp = Blueprint("core", __name__)

#: A post button's form (only its CSRF token) for every template: ``action_form.hidden_tag()``
#: — so no template writes its own token input. A fresh form per use, bound to the request.
bp.add_app_template_global(LocalProxy(EmptyForm), "action_form")


@bp.app_template_global()
def unit_links(event: Event, endpoint: str, **args) -> list[tuple[Unit, str, bool]]:
    """A parent account's unit selector (macro ``unit_selector``): each unit it acts for in
    ``event`` with ``endpoint``'s page about it (``?unit=CODE``, the one way every unit page
    is told which unit) and whether it is the account's own. Empty with nothing to choose."""
    if not current_user.is_authenticated or not current_user.is_unit:
        return []
    units = units_acted_for(current_user, event)
    if len(units) < 2:
        return []
    return [(u, url_for(endpoint, slug=event.slug, unit=u.code, **args),
             u.id == current_user.unit_id) for u in units]


@bp.app_template_global()
def may_open(url: str) -> bool:
    """Whether the page at ``url`` (made by ``url_for``) admits the current user by its declared
    policy: an empty list's next step (macro ``empty_state``) is offered only to those who may
    take it. A link within this page (``#form``) is always open."""
    parts = urlsplit(url)
    if not parts.path:
        return True
    path = parts.path.removeprefix(request.script_root) or "/"
    try:
        endpoint, args = current_app.create_url_adapter(request).match(path, method="GET")
    except HTTPException:
        return False
    event = get_event(args["slug"]) if "slug" in args else None
    return may_call(endpoint, current_user, event)


def shown_unit(event: Event) -> Unit:
    """The unit a unit account's page is about (``?unit=CODE`` for a parent's child; its own
    unit by default); 404 for a unit it does not act for."""
    unit = unit_shown(current_user, event, request.args.get("unit"))
    if unit is None:
        raise NotFound(NOT_ACTED_FOR)
    return unit


@bp.get("/")
@policy(*ANY_ROLE)
def home():
    """Send each role where its work is."""

    if current_user.is_organizer:
        return redirect(url_for("dashboard.index"))
    if current_user.is_checkin:
        return redirect(url_for("checkin.index"))
    acted_for = {current_user.unit_id, *current_user.child_unit_ids}  # a parent: its children's
    events = db.session.scalars(
        sa.select(Event).where(Event.id.in_(sa.select(EventUnit.event_id).where(
            EventUnit.unit_id.in_(acted_for)))).order_by(Event.created_at.desc())).all()
    if len(events) == 1:
        return redirect(url_for("events.overview", slug=events[0].slug))
    return render_template("events/unit_events.html", events=events)


@bp.get("/healthz")
@public
def healthz():
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}


# --- Helpers for views --------------------------------------------------------------------

def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def apply_errors(form, error: DomainError) -> None:
    """Show a service's refusal on the page: field messages under the form's fields (when
    there is a form), the rest flashed; with no form, the field messages themselves are.

    What the refused service had flushed is rolled back first, so the page shows what is
    saved; with ``errors``' handlers and the request's unit of work
    (``database.init_app``), this is the one place that rolls back.
    """
    db.session.rollback()
    if isinstance(error, Invalid) and form is not None:
        leftovers = []
        for name, message in error.fields.items():
            field = getattr(form, name.split(".")[0], None)
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors or []) + [message]
            else:
                leftovers.append(message)
        if leftovers:
            flash(" ".join(leftovers), "danger")
        else:
            flash("Vui lòng sửa các ô được đánh dấu.", "danger")
    elif isinstance(error, Invalid) and error.fields:
        flash(" ".join(error.fields.values()), "danger")
    else:
        flash(error.message, "danger")


def button_form(form: Form) -> Form:
    """A form of buttons and hidden fields: one that does not validate was not sent by our
    page, so it is refused (400) rather than shown again."""
    if not form.validate_on_submit():
        abort(400)
    return form


@dataclass(frozen=True)
class Outcome:
    """What ``submit_form`` did: ``done`` with the service's ``value``, or not (``error`` is
    the service's refusal, ``None`` when the form itself did not validate)."""

    done: bool
    value: Any = None
    error: DomainError | None = None

    @property
    def status(self) -> int:
        """The status of the page shown again after a refusal."""
        return self.error.status if self.error is not None else 200


def submit_form(form, action: Callable[[], Any], done: str | Callable[[Any], str] | None = None,
                *, refusals: type[DomainError] | tuple[type[DomainError], ...] = DomainError,
                category: str = "success", on_page: bool = True,
                checked_by_service: bool = False) -> Outcome:
    """Validate ``form``, call the service, show its errors.

    On success ``done`` is flashed (a callable gets the service's result); a refusal of the
    kinds in ``refusals`` goes through ``apply_errors`` (others reach the error handlers):
    under the form's fields, or all flashed when the view redirects (``on_page=False``), as
    the form's own findings then are. ``checked_by_service``: the service checks every value
    and its messages are the ones to give, so the form's findings do not stop the call —
    of a form that was sent: opening the page shows it blank, with no error.
    """
    if not form.is_submitted():  # a page opened, not a form sent: nothing to check or call
        return Outcome(False)
    if not form.validate() and not checked_by_service:
        if not on_page:
            flash(" ".join(e for errors in form.errors.values() for e in errors)
                  or "Biểu mẫu không hợp lệ.", "danger")
        return Outcome(False)
    try:
        value = action()
    except refusals as error:
        apply_errors(form if on_page else None, error)
        return Outcome(False, error=error)
    if done:
        flash(done(value) if callable(done) else done, category)
    return Outcome(True, value)


def run_import(form, importer, done: str) -> tuple[bool, list[dict]]:
    """Validate an upload form and run an all-or-nothing import with its file's bytes.

    Returns ``(imported, row_errors)``; on success ``done`` (with ``{count}``) is flashed,
    on refusal the reason is flashed and the transaction rolled back.
    """
    outcome = submit_form(form, lambda: importer(form.file.data.read()),
                          lambda count: done.format(count=number(count)), on_page=False)
    return outcome.done, import_rows(outcome.error)


def import_rows(error: DomainError | None) -> list[dict]:
    """An import refusal's per-row errors (row, reason), for the template's table."""
    return error.extra.get("rows", []) if isinstance(error, ImportErrors) else []


def send_xlsx(handle, filename: str):
    """Send a finished workbook (file-like, rewound) as an attachment."""
    return send_file(handle, mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=filename, max_age=0)
