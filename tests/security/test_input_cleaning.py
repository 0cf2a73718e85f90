"""Issue #12 items 7, 8 and 16: text is cleaned the same way on every path, duplicates are
found on the cleaned text, exports never fail on a stored value, and odd input gets a
Vietnamese 4xx — never a 500, never an English message, never an HTML answer to a script."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.extensions import db

SLUG = "doi-thoai-2020"
API = f"/api/v1/events/{SLUG}"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


@pytest.fixture
def before_deadlines(set_now):
    set_now(datetime(2020, 2, 1, 2, 0, tzinfo=UTC))


def _attendee(name: str, phone: str = "0912345678") -> dict:
    return {"full_name": name, "position": "Giáo viên", "category": "tpt-doi",
            "sessions": ["doi-thoai"], "phone": phone, "email": ""}


def _no_english(payload) -> None:
    text = str(payload)
    for english in ("Not a valid", "Missing data", "Field may not", "Unknown field",
                    "Invalid", "must be", "This field"):
        assert english not in text, text


# --- Item 7: one cleaning rule, duplicates on the cleaned form --------------------------------

def test_api_stores_clean_text_and_finds_the_disguised_duplicate(client, users, token_for,
                                                                 before_deadlines):
    headers = token_for(users["unit_a"])
    first = client.post(f"{API}/attendees", headers=headers,
                        json=_attendee(f"\u202e Nguyễn{INVISIBLE}  Văn\x1b An "))
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["full_name"] == "Nguyễn Văn An"
    again = client.post(f"{API}/attendees", headers=headers,
                        json=_attendee("Nguy\u200bễn V\u00adăn A\ufeffn"))
    assert again.status_code == 409
    assert again.get_json()["error"] == "duplicate"
    blank = client.post(f"{API}/attendees", headers=headers,
                        json=_attendee(INVISIBLE + "\u3164 \u2800", phone="0987654321"))
    assert blank.status_code == 422
    assert blank.get_json()["fields"]["full_name"] == "Không được để trống."


def test_form_stores_clean_text_and_refuses_the_disguised_duplicate(client, users, login,
                                                                    before_deadlines):
    from eventapp.registration.models import Attendee

    login(users["unit_a"])
    page = f"/events/{SLUG}/registration/new"
    form = {"full_name": f"Trần{INVISIBLE} Thị\tBình\x7f", "position": "GV", "workplace": "",
            "category": "tpt-doi", "sessions": "doi-thoai", "phone": "0911222333",
            "email": "", "seat": ""}
    assert client.post_form(page, form, page=page).status_code == 302
    names = db.session.scalars(sa.select(Attendee.full_name)).all()
    assert names == ["Trần Thị Bình"]
    form["full_name"] = "\u202eTRẦN THỊ BÌNH\u202c"
    response = client.post_form(page, form, page=page)
    assert response.status_code in (200, 409, 422)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendee)) == 1


def test_a_question_differing_only_by_invisible_characters_is_a_duplicate(
        client, users, token_for, before_deadlines):
    from eventapp.events.services import get_event

    headers = token_for(users["unit_a"])
    topic = get_event(SLUG).topics[0].name
    body = {"topic": topic, "content": "Đề xuất tăng phụ cấp cho Tổng phụ trách Đội?"}
    assert client.post(f"{API}/questions", headers=headers, json=body).status_code == 201
    body["content"] = "Đề xuất\u200b tăng phụ\u00ad cấp cho\u202e Tổng phụ trách Đội?\ufeff"
    twice = client.post(f"{API}/questions", headers=headers, json=body)
    assert twice.status_code in (409, 422), twice.get_json()


def test_exports_survive_stored_controls(client, users, login, owned):
    """Rows written before cleaning existed (here: put in directly) export, minus the
    characters a worksheet cannot hold — including the audit log, which is never rewritten."""
    from eventapp.audit.models import AuditEntry
    from eventapp.registration.models import Attendee

    dirty = "Nguyễn\x1b Văn\x08 Ấn\u202e"
    db.session.execute(sa.update(Attendee).values(full_name=dirty))
    db.session.add(AuditEntry(action="test.dirty", summary=f"Ghi chú {dirty}\x0b",
                              before={"x": dirty}, after=None))
    db.session.commit()
    login(users["organizer"])
    for url in (f"/events/{SLUG}/registration/export.xlsx", f"/checkin/{SLUG}/export.xlsx",
                f"/events/{SLUG}/nominations/export.xlsx", "/audit/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        workbook = load_workbook(io.BytesIO(response.data))
        cells = [str(c) for ws in workbook for row in ws.iter_rows(values_only=True)
                 for c in row if c is not None]
        assert not any("\x1b" in c or "\x08" in c for c in cells), url
        if "nominations" not in url:
            assert any("Nguyễn Văn Ấn" in c for c in cells), url


# --- Item 8: every odd input is a Vietnamese 4xx -------------------------------------------------

@pytest.mark.parametrize("raw, message", [
    (b'{"full_name": "An\\ud800", "category": "tpt-doi", "sessions": ["doi-thoai"]}',
     "nửa cặp thay thế"),
    (b"[" * 2000 + b"]" * 2000, "JSON"),
    (b'{"a": ' * 2000 + b"1" + b"}" * 2000, "JSON"),
    (b"\xff\xfe{}", "JSON hợp lệ"),
])
def test_hostile_json_is_refused_in_vietnamese(client, users, token_for, raw, message):
    response = client.post(f"{API}/attendees", data=raw, content_type="application/json",
                           headers=token_for(users["unit_a"]))
    assert response.status_code == 422
    assert message in response.get_json()["fields"]["_schema"]


def test_nominations_preview_answers_json_even_when_refusing(client, users, login):
    login(users["unit_a"])
    page = f"/events/{SLUG}/nominations/new"
    token = client.csrf_token(page)
    for raw in (b"[" * 2000 + b"]" * 2000, b'{"full_name": "\\udc00"}', b"[1, 2]",
                b'{"nomination_id": "' + b"9" * 30 + b'", "titles": 5}',
                b'{"titles": [{"year": "' + b"9" * 5000 + b'", "title": "x"}]}'):
        response = client.post(f"/events/{SLUG}/nominations/preview", data=raw,
                               content_type="application/json",
                               headers={"X-CSRFToken": token})
        assert response.status_code in (200, 404, 422), (raw[:30], response.status_code)
        assert response.is_json, raw[:30]
        _no_english(response.get_json().get("fields"))


def test_a_five_thousand_digit_year_in_a_dossier_is_a_field_error(client, users, login,
                                                                  before_deadlines):
    from tests.nominations.helpers import dossier_form

    login(users["unit_a"])
    page = f"/events/{SLUG}/nominations/new"
    response = client.post_form(page, dossier_form(**{"title-0-year": "9" * 5000,
                                                      "title-0-title": "lao_dong_tien_tien"}),
                                page=page)
    assert response.status_code in (200, 422)
    assert "Phải là số nguyên." in response.get_data(as_text=True)


@pytest.mark.parametrize("scanned_at", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-12:00"])
def test_a_scan_time_out_of_range_is_refused(client, users, token_for, owned, scanned_at):
    response = client.post(f"{API}/checkin", headers=token_for(users["checkin"]),
                           json={"code": "A" * 10, "session": "doi-thoai",
                                 "scanned_at": scanned_at})
    assert response.status_code == 422
    assert response.get_json()["fields"]["scanned_at"] == "Thời điểm phải trong khoảng 1900–2100."


@pytest.mark.parametrize("query", ["from=0001-01-01&to=9999-12-31", "page=" + "9" * 30,
                                   "event=" + "9" * 30, "user=-1"])
def test_audit_filters_with_extreme_values_answer_normally(client, users, login, query):
    login(users["organizer"])
    assert client.get(f"/audit/?{query}").status_code in (200, 422)
    assert client.get(f"/audit/export.xlsx?{query}").status_code in (200, 302, 422)


@pytest.mark.parametrize("url", [
    f"/events/{SLUG}/questions/moderate?topic={'9' * 30}&unit={'9' * 30}&page={'9' * 30}",
    f"/events/{SLUG}/registration/?page={'9' * 30}",
    f"/events/{SLUG}/nominations/?unit={'9' * 30}",
    f"/checkin/{SLUG}/log?page={'9' * 30}",
    f"{API}/attendees?page={'9' * 30}",
])
def test_thirty_digit_numbers_in_query_filters(client, users, login, token_for, url):
    login(users["organizer"])
    response = client.get(url, headers=token_for(users["organizer"]) if "/api/" in url else {})
    assert response.status_code in (200, 422), response.status_code


def test_thirty_digit_number_in_a_form_field(client, users, login, owned):
    login(users["organizer"])
    question = owned["question_id"]
    page = f"/events/{SLUG}/questions/{question}"
    response = client.post_form(f"/events/{SLUG}/questions/{question}/merge",
                                {"target": "9" * 30}, page=page)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ." in response.get_data(as_text=True)


# --- Item 16: WTForms' and marshmallow's own messages in Vietnamese ----------------------------

def test_extension_form_speaks_vietnamese_for_a_bad_choice(client, users, login):
    login(users["organizer"])
    page = f"/events/{SLUG}/extensions"
    response = client.post_form(page, {"unit": "BATRI", "kind": "khong-co",
                                       "deadline": "2020-02-10T08:00", "reason": "Lý do"},
                                page=page)
    html = response.get_data(as_text=True)
    assert "Not a valid choice" not in html
    assert "Lựa chọn không hợp lệ." in html


def test_api_field_errors_are_vietnamese(client, users, token_for):
    response = client.post(f"{API}/attendees", headers=token_for(users["unit_a"]),
                           json={"full_name": 5, "sessions": "x", "extra": 1, "email": None})
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert fields["full_name"] == "Phải là chuỗi ký tự."
    assert fields["sessions"] == "Phải là một danh sách."
    assert fields["extra"] == "Trường không được hỗ trợ."
    assert fields["category"] == "Bắt buộc phải có."
    _no_english(fields)


def test_marshmallow_itself_is_left_in_english():
    """The Vietnamese messages belong to the project's base schema, not to the library."""
    from marshmallow import Schema, fields

    class Plain(Schema):
        n = fields.Integer()

    assert Plain().validate({"n": "x"}) == {"n": ["Not a valid integer."]}


def _subclasses(cls) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_schema_and_form_derives_from_the_project_base(app):
    """The cleaning rule and the Vietnamese messages live in two base classes; a schema or
    form that skipped them would bypass both."""
    from flask_wtf import FlaskForm
    from marshmallow import Schema as LibrarySchema

    from eventapp.forms import Form
    from eventapp.schemas import Schema

    schemas = {c for c in _subclasses(LibrarySchema) if c.__module__.startswith("eventapp.")}
    forms = {c for c in _subclasses(FlaskForm) if c.__module__.startswith("eventapp.")}
    assert len(schemas) > 20 and len(forms) > 15
    assert sorted(c.__qualname__ for c in schemas if not issubclass(c, Schema)) == []
    assert sorted(c.__qualname__ for c in forms if not issubclass(c, Form)) == []
