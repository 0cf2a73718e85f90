"""What the scanner page lists: name search at the door, and the table of code
fingerprints that lets it judge codes while the server is unreachable."""

from __future__ import annotations

import sqlalchemy as sa

from eventapp.checkin.queries import (
    ATTENDEES,
    SessionLike,
    card_of,
    lookup_select,
    row_status,
    run_core,
)
from eventapp.clock import now
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.formatting import local_time
from eventapp.registration.codes import code_fingerprint, code_key, make_code
from eventapp.text import fold
from eventapp.units.models import Unit


def search(event: Event, session: SessionLike, query: str, limit: int = 15) -> list[dict]:
    """Attendees whose name contains every word typed, diacritics-insensitive."""
    words = fold(query).split()
    if not words or sum(map(len, words)) < 2:
        return []
    a = ATTENDEES
    stmt = lookup_select().where(a.c.event_id == event.id)
    for word in words[:5]:
        stmt = stmt.where(a.c.name_key.contains(word, autoescape=True))
    rows = run_core(stmt.order_by(a.c.name_key, a.c.id).limit(limit), {"session_id": session.id})
    found = []
    for row in rows:
        item = card_of(row).to_json()
        item["status"] = row_status(row)
        if row.checkin_id is not None:
            item["checked_in_time"] = local_time(row.checked_in_at, event.timezone)
            item["by"] = row.staff_name or row.staff_email or ""
        found.append(item)
    return found


STATUS_CODES = {"ok": 0, "checked_in": 1, "revoked": 2, "not_invited": 3}


def offline_table(event: Event, session: SessionLike) -> dict:
    """Everything the scanner needs to judge a code with the server unreachable.

    Codes appear only as SHA-256 fingerprints (``code_fingerprint``), never raw. Each
    entry: ``[fingerprint, status, name, unit index, category index, seat, HH:MM, id]``
    with status 0 ok, 1 already checked in, 2 revoked, 3 not invited to this session; the
    id lets a name found offline be queued for check-in by id.
    """
    key = code_key()
    units, categories = {}, {}
    rows = run_core(lookup_select().add_columns(ATTENDEES.c.code_nonce)
                .where(ATTENDEES.c.event_id == event.id), {"session_id": session.id})
    entries = []
    for row in rows:
        unit = units.setdefault(row.unit_code, len(units))
        category = categories.setdefault(row.category, len(categories))
        fingerprint = code_fingerprint(make_code(key, event.id, row.code_nonce))
        when = local_time(row.checked_in_at, event.timezone) if row.checkin_id else ""
        entries.append([fingerprint, STATUS_CODES[row_status(row)], row.full_name, unit,
                        category, row.seat or "", when, row.id])
    unit_names = dict(db.session.execute(sa.select(Unit.code, Unit.name)
                                         .where(Unit.code.in_([u for u in units if u]))).all())
    return {"session": session.key,
            "units": [unit_names.get(code, "Khách mời") if code else "Khách mời"
                      for code in units],
            "categories": list(categories),
            "entries": entries,
            "generated_at": now().isoformat()}
