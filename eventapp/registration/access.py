"""Who may see and change delegates (đại biểu): organizers any of them at any time; a unit
account its own, and changes them only while its registration is open."""

from __future__ import annotations

from eventapp.units.access import acts_for, is_organizer


def may_see_attendee(user, attendee) -> bool:
    """Guests (no unit) are the organizers' alone."""
    return is_organizer(user) or acts_for(user, attendee.unit_id)


def may_change_attendees(user, unit_id: int | None, registration_open: bool) -> bool:
    """``registration_open``: the unit's registration deadline (with its extension) has not
    passed — the caller reads it, so this stays free of the database."""
    return is_organizer(user) or (acts_for(user, unit_id) and registration_open)
