"""The cost of the check-in insert's status guard (``checkin.queries.insert_checkin``),
measured alone: the same prepared statement path as a scan, with and without the guard,
on fresh attendees, in alternating blocks so that the machine's load hits both alike.

    .venv/bin/python bench/checkin_guard_bench.py                     # SQLite file
    .venv/bin/python bench/checkin_guard_bench.py --database-url postgresql+psycopg://…/db
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument("--per-block", type=int, default=500)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'guard.sqlite'}"

    from eventapp import create_app
    from eventapp.checkin.queries import CHECKINS, INSERT_KEYS, insert_checkin
    from eventapp.cli import upgrade_schema
    from eventapp.clock import now
    from eventapp.events.services import import_event
    from eventapp.extensions import db
    from eventapp.prepared import Prepared, request_connection
    from eventapp.registration.codes import new_nonce
    from eventapp.registration.models import Attendee
    from tests.conftest import demo_definition

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    count = 2 * args.blocks * args.per_block
    with app.app_context():
        upgrade_schema()
        event = import_event(demo_definition())
        session_id, category_id = event.sessions[0].id, event.categories[1].id
        db.session.execute(sa.insert(Attendee), [
            {"event_id": event.id, "unit_id": None, "category_id": category_id,
             "full_name": f"Người {i}", "name_key": f"nguoi {i}", "position": "",
             "workplace": "", "phone": "", "email": "", "seat": "", "status": "active",
             "code_nonce": new_nonce(), "created_at": now()} for i in range(count)])
        db.session.commit()
        ids = list(db.session.scalars(sa.select(Attendee.id).order_by(Attendee.id)))
        dialect = db.engine.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        plain = Prepared(insert(CHECKINS)
                         .on_conflict_do_nothing(index_elements=["attendee_id", "session_id"],
                                                 index_where=CHECKINS.c.undone_at.is_(None))
                         .returning(CHECKINS.c.id), column_keys=list(INSERT_KEYS))
        guarded = insert_checkin(dialect)
        connection = request_connection()
        timings: dict[str, list[float]] = {"without guard": [], "with guard": []}
        moment = now()
        for block in range(2 * args.blocks):
            name, statement = (("without guard", plain) if block % 2 == 0
                               else ("with guard", guarded))
            chunk = ids[block * args.per_block:(block + 1) * args.per_block]
            started = time.perf_counter()
            for attendee_id in chunk:
                row = statement.first(connection, {
                    "event_id": event.id, "attendee_id": attendee_id, "session_id": session_id,
                    "checked_in_at": moment, "recorded_at": moment, "scanned_at": None,
                    "staff_id": None, "device": "bench", "method": "scan",
                    "from_offline_queue": False, "scan_id": None, "note": "",
                    "needs_review": False, "undo_reason": ""})
                assert row is not None
            timings[name].append((time.perf_counter() - started) / len(chunk) * 1e6)
        connection.close()
    print(f"{dialect}: µs per insert, {args.blocks} blocks of {args.per_block} each")
    for name, values in timings.items():
        print(f"  {name:14} median {statistics.median(values):7.1f}  blocks "
              + ", ".join(f"{v:.0f}" for v in values))


if __name__ == "__main__":
    main()
