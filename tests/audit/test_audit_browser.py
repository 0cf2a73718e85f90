"""Chromium: an organizer opens the audit log from the menu, searches, and downloads Excel."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.audit.test_audit_page import history  # noqa: F401  (fixture)
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_organizer_searches_the_audit_log(live_server, page, users, history, artifacts,  # noqa: F811
                                          tmp_path):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and
            "Failed to load resource" not in m.text else None)  # reported below, with URL
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    browser_login(page, live_server, users["organizer"])
    with page.expect_navigation(wait_until="networkidle"):
        page.click("nav >> text=Nhật ký")
    assert page.url.endswith("/audit/")
    assert page.locator("table.audit-table > tbody > tr").count() >= 9
    page.screenshot(path=str(artifacts / "ops-audit-log.png"), full_page=True)

    page.fill("#q", "dang thuc hua")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button:text('Lọc')")
    rows = page.locator("table.audit-table > tbody > tr")
    assert rows.count() == 1
    assert "Trường THPT Đặng Thúc Hứa" in rows.first.inner_text()

    page.select_option("#action", "extension.grant")
    page.fill("#q", "")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button:text('Lọc')")
    assert rows.count() == 2
    assert "10:00 06/02/2020" in page.inner_text("table.audit-table")
    page.screenshot(path=str(artifacts / "ops-audit-log-filtered.png"), full_page=True)

    with page.expect_download() as info:
        page.click("text=Xuất Excel")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    sheet = load_workbook(saved).worksheets[0]
    assert sheet.max_row == 3 and sheet["F2"].value == "Gia hạn cho đơn vị"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(artifacts / "ops-audit-log-phone.png"), full_page=True)
    assert problems == []
