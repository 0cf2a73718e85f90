"""The organizer's side: decisions with reasons, the honoree list, Excel export, certificates."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.nominations.models import Nomination
from tests.nominations.conftest import BASE, complete_dossier, create_dossier, submit

ALL_TICKS = {f"check-{c}": "1" for c in ("achievements", "duties", "ethics", "initiatives")}


def decide(organizer, nomination_id, **data):
    page = f"{BASE}/{nomination_id}"
    return organizer.post_form(f"{page}/decide", data, page=page)


def status(nomination_id) -> str:
    db.session.expire_all()
    return db.session.get(Nomination, nomination_id).status


def sent(unit, **overrides) -> int:
    nomination_id = complete_dossier(unit, **overrides)
    submit(unit, nomination_id)
    return nomination_id


def test_organizer_list_shows_sent_dossiers_with_results(clients, before_deadline):
    unit_a, unit_b, organizer = clients("unit_a"), clients("unit_b"), clients("organizer")
    eligible = sent(unit_a)
    short = sent(unit_b, full_name="Lê Văn Nam", **{"period-0-start": "1995-01-01"})
    create_dossier(unit_a, full_name="Bản nháp")
    html = organizer.get(BASE + "/").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in html and "Lê Văn Nam" in html
    assert "Bản nháp" not in html and "Huyện đoàn Ba Tri (1)" in html
    assert html.count("Đủ điều kiện") >= 1 and "Chưa đủ" in html
    only_b = organizer.get(f"{BASE}/?unit={db.session.get(Nomination, short).unit_id}")
    assert "Nguyễn Thị Lan" not in only_b.get_data(as_text=True)
    page = organizer.get(f"{BASE}/{eligible}").get_data(as_text=True)
    assert "Xét duyệt của Ban tổ chức" in page and "Có phẩm chất đạo đức tốt" in page


def test_decisions_and_their_reasons(clients, before_deadline):
    unit, organizer = clients("unit_a"), clients("organizer")
    eligible = sent(unit)
    short = sent(unit, full_name="Lê Văn Nam", **{"period-0-start": "1995-01-01"})

    # Approving needs the four manual criteria.
    response = decide(organizer, eligible, decision="approved")
    assert response.status_code == 422
    assert "Cần đánh dấu đủ 4 tiêu chí" in response.get_data(as_text=True)
    assert status(eligible) == "submitted"
    assert decide(organizer, eligible, decision="approved", **ALL_TICKS).status_code == 302
    assert status(eligible) == "approved"

    # Approving against the automatic result needs a written reason.
    response = decide(organizer, short, decision="approved", **ALL_TICKS)
    assert response.status_code == 422
    assert "khác với kết quả xét tự động; cần ghi rõ lý do" in response.get_data(as_text=True)
    assert status(short) == "submitted"
    decide(organizer, short, decision="approved", reason="Đã có quyết định công nhận thâm niên "
           "bổ sung của Phòng GD&ĐT", **ALL_TICKS)
    assert status(short) == "approved"
    n = db.session.get(Nomination, short)
    assert n.decision_auto_eligible is False and n.decided_by.email == "btc@test.vn"

    # Rejecting always needs a reason.
    response = decide(organizer, eligible, decision="rejected")
    assert response.status_code == 422
    assert "Cần ghi lý do không vinh danh" in response.get_data(as_text=True)
    decide(organizer, eligible, decision="rejected", reason="Trùng với đợt vinh danh năm trước")
    assert status(eligible) == "rejected"
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "nomination.decide").order_by(AuditEntry.id.desc()))
    assert entry.after["status"] == "rejected" and entry.user_id is not None
    assert "trái với kết quả tự động" in entry.summary
    unit_page = unit.get(f"{BASE}/{eligible}").get_data(as_text=True)
    assert "Không được vinh danh" in unit_page and "Trùng với đợt vinh danh năm trước" in unit_page


def test_cannot_decide_a_draft_or_returned_dossier(clients, before_deadline):
    unit, organizer = clients("unit_a"), clients("organizer")
    nomination_id = create_dossier(unit)
    response = decide(organizer, nomination_id, decision="approved", **ALL_TICKS)
    # An unsent draft is the unit's alone: to organizers it does not exist.
    assert response.status_code == 404 and status(nomination_id) == "draft"


def test_honoree_list_order_print_and_excel(clients, before_deadline):
    unit_a, unit_b, organizer = clients("unit_a"), clients("unit_b"), clients("organizer")
    lan = sent(unit_a)
    nam = sent(unit_b, full_name="=HYPERLINK(\"x\")", school="Trường THCS Bình Thắng")
    hoa = sent(unit_a, full_name="Phạm Thị Hoa", status="retired", retired_on="2018-08-31",
               **{"period-0-start": "1988-09-01", "period-0-end": "2018-08-31",
                  "title-0-year": "2018"})
    for nomination_id in (lan, nam, hoa):
        decide(organizer, nomination_id, decision="approved", reason="Đạt", **ALL_TICKS)
    html = organizer.get(f"{BASE}/honorees").get_data(as_text=True)
    assert html.index("Nguyễn Thị Lan") < html.index("Phạm Thị Hoa") < html.index("HYPERLINK")
    organizer.post_form(f"{BASE}/honorees", {f"order-{hoa}": "1", f"order-{lan}": "3",
                                             f"order-{nam}": "2"}, page=f"{BASE}/honorees")
    html = organizer.get(f"{BASE}/honorees").get_data(as_text=True)
    assert html.index("Phạm Thị Hoa") < html.index("HYPERLINK") < html.index("Nguyễn Thị Lan")
    assert "30 năm 0 tháng" in html and "In danh sách" in html
    bad = organizer.post_form(f"{BASE}/honorees", {f"order-{hoa}": "một"},
                              page=f"{BASE}/honorees")
    assert "phải là số từ 1" in bad.get_data(as_text=True)

    response = organizer.get(f"{BASE}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Danh sách vinh danh"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("STT", "Thứ tự đọc", "Họ và tên", "Ngày sinh")
    assert [r[2] for r in rows[1:]] == ["Phạm Thị Hoa", "=HYPERLINK(\"x\")", "Nguyễn Thị Lan"]
    assert sheet["C3"].data_type == "s"  # the formula-looking name stays text
    assert rows[1][8] == "30 năm 0 tháng 0 ngày" and rows[1][7] == "Đã nghỉ hưu"
    assert sheet.freeze_panes == "A2"
    details = list(book["Tất cả hồ sơ"].iter_rows(values_only=True))
    header = details[0]
    assert "Thâm niên công tác Đội" in header and "Gửi đúng hạn" in header
    first = dict(zip(header, details[1], strict=False))
    assert first["Kết quả tự động"] in ("Đủ điều kiện", "Chưa đủ điều kiện")
    assert first["Gửi đúng hạn"].startswith("Đạt: Nhận lúc")


def test_certificate_page_and_settings(clients, before_deadline):
    unit, organizer = clients("unit_a"), clients("organizer")
    lan = sent(unit)
    waiting = sent(unit, full_name="Chờ Xét")
    decide(organizer, lan, decision="approved", **ALL_TICKS)
    html = organizer.get(f"{BASE}/{lan}/certificate").get_data(as_text=True)
    assert "NGUYỄN THỊ LAN" in html and "GIẤY CHỨNG NHẬN" in html
    assert "Bến Tre, ngày 14 tháng 02 năm 2020" in html
    assert "31 năm 1 tháng" in html and "Trường Tiểu học An Thủy" in html
    # The issuer comes from where the event is (a venue in tỉnh Bến Tre); a way back to the
    # dossier, and the signer's empty name named above the certificate (hidden in print).
    assert "TỈNH ĐOÀN BẾN TRE" in html and f'href="{BASE}/{lan}">← Quay lại' in html
    assert "Chưa điền: họ tên người ký (in để trống)." in html
    assert organizer.get(f"{BASE}/{waiting}/certificate").status_code == 302
    response = organizer.post_form(f"{BASE}/certificate-settings", {
        "issuer": "TỈNH ĐOÀN BẾN TRE\nSỞ GIÁO DỤC VÀ ĐÀO TẠO", "heading": "BẰNG VINH DANH",
        "citation": "Đã có nhiều cống hiến.", "place": "Bến Tre", "signed_on": "2020-02-14",
        "signer_title": "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN\nPHÓ BÍ THƯ THƯỜNG TRỰC",
        "signer_name": "Lâm Như Quỳnh"}, page=f"{BASE}/certificate-settings")
    assert response.status_code == 302
    html = organizer.get(f"{BASE}/certificates").get_data(as_text=True)
    assert "BẰNG VINH DANH" in html and "Lâm Như Quỳnh" in html and "PHÓ BÍ THƯ" in html
    assert f'href="{BASE}/honorees">← Quay lại' in html and "Chưa điền" not in html
    response = organizer.post_form(f"{BASE}/certificate-settings", {"issuer": "", "heading": "x",
                                   "citation": "x", "place": "x", "signer_title": "x"},
                                   page=f"{BASE}/certificate-settings")
    assert response.status_code == 200 and "Không được để trống." in response.get_data(True)
