"""Who acts for a unit: the one rule every domain's predicates build on."""

from __future__ import annotations

from eventapp.accounts.models import Role
from eventapp.units.rules import normal_code


def acts_for(user, unit_id: int | None) -> bool:
    """Whether ``user`` is a unit account that may act for unit ``unit_id``: its own unit,
    or a child of it (đơn vị cấp dưới, ``Unit.parent_id``). One level only: a grandparent
    does not act for its grandchildren, which is all the seeds' hierarchy needs (a commune
    union over its schools' brigades). In an event, the child's deadlines, extensions and
    caps apply: callers look them up by ``unit_id``, never by the acting account's unit.

    ``user`` is a ``User`` or an API ``TokenHolder`` (both have ``role``, ``unit_id`` and
    ``child_unit_ids``). Every domain's predicate builds on this one rule.
    """
    return user.role == Role.unit and unit_id is not None and (
        user.unit_id == unit_id or unit_id in user.child_unit_ids)


def is_parent_of(user, unit_id: int | None) -> bool:
    """Whether ``user`` acts for ``unit_id`` as its parent (not as the unit itself)."""
    return acts_for(user, unit_id) and user.unit_id != unit_id


def is_organizer(user) -> bool:
    return user.role == Role.organizer


def may_see_unit(user, unit) -> bool:
    """A unit's own pages (its questions, its export): organizers and whoever acts for it."""
    return is_organizer(user) or acts_for(user, unit.id)


def units_acted_for(user, event) -> list:
    """The units of ``event`` that ``user`` acts for: its own first (when it takes part),
    then its children by code — what a parent account's unit selector offers."""
    mine = [p.unit for p in event.participations if acts_for(user, p.unit_id)]
    return sorted(mine, key=lambda u: (u.id != user.unit_id, u.code))


def unit_acted_for(user, event, code: str | None):
    """The unit of ``event`` that a unit account acts for in this request: the one ``code``
    names (its own or a child's), with no code its own. None: not one it acts for here
    (with no code: a parent that does not itself take part in ``event`` must name one)."""
    wanted = normal_code(code) or (user.unit.code if user.unit is not None else None)
    return next((u for u in units_acted_for(user, event) if u.code == wanted), None)


def unit_shown(user, event, code: str | None = None):
    """The unit a unit account's page is about: the one ``code`` names, else its own, else
    (a parent that does not take part itself) its first child. None: ``code`` names a unit
    it does not act for — the page answers 404 (``NOT_ACTED_FOR``), as for any other
    unit's object."""
    if code is not None and str(code).strip():
        return unit_acted_for(user, event, code)
    units = units_acted_for(user, event)
    return units[0] if units else None


NOT_ACTED_FOR = "Không tìm thấy đơn vị trong sự kiện này."
