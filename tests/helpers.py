"""Plain helpers shared by tests in several directories (fixtures live in conftest.py files):
Excel workbooks built in memory, well-formed or hostile, and filling a form in Chromium."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence

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
