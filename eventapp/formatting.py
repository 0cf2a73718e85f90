"""How instants and dates are shown: ``HH:MM dd/mm/yyyy`` in one timezone rule (``zone``).

The rule: the event's zone where there is an event, else the configured ``TIMEZONE``. Every
page, export, message and printout goes through ``zone``, so the same deadline shows the
same way everywhere. Templates: ``{{ value|dt }}`` uses the template's ``event`` if it has
one; ``{{ value|dt(e) }}`` names the event (or a zone) where a page lists several.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from jinja2 import pass_context

#: An event (anything with ``.timezone``), a zone name, a zone, or None (the configured one).
Where = object


def configured_zone_name() -> str:
    """``TIMEZONE`` of the running app (``eventapp.config.Defaults`` outside one)."""
    if has_app_context():
        return current_app.config["TIMEZONE"]
    from eventapp.config import Defaults

    return Defaults.TIMEZONE


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone(where: Where = None) -> tzinfo:
    """The one timezone rule: the event's zone where there is an event, else the configured
    one. ``where`` may also be a zone or a zone name."""
    if isinstance(where, tzinfo):
        return where
    name = where if isinstance(where, str) else getattr(where, "timezone", None)
    return _zone(name or configured_zone_name())


def local(value: datetime, where: Where = None) -> datetime:
    return value.astimezone(zone(where))


def local_dt(value: datetime | None, where: Where = None) -> str:
    """``05/02/2020 00:00`` style is for Excel; pages say ``00:00 05/02/2020``."""
    if value is None:
        return ""
    return local(value, where).strftime("%H:%M %d/%m/%Y")


def local_time(value: datetime | None, where: Where = None) -> str:
    return local(value, where).strftime("%H:%M") if value else ""


def vn_date(value: date | datetime | None, where: Where = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value, where)
    return value.strftime("%d/%m/%Y")


def _in_context(format_):
    """A template filter: with no ``where``, the template's ``event`` (if any) decides."""

    @pass_context
    def template_filter(context, value, where: Where = None):
        return format_(value, where if where is not None else context.get("event"))

    return template_filter


def register_filters(app) -> None:
    app.add_template_filter(_in_context(local_dt), "dt")
    app.add_template_filter(_in_context(local_time), "hhmm")
    app.add_template_filter(_in_context(vn_date), "vndate")
    app.add_template_global(lambda where=None: str(zone(where)), "timezone_name")
