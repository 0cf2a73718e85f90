"""Who works the door: check-in staff and organizers, at every event.

Both roles see every event (``events.access.EVERY_EVENT``), so the scan — the hot path —
declares ``every_event=True`` and its only event lookup is the existence check it needs
anyway (``queries.find_event_for_staff``).
"""

from __future__ import annotations

from eventapp.accounts.models import Role

STAFF = (Role.checkin, Role.organizer)
