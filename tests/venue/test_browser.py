"""The venue for real: ``flask serve`` (gunicorn, HTTPS with the local CA) opened from a
phone-sized Chromium through the machine's LAN address. The organizer's page shows a QR code
that decodes to the scanner's address; the staff phone's page is a secure context, and the
camera (Chromium's fake camera playing a video of a printed invitation's QR code) checks the
delegate in. Screenshots: tests/artifacts/venue-*.png."""

from __future__ import annotations

import io
import time

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from eventapp.checkin.models import CheckIn
from eventapp.extensions import db
from eventapp.registration import qr
from eventapp.registration.codes import attendee_code
from eventapp.venue import tls
from tests.checkin.conftest import add_attendee
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, browser_login, patient
from tests.venue.conftest import https_context

pytestmark = pytest.mark.browser
SCANNER = "/checkin/doi-thoai-2020/scan/doi-thoai"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}
LAPTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "vi-VN",
          "timezone_id": "Asia/Ho_Chi_Minh"}


def invitation_video(path, code: str, frames: int = 8):
    """A Y4M video (Chromium's fake camera format): 640×480 I420 frames of the QR code as
    the invitation prints it, large and centred on light paper."""
    width, height = 640, 480
    printed = Image.open(io.BytesIO(qr.png(code, module_px=10))).convert("L")
    frame = Image.new("L", (width, height), 235)
    frame.paste(printed, ((width - printed.width) // 2, (height - printed.height) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2)  # no colour: grey paper, black ink
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def lan_host() -> str:
    """The address a phone on the hall's Wi-Fi would use: a non-loopback IPv4 if any."""
    found = tls.lan_addresses()
    return found[0] if found else "127.0.0.1"


@pytest.fixture
def venue(app, serve, monkeypatch):
    """``flask serve`` on this test's database, certificates for the real LAN addresses."""
    monkeypatch.delenv(tls.ADDRESSES_ENV, raising=False)
    server = serve({"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                    "SECRET_KEY": app.config["SECRET_KEY"],
                    "EVENTAPP_INSTANCE_PATH": app.instance_path})
    ca = tls.tls_folder(app.instance_path).ca_cert
    assert server.get("/healthz", context=https_context(ca), host=lan_host())[0] == 200
    return server


def test_phone_opens_the_scanner_over_https_on_the_lan_and_the_camera_checks_in(
        app, venue, users, event, chromium, tmp_path, artifacts):
    cuong = add_attendee(event, "Lê Quốc Cường", unit="BINHDAI", category="clb-tpt")
    code = attendee_code(cuong)
    video = invitation_video(tmp_path / "invitation.y4m", code)
    host = lan_host()
    base = venue.url(host)
    assert base.startswith("https://")
    browser = chromium.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-device-for-media-stream",
                              "--use-fake-ui-for-media-stream",
                              f"--use-file-for-fake-video-capture={video}"])
    try:
        # The organizer, on the laptop: the check-in page leads to "Mở trên điện thoại".
        laptop = browser.new_context(**LAPTOP, ignore_https_errors=True).new_page()
        browser_login(laptop, base, users["organizer"])
        laptop.goto(base + "/checkin/")
        with laptop.expect_navigation(wait_until="networkidle"):
            laptop.click("text=Mở trên điện thoại")
        laptop.wait_for_selector("#venue-ca")
        laptop.screenshot(path=str(artifacts / "venue-phone-1280.png"), full_page=True)
        shot = Image.open(io.BytesIO(laptop.locator("#venue-scanner svg").screenshot()))
        assert [r.text for r in zxingcpp.read_barcodes(shot)] == [f"{base}/checkin/"]
        shot = Image.open(io.BytesIO(laptop.locator("#venue-ca svg").screenshot()))
        assert [r.text for r in zxingcpp.read_barcodes(shot)] == \
            [f"{base}/checkin/phone/eventapp-ca.crt"]
        small = browser.new_context(**PHONE, ignore_https_errors=True).new_page()
        browser_login(small, base, users["organizer"])
        small.goto(base + "/checkin/phone/")
        assert small.evaluate("document.documentElement.scrollWidth") <= 360
        small.screenshot(path=str(artifacts / "venue-phone-360.png"), full_page=True)
        # The organizer's pages are done: the phone's scanner is the one page left, as on a
        # phone (a hidden scanner tab stops its camera), with the machine's CPU to itself.
        laptop.context.close()
        small.context.close()

        # Check-in staff, on a phone: the scanner over HTTPS is a secure context.
        context = browser.new_context(**PHONE, ignore_https_errors=True, permissions=["camera"])
        page = context.new_page()
        patient(page)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        browser_login(page, base, users["checkin"])
        page.goto(base + SCANNER)
        page.wait_for_selector("body[data-scanner-ready='1']")
        assert page.evaluate("location.origin") == base
        assert page.evaluate("window.isSecureContext") is True
        assert page.evaluate("!!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)")
        page.fill("#ci-device", "Cửa điện thoại")
        page.dispatch_event("#ci-device", "change")
        page.click("button[data-mode='camera']")
        page.bring_to_front()
        started = time.monotonic()
        page.click("#ci-camera-toggle")
        found = page.locator("#ci-result[data-result='checked_in']")
        try:
            found.wait_for(state="visible", timeout=40_000)  # frame decoding is CPU-bound
        except Exception:  # say what the page was doing (it failed once on CI, unexplained)
            page.screenshot(path=str(artifacts / "venue-https-camera-360-timeout.png"))
            state = page.evaluate("""() => ({
                message: document.getElementById('ci-camera-msg').innerText,
                toggle: document.getElementById('ci-camera-toggle').innerText,
                result: document.getElementById('ci-result').dataset.result || null,
                resultText: document.getElementById('ci-result').innerText.slice(0, 120),
                engine: document.body.dataset.cameraEngine || null,
                repeats: document.body.dataset.ignoredRepeats || null,
                visibility: document.visibilityState,
                video: (v => v && [v.videoWidth, v.videoHeight, v.readyState])(
                    document.querySelector('video'))})""")
            pytest.fail(f"no green result 40 s after the camera was switched on: {state}; "
                        f"page errors: {errors}")
        print(f"camera on → green: {time.monotonic() - started:.2f} s")
        text = found.inner_text()
        assert "Đã check-in" in text and "Lê Quốc Cường" in text and "Huyện đoàn Bình Đại" in text
        assert page.evaluate("document.body.dataset.lastSound") == "green"
        page.screenshot(path=str(artifacts / "venue-https-camera-360-green.png"))
        assert page.evaluate("document.body.dataset.cameraEngine") in ("zxing", "native")
        assert not errors
    finally:
        browser.close()
    db.session.rollback()
    rows = db.session.scalars(sa.select(CheckIn)).all()
    assert [(r.attendee_id, r.device, r.method) for r in rows] == \
        [(cuong.id, "Cửa điện thoại", "scan")]
