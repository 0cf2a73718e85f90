"""Who acts for a unit: the one rule every domain's predicates build on."""

from __future__ import annotations

from eventapp.accounts.models import Role


def acts_for(user, unit_id: int | None) -> bool:
    """Whether ``user`` is a unit account that may act for unit ``unit_id``.

    ``user`` is a ``User`` or an API ``TokenHolder`` (both have ``role`` and ``unit_id``).
    Today a unit account acts for its own unit only; parent units (issue #16) will also act
    for their child units here, and every predicate built on this follows.
    """
    return user.role == Role.unit and unit_id is not None and user.unit_id == unit_id


def is_organizer(user) -> bool:
    return user.role == Role.organizer


def may_see_unit(user, unit) -> bool:
    """A unit's own pages (its questions, its export): organizers and whoever acts for it."""
    return is_organizer(user) or acts_for(user, unit.id)
