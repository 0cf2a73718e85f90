"""JSON API: events."""

from __future__ import annotations

from flask import g

from eventapp.api import api_blueprint
from eventapp.auth import event_for, token_required
from eventapp.events.services import event_to_dict

bp = api_blueprint("events_api", __name__)


@bp.get("/events/<slug>")
@token_required()
def get_event(slug: str):
    """The event with its sessions, units, deadlines and quotas."""
    return event_to_dict(event_for(g.api_user, slug))
