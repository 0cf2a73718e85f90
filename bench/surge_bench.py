"""Surge at the deadline (issue 7): many units submit questions and register delegates at
once through gunicorn; every 2xx must have its row, no 5xx, every cap must hold.

    .venv/bin/python -m bench.surge_bench [--units 200] [--workers 4] [--pg URL]

Each unit sends ``max_per_unit + 1`` questions and ``cap + 1`` delegates, so the caps are
exercised: exactly ``max_per_unit`` and ``cap`` must be accepted per unit, the extra one
refused with 409. Prints throughput and latency percentiles. Loopback only, bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from bench.harness import (
    app_env,
    gunicorn,
    make_app,
    percentile,
    scratch_database,
    seed_surge_event,
)

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _requests(tokens: dict[str, str], slug: str, questions: int, delegates: int) -> list:
    plan = []
    for code, token in tokens.items():
        if code.startswith("__"):
            continue
        for i in range(questions):
            plan.append(("q", code, token, f"/api/v1/events/{slug}/questions", {
                "topic": "Môi trường làm việc",
                "content": f"Câu hỏi số {i + 1} của đơn vị {code}: đề xuất tăng định mức "
                           "tiết dạy cho giáo viên Tổng phụ trách Đội?"}))
        for i in range(delegates):
            plan.append(("d", code, token, f"/api/v1/events/{slug}/attendees", {
                "full_name": f"Đại biểu {i + 1} {code}", "position": "Thành viên BCN CLB",
                "category": "clb-tpt", "sessions": ["so-ket"],
                "phone": f"09{abs(hash((code, i))) % 10**8:08d}", "email": ""}))
    random.Random(7).shuffle(plan)
    return plan


def fire(base: str, plan: list, threads: int) -> tuple[list, float]:
    """Send every request in ``plan`` from ``threads`` keep-alive connections."""
    parts = urlsplit(base)
    results: list = []
    lock = threading.Lock()
    cursor = iter(range(len(plan)))

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            kind, code, token, path, body = plan[index]
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=json.dumps(body).encode(), headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                status, payload = 0, str(error).encode()
            elapsed = time.perf_counter() - started
            with lock:
                results.append((kind, code, status, payload, elapsed))
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=600)
    return results, time.perf_counter() - started


def verify(app, slug: str, results: list, questions_cap: int, delegates_cap: int) -> dict:
    """Compare the answers with the database; returns a report (``problems`` must be empty)."""
    from eventapp.events.models import Event
    from eventapp.extensions import db
    from eventapp.registration.models import Attendee

    problems: list[str] = []
    statuses = Counter(r[2] for r in results)
    accepted = {"q": set(), "d": set()}
    for kind, code, status, payload, _ in results:
        if status >= 500 or status == 0:
            problems.append(f"{kind} {code}: {status} {payload[:200]!r}")
        if 200 <= status < 300:
            accepted[kind].add(json.loads(payload)["id"])
    with app.app_context():
        from eventapp.questions.models import Question

        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        q_ids = set(db.session.scalars(sa.select(Question.id).where(
            Question.event_id == event.id)))
        d_ids = set(db.session.scalars(sa.select(Attendee.id).where(
            Attendee.event_id == event.id)))
        missing_q, missing_d = accepted["q"] - q_ids, accepted["d"] - d_ids
        if missing_q or missing_d:
            problems.append(f"accepted but missing: {len(missing_q)} questions, "
                            f"{len(missing_d)} delegates")
        per_unit_q = Counter(db.session.scalars(sa.select(Question.unit_id).where(
            Question.event_id == event.id)))
        per_unit_d = Counter(db.session.scalars(sa.select(Attendee.unit_id).where(
            Attendee.event_id == event.id)))
        over_q = [u for u, n in per_unit_q.items() if n > questions_cap]
        over_d = [u for u, n in per_unit_d.items() if n > delegates_cap]
        if over_q or over_d:
            problems.append(f"caps exceeded: {len(over_q)} units over the question cap, "
                            f"{len(over_d)} over the delegate cap")
        db.engine.dispose()
    return {"statuses": dict(sorted(statuses.items())), "accepted_questions": len(accepted["q"]),
            "accepted_delegates": len(accepted["d"]), "rows_questions": len(q_ids),
            "rows_delegates": len(d_ids), "problems": problems}


def run(units: int, workers: int, threads: int, pg_url: str | None, client_threads: int
        ) -> dict:
    questions_cap, delegates_cap = 15, 5
    with tempfile.TemporaryDirectory() as tmp, scratch_database(pg_url, Path(tmp)) as url:
        env = app_env(url, Path(tmp) / "instance")
        app = make_app(env)
        tokens = seed_surge_event(app, units, questions_max=questions_cap,
                                  delegates_cap=delegates_cap)
        plan = _requests(tokens, "surge", questions_cap + 1, delegates_cap + 1)
        with gunicorn(env, workers=workers, threads=threads) as (base, _):
            results, seconds = fire(base, plan, client_threads)
        report = verify(app, "surge", results, questions_cap, delegates_cap)
    latencies = [r[4] * 1000 for r in results]
    report.update(units=units, requests=len(results), seconds=round(seconds, 2),
                  throughput_rps=round(len(results) / seconds, 1),
                  p50_ms=round(percentile(latencies, 50), 1),
                  p99_ms=round(percentile(latencies, 99), 1),
                  max_ms=round(max(latencies), 1),
                  database="postgresql" if pg_url else "sqlite")
    expected_q, expected_d = units * questions_cap, units * delegates_cap
    if report["accepted_questions"] != expected_q or report["accepted_delegates"] != expected_d:
        report["problems"].append(
            f"expected exactly {expected_q} questions and {expected_d} delegates accepted")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--clients", type=int, default=32, help="concurrent client connections")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL ('' = SQLite)")
    args = parser.parse_args()
    report = run(args.units, args.workers, args.threads, args.pg or None, args.clients)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if report["problems"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
