"""Audiences (nhóm đơn vị nhận): which units are in a state now, a registry the domains
contribute to from their ``init_app``.

``register_audience(app, key, label, fn, …)``: ``fn(event, now) -> {unit_id: values}`` gives
the units of the event in that state with the placeholder values only it knows
(``{"da_gui": 9, …}``); it must be set-based (one or two queries for every unit). The
registry is kept per application, as the deadline kinds are (``events/deadlines.py``), so
messages never imports the domains. ``all_units`` is the messages package's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, current_app

from eventapp.errors import Invalid
from eventapp.events.models import Event, EventUnit
from eventapp.extensions import db
from eventapp.messages.rules import COMMON

KEY = "message_audiences"


@dataclass(frozen=True)
class Audience:
    """``deadline``: the deadline kind whose {han_chot} a message to it shows (None: none);
    ``reminder``: the body of the default rules proposed for that deadline (None: no default
    rule); ``placeholders``: the ones ``find`` fills beyond ``rules.COMMON``."""

    key: str
    label: str
    find: Callable[[Event, datetime], dict[int, dict]]
    deadline: str | None = None
    placeholders: tuple[str, ...] = ()
    reminder: str | None = None

    @property
    def allowed(self) -> tuple[str, ...]:
        return (*COMMON, *self.placeholders)


def register_audience(app: Flask, key: str, label: str,
                      fn: Callable[[Event, datetime], dict[int, dict]], *,
                      deadline: str | None = None, placeholders: tuple[str, ...] = (),
                      reminder: str | None = None) -> None:
    """Add an audience to ``app`` (a domain's ``init_app``), in registration order."""
    app.extensions.setdefault(KEY, {})[key] = Audience(key, label, fn, deadline,
                                                       tuple(placeholders), reminder)


def audiences() -> list[Audience]:
    return list(current_app.extensions.get(KEY, {}).values())


def audience(key: str) -> Audience:
    """The registered audience ``key``, or ``Invalid`` naming the ones there are."""
    found = current_app.extensions.get(KEY, {}).get(key) if isinstance(key, str) else None
    if found is None:
        raise Invalid({"audience": "Nhóm đơn vị không hợp lệ; chọn một trong: "
                                   + ", ".join(a.key for a in audiences()) + "."})
    return found


def choices() -> list[tuple[str, str]]:
    return [(a.key, a.label) for a in audiences()]


def all_units(event: Event, _now: datetime) -> dict[int, dict]:
    """Every unit taking part in the event."""
    ids = db.session.scalars(sa.select(EventUnit.unit_id).where(EventUnit.event_id == event.id))
    return {unit_id: {} for unit_id in ids}


def contribute(app: Flask) -> None:
    register_audience(app, "all_units", "Tất cả đơn vị tham gia", all_units)
