"""The CLI: init-db, create-user, create-token, import-event, demo."""

import json

import pytest
import sqlalchemy as sa

from eventapp.accounts.models import ApiToken, User
from eventapp.events.models import Event, EventUnit, RegistrationCap
from eventapp.extensions import db
from eventapp.questions import settings as question_settings
from tests.conftest import TEST_DATABASE_URL, demo_definition


def _demo_args() -> list[str]:
    """On PostgreSQL the demo needs its own password; on SQLite the printed one is used."""
    return ["demo"] if db.engine.dialect.name == "sqlite" else ["demo", "--password",
                                                                 "doithoai2020"]


def test_demo_loads_seed_event_and_accounts(runner, client):
    result = runner.invoke(args=_demo_args())
    assert result.exit_code == 0, result.output
    assert "bantochuc@demo.vn" in result.output
    event = db.session.scalar(sa.select(Event).where(Event.slug == "doi-thoai-2020"))
    quotas = question_settings.of(event)
    assert quotas.min_per_unit == 15
    assert quotas.deadline.isoformat() == "2020-02-04T17:00:00+00:00"
    so_ket = event.session_by_key("so-ket")
    assert so_ket.capacity == 150
    cap = db.session.scalar(sa.select(RegistrationCap))
    assert (cap.session.key, cap.category.key, cap.unit_kind, cap.max_per_unit) == \
        ("so-ket", "clb-tpt", "district", 5)
    districts = [u for u in event.units if u.kind == "district"]
    assert len(districts) == 9
    # the demo organizer can log in with the printed password
    response = client.post_form("/login", {"email": "bantochuc@demo.vn",
                                           "password": "doithoai2020"})
    assert response.status_code == 302
    # running it again changes nothing and does not fail
    assert runner.invoke(args=_demo_args()).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1


def _refused(result) -> None:
    assert result.exit_code == 2
    assert "--password" in result.output and "doithoai2020" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_demo_behind_tls_refuses_the_published_password(app, runner, client):
    app.config["TLS"] = True
    _refused(runner.invoke(args=["demo"]))

    result = runner.invoke(args=["demo", "--password", "mat-khau-rieng-2026"])
    assert result.exit_code == 0, result.output
    assert client.post_form("/login", {"email": "bantochuc@demo.vn",
                                       "password": "doithoai2020"}).status_code == 200
    assert client.post_form("/login", {"email": "bantochuc@demo.vn",
                                       "password": "mat-khau-rieng-2026"}).status_code == 302


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL only: set TEST_DATABASE_URL")
def test_demo_on_postgresql_refuses_the_published_password(runner):
    _refused(runner.invoke(args=["demo"]))


def test_import_event_creates_then_updates_by_slug(runner, tmp_path):
    data = demo_definition()
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["import-event", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "doi-thoai-2020"

    data["questions"]["min_per_unit"] = 20
    data["units"].append({"code": "MOI", "name": "Đơn vị mới", "kind": "other"})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(args=["import-event", str(path)]).exit_code == 0
    event = db.session.scalar(sa.select(Event))
    db.session.expire_all()
    assert question_settings.of(event).min_per_unit == 20
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventUnit)) == 18


def test_import_event_invalid_names_the_field_and_writes_nothing(runner, tmp_path):
    data = demo_definition()
    data["sessions"][0]["starts_at"] = "14/02/2020 08:00"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["import-event", str(path)])
    assert result.exit_code == 2
    assert "sessions.0.starts_at" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_import_event_rejects_cap_for_unknown_session(runner, tmp_path):
    data = demo_definition()
    data["registration"]["caps"][0]["session"] = "khong-co"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["import-event", str(path)])
    assert result.exit_code == 2
    assert "registration.caps.0.session" in result.output


def test_import_event_rejects_broken_json(runner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"slug": ', encoding="utf-8")
    result = runner.invoke(args=["import-event", str(path)])
    assert result.exit_code == 2
    assert "JSON không hợp lệ" in result.output


def test_create_user_and_token(runner, event, client):
    result = runner.invoke(args=["create-user", "CLB@batri.vn", "--role", "unit",
                                 "--unit", "batri", "--password", "mot-mat-khau"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "clb@batri.vn"))
    assert user.unit.code == "BATRI"
    assert user.password_hash != "mot-mat-khau"

    result = runner.invoke(args=["create-token", "clb@batri.vn"])
    token = result.output.strip().splitlines()[-1]
    assert len(token) > 40
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.token_hash != token and stored.token_hash == ApiToken.digest(token)
    response = client.get("/api/v1/events/doi-thoai-2020",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_create_user_prompts_for_password(runner, event):
    result = runner.invoke(args=["create-user", "btc@x.vn", "--role", "organizer"],
                           input="mat-khau-dai\nmat-khau-dai\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User).where(User.email == "btc@x.vn")).is_organizer


def test_create_user_refuses_unit_account_without_unit(runner, event):
    result = runner.invoke(args=["create-user", "x@x.vn", "--role", "unit",
                                 "--password", "mat-khau-dai"])
    assert result.exit_code == 2
    assert "unit" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_user_with_send_link_asks_no_password_and_mails_a_link(app, runner, event):
    from eventapp.messages.models import Message

    app.config["PUBLIC_URL"] = "https://192.168.1.20:8443"
    result = runner.invoke(args=["create-user", "doan@batri.vn", "--role", "unit",
                                 "--unit", "BATRI", "--send-link"], input="")
    assert result.exit_code == 0, result.output
    assert "liên kết đặt mật khẩu" in result.output and "Mật khẩu" not in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "doan@batri.vn"))
    assert not user.has_password
    [message] = db.session.scalars(sa.select(Message)).all()
    assert message.address == "doan@batri.vn"
    assert "https://192.168.1.20:8443/password/set/" in message.body_text


def test_create_user_refuses_a_password_and_a_link_at_once(runner, event):
    result = runner.invoke(args=["create-user", "x@x.vn", "--role", "checkin",
                                 "--password", "mat-khau-dai-du", "--send-link"])
    assert result.exit_code == 2
    assert "Chọn một cách" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
