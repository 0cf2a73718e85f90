"""The guide pages: ``/huong-dan`` shows the reader's own; an organizer, who trains the
units and the door staff, opens every role's at ``/huong-dan/<role>`` (to print it)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.errors import NotFound
from eventapp.help.guides import BY_ROLE, GUIDES, example_event, linker
from eventapp.policy import ANY_ROLE, policy

bp = Blueprint("help", __name__, url_prefix="/huong-dan")


@bp.get("/")
@policy(*ANY_ROLE)
def mine():
    return _guide(BY_ROLE[Role(current_user.role)])


@bp.get("/<role>")
@policy(Role.organizer)
def guide(role: str):
    if role not in GUIDES:
        raise NotFound("Không có hướng dẫn này.")
    return _guide(role)


def _guide(key: str):
    _, template, title = GUIDES[key]
    event = example_event(current_user)
    return render_template(template, title=title, event=event, to=linker(event), current=key,
                           guides=GUIDES if current_user.is_organizer else {})
