"""Core pages (home, health) and the small helpers every blueprint's views share."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from eventapp.errors import DomainError, Invalid
from eventapp.extensions import db
from eventapp.policy import ANY_ROLE, policy, public
from eventapp.spreadsheets import XLSX_MIMETYPE, ImportErrors

bp = Blueprint("core", __name__)


@bp.get("/")
@policy(*ANY_ROLE)
def home():
    """Send each role where its work is."""
    from eventapp.events.models import Event, EventUnit

    if current_user.is_organizer:
        return redirect(url_for("events.index"))
    if current_user.is_checkin:
        return redirect(url_for("checkin.index"))
    events = db.session.scalars(
        sa.select(Event).join(EventUnit).where(EventUnit.unit_id == current_user.unit_id)
        .order_by(Event.created_at.desc())).all()
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
    there is a form), the rest flashed.

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
    else:
        flash(error.message, "danger")


def run_import(form, importer, done: str) -> tuple[bool, list[dict]]:
    """Validate an upload form and run an all-or-nothing import with its file's bytes.

    Returns ``(imported, row_errors)``; on success ``done`` (with ``{count}``) is flashed,
    on refusal the reason is flashed and the transaction rolled back.
    """
    if not form.validate_on_submit():
        for message in form.file.errors:
            flash(message, "danger")
        return False, []
    try:
        count = importer(form.file.data.read())
    except DomainError as error:
        return False, flash_import_errors(error)
    flash(done.format(count=count), "success")
    return True, []


def flash_import_errors(error: DomainError) -> list[dict]:
    """Flash an import refusal (nothing of it is kept); returns the per-row errors for the
    template's table."""
    apply_errors(None, error)
    return error.extra.get("rows", []) if isinstance(error, ImportErrors) else []


def send_xlsx(handle, filename: str):
    """Send a finished workbook (file-like, rewound) as an attachment."""
    return send_file(handle, mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=filename, max_age=0)
