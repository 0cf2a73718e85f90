"""The account form (issue #12, item 15): no default role, unit only with role Đơn vị,
confirmation before creating or promoting an organizer, audited."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from eventapp.accounts.models import User
from eventapp.extensions import db

NEW = "/accounts/new"


def _count_users() -> int:
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def _form(**fields) -> dict:
    data = {"email": "vanthu@test.vn", "full_name": "Văn thư", "password": "mat-khau-123"}
    data.update(fields)
    return data


def test_the_form_has_no_default_role(client, users, login):
    login(users["organizer"])
    html = client.get(NEW).get_data(as_text=True)
    role_select = re.search(r'<select[^>]*name="role".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option[^>]*selected[^>]*value="(organizer|unit|checkin)"|'
                       r'<option[^>]*value="(organizer|unit|checkin)"[^>]*selected', role_select)
    assert chosen is None, chosen
    assert "— Chọn vai trò —" in role_select


ONLY_UNITS = "Chỉ tài khoản có vai trò Đơn vị mới gắn với một đơn vị"


@pytest.mark.parametrize("fields, message", [
    # The incident: a clerk's account with a unit chosen and the role untouched.
    ({"unit": "BATRI"}, "Vui lòng chọn vai trò."),
    ({"role": "organizer", "unit": "BATRI", "confirm_organizer": "y"}, ONLY_UNITS),
    ({"role": "checkin", "unit": "BATRI", "confirm_organizer": "y"}, ONLY_UNITS),
    ({"role": "unit"}, "Tài khoản đơn vị phải gắn với một đơn vị."),
], ids=["unit-role-left-alone", "organizer-with-unit", "checkin-with-unit", "unit-without-unit"])
def test_a_refused_account_form_creates_nothing(client, users, login, fields, message):
    login(users["organizer"])
    before = _count_users()
    response = client.post_form(NEW, _form(**fields), page=NEW)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count_users() == before


def test_creating_an_organizer_needs_confirmation_and_is_audited(client, users, login):
    login(users["organizer"])
    before = _count_users()
    refused = client.post_form(NEW, _form(role="organizer"), page=NEW)
    assert "Đánh dấu ô xác nhận" in refused.get_data(as_text=True)
    assert _count_users() == before
    done = client.post_form(NEW, _form(role="organizer", confirm_organizer="y"), page=NEW)
    assert done.status_code == 302
    assert _count_users() == before + 1
    summary = db.session.scalar(sa.text(
        "SELECT summary FROM audit_entry WHERE action = 'user.create' "
        "AND summary LIKE '%vanthu@test.vn%'"))
    assert "cấp quyền Ban tổ chức" in summary


def test_promoting_to_organizer_needs_confirmation(client, users, login):
    login(users["organizer"])
    unit_user = users["unit_a"]
    page = f"/accounts/{unit_user.id}/edit"
    data = {"email": unit_user.email, "full_name": "Ba Tri", "role": "organizer",
            "active": "y"}
    refused = client.post_form(page, data, page=page)
    assert "Đánh dấu ô xác nhận" in refused.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(User, unit_user.id).role == "unit"
    done = client.post_form(page, {**data, "confirm_organizer": "y"}, page=page)
    assert done.status_code == 302
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, unit_user.id).role == "organizer"
    summary = db.session.scalar(sa.text(
        "SELECT summary FROM audit_entry WHERE action = 'user.update'"))
    assert "cấp quyền Ban tổ chức" in summary
    # editing an organizer again needs no new confirmation
    again = client.post_form(page, {**data, "full_name": "Ba Tri 2"}, page=page)
    assert again.status_code == 302


def test_a_unit_account_is_still_created_normally(client, users, login):
    login(users["organizer"])
    response = client.post_form(NEW, _form(role="unit", unit="BATRI"), page=NEW)
    assert response.status_code == 302
    db.session.commit()
    user = db.session.scalar(sa.select(User).where(User.email == "vanthu@test.vn"))
    assert user.role == "unit" and user.unit.code == "BATRI"
