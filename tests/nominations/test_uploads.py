"""Uploads are judged by content, capped at 10 MB, stored outside static/, and only the owning
unit and organizers can download them. Unit B can touch nothing of unit A's."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.nominations import uploads
from eventapp.nominations.models import Nomination, NominationFile
from tests.nominations.conftest import BASE, create_dossier, submit, upload, upload_letter
from tests.nominations.helpers import PDF, docx_bytes, dossier_form, jpeg_bytes, png_bytes


def files() -> list[NominationFile]:
    return list(db.session.scalars(sa.select(NominationFile).order_by(NominationFile.id)))


@pytest.mark.parametrize("maker, name, kind", [
    (lambda: PDF, "bao-cao.pdf", "pdf"),
    (docx_bytes, "Báo cáo thành tích.docx", "docx"),
    (png_bytes, "xac-nhan.png", "png"),
    (jpeg_bytes, "scan.JPG", "jpeg"),
    (lambda: PDF, "ten-sai.docx", "pdf"),  # the content decides, and the name is corrected
])
def test_accepted_types(clients, before_deadline, app, maker, name, kind):
    unit = clients("unit_a")
    nomination_id = create_dossier(unit)
    data = maker()  # once: a zip made a second later carries another timestamp
    response = upload(unit, nomination_id, data=data, name=name)
    assert response.status_code == 302
    [row] = files()
    assert row.content_type == uploads.KINDS[kind][0]
    assert row.original_name.endswith(uploads.KINDS[kind][1])
    stored = Path(app.config["UPLOAD_FOLDER"]) / "nominations" / row.stored_name
    assert stored.read_bytes() == data
    assert name.rsplit(".", 1)[0] not in row.stored_name  # random name, not the user's
    static = Path(app.static_folder).resolve()
    assert static not in stored.resolve().parents


def _zip(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize("data, name", [
    (b"<html><script>alert(1)</script></html>", "bao-cao.pdf"),     # a .pdf name, HTML inside
    (b"MZ\x90\x00\x03" + b"\x00" * 100, "anh.png"),                  # an executable as .png
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cu.doc"),  # legacy Word
    (_zip(["xl/workbook.xml", "[Content_Types].xml"]), "bang.docx"),  # a spreadsheet
    (_zip(["word/document.xml"]), "thieu.docx"),                      # not a real docx
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "hong.png"),               # broken image
    (b"", "rong.pdf"),
])
def test_refused_by_content(clients, before_deadline, data, name):
    unit = clients("unit_a")
    nomination_id = create_dossier(unit)
    response = upload(unit, nomination_id, data=data, name=name)
    page = unit.get(response.headers["Location"]).get_data(as_text=True)
    assert "Chỉ nhận tệp PDF, Word (.docx) hoặc ảnh" in page or "Tệp rỗng" in page
    assert files() == []


def test_oversize_refused(clients, before_deadline, app):
    unit = clients("unit_a")
    nomination_id = create_dossier(unit)
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = upload(unit, nomination_id, data=big, name="lon.pdf")
    assert "Tệp quá lớn: tối đa 10 MB" in unit.get(response.headers["Location"]).get_data(True)
    assert files() == []
    folder = Path(app.config["UPLOAD_FOLDER"]) / "nominations"
    assert not folder.exists() or list(folder.iterdir()) == []
    exactly = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    assert upload(unit, nomination_id, data=exactly, name="vua.pdf").status_code == 302
    assert len(files()) == 1


def test_upload_needs_a_kind(clients, before_deadline):
    unit = clients("unit_a")
    nomination_id = create_dossier(unit)
    response = upload(unit, nomination_id, kinds=())
    assert "Chọn ít nhất một thành phần" in unit.get(response.headers["Location"]).get_data(True)
    assert files() == []


def test_documents_complete_the_dossier(clients, before_deadline):
    unit = clients("unit_a")
    nomination_id = create_dossier(unit)
    page = f"{BASE}/{nomination_id}"
    upload(unit, nomination_id, kinds=("bao_cao_thanh_tich", "xac_nhan_doan_co_so"))
    html = unit.get(page).get_data(as_text=True)
    assert "Hồ sơ còn thiếu: Tờ trình" in html and "Bản tóm tắt quá trình công tác" in html
    upload_letter(unit)
    upload(unit, nomination_id, data=docx_bytes(), name="tom-tat.docx",
           kinds=("tom_tat_qua_trinh", "xac_nhan_cap_uy"))
    assert "Hồ sơ đủ 5 thành phần" in unit.get(page).get_data(as_text=True)


def test_download_only_by_owner_and_organizers(clients, before_deadline):
    unit_a, unit_b = clients("unit_a"), clients("unit_b")
    organizer, checkin = clients("organizer"), clients("checkin")
    nomination_id = create_dossier(unit_a)
    upload(unit_a, nomination_id, data=docx_bytes(), name="Báo cáo.docx")
    upload_letter(unit_a)
    for row in files():  # while the dossier is an unsent draft, its files are the unit's
        assert organizer.get(f"{BASE}/files/{row.id}").status_code == (
            404 if row.nomination_id else 200)
    submit(unit_a, nomination_id)
    for row in files():
        url = f"{BASE}/files/{row.id}"
        for owner in (unit_a, organizer):
            response = owner.get(url)
            assert response.status_code == 200
            assert response.headers["Content-Disposition"].startswith("attachment")
            assert response.headers["Content-Type"] == row.content_type
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            response.close()
        assert unit_b.get(url).status_code == 404  # another unit's: as if it did not exist
        assert checkin.get(url).status_code == 403
    assert unit_a.get(f"{BASE}/files/999").status_code == 404


def test_unit_b_cannot_read_edit_or_act_on_unit_a(clients, before_deadline):
    unit_a, unit_b = clients("unit_a"), clients("unit_b")
    nomination_id = create_dossier(unit_a)
    upload(unit_a, nomination_id)
    [row] = files()
    page = f"{BASE}/{nomination_id}"
    assert unit_b.get(page).status_code == 404
    assert unit_b.get(f"{page}/edit").status_code == 404
    assert "Nguyễn Thị Lan" not in unit_b.get(BASE + "/").get_data(as_text=True)
    token = unit_b.csrf_token(BASE + "/")
    for url, data in [(f"{page}/edit", dossier_form(full_name="Bị sửa")),
                      (f"{page}/submit", {}), (f"{page}/delete", {}),
                      (f"{BASE}/files/{row.id}/delete", {})]:
        assert unit_b.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    response = unit_b.post(f"{page}/files", data={"csrf_token": token, "kinds": "to_trinh",
                                                 "file": (io.BytesIO(PDF), "x.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 404
    response = unit_b.post(f"{BASE}/preview", json={"nomination_id": nomination_id,
                                                   "status": "serving"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 404
    db.session.expire_all()
    n = db.session.get(Nomination, nomination_id)
    assert n.full_name == "Nguyễn Thị Lan" and n.status == "draft" and len(n.files) == 1
    submit(unit_a, nomination_id)
    assert unit_b.post(f"{page}/withdraw", data={"csrf_token": token}).status_code == 404


def test_only_allowed_unit_kinds_may_nominate(clients, before_deadline):
    school = clients("school")
    assert school.get(BASE + "/").status_code == 403
    assert school.get(f"{BASE}/new").status_code == 403
    token = school.csrf_token("/events/doi-thoai-2020/")
    response = school.post(f"{BASE}/new", data={**dossier_form(), "csrf_token": token})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0
    home = school.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert 'href="/events/doi-thoai-2020/nominations/"' not in home


def test_unit_accounts_cannot_use_organizer_pages(clients, before_deadline):
    unit = clients("unit_a")
    nomination_id = create_dossier(unit)
    token = unit.csrf_token(BASE + "/")
    for url in ("honorees", "export.xlsx", "certificates", "certificate-settings",
                f"{nomination_id}/certificate"):
        assert unit.get(f"{BASE}/{url}").status_code == 403, url
    for url in (f"{nomination_id}/decide", f"{nomination_id}/return"):
        response = unit.post(f"{BASE}/{url}", data={"csrf_token": token, "decision": "approved",
                                                   "return_reason": "x"})
        assert response.status_code == 403


def test_forms_need_csrf(clients, before_deadline):
    unit = clients("unit_a")
    response = unit.post(f"{BASE}/new", data=dossier_form())
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0


# --- Storage limits per unit (issue #12 item 11) -----------------------------------------------

def _stored(app) -> int:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "nominations"
    return len(list(folder.iterdir())) if folder.exists() else 0


def _message(client, response) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_at_most_five_letters_per_unit(clients, before_deadline, app):
    unit = clients("unit_a")
    for i in range(5):
        assert upload_letter(unit, name=f"to-trinh-{i}.docx").status_code == 302
    assert len(files()) == 5
    sixth = upload_letter(unit, name="to-trinh-6.docx")
    assert ("Đơn vị đã có 5 tờ trình (tối đa 5); hãy xóa tờ trình cũ trước khi tải tờ trình "
            "mới lên.") in _message(unit, sixth)
    db.session.rollback()
    assert len(files()) == 5 and _stored(app) == 5  # nothing written, not even on disk
    # Another unit has its own five.
    assert upload_letter(clients("unit_b")).status_code == 302
    db.session.rollback()
    assert len(files()) == 6


def test_dossiers_holding_files_are_limited_per_unit(clients, before_deadline, app):
    app.config["UPLOAD_MAX_DOSSIERS_PER_UNIT"] = 2
    unit = clients("unit_a")
    first, second, third = (create_dossier(unit, full_name=f"Nguyễn Văn {n}")
                            for n in ("Một", "Hai", "Ba"))
    assert upload(unit, first).status_code == 302
    assert upload(unit, second).status_code == 302
    assert upload(unit, second, name="them.pdf").status_code == 302  # the same dossier: fine
    refused = upload(unit, third)
    assert ("Đơn vị đã có tệp trong 2 hồ sơ (tối đa 2 hồ sơ mỗi đơn vị)"
            in _message(unit, refused))
    db.session.rollback()
    assert sorted(f.nomination_id for f in files()) == [first, second, second]
    assert _stored(app) == 3


def test_total_bytes_per_unit(clients, before_deadline, app):
    app.config["UPLOAD_MAX_BYTES_PER_UNIT"] = 5 * 1024 * 1024 // 2  # 2,5 MB
    megabyte = PDF + b"0" * (1024 * 1024 - len(PDF))
    unit = clients("unit_a")
    nomination_id = create_dossier(unit)
    assert upload(unit, nomination_id, data=megabyte, name="a.pdf").status_code == 302
    assert upload_letter(unit, data=megabyte, name="to-trinh.pdf").status_code == 302
    refused = upload(unit, nomination_id, data=megabyte, name="c.pdf")
    assert ("Đơn vị đã dùng 2 MB trên 2,5 MB dung lượng tải lên; tệp này (1 MB) vượt giới "
            "hạn.") in _message(unit, refused)
    db.session.rollback()
    assert len(files()) == 2 and _stored(app) == 2
    assert upload(unit, nomination_id, data=PDF, name="nho.pdf").status_code == 302
    other = clients("unit_b")
    assert upload(other, create_dossier(other), data=megabyte).status_code == 302
    db.session.rollback()
    assert len(files()) == 4


def test_default_storage_limits():
    from eventapp.config import Defaults

    assert Defaults.UPLOAD_MAX_BYTES_PER_UNIT == 200 * 1024 * 1024
    assert uploads.MAX_LETTERS == 5


@pytest.mark.concurrency
def test_letters_sent_at_once_never_pass_the_limit(app, users, before_deadline):
    from tests.conftest import PASSWORD, run_concurrently

    email = users["unit_a"].email

    def send(i):
        client = app.test_client()
        client.post_form("/login", {"email": email, "password": PASSWORD})
        return upload_letter(client, name=f"to-trinh-{i}.docx").status_code

    assert run_concurrently(send, 8) == [302] * 8
    db.session.rollback()
    assert len(files()) == 5 and _stored(app) == 5
