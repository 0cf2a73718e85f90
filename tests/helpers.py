"""Plain helpers shared by tests in several directories (fixtures live in conftest.py files):
Excel workbooks built in memory, well-formed or hostile, filling a form in Chromium, and the
live demo's pages to walk."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook

SHEET_PATH = "xl/worksheets/sheet1.xml"


def xlsx(rows: Iterable[Sequence], headers: Sequence = ()) -> bytes:
    """An .xlsx file: ``headers`` (when given) on the first row of its sheet, then ``rows``."""
    wb = Workbook()
    ws = wb.active
    if headers:
        ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_sheet(sheet_xml: str | bytes) -> bytes:
    """A real workbook whose first sheet is ``sheet_xml`` as given (damaged, huge, hostile)."""
    template = zipfile.ZipFile(io.BytesIO(xlsx([["x"]])))
    body = sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in template.infolist():
            archive.writestr(item.filename,
                             body if item.filename == SHEET_PATH else template.read(item))
    return out.getvalue()


def zip_bomb(megabytes: int) -> bytes:
    """A zip named like a workbook whose sheet unpacks to ``megabytes`` MB of zero bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr(SHEET_PATH, b"\0" * (megabytes * 1024 * 1024))
    return out.getvalue()


def fill_form(page, fields: dict, submit: str | None = None) -> None:
    """Fill a form in the browser as a user would: ``fields`` maps a selector to its value (a
    ``<select>`` gets that option, ``True`` ticks a box); then click ``submit`` and wait for
    the page that answers.

    Every click that loads a page in these tests waits inside ``expect_navigation``: a click
    does not wait for the load it starts, and ``wait_for_load_state`` just after it can return
    at once on the old page, which is already idle (a busy CI machine read the dashboard where
    the guide it had clicked should have been)."""
    for selector, value in fields.items():
        if value is True:
            page.check(selector)
        elif page.locator(selector).evaluate("(element) => element.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    if submit:
        with page.expect_navigation(wait_until="networkidle"):
            page.click(submit)


def open_page(page, url: str):
    """Go to ``url`` as the page walks do and return the response, once the page is whole:
    its load event, then the end of the fetches its scripts started meanwhile (the print
    settings' preview, the check-in board's first poll), and on the scanner the ready mark
    its script sets.

    Not ``networkidle``: that waits for half a second of silence after every page, which
    was 32 s of the 77 s the phone walk took."""
    pending: set = set()

    def started(request):
        if request.resource_type == "fetch":
            pending.add(request)

    def ended(request):
        pending.discard(request)

    events = {"request": started, "requestfinished": ended, "requestfailed": ended}
    for name, handler in events.items():
        page.on(name, handler)
    try:
        response = page.goto(url, wait_until="load")
        for _ in range(400):  # 20 s at most
            if not pending:
                break
            page.wait_for_timeout(50)
        # One frame more: the scripts draw what their fetches brought.
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    finally:
        for name, handler in events.items():
            page.remove_listener(name, handler)
    if page.locator("body.ci-scanner-page").count():
        page.wait_for_selector("body[data-scanner-ready='1']")
    return response


#: The live demo's rows that the page walks' paths name, one query per placeholder: a BATRI
#: question still open to edits, dossier and delegate, the BATRI account, and BATRI itself.
LIVE_DEMO_IDS = {
    "question": "SELECT min(q.id) FROM question q JOIN unit u ON u.id = q.unit_id"
                " JOIN event e ON e.id = q.event_id"
                " WHERE e.slug = :slug AND u.code = 'BATRI' AND q.status = 'submitted'",
    "dossier": "SELECT min(n.id) FROM nomination n JOIN unit u ON u.id = n.unit_id"
               " JOIN event e ON e.id = n.event_id WHERE e.slug = :slug AND u.code = 'BATRI'",
    "attendee": "SELECT min(a.id) FROM attendee a JOIN unit u ON u.id = a.unit_id"
                " JOIN event e ON e.id = a.event_id WHERE e.slug = :slug AND u.code = 'BATRI'",
    "user": "SELECT id FROM user_account WHERE email = 'batri@demo.vn'",
    "unit": "SELECT id FROM unit WHERE code = 'BATRI'",
}


def live_demo_paths(runner, password: str, paths: Iterable[tuple[str, str]]
                    ) -> list[tuple[str, str]]:
    """Load the live demo (``demo --live``, every account with ``password``) and return the
    (role, path) pairs with ``{slug}`` and the ``LIVE_DEMO_IDS`` placeholders filled in."""
    import sqlalchemy as sa

    from eventapp.demo.live import LIVE_SLUG
    from eventapp.extensions import db

    result = runner.invoke(args=["demo", "--live", "--password", password])
    assert result.exit_code == 0, result.output
    ids = {name: db.session.execute(sa.text(sql), {"slug": LIVE_SLUG}).scalar_one()
           for name, sql in LIVE_DEMO_IDS.items()}
    db.session.remove()
    return [(role, path.format(slug=LIVE_SLUG, **ids)) for role, path in paths]


#: The live demo's account of each role the walks log in as.
LIVE_DEMO_ACCOUNTS = {"organizer": "bantochuc@demo.vn", "unit": "batri@demo.vn",
                      "checkin": "checkin@demo.vn"}


def walk_live_demo(page, base_url: str, walk: Iterable[tuple[str, str]], shots: Path,
                   prefix: str, widths: Sequence[int] = (1280, 360)):
    """Open each (role, path) of ``walk`` (in role order) at each width, logged in as the
    role's demo account (``anonymous``: logged out), check that it answered 200 and kept the
    role's page, keep a screenshot ``shots/<prefix>-<role>-<path>-<width>.png`` and yield
    ``(role, path, width, where)`` with the page open, ``where`` naming it for messages."""
    from types import SimpleNamespace

    from eventapp.demo.live import LIVE_SLUG
    from tests.conftest import browser_login

    role_now = None
    for role, path in walk:
        if role != role_now:
            page.context.clear_cookies()
            page.set_viewport_size({"width": 1280, "height": 900})
            if role != "anonymous":
                browser_login(page, base_url, SimpleNamespace(email=LIVE_DEMO_ACCOUNTS[role]))
            role_now = role
        slug = path.strip("/").replace(LIVE_SLUG, "ev").replace("/", "-") or "home"
        for width in widths:
            page.set_viewport_size({"width": width, "height": 800})
            response = open_page(page, base_url + path)
            where = f"{role} {path} at {width}px"
            assert response.status == 200, f"{where}: HTTP {response.status}"
            assert "/login" not in page.url or path == "/login", f"{where}: sent to log in"
            page.screenshot(path=str(shots / f"{prefix}-{role}-{slug}-{width}.png"),
                            full_page=True)
            yield role, path, width, where

