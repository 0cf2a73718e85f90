"""How long backup, restore and copy-db take on a database of realistic size.

    .venv/bin/python bench/ops_backup.py [--rows 100000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Seeds the demo event plus ``--rows`` audit entries (the biggest table of a season) and
500 units, then times, on SQLite and (with ``--pg``) PostgreSQL: backup to .tar.gz, restore
into an empty database, and copy-db from SQLite into PostgreSQL. Prints one line per step.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import scratch_database  # noqa: E402


def make_app(uri: str, instance: Path):
    from eventapp import create_app

    os.environ["EVENTAPP_INSTANCE_PATH"] = str(instance)
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench-" + "x" * 40,
                       "UPLOAD_FOLDER": str(instance / "uploads"),
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def seed(app, rows: int) -> None:
    import json
    from importlib import resources

    import sqlalchemy as sa

    from eventapp.audit.models import AuditEntry
    from eventapp.cli import upgrade_schema
    from eventapp.events.services import import_event, upsert_participation
    from eventapp.extensions import db

    with app.app_context():
        upgrade_schema()
        event = import_event(json.loads(resources.files("eventapp.events")
                                        .joinpath("demo_event.json").read_text("utf-8")))
        for i in range(500):
            upsert_participation(event, f"B{i:04d}", f"Đơn vị thử số {i}", "high_school")
        db.session.commit()
        start = datetime(2020, 1, 1, tzinfo=UTC)
        batch = []
        for i in range(rows):
            batch.append({"at": start + timedelta(seconds=i), "event_id": event.id,
                          "action": "unit.update", "object_type": "Unit", "object_id": str(i),
                          "summary": f"Sửa đơn vị B{i % 500:04d} — Đơn vị thử số {i}",
                          "before": {"name": f"Tên cũ {i}"}, "after": {"name": f"Tên mới {i}"}})
            if len(batch) == 5000:
                db.session.execute(sa.insert(AuditEntry), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(AuditEntry), batch)
        db.session.commit()
        folder = Path(app.config["UPLOAD_FOLDER"])
        for i in range(200):  # 200 dossiers of 250 kB
            path = folder / "nominations" / str(i % 20) / f"{i}.pdf"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(os.urandom(250_000))
        db.engine.dispose()


def timed(label: str, fn):
    began = time.perf_counter()
    result = fn()
    print(f"{label:<42} {time.perf_counter() - began:7.2f} s", flush=True)
    return result


def run(kind: str, uri_source: str, uri_target: str, work: Path, rows: int) -> None:
    from eventapp.extensions import db
    from eventapp.ops import backup

    source = make_app(uri_source, work / f"{kind}-source")
    timed(f"[{kind}] seed {rows} audit rows + 500 units", lambda: seed(source, rows))
    archive = work / f"{kind}.tar.gz"
    with source.app_context():
        timed(f"[{kind}] backup → .tar.gz", lambda: backup.backup(
            db.engine, Path(source.config["UPLOAD_FOLDER"]), archive))
        db.engine.dispose()
    print(f"[{kind}] archive size {archive.stat().st_size / 1e6:.1f} MB")
    target = make_app(uri_target, work / f"{kind}-target")
    with target.app_context():
        timed(f"[{kind}] restore into an empty database", lambda: backup.restore(
            db.engine, Path(target.config["UPLOAD_FOLDER"]), archive))
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ops-bench-") as tmp:
        work = Path(tmp)
        run("sqlite", f"sqlite:///{work / 'a.sqlite'}", f"sqlite:///{work / 'b.sqlite'}",
            work, args.rows)
        if not args.pg:
            print("(PostgreSQL skipped: pass --pg URL)")
            return
        with scratch_database(args.pg, work) as a, scratch_database(args.pg, work) as b:
            run("postgresql", a, b, work, args.rows)
        with scratch_database(args.pg, work) as target:
            import sqlalchemy as sa

            from eventapp.extensions import db
            from eventapp.ops import copydb

            source = make_app(f"sqlite:///{work / 'a.sqlite'}", work / "sqlite-source")
            migrate = make_app(target, work / "copy-target")
            with migrate.app_context():
                from eventapp.cli import upgrade_schema

                upgrade_schema()
                db.engine.dispose()
            with source.app_context():
                engine = sa.create_engine(target)
                copydb.check_target(db.engine, engine)
                counts = timed("[copy-db] SQLite → PostgreSQL", lambda: copydb.copy_database(
                    db.engine, engine, db.metadata))
                engine.dispose()
                db.engine.dispose()
            print(f"[copy-db] {sum(counts.values())} rows in {len(counts)} tables")


if __name__ == "__main__":
    main()
