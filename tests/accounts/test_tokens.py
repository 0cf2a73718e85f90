"""API tokens: list, revoke (CLI and accounts page), expiry, last use (issue #12, item 4)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventapp.accounts.models import ApiToken
from eventapp.audit.models import AuditEntry
from eventapp.extensions import db

API = "/api/v1/events/doi-thoai-2020/questions"


def _cli(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _bearer(output: str) -> dict:
    return {"Authorization": f"Bearer {output.strip().splitlines()[-1]}"}


def test_create_token_with_days_expires(app, users, set_now):
    result = _cli(app, "create-token", "batri@test.vn", "--label", "máy quét", "--days", "2")
    assert result.exit_code == 0, result.output
    assert "hết hạn sau 2 ngày" in result.output
    headers = _bearer(result.output)
    client = app.test_client()
    assert client.get(API, headers=headers).status_code == 200
    set_now(datetime.now(UTC) + timedelta(days=2, minutes=1))
    response = client.get(API, headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


def test_create_token_refuses_nonsense_days(app, users):
    result = _cli(app, "create-token", "batri@test.vn", "--days", "0")
    assert result.exit_code == 2 and "Số ngày hiệu lực phải từ 1 đến 3650." in result.output
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_revoke_token_by_label_gets_401(app, users):
    door = _bearer(_cli(app, "create-token", "cua1@test.vn", "--label", "cửa 1").output)
    other = _bearer(_cli(app, "create-token", "cua1@test.vn", "--label", "cửa 2").output)
    client = app.test_client()
    assert client.get(API, headers=door).status_code in (200, 403)
    result = _cli(app, "revoke-token", "cua1@test.vn", "--label", "cửa 1")
    assert result.exit_code == 0, result.output
    assert "Đã thu hồi 1 mã truy cập “cửa 1” của cua1@test.vn." in result.output
    assert client.get(API, headers=door).status_code == 401
    assert client.get(API, headers=other).status_code != 401
    again = _cli(app, "revoke-token", "cua1@test.vn", "--label", "cửa 1")
    assert again.exit_code == 2 and "không có mã truy cập nào còn hiệu lực" in again.output
    unknown = _cli(app, "revoke-token", "khong-co@test.vn", "--label", "x")
    assert unknown.exit_code == 2 and "Không có tài khoản khong-co@test.vn." in unknown.output


def test_accounts_page_lists_and_revokes_tokens(app, users, login, client, set_now):
    start = datetime.now(UTC).replace(microsecond=0)
    set_now(start)
    headers = _bearer(_cli(app, "create-token", "batri@test.vn", "--label", "nhập liệu").output)
    _cli(app, "create-token", "batri@test.vn", "--label", "chưa dùng")
    set_now(start + timedelta(minutes=5))
    assert app.test_client().get(API, headers=headers).status_code == 200
    login(users["organizer"])
    page = f"/accounts/{users['unit_a'].id}/edit"
    html = client.get(page).get_data(as_text=True)
    assert "nhập liệu" in html and "chưa dùng" in html and "Chưa dùng" in html
    assert html.count("Đang dùng được") == 2
    token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.label == "nhập liệu"))
    response = client.post_form(f"/accounts/{users['unit_a'].id}/tokens/{token_id}/revoke",
                                page=page, follow_redirects=True)
    assert "Đã thu hồi mã truy cập “nhập liệu”." in response.get_data(as_text=True)
    assert "Đã thu hồi" in client.get(page).get_data(as_text=True)
    assert app.test_client().get(API, headers=headers).status_code == 401
    # another account's token id through this account's URL: not found, nothing revoked
    other = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.label == "chưa dùng"))
    assert client.post_form(f"/accounts/{users['unit_b'].id}/tokens/{other}/revoke",
                            page=page).status_code == 404
    db.session.commit()
    assert db.session.get(ApiToken, other).revoked_at is None


def test_last_used_is_written_at_most_once_a_minute(app, users, set_now):
    start = datetime.now(UTC).replace(microsecond=0)
    set_now(start)
    headers = _bearer(_cli(app, "create-token", "batri@test.vn").output)
    client = app.test_client()

    def last_used():
        db.session.commit()
        return db.session.scalar(sa.select(ApiToken.last_used_at))

    assert last_used() is None
    client.get(API, headers=headers)
    assert last_used() == start
    set_now(start + timedelta(seconds=40))
    client.get(API, headers=headers)
    assert last_used() == start  # no write within the minute
    set_now(start + timedelta(seconds=70))
    client.get(API, headers=headers)
    assert last_used() == start + timedelta(seconds=70)


def test_deactivated_users_token_gets_401(app, users, token_for):
    headers = token_for(users["unit_a"])
    users["unit_a"].active = False
    db.session.commit()
    assert app.test_client().get(API, headers=headers).status_code == 401


def _created_secret(html: str) -> str:
    found = re.search(r'id="token-secret"[^>]*value="([^"]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def test_organizer_creates_a_token_with_a_button(app, users, login, client, set_now):
    start = datetime.now(UTC).replace(microsecond=0)
    set_now(start)
    login(users["organizer"])
    edit = f"/accounts/{users['unit_a'].id}/edit"
    html = client.get(edit).get_data(as_text=True)
    assert "create-token" not in html and "flask --app" not in html
    new = f"/accounts/{users['unit_a'].id}/tokens/new"
    assert client.get(new).status_code == 200
    response = client.post_form(new, {"label": "Phần mềm huyện", "days": "30"}, page=new)
    assert response.status_code == 200  # the secret is on this answer, not behind a redirect
    html = response.get_data(as_text=True)
    secret = _created_secret(html)
    assert "chỉ hiện một lần" in html.lower()
    assert secret not in response.headers.get("Location", "") and "no-store" in \
        response.headers["Cache-Control"]
    with client.session_transaction() as session:
        assert secret not in repr(dict(session))
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.label == "Phần mềm huyện"))
    assert row.token_hash == ApiToken.digest(secret) and secret not in repr(row.__dict__)
    assert row.expires_at == start + timedelta(days=30)
    assert app.test_client().get(API, headers={"Authorization": f"Bearer {secret}"}
                                 ).status_code == 200
    listing = client.get(edit).get_data(as_text=True)
    assert "Phần mềm huyện" in listing and secret not in listing
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "token.create"))
    assert entry.summary == ("Tạo mã truy cập API “Phần mềm huyện” cho batri@test.vn, "
                             "hiệu lực 30 ngày")
    assert entry.user_id == users["organizer"].id


def test_token_form_refusals_change_nothing(app, users, login, client):
    login(users["organizer"])
    new = f"/accounts/{users['unit_a'].id}/tokens/new"
    first = client.get(new).get_data(as_text=True)
    assert "is-invalid" not in first and "invalid-feedback" not in first
    response = client.post_form(new, {"label": "", "days": "0"}, page=new)
    html = response.get_data(as_text=True)
    assert "Vui lòng đặt tên cho mã" in html and "Số ngày hiệu lực phải từ 1 đến 3650." in html
    assert 'id="token-secret"' not in html
    never = client.post_form(new, {"label": "Máy Ban tổ chức", "days": ""}, page=new)
    assert "không hết hạn" in never.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 1
    assert db.session.scalar(sa.select(ApiToken.expires_at)) is None


def test_only_an_organizer_creates_tokens(app, users, login, client):
    login(users["unit_a"])
    new = f"/accounts/{users['unit_a'].id}/tokens/new"
    assert client.get(new).status_code == 403
    assert client.post_form(new, {"label": "tự cấp", "days": "1"}, page="/account"
                            ).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_anyone_sees_and_revokes_their_own_tokens(app, users, login, client, token_for):
    mine = token_for(users["unit_a"])
    theirs = token_for(users["unit_b"])
    login(users["unit_a"])
    html = client.get("/account").get_data(as_text=True)
    assert "Đang dùng được" in html and "Ban tổ chức tạo mã khi bạn cần" in html
    assert "/tokens/new" not in html  # a unit does not make its own
    ids = {name: db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == u.id))
           for name, u in (("mine", users["unit_a"]), ("theirs", users["unit_b"]))}
    assert client.post_form(f"/account/tokens/{ids['theirs']}/revoke", page="/account"
                            ).status_code == 404
    response = client.post_form(f"/account/tokens/{ids['mine']}/revoke", page="/account",
                                follow_redirects=True)
    assert "Đã thu hồi mã truy cập “test”." in response.get_data(as_text=True)
    assert app.test_client().get(API, headers=mine).status_code == 401
    assert app.test_client().get(API, headers=theirs).status_code != 401
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "token.revoke"))
    assert entry.user_id == users["unit_a"].id
