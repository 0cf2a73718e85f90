"""Scanner page and its JSON endpoints (login session + CSRF), roles on every route."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from eventapp.checkin.models import CheckIn
from eventapp.extensions import db
from eventapp.registration.codes import code_fingerprint

SCANNER = "/checkin/doi-thoai-2020/scan/doi-thoai"


def post_json(client, url, body, page=SCANNER):
    token = client.csrf_token(page)
    return client.post(url, json=body, headers={"X-CSRFToken": token})


def config_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="checkin-config">(.*?)</script>',
                      html, re.S)
    return json.loads(match.group(1))


def test_landing_page_lists_events_and_sessions(client, login, users, event):
    assert client.get("/checkin/").status_code == 302  # to the login page
    login(users["checkin"])
    html = client.get("/checkin/").get_data(as_text=True)
    assert "Chương trình đối thoại giữa Bí thư Tỉnh ủy" in html
    assert 'href="/checkin/doi-thoai-2020/scan/doi-thoai"' in html
    assert 'href="/checkin/doi-thoai-2020/scan/so-ket"' in html
    assert "Bảng theo dõi" not in html  # the board is the organizer's


def test_unit_accounts_cannot_use_checkin_pages(client, login, users, event):
    login(users["unit_a"])
    for url in ("/checkin/", SCANNER, SCANNER + "/codes.json", SCANNER + "/search?q=an",
                "/checkin/doi-thoai-2020/board", "/checkin/doi-thoai-2020/board.json",
                "/checkin/doi-thoai-2020/export.xlsx", "/checkin/doi-thoai-2020/log",
                "/checkin/doi-thoai-2020/missing"):
        assert client.get(url).status_code == 403, url
    token = client.csrf_token("/events/doi-thoai-2020/")
    response = client.post(SCANNER + "/scan", json={"code": "X"}, headers={"X-CSRFToken": token})
    assert response.status_code == 403


def test_scanner_page_and_scan_endpoint(client, login, users, people, code_of):
    login(users["checkin"])
    page = client.get(SCANNER)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    config = config_of(html)
    assert config["urls"]["scan"] == SCANNER + "/scan"
    assert "<script>" not in html  # CSP: no inline scripts
    code = code_of(people["an"])
    first = post_json(client, SCANNER + "/scan", {"code": f" {code}\n", "device": "Cửa 1"})
    assert first.status_code == 200
    assert first.get_json()["result"] == "checked_in"
    assert first.get_json()["attendee"]["full_name"] == "Nguyễn Văn Ấn"
    again = post_json(client, SCANNER + "/scan", {"code": code, "device": "Cửa 3"})
    assert again.get_json()["result"] == "already_checked_in"
    assert again.get_json()["by"] == "cua1" and again.get_json()["device"] == "Cửa 1"
    unknown = post_json(client, SCANNER + "/scan", {"code": "HELLO"})
    assert unknown.status_code == 404 and unknown.get_json()["result"] == "unknown_code"
    bad = post_json(client, SCANNER + "/scan", {"device": "Cửa 1"})
    assert bad.status_code == 422 and "code" in bad.get_json()["fields"]


def test_scan_endpoint_requires_csrf(client, login, users, people, code_of):
    login(users["checkin"])
    response = client.post(SCANNER + "/scan", json={"code": code_of(people["an"])})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_unknown_session_or_event_is_404(client, login, users, event):
    login(users["checkin"])
    assert client.get("/checkin/doi-thoai-2020/scan/khong-co").status_code == 404
    assert client.get("/checkin/khong-co/scan/doi-thoai").status_code == 404


def test_offline_table_has_fingerprints_never_codes(client, login, users, people, code_of):
    login(users["checkin"])
    post_json(client, SCANNER + "/scan", {"code": code_of(people["cuong"])})
    response = client.get(SCANNER + "/codes.json")
    text = response.get_data(as_text=True)
    table = response.get_json()
    for person in people.values():
        assert code_of(person) not in text
        assert person.code_nonce not in text
    entries = {e[0]: e for e in table["entries"]}
    status = {key: entries[code_fingerprint(code_of(p))][1] for key, p in people.items()}
    assert status == {"an": 0, "binh": 0, "cuong": 1, "guest": 0, "huy": 2, "chieu": 3}
    an = entries[code_fingerprint(code_of(people["an"]))]
    assert an[2] == "Nguyễn Văn Ấn" and an[5] == "A12" and an[7] == people["an"].id
    assert table["units"][an[3]] == "Huyện đoàn Ba Tri"
    assert table["categories"][an[4]] == "Giáo viên Tổng phụ trách Đội"
    cuong = entries[code_fingerprint(code_of(people["cuong"]))]
    assert re.fullmatch(r"\d\d:\d\d", cuong[6])
    assert response.headers["Cache-Control"] == "no-store"


def test_search_is_diacritics_insensitive_and_checks_in(client, login, users, people):
    login(users["checkin"])
    for query in ("nguyen van an", "Nguyễn Văn Ấn", "VAN AN", "an nguyen"):
        found = client.get(SCANNER + "/search", query_string={"q": query}).get_json()["results"]
        assert [p["full_name"] for p in found] == ["Nguyễn Văn Ấn"], query
    assert client.get(SCANNER + "/search?q=a").get_json()["results"] == []  # too short
    statuses = {p["full_name"]: p["status"] for p in
                client.get(SCANNER + "/search?q=Phạm đã").get_json()["results"] +
                client.get(SCANNER + "/search?q=vo buoi").get_json()["results"]}
    assert statuses["Phạm Đã Hủy"] == "revoked"
    assert statuses["Võ Buổi Chiều"] == "not_invited"
    url = f"{SCANNER}/attendees/{people['an'].id}/checkin"
    first = post_json(client, url, {"device": "Bàn tiếp đón"})
    assert first.get_json()["result"] == "checked_in"
    assert post_json(client, url, {}).get_json()["result"] == "already_checked_in"
    found = client.get(SCANNER + "/search?q=nguyen").get_json()["results"]
    assert found[0]["status"] == "checked_in" and found[0]["by"] == "cua1"
    row = db.session.scalars(sa.select(CheckIn)).one()
    assert (row.method, row.device) == ("search", "Bàn tiếp đón")
    refused = post_json(client, f"{SCANNER}/attendees/{people['huy'].id}/checkin", {})
    assert refused.status_code == 409 and refused.get_json()["result"] == "revoked"
    missing = post_json(client, f"{SCANNER}/attendees/999999/checkin", {})
    assert missing.status_code == 404


def test_attendee_of_another_event_cannot_be_checked_in_by_id(
        client, login, users, other_event, make_attendee):
    stranger = make_attendee("Người Ngoài", in_event=other_event)
    login(users["checkin"])
    response = post_json(client, f"{SCANNER}/attendees/{stranger.id}/checkin", {})
    assert response.status_code == 404
    assert response.get_json()["result"] == "unknown_code"
