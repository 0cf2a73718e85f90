"""Unit contacts (issue #15 item 4): the rule, the unit page, the Excel import and the event
definition, and that they are who the outbox reaches."""

from __future__ import annotations

import copy
import io

import pytest
import sqlalchemy as sa

from eventapp.errors import Invalid
from eventapp.events.services import event_to_dict, get_event, import_event
from eventapp.extensions import db
from eventapp.messages.outbox import unit_recipients
from eventapp.text import EMAIL_MESSAGE
from eventapp.units.models import Unit, UnitContact
from eventapp.units.rules import NO_WAY_TO_REACH, PHONE_MESSAGE, clean_contact
from tests.conftest import demo_definition
from tests.helpers import xlsx

UNITS = "/events/doi-thoai-2020/units/"
HEADERS = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Người liên hệ", "Chức vụ",
           "Email liên hệ", "Điện thoại liên hệ"]


@pytest.mark.parametrize(("values", "errors"), [
    ({"name": "An", "email": "An@BaTri.vn"}, {}),
    ({"phone": "0912 345 678"}, {}),
    ({"phone": "+84 912 345 678"}, {}),
    ({"phone": 912345678}, {}),                            # a number cell from Excel
    ({"phone": "0912-345-678"}, {"phone": PHONE_MESSAGE}),
    ({"phone": "09123"}, {"phone": PHONE_MESSAGE}),        # too few digits
    ({"phone": "84+912345678"}, {"phone": PHONE_MESSAGE}),  # + only in front
    ({"email": "an@batri"}, {"email": EMAIL_MESSAGE}),
    ({"name": "An"}, {"email": NO_WAY_TO_REACH}),
    ({"name": "x" * 201, "phone": "0912345678"}, {"name": "Tối đa 200 ký tự."}),
])
def test_contact_rule(values, errors):
    clean, found = clean_contact(**values)
    assert found == errors
    if not errors and values.get("email"):
        assert clean["email"] == values["email"].lower()


def _contacts(code: str = "BATRI") -> list[tuple]:
    db.session.commit()
    return [tuple(row) for row in db.session.execute(
        sa.select(UnitContact.name, UnitContact.position, UnitContact.email, UnitContact.phone)
        .join(Unit).where(Unit.code == code).order_by(UnitContact.id))]


def _batri_id() -> int:
    return db.session.scalar(sa.select(Unit.id).where(Unit.code == "BATRI"))


def test_organizer_adds_edits_and_removes_contacts(client, users, login):
    login(users["organizer"])
    base = f"{UNITS}{_batri_id()}"
    new = f"{base}/contacts/new"
    bad = client.post_form(new, {"name": "Nguyễn Văn An", "email": "an@batri",
                                 "phone": "09-12"}, page=new)
    assert bad.status_code == 200
    html = bad.get_data(as_text=True)
    assert EMAIL_MESSAGE in html and PHONE_MESSAGE in html
    assert _contacts() == []
    done = client.post_form(new, {"name": "Nguyễn Văn An", "position": "Bí thư",
                                  "email": "An@BaTri.vn", "phone": "0912  345 678"}, page=new)
    assert done.status_code == 302
    assert _contacts() == [("Nguyễn Văn An", "Bí thư", "an@batri.vn", "0912 345 678")]
    twice = client.post_form(new, {"name": "Khác", "email": "an@batri.vn"}, page=new)
    assert "Đơn vị đã có người liên hệ với email này." in twice.get_data(as_text=True)
    page = client.get(f"{base}/edit").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "an@batri.vn" in page
    contact_id = db.session.scalar(sa.select(UnitContact.id))
    edit = f"{base}/contacts/{contact_id}/edit"
    client.post_form(edit, {"name": "Nguyễn Văn An", "position": "Phó Bí thư",
                            "email": "an@batri.vn", "phone": ""}, page=edit)
    assert _contacts() == [("Nguyễn Văn An", "Phó Bí thư", "an@batri.vn", None)]
    removed = client.post_form(f"{base}/contacts/{contact_id}/delete", page=f"{base}/edit")
    assert removed.status_code == 302 and _contacts() == []


def test_a_contact_of_another_unit_is_not_found_here(client, users, login):
    login(users["organizer"])
    other = db.session.scalar(sa.select(Unit).where(Unit.code == "BINHDAI"))
    other.contacts.append(UnitContact(name="B", email="b@binhdai.vn"))
    db.session.commit()
    url = f"{UNITS}{_batri_id()}/contacts/{other.contacts[0].id}/edit"
    assert client.get(url).status_code == 404


def _import(client, rows):
    return client.post_form(UNITS + "import", {"file": (io.BytesIO(xlsx(rows, HEADERS)),
                                                        "don-vi.xlsx")},
                            page=UNITS, content_type="multipart/form-data")


def test_import_reads_contacts_and_further_rows_add_more(client, users, login):
    login(users["organizer"])
    rows = [["BATRI", "Huyện đoàn Ba Tri", "district", "Nguyễn Văn An", "Bí thư",
             "an@batri.vn", "0912345678"],
            ["BATRI", None, None, "Trần Thị Bình", "Văn thư", "binh@batri.vn", None],
            ["CHAUTHANH", "Huyện đoàn Châu Thành", "district", None, None, None, None]]
    assert _import(client, rows).status_code == 302
    assert _contacts() == [("Nguyễn Văn An", "Bí thư", "an@batri.vn", "0912345678"),
                           ("Trần Thị Bình", "Văn thư", "binh@batri.vn", None)]
    assert _contacts("CHAUTHANH") == []
    # Importing again updates by e-mail: no second copy.
    rows[0][4] = "Phó Bí thư"
    assert _import(client, rows).status_code == 302
    assert [c[1] for c in _contacts()] == ["Phó Bí thư", "Văn thư"]


def test_import_refuses_bad_contacts_naming_row_and_column(client, users, login):
    login(users["organizer"])
    response = _import(client, [
        ["BATRI", "Huyện đoàn Ba Tri", "district", "An", None, "an@batri", None],
        ["BATRI", "Tên khác", None, "Bình", None, "binh@batri.vn", None],
        ["BINHDAI", "Huyện đoàn Bình Đại", "district", "C", None, None, "12-34"]])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"Email liên hệ: {EMAIL_MESSAGE}" in html
    assert "Mã BATRI trùng với dòng 2" in html
    assert "Điện thoại liên hệ: " in html
    assert _contacts() == [] and _contacts("BINHDAI") == []


def _definition(**unit_fields) -> dict:
    data = copy.deepcopy(demo_definition())
    data["units"][0].update(unit_fields)  # BATRI
    return data


def test_definition_accepts_contacts_and_round_trips(app, event):
    data = _definition(email="vp@batri.vn", contacts=[
        {"name": "Nguyễn Văn An", "position": "Bí thư", "email": "an@batri.vn",
         "phone": "0912 345 678"}])
    import_event(data)
    db.session.commit()
    assert _contacts() == [("Nguyễn Văn An", "Bí thư", "an@batri.vn", "0912 345 678"),
                           ("", "", "vp@batri.vn", None)]
    exported = event_to_dict(get_event("doi-thoai-2020"), contacts=True)
    batri = next(u for u in exported["units"] if u["code"] == "BATRI")
    assert batri["contacts"] == [
        {"name": "Nguyễn Văn An", "position": "Bí thư", "email": "an@batri.vn",
         "phone": "0912 345 678"},
        {"name": "", "position": "", "email": "vp@batri.vn", "phone": ""}]
    import_event(exported)  # the export imports back to the same contacts
    db.session.commit()
    assert len(_contacts()) == 2


@pytest.mark.parametrize(("unit_fields", "field"), [
    ({"email": "vp@batri"}, "units.0.email"),
    ({"contacts": [{"name": "An", "email": "an@"}]}, "units.0.contacts.0.email"),
    ({"contacts": [{"name": "An", "phone": "09-12"}]}, "units.0.contacts.0.phone"),
    ({"contacts": [{"name": "An"}]}, "units.0.contacts.0.email"),
])
def test_definition_refuses_bad_contacts_naming_the_field(app, event, unit_fields, field):
    with pytest.raises(Invalid) as refused:
        import_event(_definition(**unit_fields))
    db.session.rollback()
    assert field in refused.value.fields, refused.value.fields
    assert _contacts() == []


def test_only_organizers_read_contacts_in_the_api(client, users, token_for):
    unit = db.session.get(Unit, _batri_id())
    unit.contacts.append(UnitContact(name="An", email="an@batri.vn", phone="0912345678"))
    db.session.commit()
    url = "/api/v1/events/doi-thoai-2020"
    organizer = client.get(url, headers=token_for(users["organizer"])).get_json()
    batri = next(u for u in organizer["units"] if u["code"] == "BATRI")
    assert batri["contacts"][0]["email"] == "an@batri.vn"
    for role in ("unit_b", "checkin"):
        text = client.get(url, headers=token_for(users[role])).get_data(as_text=True)
        assert "an@batri.vn" not in text and "0912345678" not in text


def test_contacts_are_reached_by_the_outbox(app, users):
    unit = db.session.get(Unit, _batri_id())
    unit.contacts.append(UnitContact(name="An", email="an@batri.vn"))
    unit.contacts.append(UnitContact(name="Chỉ điện thoại", phone="0912345678"))
    db.session.commit()
    reached = {r.address for r in unit_recipients([unit.id])[unit.id]}
    assert reached == {"batri@test.vn", "an@batri.vn"}
