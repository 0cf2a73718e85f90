"""The JSON API contract: POST …/questions and GET …/questions/summary."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from eventapp.questions import moderation, services
from eventapp.questions import settings as question_settings

from .conftest import API, DEADLINE

BODY = {"topic": "Giáo dục khởi nghiệp cho học sinh",
        "content": "Đề nghị thành lập quỹ hỗ trợ ý tưởng khởi nghiệp của học sinh THPT.",
        "asker_name": "Lê Minh Tâm", "asker_position": "Bí thư Đoàn trường"}


def test_unit_token_submits_for_its_unit(client, users, event, token_for, open_clock):
    response = client.post(API, json=BODY, headers=token_for(users["unit_a"]))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["unit"] == "BATRI" and isinstance(body["id"], int)
    assert (body["unit_count"], body["min_per_unit"], body["max_per_unit"]) == (1, 15, None)
    again = client.post(API, json={**BODY, "content": "Câu thứ hai", "unit": "batri"},
                        headers=token_for(users["unit_a"]))
    assert again.status_code == 201 and again.json["unit_count"] == 2


def test_organizer_token_must_name_the_unit(client, users, event, token_for, open_clock):
    headers = token_for(users["organizer"])
    missing = client.post(API, json=BODY, headers=headers)
    assert missing.status_code == 422
    assert missing.json["error"] == "invalid" and "unit" in missing.json["fields"]
    unknown = client.post(API, json={**BODY, "unit": "KHONGCO"}, headers=headers)
    assert unknown.status_code == 422 and "KHONGCO" in unknown.json["fields"]["unit"]
    ok = client.post(API, json={**BODY, "unit": "BINHDAI"}, headers=headers)
    assert ok.status_code == 201 and ok.json["unit"] == "BINHDAI"


def test_unit_token_cannot_submit_for_another_unit(client, users, event, token_for, open_clock):
    response = client.post(API, json={**BODY, "unit": "BINHDAI"},
                           headers=token_for(users["unit_a"]))
    assert response.status_code == 403 and response.json["error"] == "forbidden"
    assert services.unit_count(event, services.unit_by_code(event, "BINHDAI").id) == 0


def test_invalid_fields_are_listed(client, users, event, token_for, open_clock):
    headers = token_for(users["unit_a"])
    cases = [({**BODY, "content": "   "}, "content", "Nội dung câu hỏi không được để trống."),
             ({**BODY, "content": "a" * 2001}, "content", "vượt quá 2.000 ký tự"),
             ({**BODY, "topic": "Thể thao"}, "topic", "Chủ đề “Thể thao” không có"),
             ({"content": "Thiếu chủ đề"}, "topic", "Bắt buộc phải có."),
             ({**BODY, "content": 17}, "content", "Phải là chuỗi ký tự."),
             ({**BODY, "contents": "typo"}, "contents", "Trường không được hỗ trợ.")]
    for body, field, message in cases:
        response = client.post(API, json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json["error"] == "invalid"
        assert message in response.json["fields"][field]
    both = client.post(API, json={**BODY, "content": "", "topic": "?"}, headers=headers)
    assert set(both.json["fields"]) == {"content", "topic"}
    assert client.post(API, data="không phải JSON", headers=headers).status_code == 422
    assert services.unit_count(event, users["unit_a"].unit_id) == 0


def test_topic_by_number_and_without_diacritics(client, users, event, token_for, open_clock):
    headers = token_for(users["unit_a"])
    by_number = client.post(API, json={**BODY, "topic": "3"}, headers=headers)
    folded = client.post(API, json={**BODY, "content": "Khác", "topic": "giao duc khoi nghiep "
                                                                        "cho hoc sinh"},
                         headers=headers)
    assert by_number.status_code == folded.status_code == 201
    assert by_number.json["topic"] == folded.json["topic"] == "Giáo dục khởi nghiệp cho học sinh"


def test_deadline_passed_answer(client, users, event, token_for, set_now):
    set_now(DEADLINE + timedelta(days=1))
    response = client.post(API, json=BODY, headers=token_for(users["unit_a"]))
    assert response.status_code == 403
    assert response.json["error"] == "deadline_passed"
    assert response.json["deadline"] == "2020-02-04T17:00:00+00:00"


def test_after_the_deadline_an_organizer_enters_a_question_only_with_a_reason(
        client, users, event, token_for, set_now):
    from eventapp.audit.models import AuditEntry
    from eventapp.extensions import db

    set_now(DEADLINE + timedelta(days=1))
    organizer = token_for(users["organizer"])
    body = {**BODY, "unit": "BATRI"}
    assert client.post(API, json=body, headers=organizer).json["error"] == "deadline_passed"
    blank = client.post(API, json={**body, "late_reason": "  "}, headers=organizer)
    assert blank.status_code == 422 and "late_reason" in blank.json["fields"]
    unit = client.post(API, json={**BODY, "late_reason": "Xin nộp muộn"},
                       headers=token_for(users["unit_a"]))
    assert unit.status_code == 403
    entered = client.post(API, json={**body, "late_reason": "Công văn giấy ngày 03/02/2020"},
                          headers=organizer)
    assert entered.status_code == 201, entered.json
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "question.late_entry"))
    assert entry.after == {"reason": "Công văn giấy ngày 03/02/2020"}


def test_quota_full_answer(client, users, event, token_for, open_clock):
    question_settings.of(event).max_per_unit = 2
    from eventapp.extensions import db

    db.session.commit()
    headers = token_for(users["unit_a"])
    for i in range(2):
        assert client.post(API, json={**BODY, "content": f"Câu {i}"},
                           headers=headers).status_code == 201
    full = client.post(API, json={**BODY, "content": "Câu thứ ba"}, headers=headers)
    assert full.status_code == 409
    assert full.json["error"] == "quota_full"
    assert (full.json["unit_count"], full.json["max_per_unit"]) == (2, 2)
    assert "tối đa (2 câu)" in full.json["message"]


def test_tokens_are_required_and_checkin_is_refused(client, users, event, token_for):
    assert client.post(API, json=BODY).status_code == 401
    assert client.post(API, json=BODY, headers=token_for(users["checkin"])).status_code == 403
    assert client.get(f"{API}/summary",
                      headers=token_for(users["unit_a"])).status_code == 403
    assert client.post("/api/v1/events/khong-co/questions", json=BODY,
                       headers=token_for(users["organizer"])).status_code == 404


def test_summary_counts_withdrawn_and_merged_as_the_contract_says(
        client, users, event, token_for, submit):
    a1 = submit("BATRI", "Đề nghị tăng phụ cấp cho Tổng phụ trách Đội")
    submit("BATRI", "Đề nghị bố trí phòng Đội riêng")
    a3 = submit("BATRI", "Câu sẽ rút")
    b1 = submit("BINHDAI", "Kiến nghị tăng phụ cấp cho Tổng phụ trách Đội")
    services.withdraw(event, a3, user=users["unit_a"])
    moderation.merge(b1, a1, user=users["organizer"])
    response = client.get(f"{API}/summary", headers=token_for(users["organizer"]))
    assert response.status_code == 200
    body = response.json
    assert (body["min_per_unit"], body["max_per_unit"]) == (15, None)
    assert body["deadline"] == "2020-02-04T17:00:00+00:00"
    units = {u["unit"]: u for u in body["units"]}
    assert len(units) == 17
    assert units["BATRI"] == {**units["BATRI"], "name": "Huyện đoàn Ba Tri", "submitted": 2,
                              "met": False, "deadline": "2020-02-04T17:00:00+00:00"}
    assert units["BINHDAI"]["submitted"] == 1  # merged, still counts for the unit that asked
    assert units["CHOLACH"]["submitted"] == 0


def test_unit_reads_only_its_own_questions(client, users, event, token_for, submit):
    mine = submit("BATRI", "Câu của Ba Tri")
    theirs = submit("BINHDAI", "Câu của Bình Đại")
    headers = token_for(users["unit_a"])
    listed = client.get(API, headers=headers).json["questions"]
    assert [q["id"] for q in listed] == [mine.id]
    assert client.get(f"{API}/{mine.id}", headers=headers).status_code == 200
    refused = client.get(f"{API}/{theirs.id}", headers=headers)
    assert refused.status_code == 404 and "Câu của Bình Đại" not in refused.get_data(as_text=True)
    assert refused.json == client.get(f"{API}/{theirs.id + 100}", headers=headers).json
    assert client.get(f"{API}?unit=BINHDAI", headers=headers).status_code == 403
    everything = client.get(API, headers=token_for(users["organizer"])).json["questions"]
    assert {q["id"] for q in everything} == {mine.id, theirs.id}


def test_openapi_documents_the_routes(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/api/v1/events/{slug}/questions"]["post"]
    assert "requestBody" in post and "409" in post["responses"]
    assert "/api/v1/events/{slug}/questions/summary" in spec["paths"]
