"""Registration benchmarks (issue 5): the attendee export and badge sheets.

    .venv/bin/python bench/registration_bench.py [--sizes 20000 100000] [--badges 1000]
                                                 [--database-url postgresql+psycopg://…]

1. Export of N attendees to Excel through the application (``exports.export``: the
   streamed query, the per-partition session and check-in look-ups, the safe writer), and
   over HTTP (the API's ``attendees.xlsx`` with a token), next to the floor: openpyxl's
   write-only mode writing the same cells from plain Python lists, with no application
   code. Time and peak memory are measured in separate child processes (tracemalloc
   slows code down, so it is on only for the memory runs); two sizes show whether memory
   grows with the row count. Target: time ≤ 1.5 × floor, flat memory.
2. Badge sheets for M attendees: rendering the print page (cold QR cache, then warm), and
   Chromium turning it into a PDF.

Prints a table of figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Thanh", "Ngọc", "Minh", "Quốc", "Thùy", "Hoàng"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Đào", "Giang", "Hà", "Hải", "Hạnh", "Khánh", "Lan",
         "Long", "Mai", "Nam", "Ngân", "Phúc", "Quỳnh", "Sơn", "Tâm", "Thảo", "Uyên", "Việt"]
POSITIONS = ["Giáo viên Tổng phụ trách Đội", "Bí thư Đoàn trường", "Trợ lý thanh niên",
             "Phó Bí thư Huyện đoàn", "Thành viên Ban Chủ nhiệm CLB Tổng phụ trách Đội"]


# --- Data ------------------------------------------------------------------------------

def make_app(db_url: str | None, instance: Path):
    os.environ["EVENTAPP_INSTANCE_PATH"] = str(instance)
    from eventapp import create_app

    uri = db_url or f"sqlite:///{instance / 'bench.sqlite'}"
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench-" + "k" * 40,
                       "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def people(rows: int, seed: int = 5):
    """The same synthetic delegates for the database and for the floor: dicts of values."""
    from tests.conftest import demo_definition

    definition = demo_definition()
    units = sorted(u["name"] for u in definition["units"])
    categories = [c["name"] for c in definition["registration"]["categories"]]
    rng = random.Random(seed)
    for i in range(1, rows + 1):
        yield {"id": i, "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} "
                                     f"{rng.choice(GIVEN)}",
               "position": rng.choice(POSITIONS), "workplace": f"Trường THCS số {i % 300 + 1}",
               "unit": i % len(units), "unit_name": units[i % len(units)],
               "category": i % len(categories), "category_name": categories[i % len(categories)],
               "both_sessions": i % 3 == 0, "phone": f"09{i:08d}",
               "email": f"daibieu{i}@example.com", "arrived": i % 10 == 1}


ARRIVED = datetime(2020, 2, 14, 0, 50, tzinfo=UTC)


def populate(app, rows: int) -> None:
    """The demo event with ``rows`` attendees spread over its units; a tenth checked in."""
    import sqlalchemy as sa

    from eventapp.cli import upgrade_schema
    from eventapp.events.services import import_event
    from eventapp.extensions import db
    from eventapp.registration import codes
    from eventapp.registration.models import Attendee, attendee_session
    from eventapp.text import fold
    from tests.conftest import demo_definition

    with app.app_context():
        upgrade_schema()
        event = import_event(demo_definition())
        units = [u.id for u in event.units]  # sorted by name, as in people()
        categories = [c.id for c in event.categories]
        sessions = [s.id for s in event.sessions]
        created = datetime(2020, 2, 3, 2, 0, tzinfo=UTC)
        checkin = db.metadata.tables.get("checkin")
        batch, links, arrivals = [], [], []

        def flush():
            db.session.execute(sa.insert(Attendee.__table__), batch)
            db.session.execute(sa.insert(attendee_session), links)
            if checkin is not None and arrivals:
                db.session.execute(sa.insert(checkin), arrivals)
            batch.clear(), links.clear(), arrivals.clear()

        for person in people(rows):
            i = person["id"]
            batch.append({
                "id": i, "event_id": event.id, "unit_id": units[person["unit"]],
                "category_id": categories[person["category"]],
                "full_name": person["full_name"], "name_key": fold(person["full_name"]),
                "position": person["position"], "workplace": person["workplace"],
                "phone": person["phone"], "email": person["email"], "seat": "",
                "status": "active", "code_nonce": codes.new_nonce(), "created_at": created})
            links.append({"attendee_id": i, "session_id": sessions[0]})
            if person["both_sessions"]:
                links.append({"attendee_id": i, "session_id": sessions[1]})
            if person["arrived"]:
                arrivals.append({"event_id": event.id, "attendee_id": i,
                                 "session_id": sessions[0], "checked_in_at": ARRIVED,
                                 "recorded_at": ARRIVED})
            if len(batch) == 10_000:
                flush()
        if batch:
            flush()
        db.session.commit()


# --- Measurements (each in its own child process) --------------------------------------

def _floor(rows: int, target: str) -> None:
    """openpyxl write-only writing the same cells from plain lists: no application code
    (the data is generated beforehand, outside the timed part, in ``worker``)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đại biểu")
    ws.append(["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Thành phần", "Phiên", "Điện thoại",
               "Email", "Check-in"])
    for row in FLOOR_ROWS:
        ws.append(row)
    wb.save(target)


FLOOR_ROWS: list[list] = []


def _floor_rows(rows: int) -> None:
    arrived = ARRIVED.astimezone(VN).replace(tzinfo=None)
    FLOOR_ROWS[:] = [[p["id"], p["full_name"], f"{p['position']}, {p['workplace']}",
                      p["unit_name"], p["category_name"],
                      "Phiên 1; Phiên 2" if p["both_sessions"] else "Phiên 1", p["phone"],
                      p["email"], arrived if p["arrived"] else None] for p in people(rows)]


def _app_export(app, target: str) -> None:
    from eventapp.events.services import get_event
    from eventapp.registration import exports, queries

    with app.app_context():
        event = get_event("doi-thoai-2020")
        exports.build(event, queries.Filters()).save(target)


def _token(app) -> str:
    from eventapp.accounts.services import create_user
    from eventapp.auth import issue_token
    from eventapp.extensions import db

    with app.app_context():
        user = create_user(f"bench{time.time_ns()}@test.vn", "organizer", "matkhau-bench-123")
        token = issue_token(user, "bench")
        db.session.commit()
    return token


def _http_export(app, target: str, token: str) -> None:
    client = app.test_client()
    response = client.get("/api/v1/events/doi-thoai-2020/attendees.xlsx",
                          headers={"Authorization": f"Bearer {token}"}, buffered=False)
    assert response.status_code == 200
    with open(target, "wb") as handle:
        for chunk in response.response:
            handle.write(chunk)
    response.close()


def worker(args) -> None:
    import resource

    app = make_app(args.database_url, Path(args.instance)) if args.what != "floor" else None
    if args.what == "floor":
        _floor_rows(args.rows)
    import openpyxl  # noqa: F401  (imported before timing, as the app has it imported)
    handle, target = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    if args.memory:
        tracemalloc.start()
    token = _token(app) if args.what == "http" else None
    start, cpu = time.perf_counter(), time.process_time()
    if args.what == "floor":
        _floor(args.rows, target)
    elif args.what == "app":
        _app_export(app, target)
    else:
        _http_export(app, target, token)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] if args.memory else None
    size = os.path.getsize(target)
    os.unlink(target)
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_bytes": peak, "file_bytes": size,
                      "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def run_child(what: str, rows: int, instance: Path, db_url: str | None, memory: bool) -> dict:
    command = [sys.executable, __file__, "--worker", what, "--rows", str(rows),
               "--instance", str(instance)] + (["--memory"] if memory else [])
    if db_url:
        command += ["--database-url", db_url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench_export(sizes: list[int], db_url: str | None) -> None:
    print("\nExport of attendees to Excel (best of 3; the ratio is on CPU time, which the "
          "load of other processes does not inflate)")
    print(f"{'rows':>8} {'what':<34} {'wall s':>7} {'CPU s':>7} {'× floor':>8} "
          f"{'peak MB':>8} {'max RSS MB':>10} {'file MB':>8}")
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            instance = Path(tmp)
            url = _scratch_pg(db_url, rows) if db_url else None
            populate(make_app(url, instance), rows)
            floor = None
            for what, label in (("floor", "openpyxl write-only (floor)"),
                                ("app", "app: exports.build → file"),
                                ("http", "app: GET /api/…/attendees.xlsx")):
                timed = min((run_child(what, rows, instance, url, False) for _ in range(3)),
                            key=lambda r: r["cpu"])
                memory = run_child(what, rows, instance, url, True)
                floor = floor or timed["cpu"]
                print(f"{rows:>8} {label:<34} {timed['seconds']:>7.2f} {timed['cpu']:>7.2f} "
                      f"{timed['cpu'] / floor:>8.2f} {memory['peak_bytes'] / 2**20:>8.1f} "
                      f"{timed['max_rss_kb'] / 1024:>10.0f} {timed['file_bytes'] / 2**20:>8.1f}")
            if url:
                _drop_pg(url)


def _scratch_pg(db_url: str, rows: int) -> str:
    import sqlalchemy as sa

    name = f"eventapp_bench_{rows}_{os.getpid()}"
    admin = sa.create_engine(sa.make_url(db_url).set(database="postgres"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(db_url).set(database=name).render_as_string(hide_password=False)


def _drop_pg(url: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(sa.make_url(url).set(database="postgres"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" '
                             "WITH (FORCE)"))
    admin.dispose()


def bench_badges(count: int) -> None:
    from eventapp.registration import qr

    print(f"\nBadge sheets for {count} attendees")
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(None, Path(tmp))
        populate(app, count)
        from eventapp.accounts.services import create_user

        with app.app_context():
            create_user("btc-bench@test.vn", "organizer", "matkhau-bench-123")
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = login.split('name="csrf-token" content="')[1].split('"')[0]
        client.post("/login", data={"email": "btc-bench@test.vn",
                                    "password": "matkhau-bench-123", "csrf_token": token})
        url = "/events/doi-thoai-2020/registration/badges"
        qr._svg_path.cache_clear()
        timings = []
        for label in ("render HTML, cold QR cache", "render HTML, warm QR cache"):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
            html = response.get_data(as_text=True)
            print(f"  {label:<32} {timings[-1]:>7.2f} s  ({len(html) / 2**20:.1f} MB HTML, "
                  f"{html.count('<article')} badges)")
        css = (ROOT / "static/css/registration-print.css").read_text()
        html = html.replace('<link rel="stylesheet" href="/static/css/registration-print.css">',
                            f"<style>{css}</style>")
        _chromium_pdf(html, count)


def _chromium_pdf(html: str, count: int) -> None:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(chromium).exists():
        print("  (no Chromium: PDF timing skipped)")
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        start = time.perf_counter()
        page.set_content(html, wait_until="load")
        page.emulate_media(media="print")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        elapsed = time.perf_counter() - start
        browser.close()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    print(f"  {'Chromium: HTML → PDF':<32} {elapsed:>7.2f} s  ({pages} A4 pages, "
          f"{len(pdf) / 2**20:.1f} MB, {count / max(pages, 1):.0f} badges/page)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--badges", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--worker", choices=["floor", "app", "http"])
    parser.add_argument("--rows", type=int)
    parser.add_argument("--instance")
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    if args.worker:
        args.what = args.worker
        worker(args)
        return
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, database: "
          f"{'PostgreSQL' if args.database_url else 'SQLite (file)'}")
    bench_export(args.sizes, args.database_url)
    if args.badges:
        bench_badges(args.badges)


if __name__ == "__main__":
    main()
