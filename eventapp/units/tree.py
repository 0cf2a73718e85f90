"""The unit tree (đơn vị cấp trên / cấp dưới): what the access rule reads, what exports
group by, and the one place that checks and sets a unit's parent (the unit form, the units
import and the event definition all go through ``parent_errors`` then ``set_parents``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import aliased

from eventapp.extensions import db
from eventapp.spreadsheets import Column
from eventapp.units.models import Unit
from eventapp.units.rules import NO_PARENT, normal_code, parent_error

CACHE_KEY = "eventapp.child_unit_ids"


def child_unit_ids(unit_id: int | None) -> frozenset[int]:
    """The units whose parent is ``unit_id``; read once per request (every predicate of the
    request asks, and the answer cannot change under it in a way that matters). Kept on
    the request, not ``g``: tests share one app context across their requests."""
    if unit_id is None:
        return frozenset()
    cache = request.environ.setdefault(CACHE_KEY, {}) if has_request_context() else {}
    if unit_id not in cache:
        cache[unit_id] = frozenset(db.session.scalars(
            sa.select(Unit.id).where(Unit.parent_id == unit_id)))
    return cache[unit_id]


def parent_errors(links: dict[str, str | None], coming: Iterable[str] = ()) -> dict[str, str]:
    """Why each new link (unit code → parent code; None: no parent) cannot be made: an
    unknown parent, the unit itself, or a cycle — judged on the existing tree with every
    one of ``links`` applied (a definition or an import sets many at once). ``coming``:
    codes of units created with the links (they may be parents)."""
    links = {normal_code(c): normal_code(p) or None for c, p in links.items()}
    known = set(links) | {normal_code(c) for c in coming}
    wanted = {p for p in links.values() if p} - known
    if wanted:
        known |= set(db.session.scalars(sa.select(Unit.code).where(Unit.code.in_(wanted))))
    parent = aliased(Unit)
    existing = dict(db.session.execute(sa.select(Unit.code, parent.code).join(
        parent, parent.id == Unit.parent_id)).all())

    def parent_of(code: str) -> str | None:
        return links[code] if code in links else existing.get(code)

    errors = {}
    for code, parent_code in links.items():
        if parent_code is not None and parent_code not in known:
            errors[code] = f"Không có đơn vị mã “{parent_code}” để làm đơn vị cấp trên."
        elif message := parent_error(code, parent_code, parent_of):
            errors[code] = message
    return errors


#: The leading column of an export grouped by parent.
PARENT_COLUMN = Column("Đơn vị cấp trên", 32)


@dataclass(frozen=True)
class ParentGroupSql:
    """The SQL side of ``rules.group_by_parent`` for exports that stream rows in order:
    ``join(stmt)`` adds the parent, ``label`` is the group's name (the "Đơn vị cấp trên"
    column), ``order`` goes before the export's own ORDER BY (groups by name, the "no
    parent" group last, a parent unit heading its children's group)."""

    label: sa.ColumnElement
    order: tuple[sa.ColumnElement, ...]
    parent: type[Unit]
    unit: type[Unit]

    def join(self, stmt: sa.Select) -> sa.Select:
        return stmt.outerjoin(self.parent, self.parent.id == self.unit.parent_id)


def parent_group(unit=Unit) -> ParentGroupSql:
    """Group rows by the parent of ``unit`` (the ``Unit`` entity or alias the query joins)."""
    parent, child = aliased(Unit), aliased(Unit)
    is_head = sa.exists().where(child.parent_id == unit.id)
    orphan = sa.and_(parent.id.is_(None), ~is_head)
    label = sa.case((parent.id.is_not(None), parent.name), (is_head, unit.name),
                    else_=sa.literal(NO_PARENT))
    order = (sa.case((orphan, 1), else_=0), label,
             sa.case((parent.id.is_(None), 0), else_=1))  # the head first in its group
    return ParentGroupSql(label, order, parent, unit)


def set_parents(links: dict[str, str | None]) -> None:
    """Give each unit (by code) its parent (by code; None: none), once
    ``parent_errors`` has found nothing wrong with the links."""
    codes = set(links) | {p for p in links.values() if p}
    units = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.code.in_(codes)))}
    for code, parent in links.items():
        units[code].parent_id = units[parent].id if parent else None
