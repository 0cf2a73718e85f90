"""The signature sheet (danh sách ký nhận): who sees which list, the title block, the
order, and the same list in Excel read back; printed on A4 in Chromium."""

from __future__ import annotations

import io
from datetime import datetime

import pypdfium2
import pytest
from openpyxl import load_workbook

from eventapp.extensions import db
from tests.checkin.conftest import add_attendee
from tests.conftest import browser_login
from tests.registration.conftest import VN

SHEET = "/events/doi-thoai-2020/registration/signatures"


@pytest.fixture
def hall(event):
    """BATRI: two delegates (head first) and a cancelled one; BINHDAI: one, whose title
    looks like a formula; a guest; one BATRI delegate of the afternoon only."""
    people = {
        "an": add_attendee(event, "Nguyễn Văn Ấn", commit=False),
        "binh": add_attendee(event, "Trần Thị Bình", commit=False),
        "huy": add_attendee(event, "Phạm Đã Hủy", status="cancelled", commit=False),
        "cuong": add_attendee(event, "Lê Quốc Cường", unit="BINHDAI", commit=False),
        "guest": add_attendee(event, "Đặng Khách Mời", unit=None, category="lanh-dao",
                              commit=False),
        "chieu": add_attendee(event, "Võ Buổi Chiều", sessions=("so-ket",), commit=False),
    }
    people["an"].position = "Bí thư Đoàn trường"
    people["cuong"].position = "=HYPERLINK(\"http://x\",\"bấm\")"
    db.session.commit()
    return people


def test_organizer_prints_every_unit_one_sheet_each(client, login, users, hall):
    login(users["organizer"])
    response = client.get(SHEET + "?session=doi-thoai")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="sign-sheet"') == 3  # guests, BATRI, BINHDAI
    for text in ("DANH SÁCH KÝ NHẬN", "Chương trình đối thoại giữa Bí thư Tỉnh ủy",
                 "ngày 14/02/2020", "Thời gian: 08:00",
                 "<th>STT</th><th>Họ và tên</th><th>Chức vụ</th><th>Đơn vị</th><th>Ký tên</th>",
                 "Bí thư Đoàn trường", "← Quay lại"):
        assert text in html, text
    order = [html.index(name) for name in ("Đặng Khách Mời", "Nguyễn Văn Ấn", "Trần Thị Bình",
                                           "Lê Quốc Cường")]
    assert order == sorted(order)
    assert "Phạm Đã Hủy" not in html and "Võ Buổi Chiều" not in html
    afternoon = client.get(SHEET + "?session=so-ket").get_data(as_text=True)
    assert "Võ Buổi Chiều" in afternoon and "Nguyễn Văn Ấn" not in afternoon


def test_organizer_picks_one_unit(client, login, users, hall):
    login(users["organizer"])
    html = client.get(SHEET + "?session=doi-thoai&unit=BINHDAI").get_data(as_text=True)
    assert html.count('class="sign-sheet"') == 1
    assert "Lê Quốc Cường" in html and "Nguyễn Văn Ấn" not in html


def test_a_unit_gets_its_own_list_whatever_it_asks(client, login, users, hall):
    login(users["unit_a"])
    for query in ("?session=doi-thoai", "?session=doi-thoai&unit=BINHDAI",
                  "?session=doi-thoai&unit=khach-moi"):
        html = client.get(SHEET + query).get_data(as_text=True)
        assert "Nguyễn Văn Ấn" in html and "Trần Thị Bình" in html, query
        assert "Lê Quốc Cường" not in html and "Đặng Khách Mời" not in html, query
    book = client.get(SHEET + ".xlsx?session=doi-thoai&unit=BINHDAI")
    names = [r[1] for r in load_workbook(io.BytesIO(book.data)).worksheets[0]
             .iter_rows(min_row=2, values_only=True)]
    assert names == ["Nguyễn Văn Ấn", "Trần Thị Bình"]


def test_who_may_not(app, client, login, users, hall, set_now):
    assert client.get(SHEET + "?session=doi-thoai").status_code == 302  # to the login page
    login(users["checkin"])
    assert client.get(SHEET + "?session=doi-thoai").status_code == 403
    assert client.get(SHEET + ".xlsx?session=doi-thoai").status_code == 403
    client = login(users["organizer"], app.test_client())
    # No session named: the one under way or next (the afternoon, at 12:00 that day).
    set_now(datetime(2020, 2, 14, 12, 0, tzinfo=VN))
    assert "Võ Buổi Chiều" in client.get(SHEET).get_data(as_text=True)
    assert client.get(SHEET + "?session=khong-co").status_code == 404
    assert client.get(SHEET + "?session=doi-thoai&back=https://evil.example/").status_code == 200
    html = client.get(SHEET + "?session=doi-thoai&back=https://evil.example/") \
        .get_data(as_text=True)
    assert "evil.example" not in html


def test_excel_is_the_same_list_and_formula_safe(client, login, users, hall):
    login(users["organizer"])
    response = client.get(SHEET + ".xlsx?session=doi-thoai")
    assert response.status_code == 200
    assert "danh-sach-ky-nhan-doi-thoai-2020-doi-thoai-tat-ca.xlsx" in \
        response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet, info = book.worksheets
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Ký tên")
    assert [r[:4] for r in rows[1:]] == [
        (1, "Đặng Khách Mời", None, "Khách mời"),
        (2, "Nguyễn Văn Ấn", "Bí thư Đoàn trường", "Huyện đoàn Ba Tri"),
        (3, "Trần Thị Bình", None, "Huyện đoàn Ba Tri"),
        (4, "Lê Quốc Cường", "=HYPERLINK(\"http://x\",\"bấm\")", "Huyện đoàn Bình Đại")]
    assert sheet.cell(row=5, column=3).data_type == "s"  # text, never a formula
    title = dict(info.iter_rows(values_only=True))
    assert title["Ngày"] == "14/02/2020" and title["Đơn vị"] == "Tất cả đơn vị"
    assert title["Phiên"].startswith("Đối thoại")


def test_linked_from_the_registration_list_and_the_board(app, client, login, users, hall):
    login(users["unit_a"])
    html = client.get("/events/doi-thoai-2020/registration/").get_data(as_text=True)
    assert 'href="/events/doi-thoai-2020/registration/signatures?session=doi-thoai"' in html
    assert 'href="/events/doi-thoai-2020/registration/signatures.xlsx?session=so-ket"' in html
    client = login(users["organizer"], app.test_client())
    board = client.get("/checkin/doi-thoai-2020/board?session=doi-thoai").get_data(as_text=True)
    assert "/events/doi-thoai-2020/registration/signatures?session=doi-thoai&amp;back=" in board


@pytest.mark.browser
def test_printed_on_a4(live_server, page, users, event, artifacts):
    for i in range(40):  # more than one A4 page for BATRI: the header row repeats
        add_attendee(event, f"Đại biểu Ba Tri số {i + 1:02d}", commit=False)
    add_attendee(event, "Lê Quốc Cường", unit="BINHDAI", commit=False)
    db.session.commit()
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}{SHEET}?session=doi-thoai&unit=BATRI")
    page.screenshot(path=str(artifacts / "signature-sheet-screen.png"))
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=← Quay lại")
    page.wait_for_url("**/registration/?session=doi-thoai&unit=BATRI")
    page.goto(f"{live_server}{SHEET}?session=doi-thoai")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "signature-sheet.pdf").write_bytes(pdf)
    document = pypdfium2.PdfDocument(pdf)
    for i in range(len(document)):
        document[i].render(scale=1.4).to_pil().save(artifacts / f"signature-sheet-{i + 1}.png")
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    # The PDF's text layer splits lines (and some words): compare without whitespace.
    texts = ["".join(document[i].get_textpage().get_text_range().split())
             for i in range(len(document))]
    # BATRI flows over more than one page, BINHDAI starts on a page of its own.
    assert len(document) >= 3
    assert "Đơnvị:HuyệnđoànBaTri" in texts[0] and "ĐạibiểuBaTrisố01" in texts[0]
    assert "Kýtên" in texts[1] and "Đơnvị:Huyện" not in texts[1]  # header row repeated
    assert "ĐạibiểuBaTrisố40" in texts[-2]
    assert "Đơnvị:HuyệnđoànBìnhĐại" in texts[-1] and "LêQuốcCường" in texts[-1]
    assert "BaTri" not in texts[-1]
    assert "Quaylại" not in "".join(texts)  # the toolbar does not print


def test_each_units_list_numbers_its_lines_from_one(client, login, users, hall):
    login(users["organizer"])
    html = client.get(SHEET + "?session=doi-thoai").get_data(as_text=True)
    for number, name in (("1", "Nguyễn Văn Ấn"), ("2", "Trần Thị Bình"),
                         ("1", "Lê Quốc Cường")):
        assert f'<td class="stt">{number}</td><td class="name">{name}</td>' in html, name
