"""Who may see and act on honoring dossiers (hồ sơ vinh danh).

A unit files and sees its own dossiers; organizers see what units sent — a draft the unit
has not sent yet (or took back to edit) stays private to the unit.
"""

from __future__ import annotations

from eventapp.nominations import settings
from eventapp.units.access import acts_for, is_organizer, units_acted_for

from .models import NominationStatus


def unit_may_nominate(rules, unit) -> bool:
    """Only unit kinds in the event's ``rules.unit_kinds`` (the seed: district unions) file
    dossiers."""
    return unit is not None and unit.kind in (rules.unit_kinds or [])


def may_file(user, event) -> bool:
    """A unit account acting for a unit (its own, or a child as its parent) whose kind the
    event lets file dossiers (403 otherwise); the event's rules are read by primary key
    (``settings.of``). Which of them a page files for is ``unit_filed_for``'s answer."""
    if is_organizer(user):
        return False
    rules = settings.of(event)
    return any(unit_may_nominate(rules, u) for u in units_acted_for(user, event))


def may_see_nomination(user, nomination) -> bool:
    if acts_for(user, nomination.unit_id):
        return True
    return is_organizer(user) and nomination.status != NominationStatus.draft


def may_see_file(user, file) -> bool:
    """A dossier's file follows its dossier; a unit's letter (tờ trình) its unit."""
    if file.nomination is not None:
        return may_see_nomination(user, file.nomination)
    return is_organizer(user) or acts_for(user, file.unit_id)


def may_use_nominations(user, event) -> bool:
    """The dossier pages: organizers review them, units that may file write them."""
    return is_organizer(user) or may_file(user, event)


def files_nomination(user, nomination) -> bool:
    """The unit side of a dossier: its deadline, sending, withdrawing, the unit's hints."""
    return acts_for(user, nomination.unit_id)


def may_review_nomination(user, nomination) -> bool:
    """Approve, reject or return a dossier the unit has sent: organizers."""
    return is_organizer(user) and nomination.status != NominationStatus.draft
