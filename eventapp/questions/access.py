"""Who may see and act on questions: organizers all of them, a unit account its own."""

from __future__ import annotations

from eventapp.units.access import acts_for, is_organizer


def may_see_question(user, question) -> bool:
    return is_organizer(user) or acts_for(user, question.unit_id)
