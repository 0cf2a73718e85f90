"""Reminders: the worker's rule evaluation (``reminders.evaluate_due``) for an event of
1,000 units, each with an account and a contact, and its default rules.

Measures three rounds, as the worker runs them:

1. before anything is due — the cost every round pays (per rule: the units' deadlines);
2. the rounds once two rules fall due for every unit — they write their messages
   (1,000 units × 2 rules × 3 rows: the account in the app and by mail, the contact by mail),
   ``reminders.UNITS_PER_ROUND`` units a round, so that no transaction holds the lock long;
3. the rounds after — every unit is done, nothing is written.

    .venv/bin/python bench/reminders_bench.py [--units 1000]
    .venv/bin/python bench/reminders_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import app_env, make_app, scratch_database, seed_surge_event  # noqa: E402


def timed(fn) -> tuple[float, int]:
    start = time.perf_counter()
    value = fn()
    return (time.perf_counter() - start) * 1000, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, \
            scratch_database(args.database_url, Path(folder)) as url:
        env = app_env(url, Path(folder) / "instance")
        seed_surge_event(make_app(env), args.units)
        app = make_app(env)
        with app.app_context():
            from eventapp.database import unit_of_work
            from eventapp.events.services import get_event
            from eventapp.extensions import db
            from eventapp.messages import reminders
            from eventapp.messages.models import Message
            from eventapp.questions.settings import deadline
            from eventapp.units.models import UnitContact

            event = get_event("surge")
            with unit_of_work():
                db.session.add_all(UnitContact(unit_id=u.id, name=f"Liên hệ {u.code}",
                                               email=f"lienhe-{u.code.lower()}@surge.vn")
                                   for u in event.units)
                rules = reminders.add_default_rules(event, None)
            due = deadline(event) - timedelta(days=3)

            def round_at(at):
                with unit_of_work():
                    return reminders.evaluate_due(at)

            print(f"{args.units} units, {len(rules)} rules, "
                  f"{'PostgreSQL' if args.database_url else 'SQLite'}")
            before = [timed(lambda: round_at(due - timedelta(hours=1))) for _ in range(5)]
            print("round before due (ms):", ", ".join(f"{ms:.0f}" for ms, _ in before))
            rounds = []
            while not rounds or rounds[-1][1]:  # as the worker does: a round, then the next
                rounds.append(timed(lambda: round_at(due)))
            busy = [(ms, n) for ms, n in rounds if n]
            written, spent = sum(n for _, n in busy), sum(ms for ms, _ in busy)
            print(f"rounds that write ({reminders.UNITS_PER_ROUND} units each at most), "
                  "ms/messages:", ", ".join(f"{ms:.0f}/{n}" for ms, n in busy))
            print(f"  {written} messages in {spent:.0f} ms ({written / spent * 1000:.0f} "
                  f"messages/s); longest transaction {max(ms for ms, _ in busy):.0f} ms")
            after = [timed(lambda: round_at(due + timedelta(hours=1))) for _ in range(5)]
            print("rounds after, all done (ms):", ", ".join(f"{ms:.0f}" for ms, _ in after),
                  "— written:", sum(n for _, n in after))
            total = db.session.scalar(sa.select(sa.func.count()).select_from(Message))
            print(f"messages in the outbox: {total}; peak RSS "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
            db.engine.dispose()


if __name__ == "__main__":
    main()
