"""Who may see a message or manage an event's messages: pure predicates over (user, object)."""

from __future__ import annotations

from eventapp.units.access import is_organizer


def may_manage(user, _obj) -> bool:
    """A rule or an outbox message of an event: the organizers' (units read their inbox)."""
    return is_organizer(user)


def is_recipient(user, message) -> bool:
    """A message in the in-app inbox is its recipient's alone (organizers included: reading
    it would set the recipient's read receipt)."""
    return message.user_id is not None and message.user_id == user.id
