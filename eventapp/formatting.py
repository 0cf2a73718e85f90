"""How instants and dates are shown: ``HH:MM dd/mm/yyyy`` in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(value: datetime, tz: str | ZoneInfo = VN_TZ) -> datetime:
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return value.astimezone(zone)


def local_dt(value: datetime | None, tz: str | ZoneInfo = VN_TZ) -> str:
    """``05/02/2020 00:00`` style is for Excel; pages say ``00:00 05/02/2020``."""
    if value is None:
        return ""
    return local(value, tz).strftime("%H:%M %d/%m/%Y")


def local_time(value: datetime | None, tz: str | ZoneInfo = VN_TZ) -> str:
    return local(value, tz).strftime("%H:%M") if value else ""


def vn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def register_filters(app) -> None:
    app.add_template_filter(local_dt, "dt")
    app.add_template_filter(local_time, "hhmm")
    app.add_template_filter(vn_date, "vndate")
