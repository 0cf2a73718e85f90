"""The organizer's dashboard for a national-sized event: 3,000 units and 45,000 questions.

Seeds a scratch database (a SQLite file, or a new database on the PostgreSQL server given)
with the demo event plus 3,000 units (a third of them district unions, which also owe
dossiers) and 45,000 questions (every seventh unit short of its 15), 300 pending extension
requests and, for the running-session case, 6,000 delegates of whom half have checked in;
all by bulk inserts. Then measures the dashboard's server time in this process (the app's
own test client: routing, queries and template, no network):

1. ``GET /dashboard/`` ten days before the deadlines: questions, dossiers and registration
   due, each with its units behind (3,000 units' deliveries, one query per kind);
2. the same page while session 1 is running (live arrivals) and no deadline is due;
3. ``GET /dashboard/units`` (50 units across events) and one unit's page.

Target (issue #16): ≤ 150 ms for the dashboard. Each round is 10 requests; every round's
p50 and max are printed.

    .venv/bin/python bench/dashboard_bench.py
    .venv/bin/python bench/dashboard_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import demo_event, in_process_app, like_a_worker, percentile  # noqa: E402  (after the path is set)
from bench.questions_bench import PASSWORD, login, question  # noqa: E402

SLUG = "doi-thoai-2020"
TARGET_MS = 150
#: Ten days before the question and dossier deadlines (00:00 05/02/2020 in Vietnam).
BEFORE_DEADLINES = datetime(2020, 1, 26, 3, 0, tzinfo=UTC)
#: 08:30 on 14/02/2020 in Bến Tre: session 1 (08:00–11:00) is running.
DURING_SESSION = datetime(2020, 2, 14, 1, 30, tzinfo=UTC)


def seed(event, units: int, per_unit: int, rng: random.Random) -> tuple[int, int]:
    """``units`` units in ``event`` and their questions; returns (units, questions)."""
    from eventapp.events.models import EventUnit
    from eventapp.extensions import db
    from eventapp.questions.models import Question
    from eventapp.text import fold
    from eventapp.units.models import Unit

    db.session.execute(sa.insert(Unit), [
        {"code": f"N{i:05d}", "name": f"Đơn vị số {i:05d}",
         "kind": "district" if i % 3 == 0 else "high_school"} for i in range(units)])
    ids = db.session.scalars(sa.select(Unit.id).where(Unit.code.like("N%"))
                             .order_by(Unit.id)).all()
    db.session.execute(sa.insert(EventUnit), [{"event_id": event.id, "unit_id": u}
                                              for u in ids])
    topics = [t.id for t in event.topics]
    start = datetime(2020, 1, 10, 8, 0, tzinfo=UTC)
    rows = []
    for n, unit_id in enumerate(ids):
        count = per_unit if n % 7 else rng.randint(0, per_unit - 1)
        for _ in range(count):
            text = question(rng)
            at = start + timedelta(minutes=rng.randint(0, 20_000))
            rows.append({"event_id": event.id, "unit_id": unit_id, "topic_id": rng.choice(topics),
                         "content": text, "folded": fold(text), "asker_name": "",
                         "asker_position": "", "source": "api", "status": "submitted",
                         "answer": "", "followup_agency": "", "created_at": at,
                         "text_changed_at": at})
    # Top up to exactly units × per_unit with extra questions of full units (the short
    # ones stay short), so the table holds the 45,000.
    full = [u for n, u in enumerate(ids) if n % 7]
    while len(rows) < units * per_unit:
        at = start + timedelta(minutes=rng.randint(0, 20_000))
        text = question(rng)
        rows.append({**rows[0], "unit_id": rng.choice(full), "content": text,
                     "folded": fold(text), "created_at": at, "text_changed_at": at})
    for i in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Question), rows[i:i + 5000])
    db.session.commit()
    return len(ids), len(rows)


def seed_requests(event, organizer, count: int) -> None:
    from eventapp.events.models import ExtensionRequest
    from eventapp.extensions import db

    unit_ids = db.session.scalars(sa.text(
        "SELECT unit_id FROM event_unit WHERE event_id = :e ORDER BY unit_id LIMIT :n"),
        {"e": event.id, "n": count}).all()
    db.session.execute(sa.insert(ExtensionRequest), [
        {"event_id": event.id, "unit_id": u, "kind": "questions", "reason": "Họp muộn",
         "status": "pending", "requested_by_id": organizer.id, "answer_note": "",
         "requested_at": BEFORE_DEADLINES} for u in unit_ids])
    db.session.commit()


def seed_arrivals(event, count: int, rng: random.Random) -> None:
    """``count`` delegates in session 1 (by bulk insert), half of them checked in."""
    from eventapp.checkin.models import CheckIn
    from eventapp.extensions import db
    from eventapp.registration.models import Attendee, attendee_session

    session = event.session_by_key("doi-thoai")
    unit_ids = db.session.scalars(sa.text(
        "SELECT unit_id FROM event_unit WHERE event_id = :e"), {"e": event.id}).all()
    db.session.execute(sa.insert(Attendee), [
        {"event_id": event.id, "unit_id": rng.choice(unit_ids),
         "category_id": event.categories[0].id, "full_name": f"Đại biểu {i:05d}",
         "name_key": f"dai bieu {i:05d}", "code_nonce": f"bench{i:07d}", "status": "active",
         "created_at": BEFORE_DEADLINES} for i in range(count)])
    ids = db.session.scalars(sa.select(Attendee.id).where(Attendee.event_id == event.id)
                             .order_by(Attendee.id)).all()
    db.session.execute(sa.insert(attendee_session), [
        {"attendee_id": a, "session_id": session.id} for a in ids])
    db.session.execute(sa.insert(CheckIn), [
        {"event_id": event.id, "session_id": session.id, "attendee_id": a,
         "checked_in_at": DURING_SESSION - timedelta(minutes=20), "device": "bench"}
        for a in ids[::2]])
    db.session.commit()


def rounds(client, url: str, count: int, size: int = 10) -> tuple[list[float], list[float]]:
    """``count`` rounds of ``size`` requests; prints each round's p50 and max (ms), wall
    time and this process's CPU time (the server's own work: on a loaded machine the wall
    time also counts waiting for a core)."""
    walls, cpus = [], []
    for n in range(count):
        wall, cpu = [], []
        for _ in range(size):
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == 200, response.status_code
        walls += wall
        cpus += cpu
        print(f"    round {n + 1}: wall p50 {statistics.median(wall):6.1f} max {max(wall):6.1f}"
              f"  | CPU p50 {statistics.median(cpu):6.1f} max {max(cpu):6.1f} ms")
    return walls, cpus


def report(label: str, measured: tuple[list[float], list[float]]) -> None:
    for kind, times in zip(("wall", "CPU"), measured, strict=True):
        p50 = statistics.median(times)
        print(f"  {label}, {kind}: p50 {p50:.1f} ms, p95 {percentile(times, 95):.1f} ms, "
              f"max {max(times):.1f} ms  {'OK' if p50 <= TARGET_MS else 'OVER'} "
              f"(target ≤ {TARGET_MS} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--per-unit", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with in_process_app(args.database_url) as (app, url):
        run(app, args, url)


def run(app, args, url: str) -> None:
    from eventapp.accounts.services import create_user
    from eventapp.extensions import db

    event = demo_event(units=[])  # the event's units are the bench's 3,000
    organizer = create_user("bench@btc.vn", "organizer", PASSWORD, full_name="Bench")
    db.session.commit()
    rng = random.Random(2020)
    t0 = time.perf_counter()
    units, questions = seed(event, args.units, args.per_unit, rng)
    seed_requests(event, organizer, 300)
    seed_arrivals(event, 2 * args.units, rng)
    backend = sa.make_url(url).get_backend_name()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")
    print(f"Backend: {backend}; seeded {units} units, {questions} questions, 300 extension "
          f"requests, {2 * args.units} delegates in {time.perf_counter() - t0:.1f} s")
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; server time in "
          "process, 10 requests a round)")

    client = app.test_client()
    login(client)
    app.config["NOW"] = BEFORE_DEADLINES
    page = client.get("/dashboard/").get_data(as_text=True)  # warm up templates
    assert "đơn vị chưa gửi đủ" in page
    like_a_worker()
    print("\nGET /dashboard/ — 3 deadlines due, units behind among 3,000:")
    report("dashboard, deadlines due", rounds(client, "/dashboard/", args.rounds))
    app.config["NOW"] = DURING_SESSION
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "đã đến / dự kiến" in page
    print("\nGET /dashboard/ — session 1 running, live arrivals:")
    report("dashboard, session running", rounds(client, "/dashboard/", args.rounds))
    print("\nGET /dashboard/units — 50 units across events:")
    report("units across events", rounds(client, "/dashboard/units", max(2, args.rounds // 2)))
    unit_id = db.session.scalar(sa.text("SELECT min(id) FROM unit WHERE code LIKE 'N%'"))
    print("\nGET /dashboard/units/<id> — one unit:")
    report("one unit", rounds(client, f"/dashboard/units/{unit_id}", max(2, args.rounds // 2)))


if __name__ == "__main__":
    main()
