"""Who may see and change delegates (đại biểu): organizers any of them at any time; a unit
account its own, and changes them only while its registration is open."""

from __future__ import annotations

from eventapp.accounts.models import Role
from eventapp.units.access import acts_for, is_organizer


def may_see_attendee(user, attendee) -> bool:
    """Guests (no unit) are the organizers' alone."""
    return is_organizer(user) or acts_for(user, attendee.unit_id)


def may_change_attendees(user, unit_id: int | None, registration_open: bool) -> bool:
    """``registration_open``: the unit's registration deadline (with its extension) has not
    passed — the caller reads it, so this stays free of the database."""
    return is_organizer(user) or (acts_for(user, unit_id) and registration_open)


def may_record_attendance(user, unit_id: int | None, session_started: bool) -> bool:
    """Excused absences and substitutes (vắng có lý do, cử người dự thay): the unit until
    the session starts (``session_started``, read by the caller), organizers at any time."""
    return is_organizer(user) or (acts_for(user, unit_id) and not session_started)


def may_change_any_time(user, event) -> bool:
    """Change delegates whatever the deadline (the organizers' note on the list)."""
    return may_change_attendees(user, None, registration_open=False)


def may_review(user, event) -> bool:
    """Approve or reject pending registrations (duyệt đăng ký)."""
    return is_organizer(user)


def may_manage_registration(user, event) -> bool:
    """The organizers' tools on the list: every unit's column and filter, the import's unit,
    the export grouped by parent unit, reserved seats, invitation settings and sending."""
    return is_organizer(user)


def speaks_as_unit(user, event) -> bool:
    """A unit account: the pages name its unit and word actions as its own (resubmit)."""
    return user.role == Role.unit


def resubmits_for_review(user, attendee) -> bool:
    """Whose saving of a rejected registration sends it back for review (gửi lại để duyệt):
    everyone but the organizers, who decide the review themselves."""
    return not is_organizer(user)


def may_reissue_code(user, attendee) -> bool:
    """Issue a new check-in code, and send one invitation by email: organizers."""
    return is_organizer(user)
