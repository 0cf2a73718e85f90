"""The password rule (accounts/rules.py), table-driven, and every way in uses it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventapp.accounts import rules
from eventapp.accounts.models import User
from eventapp.extensions import db
from tests.conftest import PASSWORD

EMAIL = "nguyenvana@batri.vn"


@pytest.mark.parametrize(("password", "expected"), [
    ("", rules.TOO_SHORT),
    ("ngan-qua", rules.TOO_SHORT),                  # 8
    ("chin-ky-t", rules.TOO_SHORT),                 # 9
    ("muoi-ky-tu", None),                           # 10: the least that passes
    ("x" * 200 + "y", rules.TOO_LONG),
    ("matkhau123", rules.COMMON),                   # Vietnamese favourites
    ("MatKhau123", rules.COMMON),                   # case does not help
    ("123456789a", rules.COMMON),
    ("anhyeuem123", rules.COMMON),
    ("1234567890", rules.COMMON),
    ("password123", rules.COMMON),
    ("nguyenvana2026", rules.HAS_NAME),             # the e-mail's local part
    ("xx-NguyenVanA-xx", rules.HAS_NAME),
    ("song-nuoc-ba-tri", None),
    ("Cây đa bến nước", None),                      # Vietnamese letters are fine
])
def test_password_rule(password, expected):
    assert rules.password_error(password, EMAIL) == expected


def test_a_short_local_part_is_not_checked():
    # "an@…" would otherwise forbid every password with "an" in it.
    assert rules.password_error("bao-an-ninh-2026", "an@test.vn") is None


def test_the_vendored_list_is_read():
    common = rules.common_passwords()
    assert {"matkhau123", "123456789a", "123456"} <= common
    assert all(p == p.lower() and not p.startswith("#") for p in common)


def test_own_change_refuses_a_weak_password_and_keeps_the_old_one(app, users, login, client):
    login(users["unit_a"])
    for weak, message in [("matkhau123", rules.COMMON), ("ngan", rules.TOO_SHORT),
                          ("batri-2026-moi", rules.HAS_NAME)]:
        page = client.post_form("/account", {"current_password": PASSWORD, "new_password": weak,
                                             "confirm": weak}, page="/account")
        assert message in page.get_data(as_text=True)
    assert db.session.get(User, users["unit_a"].id).check_password(PASSWORD)


def test_organizer_form_and_cli_use_the_rule(app, users, login, client, runner):
    login(users["organizer"])
    page = client.post_form("/accounts/new", {"email": "vanthu@test.vn", "role": "checkin",
                                              "password": "123456789a"}, page="/accounts/new")
    assert rules.COMMON in page.get_data(as_text=True)
    result = runner.invoke(args=["create-user", "cua2@test.vn", "--role", "checkin",
                                 "--password", "cua2-2026-abc"])
    assert result.exit_code == 2 and rules.HAS_NAME in result.output
    emails = set(db.session.scalars(sa.select(User.email)))
    assert not {"vanthu@test.vn", "cua2@test.vn"} & emails


def test_demo_refuses_a_weak_password_before_writing(app, runner):
    result = runner.invoke(args=["demo", "--password", "matkhau123"])
    assert result.exit_code == 2 and rules.COMMON in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
