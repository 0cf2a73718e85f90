"""Chromium: an organizer makes an API token with buttons, sees it once, a program uses it
over real HTTP, the organizer revokes it and the program is refused."""

import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import browser_login
from tests.core.test_pages_on_phones import AXE, AXE_RUN
from tests.helpers import fill_form

pytestmark = pytest.mark.browser


def _api_status(base: str, secret: str) -> int:
    request = urllib.request.Request(f"{base}/api/v1/events",
                                     headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert "events" in json.loads(answer.read())
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _axe_problems(page) -> list[str]:
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(AXE_RUN)


def test_token_made_seen_once_used_and_revoked(live_server, page, users, artifacts):
    staff = users["checkin"]
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}/accounts/")
    assert "flask" not in page.inner_text("main")
    with page.expect_navigation(wait_until="networkidle"):
        page.click(f"tr:has-text('{staff.email}') >> text=Sửa")
    assert "create-token" not in page.inner_text("main")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#new-token")
    assert page.locator(".is-invalid, .invalid-feedback").count() == 0  # nothing typed yet
    page.screenshot(path=str(artifacts / "token-form-1280.png"), full_page=True)
    fill_form(page, {"input[name=label]": "Máy quét cửa 1", "input[name=days]": "7"},
              "button:has-text('Tạo mã')")
    body = page.inner_text("main")
    assert "Đã tạo mã truy cập API “Máy quét cửa 1”" in body
    assert "Mã chỉ hiện một lần" in body
    secret = page.input_value("#token-secret")
    assert secret.startswith("ea_") and secret not in page.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#copy-token")
    page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
    assert page.inner_text("#copy-status") == "Đã sao chép."
    assert page.evaluate("navigator.clipboard.readText()") == secret
    page.screenshot(path=str(artifacts / "token-created-1280.png"), full_page=True)
    assert not _axe_problems(page)
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "token-created-360.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    assert _api_status(live_server, secret) == 200  # a program at the door uses it

    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Tôi đã sao chép mã, quay lại tài khoản")
    row = page.locator("#api-tokens tr:has-text('Máy quét cửa 1')")
    assert "Đang dùng được" in row.inner_text()
    assert secret not in page.content()  # never shown again
    page.screenshot(path=str(artifacts / "token-list-1280.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "token-list-360.png"), full_page=True)
    assert not _axe_problems(page)

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    with page.expect_navigation(wait_until="networkidle"):
        row.locator("button:has-text('Thu hồi')").click()
    assert questions and "Thu hồi mã “Máy quét cửa 1”?" in questions[0]
    assert "Đã thu hồi mã truy cập “Máy quét cửa 1”." in page.inner_text("main")
    assert "Đã thu hồi" in page.locator("#api-tokens tr:has-text('Máy quét cửa 1')").inner_text()
    assert _api_status(live_server, secret) == 401
