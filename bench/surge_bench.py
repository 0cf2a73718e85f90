"""Surge at the deadline: many units act at once through gunicorn — each submits its
questions and registers its delegates (API), then edits and withdraws some of its questions
(the pages, logged in) — and every 2xx must have its row, no 5xx, every cap must hold.

    .venv/bin/python -m bench.surge_bench [--units 200] [--workers 4] [--pg URL]

Each unit sends ``max_per_unit + 1`` questions and ``cap + 1`` delegates, so the caps are
exercised: exactly ``max_per_unit`` and ``cap`` must be accepted per unit, the extra one
refused with 409. Then it edits ``--edits`` of its questions and withdraws ``--withdrawals``
others on its page, as a person would. Prints throughput and latency percentiles per kind.
Loopback only, bounded. The login rate limit is off in the bench's instance config: the
units' logins all come from 127.0.0.1 here, never in real life.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from bench.harness import (
    SURGE_PASSWORD,
    Browserless,
    app_env,
    gunicorn,
    make_app,
    percentile,
    scratch_database,
    seed_surge_event,
)

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
EDITED = " (đơn vị đã sửa lại)"


def _api_plan(code: str, token: str, slug: str, questions: int, delegates: int) -> list:
    plan = []
    for i in range(questions):
        plan.append(("q", f"/api/v1/events/{slug}/questions", {
            "topic": "Môi trường làm việc",
            "content": f"Câu hỏi số {i + 1} của đơn vị {code}: đề xuất tăng định mức "
                       "tiết dạy cho giáo viên Tổng phụ trách Đội?"}))
    for i in range(delegates):
        plan.append(("d", f"/api/v1/events/{slug}/attendees", {
            "full_name": f"Đại biểu {i + 1} {code}", "position": "Thành viên BCN CLB",
            "category": "clb-tpt", "sessions": ["so-ket"],
            "phone": f"09{abs(hash((code, i))) % 10**8:08d}", "email": ""}))
    random.Random(code).shuffle(plan)
    return plan


class _Unit:
    """One unit's whole surge, in order: API submissions, then edits and withdrawals on its
    page. Appends ``(kind, code, status, payload, seconds)`` to ``results``."""

    def __init__(self, base: str, slug: str, code: str, token: str, topic_id: int, sizes: dict,
                 results: list, lock: threading.Lock):
        self.base, self.slug, self.code, self.token = base, slug, code, token
        self.topic_id, self.sizes, self.results, self.lock = topic_id, sizes, results, lock

    def _record(self, kind: str, status: int, payload, started: float) -> None:
        with self.lock:
            self.results.append((kind, self.code, status, payload,
                                 time.perf_counter() - started))

    def run(self) -> None:
        parts = urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        accepted = []
        plan = _api_plan(self.code, self.token, self.slug, self.sizes["questions"] + 1,
                         self.sizes["delegates"] + 1)
        for kind, path, body in plan:
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=json.dumps(body).encode(), headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json"})
                response = conn.getresponse()
                payload, status = response.read(), response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                status, payload = 0, str(error).encode()
            self._record(kind, status, payload, started)
            if kind == "q" and status == 201:
                accepted.append(json.loads(payload)["id"])
        conn.close()
        self._pages(accepted)

    def _pages(self, accepted: list[int]) -> None:
        edits, withdrawals = self.sizes["edits"], self.sizes["withdrawals"]
        if not edits and not withdrawals:
            return
        browser = Browserless(self.base)
        started = time.perf_counter()
        try:
            browser.login(f"{self.code.lower()}@surge.vn", SURGE_PASSWORD)
            status = 200
        except (OSError, RuntimeError) as error:
            self._record("login", 0, str(error).encode(), started)
            return
        self._record("login", status, b"", started)
        page = f"/events/{self.slug}/questions/unit/{self.code}"
        token = browser.csrf(page)
        base = f"/events/{self.slug}/questions"
        for qid in accepted[:edits]:
            started = time.perf_counter()
            status, body = browser.post(f"{base}/{qid}/edit", {
                "csrf_token": token, "topic": self.topic_id,
                "content": f"Câu hỏi số {qid} của đơn vị {self.code}{EDITED}"})
            self._record("e", status, qid, started)
        for qid in accepted[edits:edits + withdrawals]:
            started = time.perf_counter()
            status, body = browser.post(f"{base}/{qid}/withdraw", {"csrf_token": token})
            self._record("w", status, qid, started)


def fire(base: str, slug: str, tokens: dict[str, str], topic_id: int, sizes: dict,
         threads: int) -> tuple[list, float]:
    """Run every unit's surge, ``threads`` units at a time; returns (results, seconds)."""
    results: list = []
    lock = threading.Lock()
    units: queue.Queue = queue.Queue()
    for code, token in tokens.items():
        if not code.startswith("__"):
            units.put(_Unit(base, slug, code, token, topic_id, sizes, results, lock))

    def worker():
        while True:
            try:
                unit = units.get_nowait()
            except queue.Empty:
                return
            unit.run()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=900)
    return results, time.perf_counter() - started


def verify(app, slug: str, results: list, sizes: dict) -> dict:
    """Compare the answers with the database; returns a report (``problems`` must be empty)."""
    from eventapp.events.models import Event
    from eventapp.extensions import db
    from eventapp.questions.models import Question
    from eventapp.registration.models import Attendee

    problems: list[str] = []
    statuses = Counter((r[0], r[2]) for r in results)
    accepted: dict[str, set] = {"q": set(), "d": set()}
    changed: dict[str, set] = {"e": set(), "w": set()}
    for kind, code, status, payload, _ in results:
        if status >= 500 or status == 0:
            problems.append(f"{kind} {code}: {status} {str(payload)[:200]}")
        elif kind in accepted and 200 <= status < 300:
            accepted[kind].add(json.loads(payload)["id"])
        elif kind in changed:
            changed[kind].add(payload)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        questions = db.session.execute(sa.select(
            Question.id, Question.unit_id, Question.content, Question.status).where(
            Question.event_id == event.id)).all()
        q_ids = {q.id for q in questions}
        d_ids = set(db.session.scalars(sa.select(Attendee.id).where(
            Attendee.event_id == event.id)))
        missing_q, missing_d = accepted["q"] - q_ids, accepted["d"] - d_ids
        if missing_q or missing_d:
            problems.append(f"accepted but missing: {len(missing_q)} questions, "
                            f"{len(missing_d)} delegates")
        per_unit_q = Counter(q.unit_id for q in questions)
        per_unit_d = Counter(db.session.scalars(sa.select(Attendee.unit_id).where(
            Attendee.event_id == event.id)))
        over_q = [u for u, n in per_unit_q.items() if n > sizes["questions"]]
        over_d = [u for u, n in per_unit_d.items() if n > sizes["delegates"]]
        if over_q or over_d:
            problems.append(f"caps exceeded: {len(over_q)} units over the question cap, "
                            f"{len(over_d)} over the delegate cap")
        edited = {q.id for q in questions if q.content.endswith(EDITED)}
        withdrawn = {q.id for q in questions if q.status == "withdrawn"}
        if edited != changed["e"] or withdrawn != changed["w"]:
            problems.append(f"edits saved {len(edited)} of {len(changed['e'])} answered, "
                            f"withdrawals {len(withdrawn)} of {len(changed['w'])}")
        db.engine.dispose()
    return {"statuses": {f"{k} {s}": n for (k, s), n in sorted(statuses.items())},
            "accepted_questions": len(accepted["q"]), "accepted_delegates": len(accepted["d"]),
            "rows_questions": len(q_ids), "rows_delegates": len(d_ids),
            "edited": len(edited), "withdrawn": len(withdrawn), "problems": problems}


def run(units: int, workers: int, threads: int, pg_url: str | None, client_threads: int,
        edits: int = 5, withdrawals: int = 2) -> dict:
    sizes = {"questions": 15, "delegates": 5, "edits": edits, "withdrawals": withdrawals}
    with tempfile.TemporaryDirectory() as tmp, scratch_database(pg_url, Path(tmp)) as url:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        # Every unit logs in from 127.0.0.1 here; in real life each office has its own address.
        (instance / "config.py").write_text("RATELIMIT_ENABLED = False\n")
        env = app_env(url, instance)
        app = make_app(env)
        tokens = seed_surge_event(app, units, questions_max=sizes["questions"],
                                  delegates_cap=sizes["delegates"])
        with app.app_context():
            from eventapp.events.models import Topic
            from eventapp.extensions import db

            topic_id = db.session.scalar(sa.select(Topic.id))
            db.engine.dispose()
        with gunicorn(env, workers=workers, threads=threads) as (base, _):
            results, seconds = fire(base, "surge", tokens, topic_id, sizes, client_threads)
        report = verify(app, "surge", results, sizes)
    report.update(units=units, requests=len(results), seconds=round(seconds, 2),
                  throughput_rps=round(len(results) / seconds, 1),
                  database="postgresql" if pg_url else "sqlite")
    for kind in ("q", "d", "login", "e", "w", "all"):
        latencies = [r[4] * 1000 for r in results if kind in ("all", r[0])]
        if latencies:
            report[f"{kind}_p50_ms"] = round(percentile(latencies, 50), 1)
            report[f"{kind}_p99_ms"] = round(percentile(latencies, 99), 1)
    expected = {"accepted_questions": units * sizes["questions"],
                "accepted_delegates": units * sizes["delegates"],
                "edited": units * edits, "withdrawn": units * withdrawals}
    for key, value in expected.items():
        if report[key] != value:
            report["problems"].append(f"{key}: {report[key]}, expected {value}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--clients", type=int, default=32, help="units acting at the same time")
    parser.add_argument("--edits", type=int, default=5, help="questions each unit edits")
    parser.add_argument("--withdrawals", type=int, default=2,
                        help="questions each unit withdraws")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL ('' = SQLite)")
    args = parser.parse_args()
    report = run(args.units, args.workers, args.threads, args.pg or None, args.clients,
                 args.edits, args.withdrawals)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if report["problems"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
