"""Outbox throughput: 10,000 reminder e-mails through the outbox to a local SMTP server.

Each round writes COUNT reminder messages (one transaction, as a reminder rule would), then
runs ``flask outbox run --once`` as its own process against a real aiosmtpd server on
loopback, sampling the worker's resident memory (``/proc/<pid>/status``) every 50 ms.
Printed per round: the enqueue time, messages per second (from the worker's first mail to
its last, and over the whole process including its start), and the worker's RSS at 10 %,
50 % and 90 % of the run and its peak — flat means it does not grow with the messages sent.
Every message is counted at the server by its Message-ID: each once.

    python -m bench.outbox_bench [--count 10000] [--rounds 3] [--pg postgresql://…]
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import ROOT, app_env, make_app, scratch_database
from bench.mailsink import MailSink

TEMPLATE = ("Kính gửi {don_vi},\nĐơn vị đã gửi {da_gui}/{toi_thieu} câu hỏi, còn thiếu "
            "{con_thieu} câu. Hạn chót: {han_chot}.\nTrân trọng,\nBan Tổ chức")


def write_reminders(app, count: int, rule: int) -> float:
    """COUNT reminders of rule RULE, one per unit contact, in one transaction; seconds."""
    from eventapp.database import unit_of_work
    from eventapp.messages import outbox
    from eventapp.messages.models import Channel

    started = time.perf_counter()
    with app.app_context(), unit_of_work():
        for first in range(0, count, 1000):  # one enqueue per 1,000: a rule over many units
            recipients = [outbox.Recipient(name=f"Đoàn xã số {i}", address=f"donvi{i}@xa.vn")
                          for i in range(first, min(first + 1000, count))]
            body = TEMPLATE.format(don_vi="Đoàn xã", da_gui=2, toi_thieu=5, con_thieu=3,
                                   han_chot="05/03/2026")
            outbox.enqueue(recipients, subject="Nhắc nộp câu hỏi đối thoại: còn thiếu 3 câu",
                           body=body, cause="reminder", cause_ref=f"rule:{rule}",
                           channels=[Channel.email], dedupe=f"rule:{rule}")
    return time.perf_counter() - started


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def run_worker(env: dict, sink: MailSink, count: int) -> dict:
    before = len(sink.received)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "eventapp", "outbox",
                             "run", "--once"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    samples: list[tuple[int, int]] = []  # (messages received so far, RSS KiB)
    first_at = last_at = None
    while proc.poll() is None:
        if (kib := rss_kib(proc.pid)) is not None:
            samples.append((len(sink.received) - before, kib))
        received = len(sink.received) - before
        if received and first_at is None:
            first_at = time.perf_counter()
        if received >= count and last_at is None:
            last_at = time.perf_counter()
        time.sleep(0.05)  # the sampling period, bounded by the worker's own end
    output = proc.stdout.read()
    ended = time.perf_counter()
    if proc.returncode != 0:
        raise SystemExit(f"worker exited {proc.returncode}:\n{output}")
    last_at = last_at or ended
    sending = [s for s in samples if s[0] > 0] or samples

    def at(fraction: float) -> int:
        return sending[min(len(sending) - 1, int(len(sending) * fraction))][1]

    return {"wall": ended - started, "sending": last_at - (first_at or started),
            "rss10": at(0.1), "rss50": at(0.5), "rss90": at(0.9),
            "peak": max(kib for _, kib in samples), "output": output.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", help="a PostgreSQL server URL (default: SQLite)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.pg, Path(tmp)) as url, \
            MailSink() as sink:
        env = {**app_env(url, Path(tmp) / "instance"), **sink.env()}
        app = make_app(env)
        with app.app_context():
            from eventapp.cli import upgrade_schema
            from eventapp.extensions import db

            upgrade_schema()
            db.engine.dispose()
        print(f"database: {'PostgreSQL' if args.pg else 'SQLite'}; {args.count} e-mails a "
              f"round; worker batch {app.config['OUTBOX_BATCH']}")
        print("round | enqueue s | worker s | msg/s (sending) | msg/s (with start) | "
              "RSS MiB at 10/50/90 % | peak MiB")
        for n in range(1, args.rounds + 1):
            enqueue = write_reminders(app, args.count, n)
            with app.app_context():
                db.engine.dispose()  # the worker process must not wait on this one's lock
            result = run_worker(env, sink, args.count)
            print(f"{n} | {enqueue:.1f} | {result['wall']:.1f} | "
                  f"{args.count / result['sending']:.0f} | {args.count / result['wall']:.0f} | "
                  f"{result['rss10'] / 1024:.0f}/{result['rss50'] / 1024:.0f}/"
                  f"{result['rss90'] / 1024:.0f} | {result['peak'] / 1024:.0f}", flush=True)
        ids = collections.Counter(m.message_id for m in sink.received)
        twice = sum(1 for n in ids.values() if n > 1)
        print(f"received {len(sink.received)} mails, {len(ids)} distinct Message-IDs, "
              f"{twice} sent twice (expected {args.count * args.rounds}, 0)")
        if len(ids) != args.count * args.rounds or twice:
            raise SystemExit(1)
        print(f"last worker said: {result['output']}")


if __name__ == "__main__":
    main()
