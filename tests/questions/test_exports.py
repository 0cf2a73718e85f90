"""Excel exports read back with openpyxl: questions grouped by topic, the compliance board,
a unit's own list; Vietnamese headers, STT, frozen bold header, filter, dates, and a
question starting with "=" stays text."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from eventapp.events.services import grant_extension
from eventapp.questions import dialogue, moderation

from .conftest import BASE, DEADLINE

FORMULA = '=HYPERLINK("http://x.example","bấm vào đây") — câu hỏi bắt đầu bằng dấu bằng'


@pytest.fixture
def data(submit, users, event):
    org = users["organizer"]
    a = submit("BATRI", "Đề nghị tăng phụ cấp cho Tổng phụ trách Đội", topic=2,
               asker_name="Nguyễn Văn An", asker_position="TPT Đội")
    b = submit("BINHDAI", "Kiến nghị tăng phụ cấp cho TPT Đội", topic=2)
    c = submit("THPT-NDCHIEU", FORMULA, topic=1)
    d = submit("BATRI", "+84 là mã nước; -5 độ; @ một câu lạ", topic=1)
    moderation.merge(b, a, user=org)
    moderation.set_status(a, "selected", user=org)
    moderation.set_status(d, "rejected", user=org)
    dialogue.record_answer(a, answer="Tỉnh sẽ xem xét.", agency="Sở Nội vụ",
                           due=date(2020, 6, 30), answered=True, user=org)
    return a, b, c, d


def sheet(response, index=0):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(response.data))
    return wb, wb.worksheets[index]


def records(ws, header) -> list[dict]:
    return [dict(zip(header, (c.value for c in row), strict=True))
            for row in ws.iter_rows(min_row=2)]


def test_questions_export_grouped_by_topic(client, login, users, event, data):
    a, b, c, d = data
    login(users["organizer"])
    response = client.get(f"{BASE}export.xlsx")
    assert "cau-hoi-theo-chu-de-doi-thoai-2020.xlsx" in response.headers["Content-Disposition"]
    wb, ws = sheet(response)
    header = [cell.value for cell in ws[1]]
    assert header[:6] == ["STT", "Chủ đề", "Mã câu", "Nội dung câu hỏi (nguyên văn)",
                          "Nội dung đọc tại hội nghị", "Đơn vị gửi"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:Q{ws.max_row}"
    assert all(cell.font.b for cell in ws[1])
    rows = records(ws, header)
    assert [r["Mã câu"] for r in rows] == [c.id, d.id, a.id, b.id]  # topic 1, then topic 2
    assert [r["STT"] for r in rows] == [1, 2, 3, 4]
    by_id = {r["Mã câu"]: r for r in rows}
    assert by_id[a.id]["Các đơn vị cùng hỏi"] == "Huyện đoàn Ba Tri; Huyện đoàn Bình Đại"
    assert by_id[b.id]["Các đơn vị cùng hỏi"] == f"Đã gộp vào câu #{a.id}"
    assert by_id[b.id]["Nội dung câu hỏi (nguyên văn)"] == "Kiến nghị tăng phụ cấp cho TPT Đội"
    assert by_id[a.id]["Trạng thái"] == "Được chọn" and by_id[d.id]["Trạng thái"] == "Không chọn"
    assert by_id[a.id]["Trả lời, cam kết của chủ trì"] == "Tỉnh sẽ xem xét."
    assert by_id[a.id]["Cơ quan theo dõi"] == "Sở Nội vụ"
    assert by_id[a.id]["Hạn xử lý"] == datetime(2020, 6, 30)
    assert by_id[a.id]["Tình trạng theo dõi"] == "Đang theo dõi"
    assert by_id[a.id]["Thời điểm gửi"] == datetime(2020, 2, 2, 0, 0)  # local time, naive
    formula_row = next(ws.iter_rows(min_row=2, max_row=2))
    cell = formula_row[header.index("Nội dung câu hỏi (nguyên văn)")]
    assert cell.value == FORMULA and cell.data_type == "s"
    other = next(ws.iter_rows(min_row=3, max_row=3))[header.index("Nội dung câu hỏi (nguyên văn)")]
    assert other.data_type == "s" and other.value.startswith("+84")
    assert ws.cell(row=2, column=header.index("Thời điểm gửi") + 1).number_format == \
        "dd/mm/yyyy hh:mm"


def test_board_export(client, login, users, event, data):
    grant_extension(event, users["unit_a"].unit, "questions", DEADLINE + timedelta(days=2),
                    "=1+1 lý do bắt đầu bằng dấu bằng", users["organizer"])
    login(users["organizer"])
    wb, ws = sheet(client.get(f"{BASE}board.xlsx?sort=count&dir=desc"))
    header = [cell.value for cell in ws[1]]
    assert header == ["STT", "Mã đơn vị", "Đơn vị", "Loại đơn vị", "Số câu đã gửi",
                      "Chỉ tiêu tối thiểu", "Kết quả", "Còn thiếu", "Gửi gần nhất",
                      "Hạn của đơn vị", "Lý do gia hạn"]
    rows = records(ws, header)
    assert len(rows) == 17 and rows[0]["Mã đơn vị"] == "BATRI"  # most questions first
    batri = rows[0]
    assert (batri["Số câu đã gửi"], batri["Kết quả"], batri["Còn thiếu"]) == (2, "Thiếu 13", 13)
    assert batri["Hạn của đơn vị"] == datetime(2020, 2, 7, 0, 0)
    assert batri["Lý do gia hạn"] == "=1+1 lý do bắt đầu bằng dấu bằng"
    assert ws.cell(row=2, column=header.index("Lý do gia hạn") + 1).data_type == "s"
    cholach = next(r for r in rows if r["Mã đơn vị"] == "CHOLACH")
    assert (cholach["Số câu đã gửi"], cholach["Gửi gần nhất"]) == (0, None)
    topics = wb["Theo chủ đề"]
    assert [c.value for c in topics[1]] == ["STT", "Chủ đề", "Số câu hỏi", "Được chọn"]
    counts = {r[1].value: (r[2].value, r[3].value) for r in topics.iter_rows(min_row=2)}
    assert counts["Chế độ, chính sách đối với giáo viên Tổng phụ trách Đội"] == (2, 1)


def test_unit_exports_only_its_own_questions(client, login, users, event, data):
    a, b, c, d = data
    login(users["unit_a"])
    wb, ws = sheet(client.get(f"{BASE}unit/BATRI/export.xlsx"))
    ids = [row[2].value for row in ws.iter_rows(min_row=2)]
    assert sorted(ids) == sorted([a.id, d.id])
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row)
    assert "Bình Đại" not in text and "Không chọn" not in text  # units get gentle wording
    assert "Chưa được chọn đưa vào đối thoại" in text
