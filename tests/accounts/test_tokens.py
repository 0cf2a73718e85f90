"""API tokens: list, revoke (CLI and accounts page), expiry, last use (issue #12, item 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventapp.accounts.models import ApiToken
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
