"""Print settings that are really filled in (issue #17 item 5): a fresh event's letters and
badges print values derived from the event, the settings page shows them as values (not grey
examples), the preview prints what is typed without saving it, and the print views name what
is still empty to the organizer. Item 8: every print view has a way back."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from eventapp.events import letterhead
from eventapp.extensions import db
from eventapp.registration.models import InvitationSetting

BASE = "/events/doi-thoai-2020/registration"
SEED_TITLE = ("Chương trình đối thoại giữa Bí thư Tỉnh ủy và Giáo viên Tổng phụ trách Đội, Trợ "
              "lý thanh niên, Bí thư Đoàn các trường THPT, Bí thư Đoàn Trung tâm GDNN – GDTX; "
              "vinh danh Giáo viên làm Tổng phụ trách Đội có nhiều cống hiến; sơ kết công tác "
              "Đoàn, Đội học kỳ I năm học 2019 – 2020")


@pytest.mark.parametrize(("venue", "expected"), [
    ("Hội trường lớn Ủy ban nhân dân tỉnh Bến Tre", ("tỉnh", "Bến Tre")),
    ("Nhà văn hóa phường Ninh Kiều, thành phố Cần Thơ", ("thành phố", "Cần Thơ")),
    ("Số 5 Lê Duẩn, TP. Hồ Chí Minh", ("thành phố", "Hồ Chí Minh")),
    ("Trung tâm Hội nghị thành phố Bến Tre, tỉnh Vĩnh Long", ("tỉnh", "Vĩnh Long")),
    ("Trung tâm Hoạt động Thanh thiếu nhi tỉnh (Nhà thiếu nhi cũ)", None),
    ("Hội trường Tỉnh đoàn", None),
    ("", None),
])
def test_the_place_is_the_last_province_or_city_a_venue_names(venue, expected):
    found = letterhead.locality(venue)
    assert (found.kind, found.name) == expected if expected else found is None


def test_derived_wording_for_a_province_and_for_no_place():
    bentre = letterhead.letterhead(letterhead.Locality("tỉnh", "Bến Tre"))
    assert bentre.issuer == "BAN CHẤP HÀNH\nTỈNH ĐOÀN BẾN TRE"
    assert bentre.inviter == "Ban Thường vụ Tỉnh đoàn Bến Tre trân trọng kính mời"
    assert bentre.signer_capacity == "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN"
    cantho = letterhead.letterhead(letterhead.Locality("thành phố", "Cần Thơ"))
    assert cantho.issuer.endswith("THÀNH ĐOÀN CẦN THƠ")
    assert letterhead.letterhead(None).issuer == "BAN TỔ CHỨC"
    assert letterhead.letter_date(date(2020, 2, 14)) == date(2020, 2, 7)
    assert letterhead.letter_date(None) is None


@pytest.mark.parametrize(("title", "year", "expected"), [
    (SEED_TITLE, 2020, "Đối thoại giữa Bí thư Tỉnh ủy và Giáo viên Tổng phụ trách Đội năm 2020"),
    ("Hội nghị tổng kết công tác Đội năm 2024", 2024, "Hội nghị tổng kết công tác Đội năm 2024"),
    ("chương trình Tiếp sức mùa thi", None, "Tiếp sức mùa thi"),
])
def test_the_badge_name_is_the_first_clause_with_the_year(title, year, expected):
    assert letterhead.badge_title(title, year) == expected


def test_a_badge_name_never_passes_its_size():
    long = "Đối thoại " + "thanh niên " * 20
    name = letterhead.badge_title(long, 2020)
    assert len(name) <= letterhead.BADGE_TITLE_SIZE + 1 and name.endswith("…")


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or \
        re.search(rf'name="{name}"[^>]*>([^<]*)</textarea>', html)
    return found.group(1) if found else ""


def test_a_fresh_events_settings_are_filled_in_from_the_event(client, users, login):
    login(users["organizer"])
    html = client.get(f"{BASE}/settings").get_data(as_text=True)
    assert _value(html, "issuer_parent") == "ĐOÀN TNCS HỒ CHÍ MINH"
    assert "TỈNH ĐOÀN BẾN TRE" in _value(html, "issuer")
    assert _value(html, "place") == "Bến Tre"
    assert _value(html, "issued_on") == "07/02/2020"  # a week before 14/02/2020
    assert _value(html, "inviter") == "Ban Thường vụ Tỉnh đoàn Bến Tre trân trọng kính mời"
    assert _value(html, "signer_capacity") == "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN"
    assert _value(html, "short_title") == \
        "Đối thoại giữa Bí thư Tỉnh ủy và Giáo viên Tổng phụ trách Đội năm 2020"
    # No grey example that looks like a value; the date box keeps only its format hint.
    assert re.findall(r'placeholder="([^"]*)"', html) == ["dd/mm/yyyy"]
    # What the event cannot suggest is named, and the preview sits beside the form.
    warning = re.search(r'id="print-missing">(.*?)</div>', html, re.S).group(1)
    assert "số hiệu giấy mời" in warning and "họ tên người ký" in warning
    assert "địa danh" not in warning
    assert 'id="print-preview"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InvitationSetting)) == 0


def test_a_fresh_event_prints_derived_values_never_today(client, users, login, add, set_now,
                                                          open_registration):
    attendee = add(users["unit_a"], "Phan Văn Tâm")
    set_now(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # printed years after the meeting
    login(users["organizer"])
    html = client.get(f"{BASE}/{attendee.id}/invitation").get_data(as_text=True)
    for text in ("Bến Tre, ngày 07 tháng 02 năm 2020", "TỈNH ĐOÀN BẾN TRE",
                 "Ban Thường vụ Tỉnh đoàn Bến Tre trân trọng kính mời:",
                 "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN", "← Quay lại"):
        assert text in html, text
    assert "2026" not in html
    # Above the letters (never printed): what is empty, with the way to fill it in.
    assert "Chưa điền: số hiệu giấy mời, chức vụ người ký, họ tên người ký" in html
    assert f'href="{BASE}/settings"' in html
    badge = client.get(f"{BASE}/{attendee.id}/badge").get_data(as_text=True)
    assert '<header class="badge-event">Đối thoại giữa Bí thư Tỉnh ủy và Giáo viên Tổng phụ ' \
        'trách Đội năm 2020</header>' in badge
    assert "Tên sự kiện trên thẻ: “Đối thoại giữa" in badge and "← Quay lại" in badge


def test_a_unit_printing_sees_no_warning_about_the_organizers_settings(client, users, login,
                                                                        add, open_registration):
    attendee = add(users["unit_a"], "Phan Văn Tâm")
    login(users["unit_a"])
    html = client.get(f"{BASE}/{attendee.id}/invitation").get_data(as_text=True)
    assert "Chưa điền" not in html and "Bến Tre, ngày 07 tháng 02 năm 2020" in html


def test_saved_settings_print_number_place_signer_and_date(client, users, login, add,
                                                           open_registration):
    attendee = add(users["unit_a"], "Phan Văn Tâm")
    login(users["organizer"])
    values = {"issuer_parent": "ĐOÀN TNCS HỒ CHÍ MINH", "issuer": "BCH TỈNH ĐOÀN BẾN TRE",
              "number": "07-GM/TĐTN", "place": "Bến Tre", "issued_on": "",
              "inviter": "Ban Thường vụ Tỉnh đoàn trân trọng kính mời",
              "signer_capacity": "TM. BAN THƯỜNG VỤ", "signer_title": "PHÓ BÍ THƯ",
              "signer_name": "Lâm Như Quỳnh", "short_title": "Đối thoại 2020", "note": ""}
    assert client.post_form(f"{BASE}/settings", values, page=f"{BASE}/settings"
                            ).status_code == 302
    html = client.get(f"{BASE}/{attendee.id}/invitation").get_data(as_text=True)
    # A date left empty prints the derived one, not the day of printing.
    for text in ("Số: 07-GM/TĐTN", "Bến Tre, ngày 07 tháng 02 năm 2020", "PHÓ BÍ THƯ",
                 "Lâm Như Quỳnh"):
        assert text in html, text
    assert "Chưa điền" not in html
    assert "Chưa điền" not in client.get(f"{BASE}/settings").get_data(as_text=True)


def test_the_preview_prints_what_is_typed_and_saves_nothing(client, users, login):
    login(users["organizer"])
    typed = {"issuer_parent": "ĐOÀN TNCS HỒ CHÍ MINH", "issuer": "BCH TỈNH ĐOÀN BẾN TRE",
             "number": "", "place": "Ba Tri", "issued_on": "01/02/2020",
             "inviter": "Ban Tổ chức trân trọng kính mời", "signer_capacity": "TM. BTC",
             "signer_title": "", "signer_name": "Nguyễn Thị Mai", "short_title": "ĐỐI THOẠI",
             "note": ""}
    html = client.get(f"{BASE}/settings/preview", query_string=typed).get_data(as_text=True)
    for text in ("Ba Tri, ngày 01 tháng 02 năm 2020", "Nguyễn Thị Mai", "ĐỐI THOẠI",
                 '<span class="gap">Số: (chưa điền)</span>',
                 '<span class="gap">(chưa điền chức vụ)</span>', "Nguyễn Văn An",
                 "Huyện đoàn Ba Tri"):
        assert text in html, text
    # A date still being typed previews the derived one; nothing is stored either way.
    html = client.get(f"{BASE}/settings/preview",
                      query_string={**typed, "issued_on": "01/02"}).get_data(as_text=True)
    assert "Ba Tri, ngày 07 tháng 02 năm 2020" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InvitationSetting)) == 0
    # Without values: the saved (here: derived) settings.
    html = client.get(f"{BASE}/settings/preview").get_data(as_text=True)
    assert "Bến Tre, ngày 07 tháng 02 năm 2020" in html


def test_the_preview_is_the_organizers(client, users, login):
    login(users["unit_a"])
    assert client.get(f"{BASE}/settings/preview").status_code == 403


def test_signature_sheets_have_a_way_back(client, users, login):
    login(users["organizer"])
    html = client.get(f"{BASE}/signatures?session=doi-thoai").get_data(as_text=True)
    assert "← Quay lại" in html and 'class="print-toolbar no-print"' in html
