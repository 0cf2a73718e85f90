"""The unit's questions page: adding, progress, validation, paste-in and Excel upload (all
or nothing), editing and withdrawing, and the read-only page after the deadline."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.extensions import db
from eventapp.questions import settings as question_settings
from eventapp.questions.models import Question
from tests.helpers import xlsx

from .conftest import BASE, DEADLINE, topic_id

UNIT_A = f"{BASE}unit/BATRI"


def count(unit_code: str | None = None, status: str | None = None) -> int:
    from eventapp.units.models import Unit

    stmt = sa.select(sa.func.count(Question.id))
    if unit_code:
        stmt = stmt.join(Unit, Unit.id == Question.unit_id).where(Unit.code == unit_code)
    if status:
        stmt = stmt.where(Question.status == status)
    return db.session.scalar(stmt)


def add(client, event, content, topic=1, **extra):
    data = {"topic": topic_id(event, topic) if isinstance(topic, int) else topic,
            "content": content, **extra}
    return client.post_form(f"{UNIT_A}/add", data, page=BASE)


def test_unit_adds_a_question_and_sees_progress(client, login, users, event, open_clock):
    login(users["unit_a"])
    page = client.get(BASE).get_data(as_text=True)
    assert "0/15 câu hỏi — còn thiếu 15" in page
    assert "00:00 05/02/2020" in page
    response = add(client, event, "Đề nghị tăng phụ cấp cho giáo viên Tổng phụ trách Đội?",
                   asker_name="Nguyễn Thị Lan", asker_position="TPT Đội THCS An Bình Tây")
    assert response.status_code == 302
    page = client.get(BASE).get_data(as_text=True)
    assert "1/15 câu hỏi — còn thiếu 14" in page
    assert "Đề nghị tăng phụ cấp cho giáo viên Tổng phụ trách Đội?" in page
    assert "Nguyễn Thị Lan, TPT Đội THCS An Bình Tây" in page
    q = db.session.scalar(sa.select(Question))
    assert q.unit.code == "BATRI" and q.source == "form" and q.folded.startswith("de nghi tang")


def test_progress_reads_nine_of_fifteen(client, login, users, event, submit):
    for i in range(9):
        submit("BATRI", f"Câu hỏi số {i} về công tác Đội")
    login(users["unit_a"])
    assert "9/15 câu hỏi — còn thiếu 6" in client.get(BASE).get_data(as_text=True)
    home = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "9/15 câu hỏi — còn thiếu 6" in home  # the @provider line on the unit's home


def test_bad_questions_are_refused_with_clear_messages(client, login, users, event, open_clock):
    login(users["unit_a"])
    cases = [("   \n\t ", 1, "Nội dung câu hỏi không được để trống."),
             ("x" * 2001, 1, "vượt quá 2.000 ký tự cho phép"),
             ("Câu hỏi hợp lệ", "", "Vui lòng chọn chủ đề."),
             ("Câu hỏi hợp lệ", "999999", "Vui lòng chọn chủ đề.")]
    for content, topic, message in cases:
        response = add(client, event, content, topic)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert count() == 0
    assert add(client, event, "đ" * 2000).status_code == 302  # exactly 2,000 is fine


def test_same_question_twice_is_refused(client, login, users, event, open_clock):
    login(users["unit_a"])
    assert add(client, event, "Đề nghị tăng phụ cấp?").status_code == 302
    response = add(client, event, "  đề nghị TĂNG phụ cấp ")
    assert response.status_code == 422
    assert "Đơn vị đã gửi câu hỏi này rồi" in response.get_data(as_text=True)
    assert count() == 1


def test_paste_several_questions_one_per_line(client, login, users, event, open_clock):
    login(users["unit_a"])
    text = ("1. Đề nghị tăng phụ cấp cho Tổng phụ trách Đội\n\n"
            "2. Kiến nghị bố trí phòng Đội riêng\r\nCâu 3: Xin hỏi về quỹ khởi nghiệp")
    response = client.post_form(f"{UNIT_A}/paste", {"topic": topic_id(event, 2), "text": text},
                                page=BASE)
    assert response.status_code == 302
    contents = db.session.scalars(sa.select(Question.content).order_by(Question.id)).all()
    assert contents == ["Đề nghị tăng phụ cấp cho Tổng phụ trách Đội",
                        "Kiến nghị bố trí phòng Đội riêng", "Xin hỏi về quỹ khởi nghiệp"]
    assert "3/15 câu hỏi — còn thiếu 12" in client.get(BASE).get_data(as_text=True)


def test_paste_is_all_or_nothing_with_line_errors(client, login, users, event, open_clock):
    login(users["unit_a"])
    text = "Câu hợp lệ thứ nhất\n" + "y" * 2001 + "\nCâu hợp lệ thứ hai\ncâu hợp lệ thứ NHẤT"
    response = client.post_form(f"{UNIT_A}/paste", {"topic": topic_id(event), "text": text},
                                page=BASE)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "chưa có dữ liệu nào được nhập" in page
    assert "<td>2</td><td>Nội dung câu hỏi dài 2.001 ký tự" in page
    assert "<td>4</td><td>Trùng nội dung với dòng 1.</td>" in page
    assert count() == 0


def _xlsx(rows, headers=("Chủ đề", "Nội dung câu hỏi", "Người hỏi", "Chức vụ")) -> bytes:
    return xlsx(rows, headers)


def upload(client, data: bytes, name="cau-hoi.xlsx"):
    return client.post_form(f"{UNIT_A}/upload", {"file": (io.BytesIO(data), name)}, page=BASE,
                            content_type="multipart/form-data")


def test_template_lists_the_topics(client, login, users, event):
    login(users["unit_a"])
    response = client.get(f"{BASE}template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in wb.worksheets[0][1]] == ["Chủ đề", "Nội dung câu hỏi", "Người hỏi",
                                                       "Chức vụ"]
    notes = "\n".join(str(r[0].value) for r in wb["Hướng dẫn"].iter_rows())
    assert "3. Giáo dục khởi nghiệp cho học sinh" in notes


def test_upload_from_the_template(client, login, users, event, open_clock):
    login(users["unit_a"])
    template = load_workbook(io.BytesIO(client.get(f"{BASE}template.xlsx").data))
    ws = template.worksheets[0]
    ws.delete_rows(2)  # the example row
    ws.append(["Giáo dục khởi nghiệp cho học sinh", "Đề nghị thành lập quỹ khởi nghiệp",
               "Trần Văn Bình", "Bí thư Đoàn trường"])
    ws.append([5, "=Ý kiến khác nằm ở chủ đề số 5", None, None])
    ws.cell(ws.max_row, 2).data_type = "s"  # typed as text, as a cautious clerk would
    ws.append(["giao duc khoi nghiep cho hoc sinh", "Đề nghị mời doanh nghiệp đồng hành", None,
               None])
    buffer = io.BytesIO()
    template.save(buffer)
    response = upload(client, buffer.getvalue())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    rows = db.session.execute(sa.select(Question.content, Question.topic_id, Question.asker_name,
                                        Question.source).order_by(Question.id)).all()
    assert rows == [
        ("Đề nghị thành lập quỹ khởi nghiệp", topic_id(event, 3), "Trần Văn Bình", "excel"),
        ("=Ý kiến khác nằm ở chủ đề số 5", topic_id(event, 5), "", "excel"),
        ("Đề nghị mời doanh nghiệp đồng hành", topic_id(event, 3), "", "excel")]


def test_upload_is_all_or_nothing_with_row_errors(client, login, users, event, open_clock):
    login(users["unit_a"])
    data = _xlsx([("1", "Câu hỏi hợp lệ", None, None),
                  ("Thể thao", "Câu hỏi có chủ đề lạ", None, None),
                  ("2", None, None, None),
                  ("2", "z" * 2500, "Người hỏi", None)])
    response = upload(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<td>3</td><td>Chủ đề “Thể thao” không có trong danh sách" in page
    assert "<td>4</td><td>Nội dung câu hỏi không được để trống.</td>" in page
    assert "<td>5</td><td>Nội dung câu hỏi dài 2.500 ký tự" in page
    assert count() == 0


def test_the_template_unchanged_or_with_its_example_left_imports_nothing(
        client, login, users, event, open_clock):
    login(users["unit_a"])
    data = client.get(f"{BASE}template.xlsx").data
    template = load_workbook(io.BytesIO(data))
    lists = template["Danh mục"]
    assert lists.sheet_state == "hidden"
    assert lists["A4"].value == "Giáo dục khởi nghiệp cho học sinh"
    (rule,) = template.worksheets[0].data_validations.dataValidation
    assert (rule.type, str(rule.sqref)) == ("list", "A2:A5001")
    assert rule.formula1.startswith("'Danh mục'!$A$2:$A$")

    response = upload(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tệp chỉ có dòng ví dụ của tệp mẫu" in page
    assert "<td>2</td><td>Dòng ví dụ của tệp mẫu (ô “Nội dung câu hỏi” bắt đầu" in page

    ws = template.worksheets[0]
    ws.append(["Giáo dục khởi nghiệp cho học sinh", "Đề nghị thành lập quỹ khởi nghiệp", None,
               None])
    buffer = io.BytesIO()
    template.save(buffer)
    page = upload(client, buffer.getvalue()).get_data(as_text=True)
    assert "Tệp còn dòng ví dụ của tệp mẫu; chưa có dữ liệu nào được nhập." in page
    assert "<td>3</td>" not in page
    assert count() == 0


def test_upload_refuses_a_file_that_is_not_excel(client, login, users, event, open_clock):
    login(users["unit_a"])
    response = upload(client, b"Chu de;Noi dung\n1;abc", name="cau-hoi.csv")
    assert response.status_code == 422
    assert "không phải Excel" in response.get_data(as_text=True)
    missing = upload(client, _xlsx([("1", "abc")], headers=("Chủ đề", "Nội dung")))
    assert "Tệp thiếu cột: Nội dung câu hỏi" in missing.get_data(as_text=True)
    assert count() == 0


def test_unit_edits_and_withdraws_its_question(client, login, users, event, submit):
    q = submit("BATRI", "Câu hỏi có lỗi chính tả", asker_name="A")
    login(users["unit_a"])
    edit_url = f"{BASE}{q.id}/edit"
    assert client.get(edit_url).status_code == 200
    response = client.post_form(edit_url, {"topic": topic_id(event, 2),
                                           "content": "Câu hỏi đã sửa lỗi chính tả",
                                           "asker_name": "B", "asker_position": ""}, page=edit_url)
    assert response.status_code == 302
    db.session.expire_all()
    assert (q.content, q.topic_id, q.asker_name) == ("Câu hỏi đã sửa lỗi chính tả",
                                                     topic_id(event, 2), "B")
    response = client.post_form(f"{BASE}{q.id}/withdraw", {}, page=BASE)
    assert response.status_code == 302
    db.session.expire_all()
    assert q.status == "withdrawn"
    assert "0/15 câu hỏi — còn thiếu 15" in client.get(BASE).get_data(as_text=True)


def test_processed_question_is_locked_for_the_unit(client, login, users, event, submit):
    from eventapp.questions import moderation

    q = submit("BATRI", "Câu hỏi đã được chọn")
    moderation.set_status(q, "selected", user=users["organizer"])
    login(users["unit_a"])
    response = client.post_form(f"{BASE}{q.id}/withdraw", {}, page=BASE)
    assert response.status_code == 302
    db.session.expire_all()
    assert q.status == "selected"
    assert "Ban tổ chức đã xử lý câu hỏi này" in client.get(BASE).get_data(as_text=True)


def test_after_the_deadline_everything_is_readable_and_nothing_changes(
        client, login, users, event, submit, set_now):
    q = submit("BATRI", "Câu hỏi gửi đúng hạn")
    set_now(DEADLINE + timedelta(hours=1))
    login(users["unit_a"])
    page = client.get(BASE).get_data(as_text=True)
    assert "Câu hỏi gửi đúng hạn" in page
    assert "Đã hết hạn gửi câu hỏi lúc 00:00 05/02/2020" in page
    assert 'id="add-form"' not in page and f"/{q.id}/edit" not in page
    assert add(client, event, "Câu hỏi gửi muộn").status_code == 403
    edit_url = f"{BASE}{q.id}/edit"
    refused = client.post_form(edit_url, {"topic": topic_id(event), "content": "Sửa muộn"},
                               page=BASE)
    assert refused.status_code == 403
    client.post_form(f"{BASE}{q.id}/withdraw", {}, page=BASE)
    db.session.expire_all()
    assert (q.content, q.status) == ("Câu hỏi gửi đúng hạn", "submitted")
    assert count() == 1
    assert client.get(f"{BASE}{q.id}").status_code == 200


def test_organizer_enters_paper_questions_for_a_unit(client, login, users, event, open_clock):
    login(users["organizer"])
    page = client.get(UNIT_A)
    assert page.status_code == 200 and "Huyện đoàn Ba Tri" in page.get_data(as_text=True)
    assert add(client, event, "Câu hỏi nhận bằng văn bản giấy").status_code == 302
    assert count("BATRI") == 1


def test_page_shows_the_cap_and_refuses_a_batch_that_would_pass_it(client, login, users, event,
                                                                  submit):
    question_settings.of(event).max_per_unit = 3
    db.session.commit()
    submit("BATRI", "Câu thứ nhất")
    login(users["unit_a"])
    assert "Tối đa 3 câu hỏi — còn gửi được 2 câu." in client.get(BASE).get_data(as_text=True)
    response = client.post_form(f"{UNIT_A}/paste", {"topic": topic_id(event),
                                                    "text": "Câu A\nCâu B\nCâu C"}, page=BASE)
    assert response.status_code == 409
    assert "chỉ gửi thêm được 2 câu nhưng danh sách có 3 câu" in response.get_data(as_text=True)
    assert count() == 1
    client.post_form(f"{UNIT_A}/paste", {"topic": topic_id(event), "text": "Câu A\nCâu B"},
                     page=BASE)
    page = client.get(BASE).get_data(as_text=True)
    assert "Đơn vị đã gửi đủ số câu hỏi tối đa" in page and 'id="add-form"' not in page
