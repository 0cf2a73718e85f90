"""How instants and dates are shown: ``HH:MM dd/mm/yyyy`` in one timezone rule (``zone``).

Numbers: ``number`` (``{{ value|number }}``) writes a count the Vietnamese way, ``11.119``.

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

from eventapp.config import Defaults
from eventapp.events.rules import progress_percent

#: An event (anything with ``.timezone``), a zone name, a zone, or None (the configured one).
Where = object


def configured_zone_name() -> str:
    """``TIMEZONE`` of the running app (``eventapp.config.Defaults`` outside one)."""
    if has_app_context():
        return current_app.config["TIMEZONE"]

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


def typed_in(value: datetime | None, where: Where = None) -> datetime | None:
    """A naive time typed in a form (``datetime-local``), read in the zone: an instant."""
    return value.replace(tzinfo=zone(where)) if value else None


def for_input(value: datetime | None, where: Where = None) -> datetime | None:
    """An instant as a form's ``datetime-local`` field shows it: naive, in the zone."""
    return local(value, where).replace(tzinfo=None) if value else None


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


def number(value: int | None) -> str:
    """A count or quantity as Vietnamese write it: ``.`` between thousands (``11.119 ngày``).

    Only for amounts: ids, years, codes and phone numbers are not numbers to read, and keep
    their digits as they are. Excel cells keep the number itself, not this text.
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int):
        return str(value)
    return f"{value:,}".replace(",", ".")


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
    app.add_template_filter(number, "number")
    app.add_template_global(lambda where=None: str(zone(where)), "timezone_name")
    # Rules the shared macros need; computed in Python, the macro only draws them.
    app.add_template_global(progress_percent, "progress_percent")
