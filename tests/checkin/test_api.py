"""The check-in API contract: POST /api/v1/events/<slug>/checkin and the stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventapp.checkin.models import CheckIn
from eventapp.extensions import db

URL = "/api/v1/events/doi-thoai-2020/checkin"
DOORS_OPEN = datetime(2020, 2, 14, 0, 40, tzinfo=UTC)  # 07:40 in Bến Tre


def scan(client, headers, code, session="doi-thoai", **extra):
    return client.post(URL, json={"code": code, "session": session, **extra}, headers=headers)


def test_checked_in_then_already_checked_in_with_who_and_when(
        client, users, people, code_of, token_for, set_now):
    set_now(DOORS_OPEN + timedelta(minutes=23))
    headers = token_for(users["checkin"])
    first = scan(client, headers, code_of(people["an"]), device="cửa 1")
    assert first.status_code == 200
    body = first.get_json()
    assert body["result"] == "checked_in"
    assert body["attendee"]["full_name"] == "Nguyễn Văn Ấn"
    assert body["attendee"]["unit"] == "BATRI"
    assert body["attendee"]["category"] == "Giáo viên Tổng phụ trách Đội"
    assert body["attendee"]["seat"] == "A12"
    assert body["checked_in_at"] == "2020-02-14T01:03:00+00:00"
    assert body["checked_in_time"] == "08:03"

    set_now(DOORS_OPEN + timedelta(minutes=40))
    again = scan(client, token_for(users["organizer"]), code_of(people["an"]), device="cửa 2")
    assert again.status_code == 200
    body = again.get_json()
    assert body["result"] == "already_checked_in"
    assert body["checked_in_at"] == "2020-02-14T01:03:00+00:00"
    assert body["by"] == "cua1"
    assert body["device"] == "cửa 1"
    row = db.session.scalars(sa.select(CheckIn)).one()
    assert (row.device, row.staff_id, row.from_offline_queue) == ("cửa 1", users["checkin"].id,
                                                                 False)


def test_whitespace_and_lower_case_from_a_scanner_are_ignored(
        client, users, people, code_of, token_for):
    code = code_of(people["binh"])
    response = scan(client, token_for(users["checkin"]), f"  \t{code.lower()}\r\n")
    assert response.status_code == 200
    assert response.get_json()["result"] == "checked_in"


def test_code_wrapped_in_a_url_is_read(client, users, people, code_of, token_for):
    code = code_of(people["binh"])
    response = scan(client, token_for(users["checkin"]), f"https://hoitruong.vn/c/{code}")
    assert response.get_json()["result"] == "checked_in"


def test_unknown_codes(client, users, people, other_event, code_of, token_for, make_attendee):
    headers = token_for(users["checkin"])
    stranger = make_attendee("Người Sự Kiện Khác", in_event=other_event)
    code = code_of(people["an"])
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    for raw in (code_of(stranger), forged, "XIN CHAO", "A" * 26 + "." + "B" * 26):
        response = scan(client, headers, raw)
        assert response.status_code == 404, raw
        assert response.get_json()["result"] == "unknown_code"
    # The same code is fine at its own event.
    other = client.post("/api/v1/events/so-ket-2021/checkin", headers=headers,
                        json={"code": code_of(stranger), "session": "doi-thoai"})
    assert other.get_json()["result"] == "checked_in"
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_revoked_and_not_invited_are_409(client, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    revoked = scan(client, headers, code_of(people["huy"]))
    assert revoked.status_code == 409
    assert revoked.get_json()["result"] == "revoked"
    assert revoked.get_json()["attendee"]["full_name"] == "Phạm Đã Hủy"
    not_invited = scan(client, headers, code_of(people["chieu"]))
    assert not_invited.status_code == 409
    assert not_invited.get_json()["result"] == "not_invited"
    ok = scan(client, headers, code_of(people["chieu"]), session="so-ket")
    assert ok.get_json()["result"] == "checked_in"
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_once_per_session_not_once_per_event(client, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    code = code_of(people["binh"])
    assert scan(client, headers, code).get_json()["result"] == "checked_in"
    assert scan(client, headers, code, session="so-ket").get_json()["result"] == "checked_in"
    assert scan(client, headers, code, session="so-ket").get_json()["result"] == \
        "already_checked_in"


def test_malformed_bodies_are_422_and_change_nothing(client, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    code = code_of(people["an"])
    cases = [
        ({"session": "doi-thoai"}, "code"),
        ({"code": code}, "session"),
        ({"code": "   ", "session": "doi-thoai"}, "code"),
        ({"code": code, "session": "khong-co"}, "session"),
        ({"code": code, "session": "doi-thoai", "scanned_at": "hôm qua"}, "scanned_at"),
        ({"code": code, "session": "doi-thoai", "scanned_at": "2020-02-14T08:00:00"},
         "scanned_at"),
        ({"code": 123, "session": "doi-thoai"}, "code"),
        ({"code": "x" * 600, "session": "doi-thoai"}, "code"),
    ]
    for body, field in cases:
        response = client.post(URL, json=body, headers=headers)
        assert response.status_code == 422, body
        assert field in response.get_json()["fields"], body
    not_json = client.post(URL, data="code=1", headers=headers)
    assert not_json.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_tokens_and_roles(client, users, people, code_of, token_for):
    body = {"code": code_of(people["an"]), "session": "doi-thoai"}
    assert client.post(URL, json=body).status_code == 401
    assert client.post(URL, json=body, headers={"Authorization": "Bearer sai"}).status_code == 401
    unit = client.post(URL, json=body, headers=token_for(users["unit_a"]))
    assert unit.status_code == 403
    assert client.get(URL + "/stats?session=doi-thoai",
                      headers=token_for(users["unit_a"])).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0
    # A logged-in page session does not authenticate the API.
    from tests.conftest import PASSWORD

    client.post_form("/login", {"email": users["checkin"].email, "password": PASSWORD})
    assert client.post(URL, json=body).status_code == 401


def test_offline_scan_keeps_its_time_but_never_a_future_one(
        client, users, people, code_of, token_for, set_now):
    set_now(DOORS_OPEN + timedelta(minutes=30))
    headers = token_for(users["checkin"])
    earlier = "2020-02-14T08:01:30+07:00"
    body = scan(client, headers, code_of(people["an"]), scanned_at=earlier,
                scan_id="abc-1").get_json()
    assert body["result"] == "checked_in"
    assert body["checked_in_at"] == "2020-02-14T01:01:30+00:00"
    assert body["from_offline_queue"] is True
    # The phone's clock runs an hour fast: the arrival is recorded at the server's time.
    fast = scan(client, headers, code_of(people["binh"]),
                scanned_at="2020-02-14T09:10:00+07:00").get_json()
    assert fast["checked_in_at"] == "2020-02-14T01:10:00+00:00"
    rows = {r.attendee_id: r for r in db.session.scalars(sa.select(CheckIn))}
    an = rows[people["an"].id]
    assert an.scanned_at == datetime(2020, 2, 14, 1, 1, 30, tzinfo=UTC)
    assert an.recorded_at == DOORS_OPEN + timedelta(minutes=30)
    assert an.from_offline_queue and an.scan_id == "abc-1" and not an.needs_review
    assert rows[people["binh"].id].needs_review  # an hour ahead: flagged for review


def test_offline_scan_times_outside_the_window_are_replaced_and_flagged(
        client, login, users, people, code_of, token_for, set_now):
    """Believed from 6 hours before the session starts (08:00) to 2 minutes after the
    server's now; outside, the server's time is recorded and the organizer's log shows
    the check-in for review with the device's time."""
    now = DOORS_OPEN + timedelta(minutes=30)  # 08:10
    set_now(now)
    headers = token_for(users["checkin"])
    times = {"an": "2020-02-14T02:00:00+07:00",      # 6 h before the start: believed
             "binh": "2020-02-14T01:59:59+07:00",    # a second earlier: not
             "cuong": "2020-02-14T08:12:00+07:00",   # 2 min ahead: the server's now
             "guest": "2020-02-14T08:12:01+07:00"}   # further ahead: not believed
    answers = {k: scan(client, headers, code_of(people[k]), scanned_at=t).get_json()
               for k, t in times.items()}
    assert answers["an"]["checked_in_at"] == "2020-02-13T19:00:00+00:00"  # 6 h early: kept
    assert answers["cuong"]["checked_in_at"] == now.isoformat()  # ahead ≤ 2 min: now
    for late_or_early in ("binh", "guest"):
        assert answers[late_or_early]["checked_in_at"] == now.isoformat()
    flagged = {r.attendee_id for r in db.session.scalars(
        sa.select(CheckIn).where(CheckIn.needs_review))}
    assert flagged == {people["binh"].id, people["guest"].id}
    login(users["organizer"])
    log = client.get("/checkin/doi-thoai-2020/log?session=doi-thoai").get_data(as_text=True)
    assert log.count("Cần xem lại") == 2
    assert "giờ máy quét 01:59 14/02/2020 không hợp lý, đã ghi giờ máy chủ" in log


def test_a_retried_upload_of_the_same_scan_is_not_a_conflict(
        client, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    code = code_of(people["an"])
    first = scan(client, headers, code, scan_id="scan-42", scanned_at="2020-02-14T08:01:00+07:00")
    retry = scan(client, headers, code, scan_id="scan-42", scanned_at="2020-02-14T08:01:00+07:00")
    assert first.get_json()["result"] == retry.get_json()["result"] == "checked_in"
    assert retry.get_json()["checked_in_at"] == first.get_json()["checked_in_at"]
    other_door = scan(client, headers, code, scan_id="scan-43")
    assert other_door.get_json()["result"] == "already_checked_in"
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_stats(client, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    for key in ("an", "cuong", "guest"):
        scan(client, headers, code_of(people[key]))
    response = client.get(URL + "/stats?session=doi-thoai", headers=token_for(users["organizer"]))
    assert response.status_code == 200
    body = response.get_json()
    # Expected in the morning: an, binh, cuong, guest (huy is cancelled, chieu afternoon only).
    assert (body["session"], body["expected"], body["checked_in"]) == ("doi-thoai", 4, 3)
    units = {u["unit"]: u for u in body["units"]}
    assert (units["BATRI"]["expected"], units["BATRI"]["checked_in"]) == (2, 1)
    assert (units["BINHDAI"]["expected"], units["BINHDAI"]["checked_in"]) == (1, 1)
    assert (units[None]["expected"], units[None]["checked_in"]) == (1, 1)
    assert units["CHOLACH"]["expected"] == 0  # every unit taking part is listed
    categories = {c["category"]: c for c in body["categories"]}
    assert (categories["tpt-doi"]["expected"], categories["tpt-doi"]["checked_in"]) == (2, 1)
    afternoon = client.get(URL + "/stats?session=so-ket", headers=headers).get_json()
    assert (afternoon["expected"], afternoon["checked_in"]) == (2, 0)
    assert client.get(URL + "/stats", headers=headers).status_code == 422
    assert client.get(URL + "/stats?session=nope", headers=headers).status_code == 422
    assert client.get("/api/v1/events/khong-co/checkin/stats?session=doi-thoai",
                      headers=headers).status_code == 404


def test_openapi_documents_the_checkin_routes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    scan = spec["paths"]["/api/v1/events/{slug}/checkin"]["post"]
    body = scan["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/CheckinRequest")
    assert {"200", "404", "409", "422", "401"} <= set(scan["responses"])
    fields = spec["components"]["schemas"]["CheckinRequest"]["properties"]
    assert {"code", "session", "device", "scanned_at", "offline", "scan_id"} == set(fields)
    stats = spec["paths"]["/api/v1/events/{slug}/checkin/stats"]["get"]
    assert any(p.get("in") == "query" for p in stats["parameters"])


def test_bytes_the_database_refuses_are_a_clear_4xx_and_change_nothing(
        client, users, people, code_of, token_for):
    """The scan runs prepared statements outside the ORM: PostgreSQL refuses NUL in text,
    and that must still be the client's error, in Vietnamese, not a 500."""
    headers = token_for(users["checkin"])
    for body in ({"code": code_of(people["an"]), "session": "doi\x00thoai"},
                 {"code": "A" * 26 + "\x00" + "B" * 25, "session": "doi-thoai"}):
        response = client.post(URL, json=body, headers=headers)
        assert response.status_code in (400, 404, 422), (body, response.status_code)
        assert response.get_json()["message"]
    bad_event = client.post("/api/v1/events/doi\x00thoai/checkin", headers=headers,
                            json={"code": code_of(people["an"]), "session": "doi-thoai"})
    assert bad_event.status_code in (400, 404)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    # A door label is free text: control characters are dropped, the scan goes through.
    labelled = scan(client, headers, code_of(people["an"]), device="cửa\x00 1\x1b")
    assert labelled.status_code == 200 and labelled.get_json()["device"] == "cửa 1"


def test_unknown_event_and_unknown_session(client, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    code = code_of(people["an"])
    wrong_event = client.post("/api/v1/events/khong-co/checkin", headers=headers,
                              json={"code": code, "session": "doi-thoai"})
    assert wrong_event.status_code == 404
    wrong_session = scan(client, headers, code, session="khong-co")
    assert wrong_session.status_code == 422
    assert "Phiên" in wrong_session.get_json()["fields"]["session"]
