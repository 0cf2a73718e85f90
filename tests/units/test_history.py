"""A unit over time (issue #16 item 3): rename from a date, merge into another unit, history.

Past events keep the name of their time on their pages and in their exports; a merged
unit's past event still shows its old name; its accounts move or are locked; every refusal
is a Vietnamese message that changes nothing; two merges of one unit at once make one.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.accounts.models import User
from eventapp.events.models import Event, EventUnit
from eventapp.extensions import db
from eventapp.registration.codes import attendee_code
from eventapp.registration.models import Attendee
from eventapp.units.models import Unit, UnitChange
from tests.conftest import PASSWORD

OLD, NEW = "Huyện đoàn Ba Tri", "Đoàn xã Ba Tri"
PAST = "/events/doi-thoai-2020"
LATER = "/events/doi-thoai-2026"
#: A merge date after the 2026 clone (02/03/2026), in which every unit takes part.
AFTER_CLONE = "2026-11-01"
#: "Today" for these tests: after the 1 July 2025 reorganisation.
TODAY = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


@pytest.fixture
def history_setup(app, event, users, set_now, token_for):
    """BATRI asked a question and registered a delegate in the 2020 event; the event was
    cloned to 02/03/2026 (BATRI takes part); the clock is now 30/11/2026."""
    from eventapp.events.cloning import clone_event

    set_now(datetime(2020, 2, 1, 3, 0, tzinfo=UTC))
    headers = token_for(users["unit_a"])
    client = app.test_client()
    asked = client.post(f"/api/v1{PAST}/questions", headers=headers, json={
        "topic": event.topics[0].name, "content": "Đề xuất giảm tiết dạy cho TPT Đội?"})
    assert asked.status_code == 201, asked.get_json()
    registered = client.post(f"/api/v1{PAST}/attendees", headers=headers, json={
        "full_name": "Nguyễn Văn Ấn", "position": "Giáo viên", "category": "tpt-doi",
        "sessions": ["doi-thoai"], "phone": "0912345678", "email": ""})
    assert registered.status_code == 201, registered.get_json()
    set_now(TODAY)
    clone_event(event, "doi-thoai-2026", datetime(2026, 3, 2).date(), users["organizer"])
    db.session.commit()
    return users


def _names(slug: str) -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(
        sa.select(Unit.code, EventUnit.name).join(EventUnit, EventUnit.unit_id == Unit.id)
        .join(Event, Event.id == EventUnit.event_id).where(Event.slug == slug)).all())


def _cells(response) -> set:
    assert response.status_code == 200, response.data[:300]
    workbook = load_workbook(io.BytesIO(response.data))
    return {cell for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
            for cell in row}


def _rename(client, code="BATRI", **data):
    return client.post_form(f"/units/{code}/rename", {"name": NEW, "effective_on": "2025-07-01",
                                                      "note": "Quyết định 1234/QĐ"} | data,
                            page=f"/units/{code}")


def _merge(client, code="BATRI", **data):
    return client.post_form(f"/units/{code}/merge", {"into": "BINHDAI",
                                                     "merged_on": "2025-07-01",
                                                     "accounts": "move"} | data,
                            page=f"/units/{code}")


def test_rename_keeps_the_past_events_name_on_its_pages_and_exports(client, login,
                                                                    history_setup, token_for):
    login(history_setup["organizer"])
    response = _rename(client)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _names("doi-thoai-2020")["BATRI"] == OLD
    assert _names("doi-thoai-2026")["BATRI"] == NEW  # on or after the rename's date
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "BATRI")) == NEW
    unit_page = client.get("/units/BATRI").get_data(as_text=True)  # shows the flash too
    assert f"{OLD} → <strong>{NEW}</strong>" in unit_page
    assert "01/07/2025" in unit_page and "Quyết định 1234/QĐ" in unit_page

    past_page = client.get(f"{PAST}/units/").get_data(as_text=True)
    assert OLD in past_page and NEW not in past_page
    later_page = client.get(f"{LATER}/units/").get_data(as_text=True)
    assert NEW in later_page and OLD not in later_page
    for page in (f"{PAST}/questions/board", f"{PAST}/registration/",
                 f"{PAST}/registration/badges", f"{PAST}/registration/invitations",
                 f"{PAST}/registration/signatures?session=doi-thoai&unit=BATRI",
                 f"{PAST}/questions/unit/BATRI", f"{PAST}/questions/moderate"):
        html = client.get(page).get_data(as_text=True)
        assert OLD in html and NEW not in html, page
    codes = client.get("/checkin/doi-thoai-2020/scan/doi-thoai/codes.json").get_json()
    assert OLD in codes["units"] and NEW not in codes["units"]
    api = client.get(f"/api/v1{PAST}", headers=token_for(history_setup["organizer"]))
    assert {u["code"]: u["name"] for u in api.get_json()["units"]}["BATRI"] == OLD
    for export in (f"{PAST}/questions/export.xlsx", f"{PAST}/questions/board.xlsx",
                   "/checkin/doi-thoai-2020/export.xlsx", f"{PAST}/registration/export.xlsx",
                   f"{PAST}/registration/signatures.xlsx?session=doi-thoai&unit=BATRI"):
        cells = _cells(client.get(export))
        assert OLD in cells and NEW not in cells, export


def test_a_merged_units_past_event_still_shows_its_old_name(client, login, history_setup,
                                                            runner):
    """Renamed in 2023, merged in 2025: the 2020 event shows the name it had in 2020."""
    login(history_setup["organizer"])
    assert _rename(client, name="Huyện đoàn Ba Tri (mới)", effective_on="2023-01-01"
                   ).status_code == 302
    # It still takes part in the 2026 clone: the merge must date after it.
    refused = _merge(client)
    assert refused.status_code == 422
    assert "vẫn đang tham gia sự kiện từ ngày này trở đi" in refused.get_data(as_text=True)
    assert _merge(client, merged_on="2026-11-01").status_code == 302
    unit_page = client.get("/units/BATRI").get_data(as_text=True)
    assert "Đã sáp nhập vào" in unit_page and "01/11/2026" in unit_page
    assert 'id="merge-form"' not in unit_page  # nothing more to do with a merged unit
    assert _names("doi-thoai-2020")["BATRI"] == OLD
    past_page = client.get(f"{PAST}/units/").get_data(as_text=True)
    assert OLD in past_page and "Huyện đoàn Ba Tri (mới)" not in past_page
    assert OLD in _cells(client.get(f"{PAST}/questions/export.xlsx"))


def test_merge_moves_the_accounts_to_the_receiving_unit(client, login, history_setup,
                                                        set_now):
    set_now(datetime(2026, 12, 1, 3, tzinfo=UTC))
    login(history_setup["organizer"])
    assert _merge(client, merged_on="2026-03-03").status_code == 302
    account = db.session.get(User, history_setup["unit_a"].id)
    db.session.refresh(account)
    binhdai = db.session.scalar(sa.select(Unit).where(Unit.code == "BINHDAI"))
    assert account.unit_id == binhdai.id and account.active
    change = db.session.scalar(sa.select(UnitChange))
    assert (change.kind, change.merged_into_id, change.accounts_moved) == ("merge", binhdai.id,
                                                                           True)
    assert _names("doi-thoai-2020")["BATRI"] == OLD  # its rows stay


def test_merge_can_deactivate_the_accounts_instead(app, client, login, history_setup,
                                                   token_for):
    headers = token_for(history_setup["unit_a"])
    login(history_setup["organizer"])
    assert _merge(client, merged_on="2026-03-03", accounts="deactivate").status_code == 302
    account = db.session.get(User, history_setup["unit_a"].id)
    db.session.refresh(account)
    assert account.unit.code == "BATRI" and not account.active
    assert app.test_client().get("/api/v1/events", headers=headers).status_code == 401
    other = app.test_client()
    refused = other.post_form("/login", {"email": account.email, "password": PASSWORD})
    assert refused.status_code != 302


@pytest.mark.parametrize("action, data, field_message", [
    ("merge", {"into": "BATRI"}, "Không thể sáp nhập một đơn vị vào chính nó."),
    ("merge", {"into": ""}, "Chọn đơn vị nhận sáp nhập."),
    ("merge", {"merged_on": "2027-01-01"}, "Ngày hiệu lực không được sau hôm nay (30/11/2026)."),
    ("merge", {"merged_on": "30/02/2026"}, "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy"),
    ("rename", {"name": OLD}, "Tên mới trùng với tên hiện tại."),
    ("rename", {"name": "   "}, "Nhập tên mới của đơn vị."),
    ("rename", {"name": "x" * 201}, "Tối đa 200 ký tự."),
    ("rename", {"effective_on": "2026-12-01"}, "Ngày hiệu lực không được sau hôm nay"),
])
def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(client, login, history_setup,
                                                               action, data, field_message):
    login(history_setup["organizer"])
    response = (_merge if action == "merge" else _rename)(client, **data)
    assert response.status_code in (200, 422)
    assert field_message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(UnitChange.id))) == 0
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "BATRI")) == OLD


def test_merging_twice_into_a_merged_unit_and_renaming_a_merged_unit_are_refused(
        client, login, history_setup):
    login(history_setup["organizer"])
    assert _merge(client, code="MOCAYBAC", into="MOCAYNAM", merged_on=AFTER_CLONE
                  ).status_code == 302
    merged = "đã sáp nhập vào Huyện đoàn Mỏ Cày Nam từ ngày 01/11/2026"
    twice = _merge(client, code="MOCAYBAC", into="BINHDAI", merged_on=AFTER_CLONE)
    assert twice.status_code == 422 and merged in twice.get_data(as_text=True)
    into_merged = _merge(client, code="BINHDAI", into="MOCAYBAC", merged_on=AFTER_CLONE)
    assert "Hãy chọn đơn vị đang hoạt động." in into_merged.get_data(as_text=True)
    renamed = _rename(client, code="MOCAYBAC", name="Tên khác")
    assert renamed.status_code == 422 and merged in renamed.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(UnitChange.id))) == 1


def test_a_rename_cannot_date_before_the_last_one(client, login, history_setup):
    login(history_setup["organizer"])
    assert _rename(client, effective_on="2025-07-01").status_code == 302
    earlier = _rename(client, name="Tên thứ ba", effective_on="2024-01-01")
    assert "không được trước lần đổi tên gần nhất (01/07/2025)" in earlier.get_data(as_text=True)


def test_clone_after_a_merge_takes_the_receiving_unit_and_a_merged_unit_cannot_join(
        client, login, history_setup):
    from eventapp.events.cloning import clone_event
    from eventapp.events.services import get_event

    login(history_setup["organizer"])
    assert _merge(client, code="MOCAYBAC", into="MOCAYNAM", merged_on=AFTER_CLONE
                  ).status_code == 302
    clone_event(get_event("doi-thoai-2020"), "doi-thoai-2027", datetime(2027, 2, 1).date(),
                history_setup["organizer"])
    db.session.commit()
    names = _names("doi-thoai-2027")
    assert "MOCAYBAC" not in names and "MOCAYNAM" in names and len(names) == 16
    joined = client.post_form("/events/doi-thoai-2027/units/new", {
        "code": "MOCAYBAC", "name": "Huyện đoàn Mỏ Cày Bắc", "kind": "district"},
        page="/events/doi-thoai-2027/units/new")
    assert "đã sáp nhập vào Huyện đoàn Mỏ Cày Nam từ ngày 01/11/2026; không thể tham gia" \
        in joined.get_data(as_text=True)
    assert "MOCAYBAC" not in _names("doi-thoai-2027")


def test_two_merges_of_one_unit_at_once_make_one(app, history_setup, login):
    from flask import g

    from tests.conftest import run_concurrently

    clients = []
    for _ in range(2):
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        clients.append(login(history_setup["organizer"], app.test_client()))
    tokens = [c.csrf_token("/units/MOCAYBAC") for c in clients]

    def merge(i):
        return clients[i].post("/units/MOCAYBAC/merge", data={
            "csrf_token": tokens[i], "into": ["MOCAYNAM", "BINHDAI"][i],
            "merged_on": AFTER_CLONE, "accounts": "move"}).status_code

    assert sorted(run_concurrently(merge, 2)) in ([302, 422], [302, 409])
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(UnitChange.id))) == 1


def test_cli_rename_and_merge(runner, history_setup):
    result = runner.invoke(args=["rename-unit", "batri", NEW, "--from", "2025-07-01"])
    assert result.exit_code == 0, result.output
    assert f"Đã đổi tên {OLD} thành {NEW} từ ngày 01/07/2025." in result.output
    result = runner.invoke(args=["merge-unit", "MOCAYBAC", "MOCAYNAM", "--from", AFTER_CLONE,
                                 "--deactivate-accounts"])
    assert result.exit_code == 0, result.output
    assert "tài khoản của đơn vị: đã khóa" in result.output
    bad = runner.invoke(args=["merge-unit", "BINHDAI", "BINHDAI", "--from", "2025-07-01"])
    assert bad.exit_code == 2 and "chính nó" in bad.output
    bad = runner.invoke(args=["merge-unit", "BINHDAI", "KHONGCO", "--from", "2025-07-01"])
    assert bad.exit_code == 2 and "Không có đơn vị mã “KHONGCO”" in bad.output
    bad = runner.invoke(args=["rename-unit", "BINHDAI", "Tên", "--from", "01/07/2025"])
    assert bad.exit_code == 2 and "cần dạng YYYY-MM-DD" in bad.output
    db.session.expire_all()
    assert _names("doi-thoai-2020")["BATRI"] == OLD
    assert db.session.scalar(sa.select(sa.func.count(UnitChange.id))) == 2


def test_api_history_lists_changes_and_the_name_at_each_event(app, client, login,
                                                              history_setup, token_for):
    login(history_setup["organizer"])
    assert _rename(client).status_code == 302
    headers = token_for(history_setup["organizer"])
    body = app.test_client().get("/api/v1/units/batri/history", headers=headers).get_json()
    assert (body["code"], body["name"], body["merged_into"]) == ("BATRI", NEW, None)
    assert [(c["kind"], c["old_name"], c["new_name"], c["effective_on"])
            for c in body["history"]] == [("rename", OLD, NEW, "2025-07-01")]
    assert [(e["slug"], e["day"], e["name"]) for e in body["events"]] == [
        ("doi-thoai-2020", "2020-02-14", OLD), ("doi-thoai-2026", "2026-03-02", NEW)]
    unit = app.test_client().get("/api/v1/units/BATRI/history",
                                 headers=token_for(history_setup["unit_a"]))
    assert unit.status_code == 403
    missing = app.test_client().get("/api/v1/units/KHONGCO/history", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["message"] == \
        "Không tìm thấy đơn vị."


def test_the_door_shows_and_takes_the_name_of_the_events_time(app, client, login,
                                                              history_setup, token_for):
    """The scan card and the walk-in picker of the 2020 event say "Huyện đoàn Ba Tri" after
    the unit became "Đoàn xã Ba Tri"; a walk-in typed with that name belongs to the unit."""
    login(history_setup["organizer"])
    assert _rename(client).status_code == 302
    code = attendee_code(db.session.scalar(sa.select(Attendee).where(
        Attendee.full_name == "Nguyễn Văn Ấn")))
    scan = client.post(f"/api/v1{PAST}/checkin", headers=token_for(history_setup["checkin"]),
                       json={"code": code, "session": "doi-thoai"})
    assert scan.status_code == 200, scan.get_json()
    assert scan.get_json()["attendee"]["unit_name"] == OLD
    scanner = "/checkin/doi-thoai-2020/scan/doi-thoai"
    page = client.get(scanner).get_data(as_text=True)
    assert f'<option value="{OLD}">' in page and f'<option value="{NEW}">' not in page
    walked = client.post_form(f"{scanner}/walk-in", {"full_name": "Lê Thị Đến Sau",
                                                     "unit": OLD.lower()}, page=scanner)
    assert walked.status_code == 302, walked.get_data(as_text=True)[:1500]
    db.session.rollback()
    person = db.session.scalar(sa.select(Attendee).where(Attendee.full_name == "Lê Thị Đến Sau"))
    assert person.unit is not None and person.unit.code == "BATRI"
