"""The compliance board grouped by parent (nhóm theo đơn vị cấp trên) for a national-sized
event: 3,000 units and 45,000 questions.

Seeds a scratch database (a SQLite file, or a new database on the PostgreSQL server given)
with the demo event plus 3,000 units (bulk inserts, the questions bench's seeding), 15
questions each; one unit in 15 is a commune union over the next 14, one in ten of those has
no parent. Then measures, every round printed (wall | CPU of this process, which is the
server's time: the test client runs the app in-process):

1. ``board.compliance`` + ``board.grouped`` — the one aggregated query and the groups;
2. ``GET …/questions/board?group=parent`` — query, grouping and template: its first and its
   last page (``board.PAGE_ROWS`` units a page; the totals count all 3,000);
3. the first page ungrouped;
4. ``GET …/questions/board.xlsx?group=parent`` — the grouped Excel export.

Target (issue #16): the grouped board ≤ 150 ms of server time.

    .venv/bin/python bench/compliance_bench.py
    .venv/bin/python bench/compliance_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import demo_event, in_process_app, like_a_worker  # noqa: E402  (after the path is set)
from bench.questions_bench import PASSWORD, SLUG, login, seed  # noqa: E402

TARGET_MS = 150
#: One unit in ``FAMILY`` heads the next ``FAMILY - 1``; every ``ORPHAN``-th of them has none.
FAMILY, ORPHAN = 15, 10


def rounds(fn, repeat: int) -> tuple[list[float], list[float], object]:
    """Wall and CPU times (ms) of each of ``repeat`` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return walls, cpus, result


def report(label: str, walls: list[float], cpus: list[float], target: float | None = None):
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    verdict = "" if target is None else \
        f"  {'OK' if min(wall, cpu) <= target else 'OVER'} (target ≤ {target:.0f} ms)"
    print(f"  {label:<44} median {wall:7.1f} | {cpu:6.1f} ms{verdict}")
    print("    rounds, wall: " + " ".join(f"{w:.0f}" for w in walls))
    print("    rounds, CPU:  " + " ".join(f"{c:.0f}" for c in cpus))


def set_parents(event) -> tuple[int, int]:
    """Link the seeded units into families (one bulk UPDATE); (parents, children)."""
    from eventapp.extensions import db
    from eventapp.units.models import Unit

    ids = db.session.scalars(sa.select(Unit.id).where(Unit.code.like("U%"))
                             .order_by(Unit.id)).all()
    links = [{"uid": unit_id, "pid": ids[n - n % FAMILY]} for n, unit_id in enumerate(ids)
             if n % FAMILY and n % ORPHAN]
    table = Unit.__table__
    db.session.execute(sa.update(table).where(table.c.id == sa.bindparam("uid"))
                       .values(parent_id=sa.bindparam("pid")), links)
    db.session.commit()
    return len({link["pid"] for link in links}), len(links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--per-unit", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    with in_process_app(args.database_url) as (app, url):
        run(app, args, url)


def run(app, args, url: str) -> None:
    from eventapp.accounts.services import create_user
    from eventapp.extensions import db
    from eventapp.questions import board

    # The seed's own 17 units are left out: the event is the 3,000 seeded ones.
    event = demo_event(units=[])
    create_user("bench@btc.vn", "organizer", PASSWORD, full_name="Bench")
    db.session.commit()
    t0 = time.perf_counter()
    total = seed(event, args.units, args.per_unit, random.Random(16), "U", short=False)
    parents, children = set_parents(event)
    backend = sa.make_url(url).get_backend_name()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")
    print(f"Backend: {backend}; {args.units} units ({parents} parents over {children} "
          f"children, {args.units - parents - children} without a parent), {total} "
          f"questions; seeded in {time.perf_counter() - t0:.1f} s")

    client = app.test_client()
    login(client)
    page = f"/events/{SLUG}/questions/board"
    client.get(page + "?group=parent")  # warm up templates and caches
    like_a_worker()
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"{args.repeat} rounds each: wall | CPU)")

    walls, cpus, groups = rounds(lambda: board.grouped(board.compliance(event)), args.repeat)
    assert sum(len(g.rows) for g in groups) == args.units
    report(f"compliance + grouped ({len(groups)} groups)", walls, cpus)
    pages = -(-args.units // board.PAGE_ROWS)
    walls, cpus, response = rounds(lambda: client.get(page + "?group=parent"), args.repeat)
    assert response.status_code == 200 and b"parent-group" in response.data
    report(f"GET board ?group=parent, page 1/{pages} ({len(response.data) // 1024} KB)", walls,
           cpus, TARGET_MS)
    walls, cpus, response = rounds(lambda: client.get(f"{page}?group=parent&page={pages}"),
                                   args.repeat)
    assert response.status_code == 200 and b"parent-group" in response.data
    report(f"GET board ?group=parent, page {pages}/{pages}", walls, cpus, TARGET_MS)
    walls, cpus, response = rounds(lambda: client.get(page), args.repeat)
    assert response.status_code == 200
    report("GET board, ungrouped, page 1", walls, cpus, TARGET_MS)
    walls, cpus, response = rounds(lambda: client.get(page + ".xlsx?group=parent"),
                                   max(3, args.repeat // 3))
    assert response.status_code == 200
    report(f"GET board.xlsx ?group=parent ({len(response.data) // 1024} KB)", walls, cpus)


if __name__ == "__main__":
    main()
