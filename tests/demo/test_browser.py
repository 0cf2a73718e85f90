"""Chromium: after ``demo --live`` every page a newcomer opens shows data, at desk and phone
widths (screenshots kept as artifacts: tests/artifacts/demo-live-*.png)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from eventapp.demo.live import LIVE_SLUG
from eventapp.extensions import db
from tests.conftest import PASSWORD, browser_login
from tests.helpers import open_page

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def slug(app, runner) -> str:
    """The live demo loaded on today's real date (the server's clock is not fixed here)."""
    result = runner.invoke(args=["demo", "--live", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    db.session.remove()
    return LIVE_SLUG


def _visit(page, url: str, name: str, artifacts, rows: str, at_least: int) -> list[str]:
    """Open ``url`` at each width; ``rows`` must match ``at_least`` visible elements."""
    seen = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        open_page(page, url)
        found = page.locator(rows)
        assert found.count() >= at_least, f"{name} at {width}px: {found.count()} × {rows}"
        assert found.first.is_visible()
        page.screenshot(path=str(artifacts / f"demo-live-{name}-{width}.png"), full_page=True)
        seen.append(page.inner_text("body"))
    return seen


def test_every_page_of_the_live_demo_shows_data(live_server, page, slug, artifacts):
    base = f"{live_server}/events/{slug}"
    browser_login(page, live_server, SimpleNamespace(email="bantochuc@demo.vn"))
    body = _visit(page, f"{live_server}/", "home", artifacts, f"a[href*='{slug}']", 1)[0]
    assert "Chương trình đối thoại" in body

    body = _visit(page, f"{base}/questions/board", "compliance", artifacts,
                  "#board tbody tr", 17)[0]
    assert page.inner_text("#total-units") == "17"
    assert int(page.inner_text("#total-met")) >= 6 and int(page.inner_text("#total-short")) >= 6
    assert "Đoàn trường Cao đẳng Đồng Khởi" in body

    _visit(page, f"{base}/questions/moderate", "moderation", artifacts, ".question-row", 20)
    page.goto(f"{base}/questions/moderate?q=phu+cap+trach+nhiem")
    assert page.locator(".similar-box").count() >= 1  # near-duplicates offered for merging

    _visit(page, f"{base}/questions/order", "order", artifacts, "#order-list li[data-id]", 6)

    body = _visit(page, f"{base}/nominations/", "review", artifacts,
                  "#review-list tr[data-nomination]", 5)[0]
    assert "Được vinh danh" in body and "Đã gửi, chờ xét" in body

    _visit(page, f"{live_server}/checkin/{slug}/board", "checkin-board", artifacts,
           "#b-units tbody tr", 10)
    assert page.inner_text("#b-arrived") == "9"

    page.context.clear_cookies()  # a second person on another device
    browser_login(page, live_server, SimpleNamespace(email="batri@demo.vn"))
    body = _visit(page, f"{base}/questions/unit/BATRI", "unit-questions", artifacts,
                  "text=Giáo viên Tổng phụ trách Đội", 3)[0]
    assert "15" in page.inner_text("#progress-text")
    assert "Đã hết hạn" not in body
    _visit(page, f"{base}/nominations/", "unit-dossiers", artifacts,
           "#dossiers tr[data-nomination]", 2)
    _visit(page, f"{base}/registration/", "unit-delegates", artifacts,
           "#attendees tr[data-attendee]", 5)
