"""The registration API contract (issue 5), through real HTTP requests with tokens."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from eventapp.extensions import db
from eventapp.registration import codes
from eventapp.registration.models import Attendee
from tests.registration.conftest import AFTER_DEADLINE

pytestmark = pytest.mark.usefixtures("open_registration")
URL = "/api/v1/events/doi-thoai-2020/attendees"


def body(name="Nguyễn Văn An", **fields):
    data = {"full_name": name, "position": "Giáo viên Tổng phụ trách Đội",
            "category": "tpt-doi", "sessions": ["doi-thoai"], "phone": "0912 345 678",
            "email": "an@example.com"}
    data.update(fields)
    return data


def test_unit_registers_for_its_unit(client, users, token_for, event):
    response = client.post(URL, json=body(), headers=token_for(users["unit_a"]))
    assert response.status_code == 201, response.json
    data = response.json
    assert data["unit"] == "BATRI" and isinstance(data["id"], int)
    attendee = db.session.get(Attendee, data["id"])
    assert data["code"] == codes.attendee_code(attendee)
    assert codes.parse_code(codes.code_key(), event.id, data["code"]) == attendee.code_nonce
    assert data["sessions"] == ["doi-thoai"] and data["category"] == "tpt-doi"


def test_organizer_registers_a_guest_or_for_a_unit(client, users, token_for):
    headers = token_for(users["organizer"])
    guest = client.post(URL, json=body("Lãnh đạo", category="lanh-dao"), headers=headers)
    assert guest.status_code == 201 and guest.json["unit"] is None
    placed = client.post(URL, json=body("Đại biểu", unit="BINHDAI", seat="A-3"),
                         headers=headers)
    assert placed.status_code == 201 and placed.json["unit"] == "BINHDAI"
    assert placed.json["seat"] == "A-3"


def test_errors_follow_the_contract(client, users, token_for, set_now):
    headers = token_for(users["unit_a"])
    assert client.post(URL, json=body(), headers=headers).status_code == 201

    duplicate = client.post(URL, json=body("nguyễn văn AN", phone="+84912345678"),
                            headers=headers)
    assert duplicate.status_code == 409 and duplicate.json["error"] == "duplicate"
    assert "Nguyễn Văn An" in duplicate.json["message"]

    for i in range(5):
        client.post(URL, json=body(f"CLB {i}", category="clb-tpt", sessions=["so-ket"]),
                    headers=headers)
    capped = client.post(URL, json=body("CLB 6", category="clb-tpt", sessions=["so-ket"]),
                         headers=headers)
    assert capped.status_code == 409 and capped.json["error"] == "cap_reached"
    assert capped.json["limit"] == 5 and capped.json["registered"] == 5

    invalid = client.post(URL, json={"full_name": "", "category": "x", "sessions": []},
                          headers=headers)
    assert invalid.status_code == 422 and invalid.json["error"] == "invalid"
    assert {"full_name", "sessions"} <= set(invalid.json["fields"])
    unknown = client.post(URL, json=body("Ai đó", category="khong-co", sessions=["x"]),
                          headers=headers)
    assert unknown.status_code == 422
    assert set(unknown.json["fields"]) == {"category", "sessions"}
    not_json = client.post(URL, data="{", headers=headers, content_type="application/json")
    assert not_json.status_code == 422

    other_unit = client.post(URL, json=body("Người khác", unit="BINHDAI"), headers=headers)
    assert other_unit.status_code == 403

    set_now(AFTER_DEADLINE)
    late = client.post(URL, json=body("Trễ hạn"), headers=headers)
    assert late.status_code == 403 and late.json["error"] == "deadline_passed"
    assert late.json["deadline"].startswith("2020-02-09T17:00:00")
    assert client.post(URL, json=body("Trễ nhưng BTC", unit="BATRI"),
                       headers=token_for(users["organizer"])).status_code == 201


def test_capacity_reached(client, users, token_for, event):
    event.session_by_key("so-ket").capacity = 1
    db.session.commit()
    headers = token_for(users["organizer"])
    assert client.post(URL, json=body("Một", sessions=["so-ket"]),
                       headers=headers).status_code == 201
    full = client.post(URL, json=body("Hai", sessions=["so-ket"]), headers=headers)
    assert full.status_code == 409 and full.json["error"] == "capacity_reached"
    assert full.json["session"] == "so-ket"


def test_delete_cancels_and_revokes(client, users, token_for):
    mine = token_for(users["unit_a"])
    created = client.post(URL, json=body(), headers=mine).json
    assert client.delete(f"{URL}/{created['id']}",
                         headers=token_for(users["unit_b"])).status_code == 404
    assert db.session.get(Attendee, created["id"]).is_active
    response = client.delete(f"{URL}/{created['id']}", headers=mine)
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    db.session.expire_all()
    assert not db.session.get(Attendee, created["id"]).is_active
    listed = client.get(f"{URL}?status=cancelled", headers=mine).json
    assert [a["id"] for a in listed["items"]] == [created["id"]]
    assert listed["items"][0]["code"] is None
    assert client.delete(f"{URL}/999999", headers=mine).status_code == 404


def test_reissue_by_organizer_only(client, users, token_for):
    created = client.post(URL, json=body(), headers=token_for(users["unit_a"])).json
    assert client.post(f"{URL}/{created['id']}/reissue",
                       headers=token_for(users["unit_a"])).status_code == 403
    response = client.post(f"{URL}/{created['id']}/reissue",
                           headers=token_for(users["organizer"]))
    assert response.status_code == 200 and response.json["code"] != created["code"]


def test_tokens_and_roles(client, users, token_for):
    assert client.post(URL, json=body()).status_code == 401
    assert client.post(URL, json=body(), headers=token_for(users["checkin"])).status_code == 403
    assert client.get(f"{URL}.xlsx", headers=token_for(users["checkin"])).status_code == 403


def test_export_organizer_all_unit_its_own(client, users, token_for):
    client.post(URL, json=body("Của Ba Tri"), headers=token_for(users["unit_a"]))
    client.post(URL, json=body("Của Bình Đại"), headers=token_for(users["unit_b"]))
    client.post(URL, json=body("Khách", category="lanh-dao"),
                headers=token_for(users["organizer"]))

    def names(headers, query=""):
        response = client.get(f"{URL}.xlsx{query}", headers=headers)
        assert response.status_code == 200, response.data[:300]
        sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
        return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]

    assert names(token_for(users["organizer"])) == ["Khách", "Của Ba Tri", "Của Bình Đại"]
    assert names(token_for(users["organizer"]), "?unit=khach-moi") == ["Khách"]
    assert names(token_for(users["unit_b"])) == ["Của Bình Đại"]
    # A unit naming another unit still gets only its own.
    assert names(token_for(users["unit_b"]), "?unit=BATRI") == ["Của Bình Đại"]
    bad = client.get(f"{URL}.xlsx?session=khong-co", headers=token_for(users["organizer"]))
    assert bad.status_code == 422 and "session" in bad.json["fields"]


def test_list_is_scoped_and_searchable(client, users, token_for):
    client.post(URL, json=body("Nguyễn Văn A"), headers=token_for(users["unit_a"]))
    client.post(URL, json=body("Nguyễn Văn B"), headers=token_for(users["unit_b"]))
    found = client.get(f"{URL}?q=nguyen+van+a", headers=token_for(users["organizer"])).json
    assert [a["full_name"] for a in found["items"]] == ["Nguyễn Văn A"]
    own = client.get(URL, headers=token_for(users["unit_b"])).json
    assert [a["full_name"] for a in own["items"]] == ["Nguyễn Văn B"] and own["total"] == 1
