"""Check-in pages (placeholder until the domain is built)."""

from flask import Blueprint, render_template

from eventapp.auth import roles_required

bp = Blueprint("checkin", __name__, url_prefix="/checkin")


@bp.get("/")
@roles_required("checkin", "organizer")
def index():
    return render_template("placeholder.html", event=None, active="checkin", heading="Check-in")
