"""The installed scanner from cold, in real Chromium with a profile on disk: the server
stops, the page reloads and the browser restarts, and the door still scans; when the server
is back the queue syncs by itself with the original scan times and the conflicts show.
Screenshots go to tests/artifacts/checkin-offline-app-*.png."""

from __future__ import annotations

import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from eventapp.checkin import rules, services
from eventapp.checkin.models import CheckIn, FailedScan
from eventapp.extensions import db
from eventapp.formatting import local_time
from eventapp.registration.codes import code_fingerprint
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, browser_login, patient

pytestmark = pytest.mark.browser
SCANNER = "/checkin/doi-thoai-2020/scan/doi-thoai"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


class Phone:
    """Chromium with a user data directory: closed and launched again, it keeps its
    service worker, its caches, IndexedDB and its cookies, as a phone's browser does."""

    def __init__(self, browser_type, profile):
        self.browser_type, self.profile = browser_type, profile
        self.context = self.page = None
        self.errors: list[str] = []

    def launch(self):
        self.context = self.browser_type.launch_persistent_context(
            str(self.profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            **PHONE)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        patient(self.page)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        return self.page

    def close(self):
        if self.context is not None:
            self.context.close()
            self.context = None


@pytest.fixture
def phone(chromium, tmp_path):
    device = Phone(chromium.browser_type, tmp_path / "profile")
    device.launch()
    yield device
    device.close()


def within(moment: datetime, bracket: tuple[datetime, datetime]) -> bool:
    """``moment`` (kept by the server from the browser's clock, milliseconds kept) lies between
    the moments just before and just after the scan, give or take the clocks' rounding."""
    slack = timedelta(seconds=1)
    return bracket[0] - slack <= moment <= bracket[1] + slack


def wait_ready(page):
    page.wait_for_selector("body[data-scanner-ready='1']")
    page.wait_for_selector("#ci-count:not([hidden])")  # the code table is loaded


def scan(page, code):
    page.fill("#ci-code", code)
    page.press("#ci-code", "Enter")


def result(page, expected):
    box = page.locator(f"#ci-result[data-result='{expected}']")
    box.wait_for(state="visible", timeout=5_000)
    text = box.inner_text()
    page.click("#ci-result")  # close it, as staff tap it away
    return text


def wait_for_checkins(count: int, timeout: float = 20) -> list[CheckIn]:
    """The check-ins once the server holds ``count`` of them (the sync runs by itself)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        rows = db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).all()
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def kept_urls(page) -> dict:
    return page.evaluate("""async () => {
        const found = {};
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            found[name] = (await cache.keys()).map((r) => new URL(r.url).pathname);
        }
        return found;
    }""")


def minutes(start, end, zone) -> set[str]:
    """Every HH:MM the clock shows in ``zone`` from ``start`` to ``end``."""
    shown, moment = set(), start
    while moment <= end + timedelta(minutes=1):
        shown.add(local_time(moment, zone))
        moment += timedelta(seconds=30)
    return shown


def test_installed_scanner_works_offline_from_cold_and_syncs_by_itself(
        stoppable_server, phone, users, event, people, make_attendee, other_event, code_of,
        artifacts):
    server = stoppable_server
    dao = make_attendee("Đào Thu Hồi", unit="BINHDAI")
    stranger = make_attendee("Người Sự Kiện Khác", in_event=other_event)
    page = phone.page
    # A door phone logs in with "Ghi nhớ đăng nhập": the login outlives a browser restart.
    page.goto(server.url + "/login")
    page.fill("input[name=email]", users["checkin"].email)
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=remember]")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button[type=submit]")
    page.wait_for_url("**/checkin/")
    before = datetime.now(UTC)
    page.goto(server.url + SCANNER)
    wait_ready(page)
    page.fill("#ci-device", "Cửa 5")
    page.dispatch_event("#ci-device", "change")
    page.wait_for_selector("body[data-offline-ready='1']")  # the worker keeps the page
    after = datetime.now(UTC)
    assert page.is_visible("#ci-kept")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "checkin-offline-app-online.png"))

    # Kept: the static files of this version and the scanner page, nothing else.
    kept = kept_urls(page)
    pages = kept.pop("eventapp-checkin-pages")
    assert pages == [SCANNER]
    (files,) = kept.values()
    assert "/static/js/checkin/store.js" in files and "/static/css/checkin.css" in files
    assert not [u for u in files if not u.startswith("/static/")]
    manifest = page.evaluate("""async () => {
        const link = document.querySelector("link[rel=manifest]");
        return (await fetch(link.href, {credentials: "include"})).json();
    }""")
    assert manifest["start_url"] == SCANNER and manifest["display"] == "standalone"

    server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(server.url + "/healthz", timeout=1)
    zone = event.timezone
    fetched = minutes(before, after, zone)

    # A reload with the server gone: the page, its scripts and its table come from the device.
    page.reload()
    wait_ready(page)
    page.wait_for_selector("#ci-net[data-online='0']", state="attached")
    banner = page.inner_text("#ci-net")
    assert banner.startswith("● Ngoại tuyến — danh sách mã cập nhật lúc ")
    assert banner[-5:] in fetched, (banner, fetched)

    # The browser is closed and started again, still without a server.
    phone.close()
    page = phone.launch()
    page.goto(server.url + SCANNER)
    wait_ready(page)
    page.wait_for_selector("#ci-net[data-online='0']", state="attached")
    assert page.inner_text("#ci-net") == banner
    assert page.input_value("#ci-device") == "Cửa 5"
    page.screenshot(path=str(artifacts / "checkin-offline-app-cold-start.png"))

    # Meanwhile, at the server: another door checks in Trần Thị Bình, and Đào's code is
    # revoked (the device's table still has both as expected).
    services.check_in_attendee(event, event.session_by_key("doi-thoai"), people["binh"].id,
                               staff=users["organizer"], device="Cửa 2")
    dao.status = "cancelled"
    db.session.commit()

    # Each scan's time lies between the moments just before and just after it (a busy
    # machine may take seconds to press Enter).
    scanned = datetime.now(UTC)
    scan(page, code_of(people["an"]))
    assert "Hợp lệ — chờ đồng bộ" in result(page, "queued")
    an_scanned = (scanned, datetime.now(UTC))
    scan(page, code_of(stranger))
    assert rules.Outcome.unknown_code.message in result(page, "unknown_code")
    stranger_scanned = (an_scanned[1], datetime.now(UTC))
    scan(page, code_of(people["huy"]))
    assert rules.Outcome.revoked.message in result(page, "revoked")
    scan(page, code_of(people["binh"]))
    assert "chờ đồng bộ" in result(page, "queued")
    scan(page, code_of(dao))
    assert "chờ đồng bộ" in result(page, "queued")
    assert page.inner_text("#ci-queue") == "5 chờ đồng bộ"  # the stranger's too, for the log

    page.reload()  # the queue is on the device too
    wait_ready(page)
    assert page.inner_text("#ci-queue") == "5 chờ đồng bộ"
    assert page.inner_text("#ci-count") == "Đã đến 3/5"  # the queued arrivals count
    assert "chờ đồng bộ" in page.inner_text("#ci-recent")
    page.screenshot(path=str(artifacts / "checkin-offline-app-queued.png"), full_page=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1  # Cửa 2's only

    # The scans are over 2 s old when they are synced: their own time must be kept.
    page.wait_for_function("t => Date.now() > t", arg=(an_scanned[1].timestamp() + 3) * 1000)
    server.start()
    started = time.monotonic()
    page.wait_for_selector("#ci-queue[hidden]", state="attached", timeout=20_000)
    synced_in = time.monotonic() - started
    page.wait_for_selector("#ci-net[data-online='1']", state="attached")
    problems = page.inner_text("#ci-problems")
    assert "Trần Thị Bình" in problems and "Đã check-in lúc" in problems and "Cửa 2" in problems
    assert "Đào Thu Hồi" in problems and rules.Outcome.revoked.message in problems
    assert "Nguyễn Văn Ấn" not in problems
    page.screenshot(path=str(artifacts / "checkin-offline-app-synced.png"), full_page=True)

    db.session.rollback()
    rows = {r.attendee_id: r for r in db.session.scalars(sa.select(CheckIn))}
    assert set(rows) == {people["an"].id, people["binh"].id}
    an = rows[people["an"].id]
    assert an.from_offline_queue and an.device == "Cửa 5" and an.staff_id == users["checkin"].id
    assert within(an.checked_in_at, an_scanned)  # the original scan time
    assert an.recorded_at - an.checked_in_at > timedelta(seconds=2)  # sent after the restart
    assert rows[people["binh"].id].device == "Cửa 2"  # the first recorded check-in stands
    # The stranger's code, unknown offline and online, reaches the failed-scan log with the
    # time it was scanned; it is a refusal to review like any other, not a check-in.
    failed = [(f.result, f.device, f.fingerprint, f.at) for f in db.session.scalars(
        sa.select(FailedScan).where(FailedScan.result == "unknown_code"))]
    assert [row[:3] for row in failed] == [
        ("unknown_code", "Cửa 5", code_fingerprint(code_of(stranger))[:6])]
    assert within(failed[0][3], stranger_scanned)
    assert rules.Outcome.unknown_code.message in problems
    assert synced_in < 10
    assert not phone.errors


def test_scans_wait_for_a_new_login_when_the_old_one_ended_with_the_browser(
        stoppable_server, phone, users, people, code_of):
    """Logged in without "Ghi nhớ đăng nhập", a browser restart ends the login: the queued
    scan is neither lost nor refused, it waits until staff log in again."""
    server = stoppable_server
    page = phone.page
    browser_login(page, server.url, users["checkin"])
    page.goto(server.url + SCANNER)
    wait_ready(page)
    page.wait_for_selector("body[data-offline-ready='1']")
    server.stop()
    phone.close()
    page = phone.launch()
    page.goto(server.url + SCANNER)
    wait_ready(page)
    scanned = datetime.now(UTC)
    scan(page, code_of(people["an"]))
    assert "Hợp lệ — chờ đồng bộ" in result(page, "queued")
    scanned = (scanned, datetime.now(UTC))

    server.start()
    page.wait_for_function(
        "() => document.getElementById('ci-net').textContent.includes('Hết phiên đăng nhập')")
    assert page.inner_text("#ci-queue") == "1 chờ đồng bộ"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0

    browser_login(page, server.url, users["checkin"])
    page.goto(server.url + SCANNER)
    # The queue's badge is hidden until the kept queue is read, so wait for the check-in row.
    (row,) = wait_for_checkins(1)
    assert row.attendee_id == people["an"].id and row.from_offline_queue
    assert within(row.checked_in_at, scanned)
    assert not phone.errors


def test_scans_queued_by_the_localstorage_version_sync_after_the_update(
        live_server, page, users, people, code_of):
    """A phone that queued a scan with the earlier page (localStorage) gets the update: the
    scan moves into IndexedDB and syncs with its own time; logging out forgets the kept
    page."""
    browser_login(page, live_server, users["checkin"])
    scanned = datetime.now(UTC) - timedelta(minutes=3)
    page.evaluate("""([code, at]) => {
        localStorage.setItem("eventapp.checkin.queue.v1", JSON.stringify([{
            id: "cu-1", event: "doi-thoai-2020", session: "doi-thoai", sessionName: "Sáng",
            device: "Cửa cũ", at: at, code: code,
            url: "/checkin/doi-thoai-2020/scan/doi-thoai/scan"}]));
        localStorage.setItem("eventapp.checkin.device", "Cửa cũ");
    }""", [code_of(people["an"]), scanned.isoformat()])
    page.goto(live_server + SCANNER)
    wait_ready(page)
    assert page.input_value("#ci-device") == "Cửa cũ"
    page.wait_for_selector("#ci-queue[hidden]", state="attached", timeout=20_000)
    assert page.evaluate("localStorage.getItem('eventapp.checkin.queue.v1')") is None
    db.session.rollback()
    (row,) = db.session.scalars(sa.select(CheckIn)).all()
    assert row.attendee_id == people["an"].id and row.device == "Cửa cũ"
    assert abs(row.checked_in_at - scanned) < timedelta(seconds=1)

    page.wait_for_selector("body[data-offline-ready='1']")
    assert kept_urls(page)["eventapp-checkin-pages"] == [SCANNER]
    with page.expect_navigation():
        page.evaluate("document.querySelector('form[data-forget-offline]').requestSubmit()")
    page.wait_for_url("**/login**")
    assert kept_urls(page).get("eventapp-checkin-pages", []) == []
