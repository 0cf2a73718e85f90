"""Check-in throughput and latency through gunicorn, beside a bare Flask endpoint.

Both apps are served the same way (same gunicorn command, workers and worker class) on
loopback in the same run; the bare endpoint returns a constant JSON and is the floor of
the stack (HTTP parsing, gunicorn, Flask). Phases, each bounded in requests or seconds:

1. fixed rate: ``--rate`` requests/s for ``--seconds`` (open loop in Python; latency counted
   from each request's scheduled time, so a slow server cannot hide its queueing);
2. saturation with wrk (Debian package ``wrk``, installed with apt-get when missing):
   ``--clients`` keep-alive connections for ``--seconds``, ``--rounds`` pairs of bare then
   check-in; every round's throughput, ratio and p50/p99 is printed. wrk is C and takes a
   few µs of CPU per request, so the load generator does not decide the result (a Python
   client starved the bare endpoint of CPU on 2 cores and flattered the ratio);
3. the stats API and the arrivals board's queries with every seeded attendee (45,000).

Every check-in request carries a distinct attendee's real code (first scans, the write
path), so the server does real inserts. Targets (issue 13): ≥ 1,000 scans/s on SQLite
on a 2-core machine, p99 ≤ 25 ms at 100 scans/s and at saturation with 4 connections in
every round.

    .venv/bin/python bench/checkin_bench.py                       # SQLite (the default)
    .venv/bin/python bench/checkin_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLUG, SESSION = "doi-thoai-2020", "doi-thoai"
CHECKIN_PATH = f"/api/v1/events/{SLUG}/checkin"
WARMUP = 400  # codes kept for warming the workers up
STATS_PATH = f"/api/v1/events/{SLUG}/checkin/stats?session={SESSION}"


def bare_app():
    """The floor: a Flask endpoint that does nothing (gunicorn ``checkin_bench:bare_app()``)."""
    from flask import Flask

    app = Flask("bare")

    @app.post(CHECKIN_PATH)
    def scan():
        return {"result": "ok"}

    return app


# --- Data ----------------------------------------------------------------------------------

def prepare(database_url: str, instance: Path, attendees: int) -> dict:
    """Migrate, load the seed's event, ``attendees`` delegates invited to the morning
    session, a check-in account and tokens. Returns the codes and tokens."""
    os.environ["EVENTAPP_INSTANCE_PATH"] = str(instance)
    sys.path.insert(0, str(ROOT))
    from importlib import resources

    import sqlalchemy as sa

    from eventapp import create_app
    from eventapp.accounts.services import create_user
    from eventapp.auth import issue_token
    from eventapp.cli import upgrade_schema
    from eventapp.clock import now
    from eventapp.events.models import EventUnit
    from eventapp.events.services import import_event
    from eventapp.extensions import db
    from eventapp.registration.codes import code_key, make_code, new_nonce
    from eventapp.registration.models import Attendee, attendee_session

    secret = secrets.token_hex(32)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade_schema()
        definition = json.loads(resources.files("eventapp.events")
                                .joinpath("demo_event.json").read_text("utf-8"))
        event = import_event(definition)
        staff = create_user("cua1@bench.vn", "checkin", "bench-password-1", full_name="Cửa 1")
        organizer = create_user("btc@bench.vn", "organizer", "bench-password-1")
        tokens = {"checkin": issue_token(staff, "bench"), "organizer": issue_token(organizer)}
        db.session.commit()
        units = list(db.session.scalars(sa.select(EventUnit.unit_id)
                                        .where(EventUnit.event_id == event.id)))
        categories = [c.id for c in event.categories]
        session_id = event.session_by_key(SESSION).id
        rows = [{"event_id": event.id, "unit_id": units[i % len(units)],
                 "category_id": categories[i % len(categories)],
                 "full_name": f"Đại biểu số {i}", "name_key": f"dai bieu so {i}",
                 "position": "", "workplace": "", "phone": "", "email": "", "seat": "",
                 "status": "active", "code_nonce": new_nonce(), "created_at": now()}
                for i in range(attendees)]
        db.session.execute(sa.insert(Attendee), rows)
        ids = dict(db.session.execute(sa.select(Attendee.code_nonce, Attendee.id)).all())
        db.session.execute(sa.insert(attendee_session),
                           [{"attendee_id": ids[r["code_nonce"]], "session_id": session_id}
                            for r in rows])
        db.session.commit()
        key = code_key()
        codes = [make_code(key, event.id, r["code_nonce"]) for r in rows]
        db.engine.dispose()
    return {"codes": codes, "tokens": tokens, "secret": secret, "app": app}


# --- Servers ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """One gunicorn with the project's ``gunicorn.conf.py`` (workers, worker class, threads
    as deployed), the access log off and no worker recycling during the measurement."""

    def __init__(self, target: str, env: dict, args, log: Path, chdir: Path = ROOT):
        self.port = free_port()
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                   "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
                   "--chdir", str(chdir)]
        for flag, value in (("--workers", args.workers), ("--threads", args.threads),
                            ("--worker-class", args.worker_class)):
            if value:
                command += [flag, str(value)]
        command.append(target)
        env = {**os.environ, **env, "GUNICORN_ACCESSLOG": "", "GUNICORN_MAX_REQUESTS": "0"}
        self.proc = subprocess.Popen(command, env=env, stdout=log.open("ab"),
                                     stderr=subprocess.STDOUT, cwd=chdir)
        self.command = " ".join(command[3:])

    def wait_ready(self, payload: bytes) -> None:
        """Until a request is answered (workers import the app first: seconds on 2 cores)."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if send(self.port, payload)[0] < 500:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {self.port} did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far (Linux /proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        pids = [self.proc.pid]
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def postgres_cpu_seconds(database: str) -> float:
    """User + system CPU so far of this machine's PostgreSQL backends serving ``database``
    (Linux /proc; the server is shared with other databases, whose work is not counted)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            if not (entry / "comm").read_text().startswith("postgres"):
                continue
            if f" {database} ".encode() not in (entry / "cmdline").read_bytes():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# --- Load ------------------------------------------------------------------------------------

def request_bytes(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}",
            "Connection: close"]
    if body:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def send(port: int, payload: bytes) -> tuple[int, bytes]:
    """One request on a fresh connection (sync workers close after each response)."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(payload)
        chunks = []
        for _ in range(10_000):  # bounded; ends when the server closes the connection
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    return int(raw[9:12]), raw


def scan_payloads(codes: list[str], token: str) -> list[bytes]:
    return [request_bytes("POST", CHECKIN_PATH, token, json.dumps(
        {"code": code, "session": SESSION, "device": "bench"}).encode()) for code in codes]


def fixed_rate(port: int, payloads: list[bytes], rate: float, threads: int = 24) -> dict:
    """Open loop: request i is due at start + i/rate; latency counts from its due time."""
    count = len(payloads)
    results: list = [None] * count
    start = time.perf_counter() + 0.3
    lock = threading.Lock()
    cursor = iter(range(count))

    def worker():
        for _ in range(count):
            with lock:
                i = next(cursor, None)
            if i is None:
                return
            due = start + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            status, raw = send(port, payloads[i])
            results[i] = (time.perf_counter() - due, status, raw)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return summarise([r[0] for r in results], [r[1] for r in results],
                     time.perf_counter() - start, [r[2] for r in results])


# --- Saturation with wrk ------------------------------------------------------------------------

#: wrk's script: every request POSTs the scan body with the next code of this thread's share
#: of the round's codes (a file, one a line), and ``done`` prints the figures as JSON.
WRK_SCRIPT = r"""
local threads, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  codes = {}
  if args[1] ~= "" then
    for line in io.lines(args[1]) do codes[#codes + 1] = line end
  end
  step, next_code = tonumber(args[3]), id
end
function request()
  if #codes == 0 then return wrk.format(nil, nil, nil, '{"code":"BARE","session":"x"}') end
  local code = codes[(next_code - 1) % #codes + 1]
  next_code = next_code + step
  return wrk.format(nil, nil, nil,
    '{"code":"' .. code .. '","session":"' .. args_session .. '","device":"bench"}')
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "status_errors": %d, ' ..
    '"socket_errors": %d, "p50": %d, "p90": %d, "p99": %d, "max": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def ensure_wrk() -> str:
    """The path of wrk (Debian package ``wrk``), installed with apt-get when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    if subprocess.run(["apt-get", "install", "-y", "wrk"], check=False).returncode:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def wrk(port: int, token: str, codes: list[str] | None, clients: int, seconds: float,
        folder: Path, server: Gunicorn | None = None, database_cpu=None) -> dict:
    """Closed loop with wrk: ``clients`` keep-alive connections for ``seconds``; a fresh code
    per request when ``codes`` are given (else the bare endpoint's constant body). Also the
    server's CPU per request and wrk's own, and with ``database_cpu`` PostgreSQL's."""
    script = folder / "scan.lua"
    script.write_text(WRK_SCRIPT.replace("args_session", json.dumps(SESSION)))
    codes_file = ""
    if codes:
        codes_file = str(folder / "codes.txt")
        Path(codes_file).write_text("\n".join(codes) + "\n")
    threads = max(1, min(2, clients))
    command = [ensure_wrk(), f"-t{threads}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s",
               "-s", str(script), f"http://127.0.0.1:{port}{CHECKIN_PATH}", "--",
               codes_file, token, str(threads)]
    cpu_before = server.cpu_seconds() if server else 0.0
    db_before = database_cpu() if database_cpu else 0.0
    own_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,
                         check=True).stdout
    own = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    raw = json.loads(line[4:])
    requests = raw["requests"]
    elapsed = raw["duration_us"] / 1e6
    result = {"requests": requests, "rps": requests / elapsed if elapsed else 0.0,
              "errors": raw["status_errors"] + raw["socket_errors"],
              "p50": raw["p50"] / 1000, "p90": raw["p90"] / 1000, "p99": raw["p99"] / 1000,
              "max": raw["max"] / 1000, "outcomes": {}}
    result["wrk_cpu_ms"] = ((own.ru_utime + own.ru_stime - own_before.ru_utime
                             - own_before.ru_stime) * 1000 / max(1, requests))
    if server:
        result["cpu_ms"] = (server.cpu_seconds() - cpu_before) * 1000 / max(1, requests)
    if database_cpu:
        result["db_cpu_ms"] = (database_cpu() - db_before) * 1000 / max(1, requests)
    return result


def summarise(latencies, statuses, elapsed, bodies) -> dict:
    ordered = sorted(latencies)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    outcomes = {}
    for raw in bodies:
        for word in ("already_checked_in", "checked_in", "ok", "unknown_code", "error"):
            if f'"{word}"'.encode() in raw:
                outcomes[word] = outcomes.get(word, 0) + 1
                break
    return {"requests": len(ordered), "rps": len(ordered) / elapsed if elapsed else 0,
            "errors": sum(1 for s in statuses if s != 200), "p50": pct(50), "p90": pct(90),
            "p99": pct(99), "max": ordered[-1] * 1000, "outcomes": outcomes}


def row(name: str, r: dict) -> str:
    cpu = f"  server CPU {r['cpu_ms']:.2f} ms/req" if "cpu_ms" in r else ""
    if r.get("db_cpu_ms"):  # PostgreSQL on this machine
        cpu += f", PostgreSQL's {r['db_cpu_ms']:.2f}"
    if "wrk_cpu_ms" in r:
        cpu += f", wrk's {r['wrk_cpu_ms']:.3f}"
    outcomes = f"  {r['outcomes']}" if r["outcomes"] else ""
    return (f"  {name:<22} {r['requests']:>6} req  {r['rps']:>8.1f} req/s  "
            f"p50 {r['p50']:6.2f}  p90 {r['p90']:6.2f}  p99 {r['p99']:6.2f}  "
            f"max {r['max']:7.2f} ms  errors {r['errors']}{outcomes}{cpu}")


# --- Reading the board with many attendees ------------------------------------------------------

def board_timings(data: dict, port: int, repeats: int = 30) -> dict:
    payload = request_bytes("GET", STATS_PATH, data["tokens"]["organizer"])
    over_http = []
    for _ in range(repeats):
        started = time.perf_counter()
        status, raw = send(port, payload)
        over_http.append((time.perf_counter() - started) * 1000)
        assert status == 200, raw[:300]
    body = json.loads(raw.split(b"\r\n\r\n", 1)[1])
    app = data["app"]
    in_process = []
    with app.app_context():
        from eventapp.checkin import reports
        from eventapp.events.services import get_event
        from eventapp.extensions import db

        event = get_event(SLUG)
        session = event.session_by_key(SESSION)
        first_unit = reports.session_stats(event, session).units[0].key
        for _ in range(repeats):
            started = time.perf_counter()
            reports.board_json(event, session, [first_unit])
            db.session.rollback()
            in_process.append((time.perf_counter() - started) * 1000)
        db.engine.dispose()
    return {"expected": body["expected"], "checked_in": body["checked_in"],
            "stats_http_median": statistics.median(over_http),
            "stats_http_max": max(over_http),
            "board_median": statistics.median(in_process), "board_max": max(in_process)}


# --- Main --------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--attendees", type=int, default=45_000,
                        help="enough for every saturation round to scan fresh codes")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=5,
                        help="bare/check-in saturation pairs; every round is printed")
    parser.add_argument("--clients", type=int, default=4, help="wrk's connections")
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py's")
    parser.add_argument("--worker-class", help="default: gunicorn.conf.py's")
    parser.add_argument("--threads", type=int, help="default: gunicorn.conf.py's")
    parser.add_argument("--no-analyze", action="store_true",
                        help="PostgreSQL without autovacuum: do not ANALYZE between rounds")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="checkin-bench-"))
    instance = tmp / "instance"
    database_url, drop, analyze = args.database_url, None, None
    if database_url and database_url.startswith("postgresql"):
        database_url, drop, analyze = _fresh_postgres(database_url)
        if args.no_analyze:
            analyze = None
    database_url = database_url or f"sqlite:///{tmp / 'bench.sqlite'}"
    print(f"Preparing {args.attendees} attendees in {database_url.split('@')[-1]} …", flush=True)
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    data = prepare(database_url, instance, args.attendees)
    env = {"DATABASE_URL": database_url, "SECRET_KEY": data["secret"],
           "EVENTAPP_INSTANCE_PATH": str(instance), "EVENTAPP_RATELIMIT_STORAGE_URI": "memory://"}
    app_server = Gunicorn("eventapp:create_app()", env, args, tmp / "gunicorn-app.log")
    # The bare app ignores DATABASE_URL, but gunicorn.conf.py sizes workers by it: both
    # servers must get the same workers and threads.
    bare_server = Gunicorn("checkin_bench:bare_app()", {"DATABASE_URL": database_url}, args,
                           tmp / "gunicorn-bare.log", chdir=ROOT / "bench")
    try:
        token = data["tokens"]["checkin"]
        codes, spare = data["codes"][:-WARMUP], data["codes"][-WARMUP:]
        app_server.wait_ready(request_bytes("GET", "/healthz", token))
        bare_server.wait_ready(scan_payloads(["BARE"], token)[0])
        # Every worker imports, connects and compiles its queries before we measure.
        wrk(app_server.port, token, spare, args.clients, 3, tmp)
        wrk(bare_server.port, token, None, args.clients, 3, tmp)
        rate_count = int(args.rate * args.seconds)
        print(f"cores: {os.cpu_count()}; gunicorn: {app_server.command}")
        print(f"Fixed rate {args.rate:.0f}/s for {args.seconds:.0f} s (open loop, "
              "latency from the scheduled time):")
        bare_payloads = scan_payloads(["BARE"] * rate_count, token)
        fixed_bare = fixed_rate(bare_server.port, bare_payloads, args.rate)
        print(row("bare Flask endpoint", fixed_bare))
        fixed = fixed_rate(app_server.port, scan_payloads(codes[:rate_count], token), args.rate)
        print(row("check-in (first scans)", fixed))
        print(f"Saturation with wrk, {args.clients} connections for {args.seconds:.0f} s, "
              f"{args.rounds} rounds of bare then check-in:")
        fresh = codes[rate_count:]
        share = len(fresh) // args.rounds
        ratios, rates, p99s = [], [], []
        database_cpu = None
        if drop:  # PostgreSQL: the CPU of the bench database's own backends
            name = database_url.rsplit("/", 1)[-1]
            database_cpu = functools.partial(postgres_cpu_seconds, name)
        for n in range(args.rounds):
            sat_bare = wrk(bare_server.port, token, None, args.clients, args.seconds, tmp,
                           server=bare_server)
            print(row(f"{n + 1}. bare endpoint", sat_bare))
            mine = fresh[n * share:(n + 1) * share]
            if analyze:
                analyze()
            sat = wrk(app_server.port, token, mine, args.clients, args.seconds, tmp,
                      server=app_server, database_cpu=database_cpu)
            print(row(f"{n + 1}. check-in", sat))
            if sat["requests"] > len(mine):
                print("     (fresh codes ran out: rescans counted; raise --attendees)")
            rates.append(sat["rps"])
            p99s.append(sat["p99"])
            ratios.append(sat["rps"] / sat_bare["rps"] if sat_bare["rps"] else 0)
        board = board_timings(data, app_server.port)
        print(f"Board with {board['expected']} expected ({board['checked_in']} checked in): "
              f"stats API median {board['stats_http_median']:.1f} ms (max "
              f"{board['stats_http_max']:.1f}); board data in process median "
              f"{board['board_median']:.1f} ms (max {board['board_max']:.1f})")
        print("Targets:")
        print(f"  p99 at {args.rate:.0f}/s = {fixed['p99']:.2f} ms (≤ 25 ms): "
              f"{'PASS' if fixed['p99'] <= 25 and not fixed['errors'] else 'FAIL'}")
        print(f"  check-in throughput, rounds: {', '.join(f'{r:.0f}' for r in rates)} scans/s "
              f"(median {statistics.median(rates):.0f}); ratio to bare: "
              f"{', '.join(f'{r * 100:.0f} %' for r in ratios)} "
              f"(median {statistics.median(ratios) * 100:.0f} %)")
        print(f"  p99 at saturation ({args.clients} connections), rounds: "
              f"{', '.join(f'{p:.1f}' for p in p99s)} ms (≤ 25 ms in every round): "
              f"{'PASS' if max(p99s) <= 25 else 'FAIL'}")
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        app_server.stop()
        bare_server.stop()
        if drop:
            drop()


def _fresh_postgres(url: str):
    """A throw-away database next to ``url``'s; returns its URL, a function to drop it and
    one that stands in for autovacuum's ANALYZE where the server has autovacuum off."""
    import sqlalchemy as sa

    name = f"eventapp_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    fresh = sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        autovacuum = conn.scalar(sa.text("SHOW autovacuum")) == "on"
    if not autovacuum:
        print("note: autovacuum is off on this PostgreSQL server. A plan cached while the "
              "checkin table was nearly empty would then stay (a full scan of its index on "
              "every scan, slower each round); the bench runs ANALYZE before each round, "
              "as autovacuum does while the table grows (--no-analyze: measure without).")

    def analyze():
        if autovacuum:
            return
        engine = sa.create_engine(fresh, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
        engine.dispose()

    return fresh, drop, analyze


if __name__ == "__main__":
    main()
