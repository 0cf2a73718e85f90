"""Who works the door: check-in staff and organizers, at every event.

Both roles see every event (``events.access.EVERY_EVENT``), so the scan — the hot path —
declares ``every_event=True`` and its only event lookup is the existence check it needs
anyway (``queries.find_event_for_staff``).
"""

from __future__ import annotations

from eventapp.accounts.models import Role

STAFF = (Role.checkin, Role.organizer)


def may_register_walk_ins(user, staff_allowed: bool) -> bool:
    """Walk-ins (khách đăng ký tại cửa): organizers, and check-in staff where the event's
    check-in setting allows it (``staff_allowed``, read by the caller)."""
    return user.role == Role.organizer or (user.role == Role.checkin and staff_allowed)


def may_watch_arrivals(user, event) -> bool:
    """The arrivals board of an event (bảng theo dõi đại biểu đến): organizers."""
    return user.role == Role.organizer


def may_pair_phones(user, event=None) -> bool:
    """Open the check-in on a phone over the venue's network (venue.phone): organizers."""
    return user.role == Role.organizer
