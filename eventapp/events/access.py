"""Who may see an event: organizers and check-in staff every event, a unit account the
events its unit takes part in."""

from __future__ import annotations

from eventapp.accounts.models import Role
from eventapp.units.access import acts_for

#: Roles that see every event, so a route open only to them needs no per-event check.
EVERY_EVENT = frozenset({Role.organizer, Role.checkin})


def sees_every_event(role: Role | str) -> bool:
    return role in EVERY_EVENT


def may_see_event(user, event) -> bool:
    """Outside it, a unit account is told the event does not exist (404)."""
    return sees_every_event(user.role) or any(acts_for(user, p.unit_id)
                                              for p in event.participations)


def may_see_request(user, request) -> bool:
    """An extension request, or the extension granted: the organizer, or an account of the
    unit it is for."""
    return sees_every_event(user.role) or acts_for(user, request.unit_id)


def may_manage_event(user, event) -> bool:
    """Edit the event, its sessions, and see the organizers' figures: organizers."""
    return user.role == Role.organizer


def takes_part(user, event) -> bool:
    """A unit account whose unit (or a child of it) takes part: the overview is its home."""
    return user.role == Role.unit and any(acts_for(user, p.unit_id)
                                          for p in event.participations)
