"""Chromium walks each role's main pages of the live demo at 1280 and 360 px (issue #17 items
1 and 10): a screenshot of each is kept (tests/artifacts/phones-<role>-<page>-<width>.png),
axe-core finds no serious or critical accessibility violation at either width, and at 360 px
the pages a unit or the door staff uses fit the phone: the document is no wider than the
screen, nothing scrolls sideways inside it (no hidden swipe), every button and field lies on
screen, and no text is allowed to break a word mid-syllable ("trườ ng").

To cover a new page, add a ``(role, path)`` row to ``WALK``."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD
from tests.helpers import live_demo_paths, walk_live_demo

pytestmark = pytest.mark.browser

AXE = Path(__file__).parents[1] / "vendor" / "axe-core" / "axe.min.js"
#: Roles whose every page must fit a 360 px phone (the organizer works at a desk).
ON_PHONES = {"anonymous", "unit", "checkin"}

#: (role, path): {slug}, {question} (a BATRI question still open to edits), {dossier} (a
#: BATRI dossier) and {attendee} (a BATRI delegate) are filled in from the live demo.
WALK = [
    ("anonymous", "/login"),
    ("unit", "/"),
    ("unit", "/events/{slug}/"),
    ("unit", "/events/{slug}/questions/unit/BATRI"),
    ("unit", "/events/{slug}/questions/{question}"),
    ("unit", "/events/{slug}/questions/{question}/edit"),
    ("unit", "/events/{slug}/nominations/"),
    ("unit", "/events/{slug}/nominations/new"),
    ("unit", "/events/{slug}/nominations/{dossier}"),
    ("unit", "/events/{slug}/registration/"),
    ("unit", "/events/{slug}/registration/new"),
    ("unit", "/events/{slug}/registration/{attendee}/edit"),
    ("unit", "/account"),
    ("unit", "/huong-dan/"),
    ("checkin", "/checkin/"),
    ("checkin", "/checkin/{slug}/scan/doi-thoai"),
    ("checkin", "/account"),
    ("checkin", "/huong-dan/"),
    ("organizer", "/events/"),
    ("organizer", "/events/{slug}/"),
    ("organizer", "/events/{slug}/questions/board"),
    ("organizer", "/events/{slug}/questions/moderate"),
    ("organizer", "/events/{slug}/nominations/"),
    ("organizer", "/events/{slug}/registration/"),
    ("organizer", "/events/{slug}/registration/settings"),
    ("organizer", "/events/{slug}/units/"),
    ("organizer", "/checkin/{slug}/board"),
    ("organizer", "/accounts/"),
    ("organizer", "/audit/"),
    ("organizer", "/huong-dan/"),
]

#: Run in the page at 360 px: what does not fit a phone, as readable lines.
FIT = """() => {
  const width = window.innerWidth, found = new Set();
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  if (document.documentElement.scrollWidth > width)
    found.add(`document ${document.documentElement.scrollWidth}px wide`);
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      found.add(`${name(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth}px)`);
    if (style.overflowWrap === 'anywhere' || style.wordBreak === 'break-all')
      found.add(`${name(el)} may break words mid-syllable`);
    if (el.matches('a, button, input, select, textarea') && style.visibility !== 'hidden') {
      const box = el.getBoundingClientRect();
      if (box.width > 1 && box.height > 1 && (box.left < -1 || box.right > width + 1)) {
        const text = (el.innerText || el.name || '').trim().slice(0, 30);
        found.add(`${name(el)} “${text}” off screen`);
      }
    }
  }
  return [...found];
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => `${v.impact} ${v.id}: `
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture
def walk(app, runner) -> list[tuple[str, str]]:
    """The live demo loaded; ``WALK`` with its placeholders filled."""
    return live_demo_paths(runner, PASSWORD, WALK)


def test_main_pages_fit_a_phone_and_pass_axe(live_server, page, walk, artifacts):
    axe = AXE.read_text(encoding="utf-8")
    problems: list[str] = []
    for role, _path, width, where in walk_live_demo(page, live_server, walk, artifacts,
                                                     "phones"):
        if width == 360 and role in ON_PHONES:
            problems += [f"{where}: {p}" for p in page.evaluate(FIT)]
        if not page.evaluate("() => !!window.axe"):
            page.evaluate(axe)  # through the debugger: the app's CSP rightly refuses it
        problems += [f"{where}: {p}" for p in page.evaluate(AXE_RUN)]
    assert not problems, "\n".join(problems)


def _focused(page, prop: str):
    return page.evaluate(f"() => document.activeElement.{prop}")


def test_a_unit_logs_in_and_opens_its_event_with_the_keyboard_only(live_server, page, users):
    """Tab / typing / Enter only, at phone width: the first Tab offers the skip link, the
    fields are reached in order, and the focused control always shows a focus ring."""
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server}/login")
    ring = ("() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }")
    page.keyboard.press("Tab")
    assert _focused(page, "innerText") == "Bỏ qua menu, tới nội dung chính"
    assert page.locator(".skip-link").is_visible() and page.evaluate(ring)
    page.keyboard.press("Enter")
    assert _focused(page, "id") == "main"
    page.keyboard.press("Tab")
    assert _focused(page, "name") == "email" and page.evaluate(ring)
    page.keyboard.type(users["unit_a"].email)
    page.keyboard.press("Tab")
    assert _focused(page, "name") == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(wait_until="networkidle"):
        page.keyboard.press("Enter")
    assert "/login" not in page.url
    # Past the skip link and the closed menu's button, then on to the first event link.
    event_link = page.locator("main a[href*='/events/']").first
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("(link) => document.activeElement === link", event_link.element_handle()):
            break
    else:
        pytest.fail("Tab never reached the event's link")
    assert page.evaluate(ring)
    href = event_link.get_attribute("href")
    with page.expect_navigation(wait_until="networkidle"):
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == href


def test_every_page_names_a_favicon_that_is_served(client):
    """The tab shows the app's star, as an SVG and as an ICO for browsers that want one."""
    page = client.get("/login").get_data(as_text=True)
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert len(icons) == 2
    types = set()
    for href in icons:
        response = client.get(href)
        assert response.status_code == 200 and len(response.data) > 100
        types.add(response.mimetype)
    assert "image/svg+xml" in types and any("icon" in t for t in types), types
