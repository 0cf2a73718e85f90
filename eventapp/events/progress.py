"""What each unit has sent against a deadline kind: a small registry the domains contribute to.

A domain that registers a deadline kind (``events/deadlines.py``) may also register
``deliveries(event, unit_ids=None, instants=True) -> {unit_id: Delivery}`` with
``register(app, key, fn)``: one set-based query over the units the kind applies to (a unit
absent from the answer is not concerned, e.g. a school for district dossiers); without
``instants`` only whether each unit is done (a cheaper count), as "units behind" needs.
The organizer's dashboard (units still behind, a unit across events) and a unit's extension
request read it; the events package never names the domains.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, current_app

from eventapp.database import UTCDateTime
from eventapp.events.models import EventUnit
from eventapp.extensions import db
from eventapp.units.models import Unit

KEY = "deadline_deliveries"


@dataclass(frozen=True)
class Delivery:
    """One unit against one deadline kind: ``done`` once it has sent what is expected (then
    ``sent_at`` is the instant it did); ``status`` is a short Vietnamese figure ("9/15")."""

    done: bool
    sent_at: datetime | None
    status: str


def register(app: Flask, key: str, fn: Callable[..., dict[int, Delivery]],
             page: str | None = None) -> None:
    """Add the deliveries of deadline kind ``key`` (a domain's ``init_app`` calls this);
    ``page`` is the endpoint (taking ``slug``) where the organizer follows them."""
    app.extensions.setdefault(KEY, {})[key] = (fn, page)


def deliveries(event, key: str, unit_ids: Collection[int] | None = None, *,
               instants: bool = True) -> dict[int, Delivery] | None:
    """Every concerned unit's delivery of kind ``key`` in ``event`` (only those of
    ``unit_ids`` when given); None when no domain tells for that kind."""
    fn, _ = current_app.extensions.get(KEY, {}).get(key, (None, None))
    return None if fn is None else fn(event, unit_ids, instants)


def page_endpoint(key: str) -> str | None:
    """The endpoint of the organizer's page that follows kind ``key``, if registered."""
    return current_app.extensions.get(KEY, {}).get(key, (None, None))[1]


def applies(event, key: str, unit_id: int) -> bool:
    """Whether deadline kind ``key`` concerns the unit (a kind nobody tells for: every unit)."""
    found = deliveries(event, key, [unit_id], instants=False)
    return found is None or unit_id in found


def counted(event, unit_ids: Collection[int] | None, instants: bool, items: sa.Select,
            target: int, status: Callable[[int], str],
            unit_kinds: Iterable[str] | None = None) -> dict[int, Delivery]:
    """Deliveries from a domain's items: ``items`` selects ``(unit_id, at)`` of the event's
    counted rows; a unit is done at its ``target``-th item, sent at that item's instant.

    One query for every participating unit (of ``unit_kinds`` when given). With
    ``instants`` a window numbers each unit's items in time order, so the instant the target
    was reached is read without a query per unit; without, a plain count per unit.
    """
    target = max(1, target)
    items = items.subquery()
    chosen = sa.select(items.c.unit_id, items.c.at)
    if unit_ids is not None:
        chosen = chosen.where(items.c.unit_id.in_(list(unit_ids)))
    if instants:
        numbered = chosen.add_columns(sa.func.row_number().over(
            partition_by=items.c.unit_id, order_by=items.c.at).label("n")).subquery()
        reached = sa.func.max(sa.case((numbered.c.n == target, numbered.c.at)))
        per_unit = sa.select(numbered.c.unit_id, sa.func.count().label("count"),
                             sa.type_coerce(reached, UTCDateTime).label("reached")
                             ).group_by(numbered.c.unit_id).subquery()
    else:
        chosen = chosen.subquery()
        per_unit = sa.select(chosen.c.unit_id, sa.func.count().label("count"),
                             sa.null().label("reached")).group_by(chosen.c.unit_id).subquery()
    query = (sa.select(EventUnit.unit_id, per_unit.c.count, per_unit.c.reached)
             .outerjoin(per_unit, per_unit.c.unit_id == EventUnit.unit_id)
             .where(EventUnit.event_id == event.id))
    if unit_ids is not None:
        query = query.where(EventUnit.unit_id.in_(list(unit_ids)))
    if unit_kinds is not None:
        query = query.join(Unit, Unit.id == EventUnit.unit_id).where(
            Unit.kind.in_(list(unit_kinds)))
    return {uid: Delivery((count or 0) >= target, reached_at, status(count or 0))
            for uid, count, reached_at in db.session.execute(query)}
