"""Malformed input sweep (issue 7): every form a user can reach, filled with very long
strings or invalid UTF-8, and every upload given hostile files. Each answer is a clear
refusal or a normal success — never a 5xx — and a refusal changes nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from tests.helpers import with_sheet, xlsx, zip_bomb
from tests.security.sweep import crawl, fingerprint, slug_of

#: Longer than any field may be (20,000 letters, the event's pasted definitions); a form
#: whose fields together pass 2 MB gets the 413 of ``test_body_limits`` instead.
LONG = "Ắ" * 25_000
START = "/events/doi-thoai-2020/"


@pytest.fixture
def before_deadlines(set_now):
    set_now(datetime(2020, 2, 1, 2, 0, tzinfo=UTC))


def _fill(form, value: str) -> dict:
    data = {}
    for name, kind in form.fields.items():
        if name == "csrf_token" or kind in ("file", "submit", "button"):
            continue
        if kind in ("select", "checkbox", "radio"):
            options = [o for o in form.options.get(name, []) if o]
            if options:
                data[name] = options[0]
            continue
        data[name] = value
    return data


def _sweep_forms(client, value: str) -> int:
    pages, forms = crawl(client, START)
    assert len(pages) > 5, pages
    checked = 0
    for page, form in forms:
        if form.has_file or form.action.endswith("/logout"):
            continue
        before = fingerprint()
        response = client.post_form(form.action, _fill(form, value), page=page)
        assert response.status_code < 500, (form.action, response.status_code)
        if response.status_code not in (301, 302, 303):
            assert fingerprint() == before, f"refused but changed: {slug_of(form.action)}"
        checked += 1
    return checked


@pytest.mark.parametrize("who", ["organizer", "unit_a"])
def test_every_form_survives_very_long_strings(client, users, login, who, before_deadlines):
    login(users[who])
    assert _sweep_forms(client, LONG) > 3


@pytest.mark.parametrize("who", ["organizer", "unit_a"])
def test_every_form_survives_invalid_utf8(client, users, login, who, before_deadlines):
    login(users[who])
    pages, forms = crawl(client, START)
    for page, form in forms:
        if form.has_file or form.action.endswith("/logout"):
            continue
        token = client.csrf_token(page)
        body = "&".join([f"csrf_token={token}"] + [f"{name}=%FF%FE%C3%28" for name in
                                                     _fill(form, "x")])
        before = fingerprint()
        response = client.post(form.action, data=body.encode(),
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (form.action, response.status_code)
        if response.status_code not in (301, 302, 303):
            assert fingerprint() == before, f"refused but changed: {slug_of(form.action)}"


def _million_rows() -> bytes:
    """A real workbook whose sheet has 1,000,000 rows (well compressed, ~50 MB inside)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for i in range(1, 1_000_001))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows +
             "</sheetData></worksheet>")
    return with_sheet(sheet)


HOSTILE_FILES = {
    "not-a-zip.xlsx": "Đây không phải tệp Excel, chỉ là văn bản.".encode(),
    "bomb.xlsx": None,  # built lazily (large)
    "million.xlsx": None,
    "wrong-headers.xlsx": xlsx([["Cột lạ", "Không đúng mẫu"], ["a", "b"]]),
    "fake.pdf": b"MZ\x90\x00 an executable pretending to be a PDF" * 10,
    "huge.pdf": b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024),
    "empty.xlsx": b"",
}


@pytest.fixture(scope="module")
def hostile_files():
    files = dict(HOSTILE_FILES)
    files["bomb.xlsx"] = zip_bomb(500)
    files["million.xlsx"] = _million_rows()
    return files


@pytest.mark.parametrize("who", ["organizer", "unit_a"])
def test_every_upload_refuses_hostile_files(client, users, login, who, hostile_files,
                                            before_deadlines):
    login(users[who])
    pages, forms = crawl(client, START)
    uploads = [(page, form) for page, form in forms if form.has_file]
    assert uploads, "no upload form found"
    for page, form in uploads:
        file_field = next(n for n, k in form.fields.items() if k == "file")
        for name, content in hostile_files.items():
            data = _fill(form, "x")
            data[file_field] = (io.BytesIO(content), name)
            before = fingerprint()
            response = client.post_form(form.action, data, page=page,
                                        content_type="multipart/form-data")
            label = f"{slug_of(form.action)} ← {name}"
            assert response.status_code < 500, (label, response.status_code)
            assert response.status_code not in (301, 302, 303) or "nominations" in \
                form.action, label
            assert fingerprint() == before, f"hostile file changed data: {label}"
