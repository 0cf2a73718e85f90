"""Organizer pages: live board, missing lists with manual check-in, history with undo,
the Excel report, and the helpers other domains use."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.checkin import queries, services
from eventapp.checkin.models import CheckIn
from eventapp.extensions import db

BOARD = "/checkin/doi-thoai-2020/board"
EIGHT = datetime(2020, 2, 14, 1, 0, tzinfo=UTC)  # 08:00 in Bến Tre


def checkin(event, person, staff, session="doi-thoai", **kwargs):
    return services.check_in_attendee(event, event.session_by_key(session), person.id,
                                      staff=staff, **kwargs)


def arrived_ids(event_id: int, session_id: int | None = None) -> set[int]:
    """Who has checked in, as check-in tells other domains (``queries.checked_in``)."""
    rows = queries.checked_in(event_id, session_id)
    return set(db.session.scalars(rows.with_only_columns(rows.selected_columns.attendee_id)))


def test_board_is_for_organizers_and_linked_from_the_event_tabs(client, login, users, event):
    login(users["checkin"])
    assert client.get(BOARD).status_code == 403
    client.post_form("/logout", page="/checkin/")
    login(users["organizer"])
    overview = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert 'href="/checkin/doi-thoai-2020/board"' in overview
    html = client.get(BOARD).get_data(as_text=True)
    assert "Đại biểu đến — theo dõi trực tiếp" in html
    assert "Huyện đoàn Ba Tri" in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html


def test_board_numbers_missing_names_and_chart(client, login, users, event, people, set_now):
    for minutes, key in ((2, "an"), (3, "guest"), (9, "cuong")):
        set_now(EIGHT + timedelta(minutes=minutes))
        checkin(event, people[key], users["checkin"])
    login(users["organizer"])
    batri = str(people["an"].unit_id)
    data = client.get(BOARD + ".json", query_string={"session": "doi-thoai",
                                                     "expand": f"{batri},guest"}).get_json()
    assert (data["expected"], data["checked_in"]) == (4, 3)
    units = {u["key"]: u for u in data["units"]}
    assert (units[batri]["expected"], units[batri]["checked_in"]) == (2, 1)
    assert [p["full_name"] for p in data["missing"][batri]] == ["Trần Thị Bình"]
    assert "guest" not in data["missing"]  # the only guest has arrived
    series = [(p["label"], p["count"], p["cumulative"]) for p in data["arrivals"]]
    assert series[0] == ("08:02", 1, 1)
    assert series[1] == ("08:03", 1, 2)
    assert series[-1] == ("08:09", 1, 3)
    assert len(series) == 8  # one-minute buckets, gaps filled
    afternoon = client.get(BOARD + ".json?session=so-ket").get_json()
    assert (afternoon["expected"], afternoon["checked_in"], afternoon["arrivals"]) == (2, 0, [])


def test_board_opens_on_the_session_under_way(client, login, users, event, set_now):
    login(users["organizer"])
    set_now(datetime(2020, 2, 14, 6, 0, tzinfo=UTC))  # 13:00 local
    assert client.get(BOARD + ".json").get_json()["session"] == "so-ket"
    set_now(datetime(2020, 2, 14, 0, 30, tzinfo=UTC))  # 07:30 local
    assert client.get(BOARD + ".json").get_json()["session"] == "doi-thoai"
    assert client.get(BOARD + "?session=khong-co").status_code == 404


def test_manual_checkin_from_the_missing_list(client, login, users, event, people):
    login(users["organizer"])
    missing = f"/checkin/doi-thoai-2020/missing?session=doi-thoai&unit={people['an'].unit_id}"
    html = client.get(missing).get_data(as_text=True)
    assert "Nguyễn Văn Ấn" in html and "Trần Thị Bình" in html
    assert "Lê Quốc Cường" not in html  # another unit
    url = f"/checkin/doi-thoai-2020/scan/doi-thoai/attendees/{people['an'].id}/manual"
    response = client.post_form(url, {"note": "Quên thư mời, BTC xác nhận",
                                      "unit": str(people["an"].unit_id)}, page=missing)
    assert response.status_code == 302 and "missing" in response.headers["Location"]
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã check-in thủ công: Nguyễn Văn Ấn." in after
    assert f'data-attendee="{people["an"].id}"' not in after  # no longer missing
    row = db.session.scalars(sa.select(CheckIn)).one()
    assert (row.method, row.note, row.staff_id) == ("manual", "Quên thư mời, BTC xác nhận",
                                                    users["organizer"].id)
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "checkin.manual")).one()
    assert entry.user_id == users["organizer"].id and "Nguyễn Văn Ấn" in entry.summary
    again = client.post_form(url, {}, page=missing)
    assert "đã check-in lúc" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
    # Check-in staff cannot use the organizer's manual check-in.
    client.post_form("/logout", page="/checkin/")
    login(users["checkin"])
    other = f"/checkin/doi-thoai-2020/scan/doi-thoai/attendees/{people['binh'].id}/manual"
    assert client.post_form(other, {}, page="/checkin/").status_code == 403


def test_undo_needs_a_reason_is_kept_in_history_and_allows_a_new_checkin(
        client, login, users, event, people, other_event):
    first = checkin(event, people["an"], users["checkin"], device="Cửa 2")
    login(users["organizer"])
    log = "/checkin/doi-thoai-2020/log?session=doi-thoai"
    html = client.get(log).get_data(as_text=True)
    assert "Nguyễn Văn Ấn" in html and "Cửa 2" in html
    undo = f"/checkin/doi-thoai-2020/checkins/{first.checkin_id}/undo"
    no_reason = client.post_form(undo, {"reason": "  ", "back": log}, page=log)
    assert "Vui lòng ghi lý do hủy check-in." in client.get(no_reason.headers["Location"]) \
        .get_data(as_text=True)
    assert db.session.get(CheckIn, first.checkin_id).undone_at is None
    done = client.post_form(undo, {"reason": "Quét nhầm thẻ của người khác", "back": log},
                            page=log)
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Đã hủy check-in của Nguyễn Văn Ấn" in page
    assert "Quét nhầm thẻ của người khác" in page  # the history keeps the reason
    db.session.expire_all()
    row = db.session.get(CheckIn, first.checkin_id)
    assert row.undone_by_id == users["organizer"].id
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "checkin.undo")).one()
    assert "Quét nhầm thẻ" in entry.summary
    twice = client.post_form(undo, {"reason": "lần nữa", "back": log}, page=log)
    assert "đã được hủy trước đó" in client.get(twice.headers["Location"]).get_data(as_text=True)
    assert arrived_ids(event.id) == set()
    again = checkin(event, people["an"], users["checkin"])
    assert again.outcome == "checked_in"
    assert arrived_ids(event.id) == {people["an"].id}
    # A check-in cannot be undone through another event's URL.
    wrong = client.post_form(f"/checkin/so-ket-2021/checkins/{again.checkin_id}/undo",
                             {"reason": "x", "back": log}, page=log)
    assert "Không tìm thấy lượt check-in." in client.get(wrong.headers["Location"]) \
        .get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CheckIn, again.checkin_id).undone_at is None


def test_checked_in_helpers_for_the_registration_pages(app, users, event, people):
    morning, afternoon = event.session_by_key("doi-thoai"), event.session_by_key("so-ket")
    checkin(event, people["an"], users["checkin"])
    checkin(event, people["binh"], users["checkin"], session="so-ket")
    assert arrived_ids(event.id) == {people["an"].id, people["binh"].id}
    assert arrived_ids(event.id, morning.id) == {people["an"].id}
    assert arrived_ids(event.id, afternoon.id) == {people["binh"].id}
    from eventapp.registration.models import Attendee

    sub = queries.checked_in(event.id).subquery()
    rows = db.session.execute(sa.select(Attendee.full_name, sub.c.checked_in_at)
                              .outerjoin(sub, sub.c.attendee_id == Attendee.id)
                              .where(Attendee.event_id == event.id)
                              .order_by(Attendee.id)).all()
    assert [r.checked_in_at is not None for r in rows] == [True, True, False, False, False,
                                                           False]


def test_excel_report(client, login, users, event, people, make_attendee, set_now):
    set_now(EIGHT + timedelta(minutes=3))
    checkin(event, people["an"], users["checkin"], device="Cửa 1")
    make_attendee("=HYPERLINK(\"http://x\")", unit="BINHDAI")
    login(users["organizer"])
    response = client.get("/checkin/doi-thoai-2020/export.xlsx?session=doi-thoai")
    assert response.status_code == 200
    assert "bao-cao-check-in-doi-thoai-2020-doi-thoai.xlsx" in \
        response.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["Tổng hợp theo đơn vị", "Theo thành phần", "Chưa đến", "Đã đến",
                             "Check-in đã hủy"]
    summary = list(wb["Tổng hợp theo đơn vị"].iter_rows(values_only=True))
    assert summary[0] == ("STT", "Đơn vị", "Mã đơn vị", "Dự kiến", "Đã đến", "Chưa đến",
                          "Vắng có lý do", "Vắng không lý do", "Cử người dự thay", "Tỉ lệ (%)")
    by_code = {r[2]: r for r in summary[1:]}
    # 08:03, the session under way: the four not arrived are "chưa đến", nobody is absent yet.
    assert by_code["BATRI"][3:] == (2, 1, 1, 0, 0, 0, 50)
    assert by_code["BINHDAI"][3:] == (2, 0, 2, 0, 0, 0, 0)
    assert summary[-1][1:] == ("Tổng cộng", None, 5, 1, 4, 0, 0, 0, 20)
    missing = list(wb["Chưa đến"].iter_rows(values_only=True))
    names = {(r[1], r[2]) for r in missing[1:]}
    assert ("Huyện đoàn Ba Tri", "Trần Thị Bình") in names
    assert ("Huyện đoàn Bình Đại", "=HYPERLINK(\"http://x\")") in names
    cell = next(c for row in wb["Chưa đến"].iter_rows() for c in row
                if c.value == "=HYPERLINK(\"http://x\")")
    assert cell.data_type == "s"  # text, not a formula
    arrived = list(wb["Đã đến"].iter_rows(values_only=True))
    assert arrived[1][1:4] == ("Huyện đoàn Ba Tri", "Nguyễn Văn Ấn",
                               "Giáo viên Tổng phụ trách Đội")
    assert arrived[1][4] == datetime(2020, 2, 14, 8, 3)  # local time, a real Excel date
    assert arrived[1][5:7] == ("cua1", "Cửa 1")
    assert wb["Đã đến"]["E2"].number_format == "dd/mm/yyyy hh:mm"


def test_unit_home_page_shows_who_has_not_arrived(client, login, users, event, people):
    login(users["unit_a"])
    assert "Đại biểu đã đến" not in client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    checkin(event, people["an"], users["checkin"])
    html = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "Đại biểu đã đến (check-in tại hội trường)" in html
    # It names what it counts (one session's arrivals against its expected), beside
    # registration's count of people (three: one is invited to the afternoon only).
    assert "1/2 đã đến / dự kiến — Đối thoại giữa Bí thư Tỉnh ủy và cán bộ…" in html
    assert "3 đại biểu đã đăng ký" in html
    assert "chưa đến: Trần Thị Bình" in html

