"""The nominations pages' forms: refused without their CSRF token, shown again as posted after
a refusal, and the review list's figures computed for the page (not in the template)."""

from __future__ import annotations

import re
from pathlib import Path

from eventapp.extensions import db
from eventapp.nominations.models import Nomination
from tests.nominations.conftest import BASE, complete_dossier, create_dossier, submit
from tests.nominations.helpers import dossier_form

ALL_TICKS = {f"check-{c}": "1" for c in ("achievements", "duties", "ethics", "initiatives")}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _nomination(nomination_id) -> Nomination:
    db.session.expire_all()
    return db.session.get(Nomination, nomination_id)


def test_posts_without_the_csrf_token_are_refused_and_change_nothing(clients, before_deadline):
    unit, organizer = clients("unit_a"), clients("organizer")
    nomination_id = complete_dossier(unit)
    page = f"{BASE}/{nomination_id}"
    for client, url, data in [
            (unit, f"{BASE}/new", dossier_form(full_name="Không Token")),
            (unit, f"{page}/submit", {}),
            (unit, f"{page}/delete", {}),
            (organizer, f"{BASE}/certificate-settings", {"heading": "GIẢ MẠO"})]:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True), url
    assert _nomination(nomination_id).status == "draft"
    assert "Không Token" not in unit.get(BASE + "/").get_data(as_text=True)
    assert "GIẢ MẠO" not in organizer.get(f"{BASE}/certificate-settings").get_data(as_text=True)

    submit(unit, nomination_id)
    for url, data in [(f"{page}/decide", {"decision": "approved", **ALL_TICKS}),
                      (f"{page}/return", {"return_reason": "Thiếu giấy tờ"})]:
        assert organizer.post(url, data=data).status_code == 400, url
    assert _nomination(nomination_id).status == "submitted"


def test_a_refused_decision_is_shown_again_as_ticked(clients, before_deadline):
    unit, organizer = clients("unit_a"), clients("organizer")
    nomination_id = complete_dossier(unit)
    submit(unit, nomination_id)
    page = f"{BASE}/{nomination_id}"
    two = {"check-ethics": "1", "check-duties": "1"}
    response = organizer.post_form(f"{page}/decide", {"decision": "approved", **two}, page=page)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Cần đánh dấu đủ 4 tiêu chí" in html
    ticked = set(re.findall(r'id="(check-\w+)" checked', html))
    assert ticked == {"check-ethics", "check-duties"}
    assert re.search(r'id="decision-approved" value="approved" checked', html)
    # A fresh page shows what is stored: nothing ticked yet, no decision.
    fresh = organizer.get(page).get_data(as_text=True)
    assert not re.findall(r'id="check-\w+" checked', fresh)
    assert re.search(r'id="decision-none" value="" checked', fresh)


def test_review_list_counts_ticks_and_flags_a_decision_against_the_result(clients,
                                                                          before_deadline):
    unit, organizer = clients("unit_a"), clients("organizer")
    short = complete_dossier(unit, **{"period-0-start": "1995-01-01"})
    submit(unit, short)
    page = f"{BASE}/{short}"
    organizer.post_form(f"{page}/decide", {"decision": "", "check-ethics": "1"}, page=page)
    row = _review_row(organizer, short)
    assert "1/4" in row and "Khác kết quả tự động" not in row
    organizer.post_form(f"{page}/decide", {"decision": "approved", "reason": "Có bổ sung",
                                           **ALL_TICKS}, page=page)
    row = _review_row(organizer, short)
    assert "4/4" in row and "Khác kết quả tự động" in row


def _review_row(organizer, nomination_id) -> str:
    html = organizer.get(BASE + "/").get_data(as_text=True)
    return re.search(rf'<tr data-nomination="{nomination_id}">.*?</tr>', html, re.S).group(0)


def test_certificate_wording_keeps_its_lines_and_refuses_a_bad_date(clients, before_deadline):
    organizer = clients("organizer")
    url = f"{BASE}/certificate-settings"
    wording = {"issuer": "TỈNH ĐOÀN BẾN TRE\nHỘI ĐỒNG ĐỘI TỈNH", "heading": "GIẤY KHEN",
               "citation": "Đã có nhiều cống hiến.", "place": "Bến Tre",
               "signer_title": "TM. BAN THƯỜNG VỤ\nBÍ THƯ", "signer_name": ""}
    bad = organizer.post_form(url, {**wording, "signed_on": "31/02/2020"}, page=url)
    assert bad.status_code == 200 and "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy" in \
        bad.get_data(as_text=True)
    assert "GIẤY KHEN" in bad.get_data(as_text=True)  # the typed wording is kept
    assert organizer.post_form(url, {**wording, "signed_on": ""}, page=url).status_code == 302
    # Saved with each line of the issuer kept: the certificate prints one line per line.
    form_html = organizer.get(url).get_data(as_text=True)
    assert "GIẤY KHEN" in form_html and "TỈNH ĐOÀN BẾN TRE\nHỘI ĐỒNG ĐỘI TỈNH" in form_html


def test_a_refused_dossier_keeps_what_was_typed(clients, before_deadline):
    unit = clients("unit_a")
    response = unit.post_form(f"{BASE}/new", dossier_form(full_name="Trần Thị Bé",
                                                          **{"period-0-end": "1990-01-01"}),
                              page=f"{BASE}/new")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Trần Thị Bé"' in html and 'data-error-for="service_periods' in html
    assert "Vui lòng sửa các ô được đánh dấu." in html  # the rows' messages are not repeated
    create_dossier(unit)  # the same page still saves a valid dossier


def test_no_template_writes_its_own_csrf_input():
    written = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
               if 'name="csrf_token"' in path.read_text(encoding="utf-8")]
    assert written == []
