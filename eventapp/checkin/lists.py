"""What the scanner page lists: name search at the door, and the table of code
fingerprints that lets it judge codes while the server is unreachable."""

from __future__ import annotations

import sqlalchemy as sa

from eventapp.checkin.queries import (
    ATTENDEES,
    SessionLike,
    card_of,
    lookup_select,
    replacement_names,
    row_status,
    run_core,
)
from eventapp.clock import now
from eventapp.database import contains
from eventapp.events.models import Event, EventUnit
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
        stmt = stmt.where(contains(a.c.name_key, word))
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


STATUS_CODES = {"ok": 0, "checked_in": 1, "revoked": 2, "not_invited": 3, "not_approved": 4,
                "substituted": 5}


def offline_table(event: Event, session: SessionLike) -> dict:
    """Everything the scanner needs to judge a code with the server unreachable.

    Codes appear only as SHA-256 fingerprints (``code_fingerprint``), never raw. Each
    entry: ``[fingerprint, status, name, unit index, category index, seat, HH:MM, id]``
    with status 0 ok, 1 already checked in, 2 revoked, 3 not invited to this session, 4 not
    approved by the organizer (registration waiting or refused), 5 replaced by a substitute;
    the id lets a name found offline be queued for check-in by id. A substituted entry has
    a ninth element, the substitute's name, so the door names them offline as online.
    """
    key = code_key()
    units, categories = {}, {}
    rows = run_core(lookup_select().add_columns(ATTENDEES.c.code_nonce)
                .where(ATTENDEES.c.event_id == event.id), {"session_id": session.id})
    entries = []
    replacements = None
    for row in rows:
        unit = units.setdefault(row.unit_code, len(units))
        category = categories.setdefault(row.category, len(categories))
        fingerprint = code_fingerprint(make_code(key, event.id, row.code_nonce))
        when = local_time(row.checked_in_at, event.timezone) if row.checkin_id else ""
        status = row_status(row)
        entries.append([fingerprint, STATUS_CODES[status], row.full_name, unit,
                        category, row.seat or "", when, row.id])
        if status == "substituted":
            if replacements is None:  # one query, and only where someone was replaced
                replacements = replacement_names(event.id)
            entries[-1].append(replacements.get(row.id, ""))
    # EventUnit.name: each unit's name at this event, as its other pages show it.
    unit_names = dict(db.session.execute(
        sa.select(Unit.code, EventUnit.name).join(EventUnit, EventUnit.unit_id == Unit.id)
        .where(EventUnit.event_id == event.id, Unit.code.in_([u for u in units if u]))).all())
    return {"session": session.key,
            "units": [unit_names.get(code, "Khách mời") if code else "Khách mời"
                      for code in units],
            "categories": list(categories),
            "entries": entries,
            "generated_at": now().isoformat()}
