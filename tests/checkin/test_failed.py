"""The log of refused scans: written even though the scan answers 4xx, capped per session,
shown to organizers (page, board, API)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventapp.checkin.models import CheckIn, FailedScan
from eventapp.extensions import db
from eventapp.registration.codes import code_fingerprint
from tests.checkin.test_pages import SCANNER, post_json
from tests.conftest import browser_login

URL = "/api/v1/events/doi-thoai-2020/checkin"
FAILED = "/api/v1/events/doi-thoai-2020/checkin/failed?session=doi-thoai"
DOORS_OPEN = datetime(2020, 2, 14, 0, 40, tzinfo=UTC)  # 07:40 in Bến Tre


def scan(client, headers, code, device="Cửa 1", session="doi-thoai", **extra):
    return client.post(URL, json={"code": code, "session": session, "device": device, **extra},
                       headers=headers)


def stored() -> list[FailedScan]:
    """What another connection sees: only committed rows."""
    db.session.commit()
    return list(db.session.scalars(sa.select(FailedScan).order_by(FailedScan.id)))


def test_refusals_are_logged_though_the_scan_answers_4xx(
        client, users, people, code_of, token_for, set_now):
    set_now(DOORS_OPEN)
    headers = token_for(users["checkin"])
    code = code_of(people["an"])
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    answers = [scan(client, headers, forged, "Cửa 1"),
               scan(client, headers, code_of(people["huy"]), "Cửa 2"),
               scan(client, headers, code_of(people["chieu"]), "Cửa 2"),
               scan(client, headers, "XIN CHAO", "Cửa 3")]
    assert [r.status_code for r in answers] == [404, 409, 409, 404]
    rows = stored()
    assert [(r.result, r.device, r.staff_id) for r in rows] == [
        ("unknown_code", "Cửa 1", users["checkin"].id),
        ("revoked", "Cửa 2", users["checkin"].id),
        ("not_invited", "Cửa 2", users["checkin"].id),
        ("unknown_code", "Cửa 3", users["checkin"].id)]
    # The fingerprint is the offline table's, cut to 6 characters; never the code.
    assert rows[0].fingerprint == code_fingerprint(forged)[:6]
    assert rows[1].fingerprint == code_fingerprint(code_of(people["huy"]))[:6]
    assert rows[3].fingerprint == code_fingerprint("XIN CHAO")[:6]
    assert all(len(r.fingerprint) == 6 for r in rows)
    assert {r.at for r in rows} == {DOORS_OPEN}
    for row in rows:
        assert code_of(people["huy"]) not in repr(row.__dict__)


def test_a_scan_of_a_substituted_code_is_logged(client, users, people, code_of, token_for,
                                                set_now):
    from eventapp.registration import attendance

    set_now(DOORS_OPEN)
    old_code = code_of(people["binh"])
    attendance.substitute(people["binh"], users["organizer"], {"full_name": "Lâm Thị Dự Thay"})
    db.session.commit()
    answer = scan(client, token_for(users["checkin"]), old_code, "Cửa 2")
    assert answer.status_code == 409 and answer.get_json()["result"] == "substituted"
    rows = stored()
    assert [(r.result, r.device, r.staff_id, r.at) for r in rows] == [
        ("substituted", "Cửa 2", users["checkin"].id, DOORS_OPEN)]
    assert rows[0].fingerprint == code_fingerprint(old_code)[:6]


def test_an_offline_scan_with_an_implausible_clock_is_reviewed_not_failed(
        client, users, people, code_of, token_for, set_now):
    """"Out of window" (README): a device clock a day behind. A valid code is an arrival,
    checked in at the server's time and flagged for review; a refusal is logged at the
    server's time. Neither is a failed scan because of its time."""
    set_now(DOORS_OPEN)
    headers = token_for(users["checkin"])
    wrong_clock = (DOORS_OPEN - timedelta(days=1)).isoformat()
    admitted = scan(client, headers, code_of(people["an"]), scanned_at=wrong_clock,
                    offline=True, scan_id="q-1")
    assert admitted.status_code == 200 and admitted.get_json()["result"] == "checked_in"
    assert stored() == []
    checkin = db.session.scalars(sa.select(CheckIn)).one()
    assert checkin.needs_review and checkin.checked_in_at == DOORS_OPEN
    refused = scan(client, headers, code_of(people["huy"]), scanned_at=wrong_clock,
                   offline=True, scan_id="q-2")
    assert refused.status_code == 409
    assert [(r.result, r.at) for r in stored()] == [("revoked", DOORS_OPEN)]


def test_green_and_amber_scans_write_no_log(client, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    assert scan(client, headers, code_of(people["an"])).get_json()["result"] == "checked_in"
    assert scan(client, headers, code_of(people["an"])).get_json()["result"] == \
        "already_checked_in"
    assert stored() == []
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_an_offline_scan_keeps_its_scan_time(client, users, people, code_of, token_for,
                                             set_now):
    set_now(DOORS_OPEN + timedelta(minutes=30))
    scanned = DOORS_OPEN + timedelta(minutes=5)
    response = scan(client, token_for(users["checkin"]), code_of(people["huy"]),
                    scanned_at=scanned.isoformat(), offline=True, scan_id="q-1")
    assert response.status_code == 409
    assert [r.at for r in stored()] == [scanned]


def test_the_scanner_page_logs_too(client, login, users, people, code_of):
    login(users["checkin"])
    response = post_json(client, SCANNER + "/scan", {"code": "rác", "device": "Cổng sau"})
    assert response.status_code == 404
    assert [(r.result, r.device) for r in stored()] == [("unknown_code", "Cổng sau")]


def test_an_unknown_session_or_event_is_not_logged(client, users, people, token_for):
    headers = token_for(users["checkin"])
    assert scan(client, headers, "XIN CHAO", session="khong-co").status_code == 422
    assert client.post("/api/v1/events/khong-co/checkin", headers=headers,
                       json={"code": "XIN CHAO", "session": "doi-thoai"}).status_code == 404
    assert stored() == []


def test_flooding_stores_the_first_rows_and_counts_the_rest(
        app, client, login, users, people, token_for):
    app.config["FAILED_SCANS_PER_SESSION"] = 5
    headers = token_for(users["checkin"])
    for i in range(8):
        assert scan(client, headers, f"rác {i}", "Cửa 1" if i < 6 else "Cửa 2").status_code == 404
    rows = stored()
    assert len(rows) == 5
    assert {r.fingerprint for r in rows} == {code_fingerprint(f"rác {i}")[:6] for i in range(5)}

    login(users["organizer"])
    board = client.get("/checkin/doi-thoai-2020/board.json?session=doi-thoai").get_json()
    assert board["failed_scans"] == 8
    html = client.get("/checkin/doi-thoai-2020/board?session=doi-thoai").get_data(as_text=True)
    assert 'id="b-failed">8<' in html
    page = client.get("/checkin/doi-thoai-2020/failed?session=doi-thoai").get_data(as_text=True)
    assert 'id="failed-total">8<' in page
    assert "chỉ lưu chi tiết 5 lượt đầu tiên" in page
    body = client.get(FAILED, headers=token_for(users["organizer"])).get_json()
    assert (body["total"], body["stored"], len(body["scans"])) == (8, 5, 5)


def test_organizer_page_counts_per_door(client, login, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    for device in ("Cửa 1", "Cửa 2", "Cửa 2", "Cửa 2"):
        scan(client, headers, code_of(people["huy"]), device)
    scan(client, headers, code_of(people["an"]), "Cửa 1")  # green: not counted
    login(users["organizer"])
    html = client.get("/checkin/doi-thoai-2020/failed?session=doi-thoai").get_data(as_text=True)
    doors = html.split('id="failed-doors"')[1].split("</table>")[0]
    assert doors.index("Cửa 2") < doors.index("Cửa 1")
    assert '<td>Cửa 2</td><td class="text-end">3</td>' in doors
    assert '<td>Cửa 1</td><td class="text-end">1</td>' in doors
    assert "Mã đã thu hồi" in html
    assert code_fingerprint(code_of(people["huy"]))[:6] in html
    assert code_of(people["huy"]) not in html


def test_failed_api_contract_and_who_may_read_it(client, users, people, token_for, set_now):
    set_now(DOORS_OPEN)
    scan(client, token_for(users["checkin"]), "XIN CHAO", "Cửa 3")
    body = client.get(FAILED, headers=token_for(users["organizer"])).get_json()
    assert body["scans"] == [{"at": "2020-02-14T00:40:00+00:00", "device": "Cửa 3",
                              "staff": "cua1", "result": "unknown_code",
                              "fingerprint": code_fingerprint("XIN CHAO")[:6]}]
    for role in ("checkin", "unit_a"):
        assert client.get(FAILED, headers=token_for(users[role])).status_code == 403
    assert client.get(FAILED).status_code == 401
    other = client.get(FAILED.replace("doi-thoai", "khong-co", 1),
                       headers=token_for(users["organizer"]))
    assert other.status_code == 404
    missing = client.get(FAILED.split("?")[0], headers=token_for(users["organizer"]))
    assert missing.status_code == 422


def test_openapi_documents_the_failed_scans_route(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/events/{slug}/checkin/failed"]["get"]
    assert "200" in operation["responses"]


@pytest.mark.browser
def test_board_counts_refusals_live_and_links_to_the_log(
        live_server, page, client, users, people, code_of, token_for, artifacts):
    headers = token_for(users["checkin"])
    scan(client, headers, "XIN CHAO", "Cửa 1")
    browser_login(page, live_server, users["organizer"])
    page.goto(live_server + "/checkin/doi-thoai-2020/board?session=doi-thoai")
    page.wait_for_selector("body[data-board-polls='1']")
    assert page.inner_text("#b-failed") == "1"
    scan(client, headers, code_of(people["huy"]), "Cửa 2")
    expect(page.locator("#b-failed")).to_have_text("2", timeout=12_000)  # by itself
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Quét lỗi:")
    page.wait_for_selector("h1:has-text('Nhật ký quét lỗi')")
    assert page.locator("#failed-rows tbody tr").count() == 2
    assert "Mã đã thu hồi" in page.inner_text("#failed-rows")
    page.screenshot(path=str(artifacts / "checkin-failed-scans.png"), full_page=True)
