"""Chromium: a district union files a dossier with uploads and watches the live result; an
organizer decides; the honoree list and an A4-landscape certificate print correctly."""

from __future__ import annotations

import pypdfium2
import pytest

from tests.conftest import browser_login
from tests.helpers import fill_form
from tests.nominations.conftest import vn
from tests.nominations.helpers import PDF, docx_bytes

pytestmark = pytest.mark.browser
BASE = "/events/doi-thoai-2020/nominations"


def _live(page, text: str) -> None:
    page.wait_for_function(
        "t => document.getElementById('live-result').innerText.includes(t)", arg=text)


def test_unit_files_a_dossier_and_organizer_decides(live_server, page, users, artifacts,
                                                     set_now, tmp_path, chromium):
    set_now(vn("2020-02-03T09:00:00"))
    letter = tmp_path / "To trinh Huyen doan Ba Tri.docx"
    letter.write_bytes(docx_bytes("Tờ trình"))
    report = tmp_path / "Bao cao thanh tich co xac nhan.pdf"
    report.write_bytes(PDF)
    fake = tmp_path / "gia-mao.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")

    # The unit reaches the tab from its home page and uploads its submission letter.
    browser_login(page, live_server, users["unit_a"])
    with page.expect_navigation(wait_until="networkidle"):
        page.click("a.nav-link:has-text('Hồ sơ vinh danh')")
    page.set_input_files("#letter-file", str(letter))
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Tải tờ trình lên")
    page.wait_for_selector("text=Đã tải lên")

    # The dossier form: the result follows every keystroke.
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=+ Lập hồ sơ mới")
    fill_form(page, {"#full_name": "Nguyễn Thị Lan", "#gender": "nu", "#birth_date": "1968-05-19",
                     "#school": "Trường Tiểu học An Thủy", "[name=period-0-start]": "1989-09-05",
                     "[name=period-0-end]": "2001-08-31"})
    page.click("[data-add-row=period]")
    page.fill("[name=period-1-start]", "2002-09-01")
    page.click("[data-add-row=title]")
    page.select_option("[name=title-0-title]", "chien_si_thi_dua_co_so")
    _live(page, "Thâm niên công tác Đội 29 năm 5 tháng 9 ngày, chưa đủ 30 năm; "
                "đủ điều kiện từ ngày 05/09/2020")
    assert "Chưa đủ điều kiện" in page.inner_text("#live-result")
    page.screenshot(path=str(artifacts / "nominations-form-live.png"), full_page=True)
    page.fill("[name=period-0-start]", "1988-09-05")  # one more year: now eligible
    _live(page, "30 năm 5 tháng 9 ngày, đủ 30 năm")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Lưu hồ sơ")
    page.wait_for_selector("text=Đã lưu hồ sơ")

    # Files are judged by content: a fake PDF is refused, the real one accepted.
    page.set_input_files("#file", str(fake))
    page.check("#kind-bao_cao_thanh_tich")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#upload-form button[type=submit]")
    page.wait_for_selector("text=Chỉ nhận tệp PDF, Word (.docx) hoặc ảnh")
    page.set_input_files("#file", str(report))
    for kind in ("bao_cao_thanh_tich", "tom_tat_qua_trinh", "xac_nhan_doan_co_so",
                 "xac_nhan_cap_uy"):
        page.check(f"#kind-{kind}")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#upload-form button[type=submit]")
    page.wait_for_selector("text=Hồ sơ đủ 5 thành phần")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button:has-text('Gửi hồ sơ')")
    page.wait_for_selector("#dossier-status:has-text('Đã gửi, chờ xét')")
    page.screenshot(path=str(artifacts / "nominations-unit-detail.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Đăng xuất")

    # The organizer ticks the manual criteria and approves.
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}{BASE}/")
    page.screenshot(path=str(artifacts / "nominations-review-list.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Nguyễn Thị Lan")
    for code in ("achievements", "duties", "ethics", "initiatives"):
        page.check(f"#check-{code}")
    page.check("#decision-rejected")
    assert page.is_visible("[data-against-hint]")  # rejecting an eligible dossier: a warning
    page.check("#decision-approved")
    assert not page.is_visible("[data-against-hint]")
    page.screenshot(path=str(artifacts / "nominations-review-detail.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Lưu kết quả xét")
    page.wait_for_selector("text=Đã lưu kết quả xét hồ sơ")
    assert "Được vinh danh" in page.inner_text("#review-list")

    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Danh sách vinh danh")
    assert "30 năm 5 tháng" in page.inner_text("#honorees")
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "nominations-honorees-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # The certificate: A4 landscape, diacritics intact in the PDF Chromium prints.
    href = page.get_attribute("#honorees a:has-text('Giấy chứng nhận')", "href")
    cert = page.context.new_page()
    cert.set_viewport_size({"width": 1123, "height": 794})
    cert.goto(f"{live_server}{href}")
    back = cert.locator("a:text-is('← Quay lại')")  # to the dossier; never on paper
    assert back.is_visible() and back.get_attribute("href") == href.rsplit("/", 1)[0]
    cert.screenshot(path=str(artifacts / "nominations-certificate-screen.png"))
    cert.emulate_media(media="print")
    assert not back.is_visible()
    cert.screenshot(path=str(artifacts / "nominations-certificate.png"))
    pdf = cert.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "nominations-certificate.pdf").write_bytes(pdf)
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 1
    width, height = document[0].get_size()
    assert abs(width - 841.9) < 2 and abs(height - 595.3) < 2  # A4 landscape, in points
    text = document[0].get_textpage().get_text_range()
    for expected in ("NGUYỄN THỊ LAN", "GIẤY CHỨNG NHẬN", "Trường Tiểu học An Thủy",
                     "Thâm niên công tác Đội: 30 năm 5 tháng", "Huyện đoàn Ba Tri",
                     "Bến Tre, ngày 14 tháng 02 năm 2020",
                     "Vinh danh Giáo viên Tổng phụ trách Đội nhiều năm cống hiến"):
        assert expected in text, expected
    document[0].render(scale=1.5).to_pil().save(artifacts / "nominations-certificate-pdf.png")
