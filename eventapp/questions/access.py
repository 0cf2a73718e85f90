"""Who may see and act on questions: organizers all of them, a unit account its own."""

from __future__ import annotations

from eventapp.units.access import acts_for, is_organizer


def may_see_question(user, question) -> bool:
    return is_organizer(user) or acts_for(user, question.unit_id)


def enters_on_behalf(user, unit) -> bool:
    """Organizers open any unit's questions page to enter questions it sent on paper, also
    after the unit's deadline (with a reason)."""
    return is_organizer(user)


def writes_as_unit(user, unit) -> bool:
    """The unit's own view of its page: statuses in the unit's words."""
    return acts_for(user, unit.id)
