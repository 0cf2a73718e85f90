"""Pages of the questions domain (placeholder until the domain is built)."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from eventapp.auth import event_for

bp = Blueprint("questions", __name__, url_prefix="/events/<slug>/questions")


@bp.get("/")
@login_required
def index(slug: str):
    event = event_for(current_user, slug)
    return render_template("placeholder.html", event=event, active="questions", heading="Câu hỏi")
