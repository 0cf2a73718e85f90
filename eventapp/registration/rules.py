"""Pure registration rules (PRODUCT.md §3.2): caps, capacity, duplicates, phone numbers.

No database and no request here; the services feed these functions counts and settings.
A *limit key* names one thing that may fill up: ``("cap", session_id, category_id)`` — the
per-unit cap of a category in a session; ``("default", session_id)`` — the per-unit limit of
a session in the categories no cap covers; ``("units", session_id)`` — the seats of a session
that units together may fill (its capacity less the seats reserved for the organizer's
guests); ``("capacity", session_id)`` — the seats of a session.

Organizer-only categories (lãnh đạo, khách mời) count against the session's capacity only:
units cannot choose them, and the people the organizer puts there are the organizer's guests.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence

from eventapp.text import digits, fold

LimitKey = tuple[Hashable, ...]

_PHONE_CHARS = re.compile(r"^[0-9+().\-\s]*$")


def cap_key(session_id: int, category_id: int) -> LimitKey:
    return ("cap", session_id, category_id)


def capacity_key(session_id: int) -> LimitKey:
    return ("capacity", session_id)


def default_key(session_id: int) -> LimitKey:
    return ("default", session_id)


def units_key(session_id: int) -> LimitKey:
    return ("units", session_id)


#: When several limits refuse a row, the one named to the user: the most specific first.
MESSAGE_ORDER = {"cap": 0, "default": 1, "units": 2, "capacity": 3}


def phone_key(phone: str | None) -> str:
    """Digits of a phone number, with the country code +84 written as a leading 0.

    "+84 912.345.678" and "0912 345 678" are the same number for duplicate checks.
    """
    number = digits(phone)
    if number.startswith("84") and len(number) in (11, 12):
        number = "0" + number[2:]
    return number


def phone_error(phone: str | None) -> str | None:
    """A Vietnamese message if ``phone`` is not a plausible phone number (empty is fine)."""
    if not phone or not phone.strip():
        return None
    if not _PHONE_CHARS.match(phone):
        return "Số điện thoại chỉ gồm chữ số, dấu cách, dấu chấm, dấu gạch ngang hoặc +."
    if not 9 <= len(phone_key(phone)) <= 12:
        return "Số điện thoại phải có từ 9 đến 12 chữ số."
    return None


def same_person(name_a: str, phone_a: str | None, name_b: str, phone_b: str | None) -> bool:
    """Duplicate rule: the same folded name and the same phone digits (both empty counts as
    the same, so one name typed twice without a phone is caught too)."""
    return fold(name_a) == fold(name_b) and phone_key(phone_a) == phone_key(phone_b)


def unit_caps(caps: Iterable[tuple[int, int, str | None, int]], unit_kind: str | None
              ) -> dict[LimitKey, int]:
    """The caps a unit of ``unit_kind`` is held to, from ``(session_id, category_id,
    unit_kind, max_per_unit)`` rows: a cap for its kind or for every unit (kind None).
    Guests (``unit_kind`` None) have no per-unit caps. Where two caps apply, the lower wins.
    """
    if unit_kind is None:
        return {}
    found: dict[LimitKey, int] = {}
    for session_id, category_id, kind, maximum in caps:
        if kind is None or kind == unit_kind:
            key = cap_key(session_id, category_id)
            found[key] = min(maximum, found.get(key, maximum))
    return found


def unit_maxima(capacities: Mapping[int, int | None], reserved: Mapping[int, int],
                default_max: int | None) -> dict[LimitKey, int]:
    """The limits every unit is held to besides its caps: the default per-unit limit of each
    session and, where seats are reserved, the seats left to units together."""
    found: dict[LimitKey, int] = {}
    for session_id, capacity in capacities.items():
        if default_max is not None:
            found[default_key(session_id)] = default_max
        if capacity is not None and reserved.get(session_id):
            found[units_key(session_id)] = max(0, capacity - reserved[session_id])
    return found


def keys_for(session_ids: Iterable[int], category_id: int, maxima: Mapping[LimitKey, int],
             organizer_only: Collection[int] = ()) -> list[LimitKey]:
    """The limit keys one attendee uses: a seat in each session; unless the category is
    organizer-only, a cap place where a cap covers (session, category), else a place under
    the default limit, and a seat among those left to units."""
    keys: list[LimitKey] = []
    for session_id in session_ids:
        keys.append(capacity_key(session_id))
        if category_id in organizer_only:
            continue
        if cap_key(session_id, category_id) in maxima:
            keys.append(cap_key(session_id, category_id))
        elif default_key(session_id) in maxima:
            keys.append(default_key(session_id))
        if units_key(session_id) in maxima:
            keys.append(units_key(session_id))
    return keys


def unit_used(counts: Mapping[tuple[int, int], int], maxima: Mapping[LimitKey, int],
              organizer_only: Collection[int] = ()) -> dict[LimitKey, int]:
    """Places a unit uses, from its active delegates counted by (session, category): each
    under its cap, or else under the session's default limit."""
    used: dict[LimitKey, int] = {}
    for (session_id, category_id), count in counts.items():
        if category_id in organizer_only:
            continue
        if cap_key(session_id, category_id) in maxima:
            key = cap_key(session_id, category_id)
        elif default_key(session_id) in maxima:
            key = default_key(session_id)
        else:
            continue
        used[key] = used.get(key, 0) + count
    return used


def over_limits(maxima: Mapping[LimitKey, int], used: Mapping[LimitKey, int],
                rows: Sequence[Iterable[LimitKey]]) -> dict[int, list[LimitKey]]:
    """Rows (by index) that do not fit, taking rows in order.

    Each row needs one place under every key it lists (keys without a maximum are
    unlimited). A row that fits takes its places; a row that does not fit takes none and is
    reported with the keys that were full, so the accepted rows never exceed any maximum.
    """
    taken = dict(used)
    refused: dict[int, list[LimitKey]] = {}
    for index, keys in enumerate(rows):
        keys = list(dict.fromkeys(keys))
        full = [k for k in keys if k in maxima and taken.get(k, 0) + 1 > maxima[k]]
        if full:
            refused[index] = full
            continue
        for key in keys:
            taken[key] = taken.get(key, 0) + 1
    return refused


def seats_text(count: int, maximum: int | None) -> str:
    """``3/5 chỗ đã đăng ký`` (or ``3 đã đăng ký`` with no maximum)."""
    if maximum is None:
        return f"{count} đã đăng ký"
    return f"{count}/{maximum} chỗ đã đăng ký"


def split_list(text: str | None) -> list[str]:
    """Items typed in one Excel cell: separated by commas, semicolons or new lines."""
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]
