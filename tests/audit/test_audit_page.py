"""The organizer's audit log page: who may see it, search and filters, paging, Excel."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.audit.models import AuditEntry
from eventapp.events.services import grant_extension
from eventapp.extensions import db
from eventapp.units.models import Unit
from eventapp.units.services import save_unit
from tests.conftest import PASSWORD

ROW = re.compile(r"<tr class=\"audit-entry\">")


@pytest.fixture
def history(app, event, users, set_now):
    """Changes made by the organizer at known instants (UTC; +7 h in Việt Nam)."""
    organizer = users["organizer"]
    batri = db.session.scalar(sa.select(Unit).where(Unit.code == "BATRI"))
    set_now(datetime(2020, 2, 1, 3, 0, tzinfo=UTC))  # 10:00 01/02
    save_unit(event, None, "THPT-DTH", "Trường THPT Đặng Thúc Hứa", "high_school", organizer)
    set_now(datetime(2020, 2, 4, 17, 30, tzinfo=UTC))  # 00:30 05/02 local
    grant_extension(event, batri, "questions", datetime(2020, 2, 6, 3, 0, tzinfo=UTC),
                    "Mất điện cả huyện", organizer)
    set_now(datetime(2020, 2, 7, 1, 0, tzinfo=UTC))  # 08:00 07/02
    grant_extension(event, batri, "questions", datetime(2020, 2, 8, 10, 0, tzinfo=UTC),
                    "Bổ sung câu hỏi", organizer)
    set_now(None)
    db.session.commit()  # as each organizer's request would have
    return {"organizer": organizer}


def _logged_in(app, user):
    client = app.test_client()
    assert client.post_form("/login", {"email": user.email,
                                       "password": PASSWORD}).status_code == 302
    return client


def _rows(html: str) -> int:
    return len(ROW.findall(html))


@pytest.mark.parametrize("who", ["unit_a", "unit_b", "school", "checkin"])
def test_only_organizers_see_the_audit_log(app, users, history, who):
    client = _logged_in(app, users[who])
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403


def test_anonymous_is_sent_to_login(app, history):
    for path in ("/audit/", "/audit/export.xlsx"):
        response = app.test_client().get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_organizer_sees_who_did_what_with_before_and_after(app, users, history):
    client = _logged_in(app, users["organizer"])
    html = client.get("/audit/?action=extension.grant").get_data(as_text=True)
    assert _rows(html) == 2
    # One sentence: who (and as what), did what to whom, when.
    assert ("btc (Ban tổ chức) đã gia hạn &#39;Gửi câu hỏi&#39; cho Huyện đoàn Ba Tri lúc "
            "08:00 07/02/2020.") in html
    # Newest first; the second grant shows the old deadline and reason → the new ones,
    # instants in Việt Nam time.
    assert html.index("08:00 07/02/2020") < html.index("00:30 05/02/2020")
    assert "10:00 06/02/2020" in html and "17:00 08/02/2020" in html
    assert "Mất điện cả huyện" in html and "Bổ sung câu hỏi" in html
    assert users["organizer"].email in html
    # The navigation links here for organizers.
    assert 'href="/audit/"' in client.get("/events/").get_data(as_text=True)


@pytest.mark.parametrize(("query", "expected"), [
    ("dang thuc hua", 1),          # no diacritics, lower case
    ("ĐẶNG THÚC", 1),              # upper case with diacritics
    ("mat dien", 0),               # the reason is in before/after, not searched text
    ("huyen doan ba tri", 2),      # every word, anywhere: the summary of both grants
    ("btc@test", 5),               # the person's e-mail: their account's creation,
                                   # the three changes they made, and their login
    ("thpt-dth", 1),               # the unit code in the summary
    ("50%_", 0),                   # LIKE wildcards are taken literally
])
def test_text_search_ignores_case_and_diacritics(app, users, history, query, expected):
    client = _logged_in(app, users["organizer"])
    html = client.get("/audit/", query_string={"q": query}).get_data(as_text=True)
    assert _rows(html) == expected, query


def test_filters_by_person_event_and_local_date(app, users, event, history):
    client = _logged_in(app, users["organizer"])
    everything = _rows(client.get("/audit/").get_data(as_text=True))
    assert everything == db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    by_organizer = client.get("/audit/", query_string={"user": users["organizer"].id})
    assert _rows(by_organizer.get_data(as_text=True)) == 4  # three changes and the login
    # Entries made from the command line / fixtures (no person) are a choice too.
    system = client.get("/audit/?user=none").get_data(as_text=True)
    assert _rows(system) == everything - 4
    in_event = client.get("/audit/", query_string={"event": event.id}).get_data(as_text=True)
    assert _rows(in_event) == db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.event_id == event.id))
    # 00:30 on 05/02 in Việt Nam is still 04/02 in UTC: the day is the local one.
    day = client.get("/audit/?from=2020-02-05&to=2020-02-05").get_data(as_text=True)
    assert _rows(day) == 1 and "00:30 05/02/2020" in day
    since = client.get("/audit/?from=05/02/2020&to=31/12/2020").get_data(as_text=True)
    assert _rows(since) == 2


def test_bad_filters_get_vietnamese_messages_and_no_results(app, users, history):
    client = _logged_in(app, users["organizer"])
    response = client.get("/audit/?from=31/02/2020&to=2020-01-01&event=abc&action=DROP TABLE")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ngày không hợp lệ (dd/mm/yyyy)." in html
    assert "Sự kiện không hợp lệ." in html and "Hành động không hợp lệ." in html
    assert _rows(html) == 0
    reversed_range = client.get("/audit/?from=2020-02-10&to=2020-02-01").get_data(as_text=True)
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in reversed_range
    export = client.get("/audit/export.xlsx?from=hôm-qua")
    assert export.status_code == 302 and "/audit/" in export.headers["Location"]


def test_pages_of_fifty(app, users, event):
    organizer = users["organizer"]
    for i in range(60):
        save_unit(event, None, f"P{i:03d}", f"Đơn vị phân trang {i}", "other", organizer)
    client = _logged_in(app, organizer)
    first = client.get("/audit/?action=unit.add").get_data(as_text=True)
    second = client.get("/audit/?action=unit.add&page=2").get_data(as_text=True)
    assert _rows(first) == 50 and _rows(second) == 10
    assert "P059" in first and "P000" in second
    assert "trang 1/2" in first
    beyond = client.get("/audit/?action=unit.add&page=9").get_data(as_text=True)
    assert _rows(beyond) == 0 and "Về trang 1" in beyond


def test_excel_export_reads_back_with_the_same_filter(app, users, event, history):
    save_unit(event, None, "FORMULA", "=HYPERLINK(\"http://x\")", "other", users["organizer"])
    client = _logged_in(app, users["organizer"])
    response = client.get("/audit/export.xlsx?action=extension.grant")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "nhat-ky-thay-doi-" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("STT", "Thời điểm", "Người thực hiện", "Email", "Sự kiện", "Hành động",
                       "Diễn giải", "Tóm tắt", "Trước", "Sau")
    assert len(rows) == 3
    newest = rows[1]
    assert newest[1] == datetime(2020, 2, 7, 8, 0)  # local time, a real Excel date
    assert newest[3] == users["organizer"].email
    assert newest[4] == event.title
    assert newest[5] == "Gia hạn cho đơn vị"
    assert newest[6] == ("btc (Ban tổ chức) đã gia hạn 'Gửi câu hỏi' cho Huyện đoàn Ba Tri "
                         "lúc 08:00 07/02/2020.")
    assert "Hạn mới: 10:00 06/02/2020" in newest[8] and "Lý do: Mất điện cả huyện" in newest[8]
    assert "Hạn mới: 17:00 08/02/2020" in newest[9] and "Bổ sung câu hỏi" in newest[9]
    assert rows[2][8] is None  # the first grant had nothing before it

    formula = client.get("/audit/export.xlsx?q=formula")
    sheet = load_workbook(io.BytesIO(formula.data)).worksheets[0]
    cells = [c for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    summary = cells[7]
    assert summary.value.startswith("FORMULA — =HYPERLINK") and summary.data_type == "s"
