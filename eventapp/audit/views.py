"""The organizer's audit log page (nhật ký thay đổi): search, filter, page, export to Excel."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from eventapp.accounts.models import Role
from eventapp.audit import phrases, search
from eventapp.clock import now
from eventapp.extensions import db
from eventapp.formatting import local, zone
from eventapp.policy import policy
from eventapp.views import send_xlsx

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _tz():
    """The audit log spans every event: the configured zone (``formatting.zone``)."""
    return zone()


@bp.get("/")
@policy(Role.organizer)
def index():
    filters, errors = search.parse_filters(request.args)
    page = None
    if not errors:
        page = db.paginate(search.search(filters, _tz()), page=filters.page,
                           per_page=search.PER_PAGE, error_out=False)
    choices = search.filter_choices()
    return render_template(
        "audit/index.html", filters=filters, errors=errors, page=page, args=request.args,
        choices=choices, titles={e.id: e.title for e in choices["events"]},
        changes=lambda entry: search.changes(entry, _tz()),
        sentence=lambda entry: search.sentence(entry, _tz()),
        detail_line=lambda entry: phrases.detail_line(entry, _tz()), none_value=search.NONE)


@bp.get("/export.xlsx")
@policy(Role.organizer)
def export():
    filters, errors = search.parse_filters(request.args)
    if errors:
        flash("Bộ lọc không hợp lệ: " + " ".join(errors.values()), "danger")
        return redirect(url_for(".index", **request.args))
    day = local(now(), _tz()).strftime("%Y%m%d-%H%M")
    return send_xlsx(search.export(filters, _tz()), f"nhat-ky-thay-doi-{day}.xlsx")
