"""backup / restore through the real CLI, on the suite's database (SQLite, or PostgreSQL
with TEST_DATABASE_URL): a consistent snapshot while writes go on, refusals that change
nothing, and the uploads folder."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventapp import create_app
from eventapp.accounts.models import User
from eventapp.audit.models import AuditEntry
from eventapp.database import unit_of_work
from eventapp.events.models import Event, EventUnit
from eventapp.extensions import db
from eventapp.registration.codes import new_nonce
from eventapp.units.models import Unit
from eventapp.units.services import save_unit
from tests.conftest import PASSWORD, TEST_DATABASE_URL, base_config
from tests.ops.conftest import needs_postgres, run_cli


def _put_uploads(app, count: int = 40, size: int = 200_000) -> dict[str, str]:
    """Files in the upload folder, as a unit's documents would be; returns their digests."""
    root = Path(app.config["UPLOAD_FOLDER"])
    digests = {}
    for i in range(count):
        path = root / "nominations" / str(i % 7) / f"ho-so-{i}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = (f"%PDF-1.4 hồ sơ {i}\n".encode() * (size // 20))[:size]
        path.write_bytes(data)
        digests[path.relative_to(root).as_posix()] = hashlib.sha256(data).hexdigest()
    return digests


def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


class Writer(threading.Thread):
    """Adds units one after another through the units service (each with its audit entry
    and participation row, in one transaction), noting when each commit was acknowledged."""

    def __init__(self, app, event_id: int, actor_id: int):
        super().__init__(daemon=True)
        self.app, self.event_id, self.actor_id = app, event_id, actor_id
        self.acked: list[tuple[str, float]] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            with self.app.app_context():
                event = db.session.get(Event, self.event_id)
                actor = db.session.get(User, self.actor_id)
                i = 0
                while not self.stop.is_set():
                    code = f"W{i:05d}"
                    with unit_of_work():  # acknowledged once committed, as by a request
                        save_unit(event, None, code, f"Đơn vị ghi thử số {i}", "district",
                                  actor)
                    self.acked.append((code, time.monotonic()))
                    i += 1
                db.session.remove()
        except BaseException as error:  # reported by the test
            self.error = error

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < count:
            assert self.error is None, self.error
            assert time.monotonic() < deadline, "writer too slow"
            time.sleep(0.01)


@pytest.mark.concurrency
def test_backup_while_writing_then_restore_finds_every_acknowledged_record(
        app, event, users, fresh_app, tmp_path):
    uploads = _put_uploads(app)
    writer = Writer(app, event.id, users["organizer"].id)
    writer.start()
    writer.wait_for(15)
    started = time.monotonic()
    result = run_cli(app, "backup", str(tmp_path / "sao-luu.tar.gz"))
    finished = time.monotonic()
    writer.wait_for(len(writer.acked) + 10)  # writes went on after the backup, too
    writer.stop.set()
    writer.join(timeout=60)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sao-luu.tar.gz").stat().st_mode & 0o077 == 0  # owner only
    during = [code for code, at in writer.acked if started < at < finished]
    before = [code for code, at in writer.acked if at < started]
    assert during, "no write was acknowledged while the backup ran"

    restored = fresh_app("restored")
    out = run_cli(restored, "restore", str(tmp_path / "sao-luu.tar.gz"))
    assert out.exit_code == 0, out.output
    assert "Đã khôi phục" in out.output
    with restored.app_context():
        codes = set(db.session.scalars(sa.select(Unit.code).where(Unit.code.like("W%"))))
        # Every record acknowledged before the backup began is there …
        assert set(before) <= codes
        # … and the snapshot is one moment in time: the first k inserts, no gaps, with the
        # audit entry and participation written in the same transactions. (After join()
        # every committed insert has been acknowledged.)
        k = len(codes)
        assert k < len(writer.acked)
        assert codes == {code for code, _ in writer.acked[:k]}
        added = db.session.scalars(sa.select(AuditEntry.summary)
                                   .where(AuditEntry.action == "unit.add")).all()
        assert sorted(s.split(" — ")[0] for s in added) == sorted(codes)
        enrolled = db.session.scalar(
            sa.select(sa.func.count()).select_from(EventUnit).join(Unit)
            .where(Unit.code.like("W%")))
        assert enrolled == k
        _assert_integrity(restored)
        client = restored.test_client()
        login = client.post_form("/login", {"email": users["organizer"].email,
                                            "password": PASSWORD})
        assert login.status_code == 302
    assert _digests(Path(restored.config["UPLOAD_FOLDER"])) == uploads


def _assert_integrity(app) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        conn = sqlite3.connect(sa.make_url(uri).database)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()
    else:
        # Every foreign key constraint restored and valid.
        invalid = db.session.scalar(sa.text(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"))
        assert invalid == 0
        assert db.session.scalar(sa.text(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = 'event_unit'::regclass")) >= 2


def test_backup_folder_has_manifest_with_counts_revision_and_checksums(app, event, users,
                                                                       tmp_path):
    _put_uploads(app, count=3, size=1000)
    dest = tmp_path / "sao-luu"
    result = run_cli(app, "backup", str(dest))
    assert result.exit_code == 0, result.output
    assert dest.stat().st_mode & 0o077 == 0  # owner only: password hashes, personal data
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    database = manifest["database"]
    assert database["kind"] == ("postgresql" if TEST_DATABASE_URL else "sqlite")
    assert database["tables"]["unit"] == db.session.scalar(sa.select(sa.func.count(Unit.id)))
    assert database["tables"]["user_account"] == 5
    current = sorted(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    assert database["revisions"] == current
    assert manifest["uploads"]["files"] == 3
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((dest / name).read_bytes()).hexdigest() == digest
    assert database["file"] in manifest["files"]
    # A second backup never overwrites the first.
    again = run_cli(app, "backup", str(dest))
    assert again.exit_code == 2
    assert "đã tồn tại" in again.output


def test_restore_refuses_a_target_with_data_unless_forced(app, event, users, tmp_path):
    _put_uploads(app, count=2, size=100)
    dest = tmp_path / "sao-luu"
    assert run_cli(app, "backup", str(dest)).exit_code == 0
    save_unit(event, None, "SAU", "Đơn vị thêm sau khi sao lưu", "other", users["organizer"])
    late = Path(app.config["UPLOAD_FOLDER"]) / "moi.pdf"
    late.write_bytes(b"%PDF new")

    db.session.commit()  # as after a request: saved, no transaction left open
    refused = run_cli(app, "restore", str(dest))
    assert refused.exit_code == 2
    assert "đã có dữ liệu" in refused.output and "--force" in refused.output
    db.session.rollback()
    assert db.session.scalar(sa.select(Unit).where(Unit.code == "SAU")) is not None
    assert late.exists()

    db.session.rollback()
    forced = run_cli(app, "restore", "--force", str(dest))
    assert forced.exit_code == 0, forced.output
    db.session.rollback()
    assert db.session.scalar(sa.select(Unit).where(Unit.code == "SAU")) is None
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 5
    assert not late.exists()
    aside = [p for p in late.parent.parent.iterdir() if ".truoc-khoi-phuc-" in p.name]
    assert len(aside) == 1 and (aside[0] / "moi.pdf").read_bytes() == b"%PDF new"


def test_restore_refuses_a_damaged_backup_and_changes_nothing(app, event, users, fresh_app,
                                                              tmp_path):
    _put_uploads(app, count=2, size=100)
    dest = tmp_path / "sao-luu"
    assert run_cli(app, "backup", str(dest)).exit_code == 0
    victim = next((dest / "uploads").rglob("*.pdf"))
    victim.write_bytes(victim.read_bytes() + b"x")

    target = fresh_app("target")
    result = run_cli(target, "restore", str(dest))
    assert result.exit_code == 2
    assert "không toàn vẹn" in result.output and "sai mã kiểm tra" in result.output
    with target.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
    assert not Path(target.config["UPLOAD_FOLDER"]).exists()


def test_restore_of_something_that_is_not_a_backup_is_refused(app, fresh_app, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball at all")
    target = fresh_app("target")
    result = run_cli(target, "restore", str(junk))
    assert result.exit_code == 2
    assert "không giải nén được" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli(target, "restore", str(empty))
    assert result.exit_code == 2
    assert "không phải bản sao lưu" in result.output


def test_restore_refuses_a_backup_from_a_newer_program(app, event, fresh_app, tmp_path):
    dest = tmp_path / "sao-luu"
    assert run_cli(app, "backup", str(dest)).exit_code == 0
    manifest_path = dest / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["database"]["revisions"].append("9999_future")
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    target = fresh_app("target")
    result = run_cli(target, "restore", str(dest))
    assert result.exit_code == 2
    assert "phiên bản chương trình mới hơn" in result.output and "9999_future" in result.output


@pytest.mark.parametrize("member", ["../escape.txt", "/etc/evil", "link"])
def test_restore_refuses_a_tarball_that_writes_outside_its_folder(app, fresh_app, tmp_path,
                                                                  member):
    import io
    import tarfile

    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo(member)
        if member == "link":
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
        else:
            info.size = 4
            tar.addfile(info, io.BytesIO(b"evil"))
    target = fresh_app("target")
    result = run_cli(target, "restore", str(evil))
    assert result.exit_code == 2
    assert "mục không hợp lệ" in result.output
    assert not (tmp_path / "escape.txt").exists()


def test_tarball_restore_works_where_python_lacks_the_tar_filter(app, event, fresh_app,
                                                                 tmp_path, monkeypatch):
    """Debian 12's Python 3.11.2 has no ``filter=`` for tarfile: our own checks suffice."""
    import tarfile

    assert run_cli(app, "backup", str(tmp_path / "b.tar.gz")).exit_code == 0
    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    target = fresh_app("target")
    result = run_cli(target, "restore", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 17


@needs_postgres
def test_restore_while_the_app_still_uses_the_database_gives_up_cleanly(app, event, tmp_path):
    dest = tmp_path / "sao-luu"
    assert run_cli(app, "backup", str(dest)).exit_code == 0
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as busy:  # a worker in the middle of a request
        busy.execute(sa.text("LOCK TABLE unit IN ACCESS SHARE MODE"))
        db.session.rollback()
        result = run_cli(app, "restore", "--force", str(dest))
        busy.rollback()
    engine.dispose()
    assert result.exit_code == 2
    assert "đang được dùng" in result.output and "chưa có gì bị thay đổi" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 17


@needs_postgres
def test_backup_says_what_to_install_when_pg_dump_is_missing(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run_cli(app, "backup", str(tmp_path / "sao-luu"))
    assert result.exit_code == 2
    assert "Không tìm thấy lệnh pg_dump" in result.output
    assert not (tmp_path / "sao-luu").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


# --- The check-in code key travels with the data (issue #12 item 14) -------------------------

DOORS_OPEN = datetime(2020, 2, 14, 8, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _laptop(fresh_app, monkeypatch, tmp_path, name: str, **config):
    """An installation whose key lives in its own instance/secret_key (nothing configured)."""
    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(tmp_path / f"{name}-instance"))
    return fresh_app(name, SECRET_KEY=None, NOW=DOORS_OPEN, **config)


def _with_a_printed_code(laptop) -> str:
    """Migrate, load the demo event, register one delegate; returns the delegate's code."""
    from eventapp.accounts.services import create_user
    from eventapp.cli import upgrade_schema
    from eventapp.events.services import import_event
    from eventapp.registration.codes import attendee_code
    from eventapp.registration.models import Attendee
    from tests.conftest import demo_definition

    with laptop.app_context():
        upgrade_schema()
        event = import_event(demo_definition())
        create_user("cua@test.vn", "checkin", PASSWORD, full_name="cua")
        category = next(c for c in event.categories if c.key == "tpt-doi")
        person = Attendee(event_id=event.id, unit_id=None, category_id=category.id,
                          full_name="Nguyễn Văn Ấn", name_key="nguyen van an",
                          code_nonce=new_nonce())
        person.sessions = [event.session_by_key("doi-thoai")]
        db.session.add(person)
        db.session.commit()
        return attendee_code(person)


def _scan(laptop, code: str):
    """Scan ``code`` at the door of ``laptop`` as its check-in staff; returns the response."""
    from eventapp.accounts.services import find_user
    from eventapp.auth import issue_token

    with laptop.app_context():
        token = issue_token(find_user("cua@test.vn"), "cửa 1")
        db.session.commit()
        return laptop.test_client().post(
            "/api/v1/events/doi-thoai-2020/checkin",
            json={"code": code, "session": "doi-thoai"},
            headers={"Authorization": f"Bearer {token}"})


def test_restore_on_a_new_laptop_brings_the_code_key_so_printed_codes_still_scan(
        fresh_app, monkeypatch, tmp_path):
    old = _laptop(fresh_app, monkeypatch, tmp_path, "old")
    code = _with_a_printed_code(old)
    old_key = (tmp_path / "old-instance" / "secret_key").read_text()
    dest = tmp_path / "sao-luu"
    result = run_cli(old, "backup", str(dest))
    assert result.exit_code == 0, result.output
    assert "Khóa mã check-in (instance/secret_key) được sao lưu kèm" in result.output
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["code_key"]["source"] == "instance/secret_key"
    assert manifest["code_key"]["file"] == "secret_key" and "secret_key" in manifest["files"]
    assert old_key not in json.dumps(manifest)  # a fingerprint, never the key
    assert (dest / "secret_key").read_text() == old_key
    assert (dest / "secret_key").stat().st_mode & 0o077 == 0

    new = _laptop(fresh_app, monkeypatch, tmp_path, "new")
    new_key_file = tmp_path / "new-instance" / "secret_key"
    assert new_key_file.read_text() != old_key
    restored = run_cli(new, "restore", str(dest))
    assert restored.exit_code == 0, restored.output
    assert "Đã khôi phục khóa mã check-in (instance/secret_key)" in restored.output
    assert new_key_file.read_text() == old_key
    assert new_key_file.stat().st_mode & 0o077 == 0
    assert len(list(new_key_file.parent.glob("secret_key.truoc-khoi-phuc-*"))) == 1
    # The printed QR code is accepted at the door, by the running app and after a restart.
    scanned = _scan(new, code)
    assert scanned.status_code == 200, scanned.get_json()
    assert scanned.get_json()["result"] == "checked_in"
    restarted = create_app({**base_config(tmp_path / "new", new.config[
        "SQLALCHEMY_DATABASE_URI"]), "SECRET_KEY": None, "NOW": DOORS_OPEN})
    try:
        again = _scan(restarted, code)
        assert again.status_code == 200 and again.get_json()["result"] == "already_checked_in"
    finally:
        with restarted.app_context():
            db.engine.dispose()


def test_restore_refuses_loudly_when_the_new_key_is_configured_elsewhere(
        fresh_app, monkeypatch, tmp_path):
    old = _laptop(fresh_app, monkeypatch, tmp_path, "old")
    code = _with_a_printed_code(old)
    dest = tmp_path / "sao-luu.tar.gz"
    assert run_cli(old, "backup", str(dest)).exit_code == 0

    # The new server takes SECRET_KEY from its configuration: the backup's file cannot be
    # used, and restoring would void every printed code.
    server = _laptop(fresh_app, monkeypatch, tmp_path, "server")
    server.config["SECRET_KEY"] = "another-configured-key-" + "y" * 20
    refused = run_cli(server, "restore", str(dest))
    assert refused.exit_code == 2
    assert "KHÔNG KHÔI PHỤC" in refused.output and "1 đại biểu" in refused.output
    assert "--accept-new-code-key" in refused.output and "Chưa có gì bị thay đổi" in refused.output
    with server.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
    assert not Path(server.config["UPLOAD_FOLDER"]).exists()

    # Told what to do, the operator configures the old key: the restore goes through.
    server.config["SECRET_KEY"] = (tmp_path / "old-instance" / "secret_key").read_text()
    done = run_cli(server, "restore", str(dest))
    assert done.exit_code == 0, done.output
    assert "Khóa mã check-in trùng với bản sao lưu" in done.output
    assert _scan(server, code).get_json()["result"] == "checked_in"


def test_restore_with_another_key_only_when_the_operator_accepts_it(
        fresh_app, monkeypatch, tmp_path):
    old = _laptop(fresh_app, monkeypatch, tmp_path, "old",
                  CHECKIN_CODE_KEY="khoa-cua-may-cu-" + "z" * 20)
    code = _with_a_printed_code(old)
    dest = tmp_path / "sao-luu"
    backed = run_cli(old, "backup", str(dest))
    assert "lấy từ CHECKIN_CODE_KEY trong cấu hình" in backed.output
    assert not (dest / "secret_key").exists()

    new = _laptop(fresh_app, monkeypatch, tmp_path, "new")
    refused = run_cli(new, "restore", str(dest))
    assert refused.exit_code == 2
    assert "máy cũ lấy khóa từ CHECKIN_CODE_KEY" in refused.output
    accepted = run_cli(new, "restore", "--accept-new-code-key", str(dest))
    assert accepted.exit_code == 0, accepted.output
    assert "CẢNH BÁO: khóa mã check-in khác bản sao lưu" in accepted.output
    assert _scan(new, code).status_code == 404  # the operator was told: codes must be re-issued
