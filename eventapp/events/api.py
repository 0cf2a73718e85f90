"""JSON API: events."""

from __future__ import annotations

from eventapp.api import api_blueprint, operation
from eventapp.events.models import Event
from eventapp.events.services import event_to_dict
from eventapp.policy import ANY_ROLE, EVENT, policy

bp = api_blueprint("events_api", __name__)


@bp.get("/events/<slug>")
@operation(summary="Sự kiện với các phiên, đơn vị, hạn chót và chỉ tiêu", tags=["events"],
           responses={200: "Sự kiện"})
@policy(*ANY_ROLE, load=EVENT, api=True)
def get_event(event: Event):
    """The event with its sessions, units, deadlines and quotas."""
    return event_to_dict(event)
