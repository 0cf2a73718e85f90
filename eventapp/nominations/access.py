"""Who may see and act on honoring dossiers (hồ sơ vinh danh).

A unit files and sees its own dossiers; organizers see what units sent — a draft the unit
has not sent yet (or took back to edit) stays private to the unit.
"""

from __future__ import annotations

from eventapp.units.access import acts_for, is_organizer

from .models import NominationStatus


def unit_may_nominate(event, unit) -> bool:
    """Only unit kinds in ``event.nomination_unit_kinds`` (district unions) file dossiers."""
    return unit is not None and unit.kind in (event.nomination_unit_kinds or [])


def may_file(user, event) -> bool:
    """A unit account whose unit's kind the event lets file dossiers (403 otherwise)."""
    return not is_organizer(user) and unit_may_nominate(event, user.unit)


def may_see_nomination(user, nomination) -> bool:
    if acts_for(user, nomination.unit_id):
        return True
    return is_organizer(user) and nomination.state != NominationStatus.draft


def may_see_file(user, file) -> bool:
    """A dossier's file follows its dossier; a unit's letter (tờ trình) its unit."""
    if file.nomination is not None:
        return may_see_nomination(user, file.nomination)
    return is_organizer(user) or acts_for(user, file.unit_id)


def may_use_nominations(user, event) -> bool:
    """The dossier pages: organizers review them, units that may file write them."""
    return is_organizer(user) or may_file(user, event)
