"""Chromium: a unit registers a delegate through the form; the organizer prints invitations
and badge sheets, saved as PDF (page.pdf) and rendered to PNG, read back for diacritics."""

from __future__ import annotations

import pypdfium2
import pytest
import zxingcpp

from eventapp.registration import codes
from tests.conftest import browser_login
from tests.helpers import fill_form

pytestmark = pytest.mark.browser

SETTINGS = {
    "issuer_parent": "ĐOÀN TNCS HỒ CHÍ MINH",
    "issuer": "BAN CHẤP HÀNH\nTỈNH ĐOÀN BẾN TRE",
    "number": "15-GM/TĐTN",
    "place": "Bến Tre",
    "issued_on": "2020-02-07",
    "inviter": "Ban Thường vụ Tỉnh đoàn Bến Tre trân trọng kính mời",
    "signer_capacity": "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN",
    "signer_title": "PHÓ BÍ THƯ THƯỜNG TRỰC",
    "signer_name": "Lâm Như Quỳnh",
    "short_title": "Đối thoại giữa Bí thư Tỉnh ủy và cán bộ Đoàn – Đội trường học năm 2020",
}
NAMES = ["Nguyễn Thị Ánh Tuyết", "Trần Văn Đức", "Lê Hoàng Phương Uyên", "Phạm Quốc Việt",
         "Võ Thị Ngọc Hân", "Huỳnh Đức Thắng", "Đặng Thùy Dương", "Bùi Thanh Hải",
         "Ngô Thị Hồng Nhung", "Dương Văn Lộc"]


def _pdf_text_and_png(pdf: bytes, png_path) -> tuple[int, list[str]]:
    document = pypdfium2.PdfDocument(pdf)
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    document[0].render(scale=1.6).to_pil().save(png_path)
    return len(document), texts


def test_register_and_print(live_server, page, users, open_registration, add, artifacts,
                            app):
    # A unit registers one delegate with the form and sees its cap fill up.
    browser_login(page, live_server, users["unit_a"])
    page.goto(f"{live_server}/events/doi-thoai-2020/registration/")
    assert "0/5 chỗ đã đăng ký" in page.inner_text("#unit-seats")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Thêm đại biểu")
    fill_form(page, {"input[name=full_name]": "Nguyễn Văn Ấn",
                     "input[name=position]": "Thành viên Ban Chủ nhiệm CLB Tổng phụ trách Đội",
                     "input[name=workplace]": "Trường THCS An Đức",
                     "select[name=category]": "clb-tpt",
                     "input[name=sessions][value=so-ket]": True,
                     "input[name=phone]": "0912 345 678"}, "button:has-text('Đăng ký')")
    assert "Đã đăng ký Nguyễn Văn Ấn" in page.inner_text("body")
    assert "1/5 chỗ đã đăng ký" in page.inner_text("#unit-seats")
    page.screenshot(path=str(artifacts / "registration-unit-list.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Đăng xuất")

    for i, name in enumerate(NAMES):
        add(users["unit_b"] if i % 2 else users["unit_a"], name,
            position="Giáo viên Tổng phụ trách Đội", workplace=f"Trường Tiểu học số {i + 1}",
            sessions=["doi-thoai", "so-ket"] if i < 3 else ["doi-thoai"])
    add(users["organizer"], "Trần Hữu Lợi", category="lanh-dao",
        position="Phó Bí thư Tỉnh đoàn", workplace="Tỉnh đoàn Bến Tre", seat="A1-05")

    # The organizer fills in the letterhead, then prints.
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}/events/doi-thoai-2020/registration/settings")
    for name, value in SETTINGS.items():
        page.fill(f"[name={name}]", value)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button:has-text('Lưu')")
    page.fill("#f-q", "nguyen van an")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button:has-text('Lọc')")
    rows = page.locator("#attendees tbody tr")
    assert rows.count() == 1 and "Nguyễn Văn Ấn" in rows.first.inner_text()
    page.goto(f"{live_server}/events/doi-thoai-2020/registration/")
    page.screenshot(path=str(artifacts / "registration-organizer-list.png"), full_page=True)
    assert page.locator("#attendees tbody tr").count() == 12

    with page.expect_popup() as popup:
        page.click("a:text-is('In giấy mời')")
    letters = popup.value
    letters.wait_for_load_state("networkidle")
    letters.emulate_media(media="print")
    pdf = letters.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "registration-invitations.pdf").write_bytes(pdf)
    pages, texts = _pdf_text_and_png(pdf, artifacts / "registration-invitation.png")
    assert pages == 12  # one A4 page per attendee, no spill-over
    first = texts[0]
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc",
                     "GIẤY MỜI", "Bến Tre, ngày 07 tháng 02 năm 2020", "TỈNH ĐOÀN BẾN TRE",
                     "Lâm Như Quỳnh", "Hội trường lớn Ủy ban nhân dân tỉnh Bến Tre",
                     "08 giờ 00 – 11 giờ 00, thứ Sáu, ngày 14/02/2020", "A1-05"):
        assert expected in first, expected
    assert "TRẦN HỮU LỢI" in first  # guests first; the name in capitals
    # The QR printed on the letter scans back to the attendee's code.
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    with app.app_context():
        from eventapp.extensions import db
        from eventapp.registration.models import Attendee

        guest = db.session.query(Attendee).filter_by(full_name="Trần Hữu Lợi").one()
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [codes.attendee_code(guest)]

    page.goto(f"{live_server}/events/doi-thoai-2020/registration/")
    with page.expect_popup() as popup:
        page.click("a:text-is('In thẻ đại biểu')")
    badges = popup.value
    badges.wait_for_load_state("networkidle")
    badges.screenshot(path=str(artifacts / "registration-badges-screen.png"))
    badges.emulate_media(media="print")
    pdf = badges.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "registration-badges.pdf").write_bytes(pdf)
    pages, texts = _pdf_text_and_png(pdf, artifacts / "registration-badges.png")
    assert pages == 2  # 12 badges, 8 per A4 sheet
    text = " ".join(texts).replace("\r\n", " ").replace("\n", " ")
    for name in [*NAMES, "Nguyễn Văn Ấn", "Trần Hữu Lợi"]:
        assert name.upper() in text, name
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    assert len(zxingcpp.read_barcodes(image)) == 8
