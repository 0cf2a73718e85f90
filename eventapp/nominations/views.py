"""Pages of the nominations domain (placeholder until the domain is built)."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from eventapp.auth import event_for

bp = Blueprint("nominations", __name__, url_prefix="/events/<slug>/nominations")


@bp.get("/")
@login_required
def index(slug: str):
    event = event_for(current_user, slug)
    return render_template("placeholder.html", event=event, active="nominations", heading="Hồ sơ vinh danh")
