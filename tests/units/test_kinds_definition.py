"""Issue #16 item 1: kinds declared in an event definition are used by its caps and by who
may file dossiers; an unknown kind is refused (CLI exit 2 naming the field, nothing written);
the event's JSON declares the kinds it uses, so it reads back as a definition."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import g

from eventapp.database import unit_of_work
from eventapp.errors import DomainError
from eventapp.events.models import Event
from eventapp.events.services import event_to_dict, import_event
from eventapp.extensions import db
from eventapp.registration import services as registration
from eventapp.units.models import Unit, UnitKindRow

SLUG = "dai-hoi-2026"


def definition(**changes) -> dict:
    """A small event of today's structure: two commune unions and two pioneer brigades, one
    of a kind the definition declares itself."""
    data = {
        "slug": SLUG, "title": "Đại hội cháu ngoan Bác Hồ", "timezone": "Asia/Ho_Chi_Minh",
        "unit_kinds": [{"key": "commune"},  # known: its name is kept
                       {"key": "special_zone", "name": "Đoàn đặc khu Côn Đảo"}],
        "units": [{"code": "XA-AN", "name": "Đoàn xã An Hiệp", "kind": "commune"},
                  {"code": "DK-CONDAO", "name": "Đoàn đặc khu Côn Đảo", "kind": "special_zone"},
                  {"code": "LD-AN", "name": "Liên đội THCS An Hiệp", "kind": "pioneer_brigade"},
                  {"code": "LD-BINH", "name": "Liên đội Tiểu học Bình Thới",
                   "kind": "pioneer_brigade"}],
        "sessions": [{"key": "chinh", "name": "Phiên chính",
                      "starts_at": "2026-05-19T08:00:00+07:00", "capacity": 200}],
        "registration": {"categories": [{"key": "dai-bieu", "name": "Đại biểu"}],
                         "caps": [{"session": "chinh", "category": "dai-bieu",
                                   "unit_kind": "pioneer_brigade", "max_per_unit": 1},
                                  {"session": "chinh", "category": "dai-bieu",
                                   "unit_kind": "special_zone", "max_per_unit": 2}]},
        "nominations": {"submitting_unit_kinds": ["commune", "special_zone"]},
    }
    data.update(changes)
    return data


@pytest.fixture
def imported(app):
    with unit_of_work():
        event = import_event(definition())
    return db.session.scalar(sa.select(Event).where(Event.slug == event.slug))


def _register(event, user, name: str) -> str | None:
    """Register one delegate as ``user``; None when accepted, else the refusal's code."""
    try:
        with unit_of_work():
            registration.register(event, user, {"full_name": name, "category": "dai-bieu",
                                                "sessions": ["chinh"], "phone": "",
                                                "email": ""})
    except DomainError as error:
        return error.code
    return None


def test_declared_kinds_are_added_and_known_names_kept(imported):
    special = db.session.get(UnitKindRow, "special_zone")
    assert special.name == "Đoàn đặc khu Côn Đảo"
    assert db.session.get(UnitKindRow, "commune").name == "Đoàn xã, phường, đặc khu"
    assert db.session.scalar(sa.select(Unit).where(Unit.code == "DK-CONDAO")).kind_name == \
        "Đoàn đặc khu Côn Đảo"


def test_caps_hold_units_of_their_declared_kind(imported, make_user):
    brigade = make_user("ldan@test.vn", "unit", "LD-AN")
    zone = make_user("condao@test.vn", "unit", "DK-CONDAO")
    commune = make_user("xaan@test.vn", "unit", "XA-AN")
    assert _register(imported, brigade, "Nguyễn Văn An") is None
    assert _register(imported, brigade, "Trần Thị Bình") == "cap_reached"  # pioneer cap 1
    assert [_register(imported, zone, n) for n in ("Lê Văn Cư", "Phạm Thị Dung", "Võ Văn Em")] \
        == [None, None, "cap_reached"]  # the declared kind's own cap: 2
    # No cap for communes: the event's default limit per unit (10) applies.
    assert [_register(imported, commune, f"Người {i}") for i in range(3)] == [None] * 3


def test_only_the_declared_submitting_kinds_file_dossiers(imported, app, make_user, login):
    @app.before_request
    def _each_client_is_its_own_user():
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    pages = {}
    for code in ("DK-CONDAO", "XA-AN", "LD-AN"):
        client = login(make_user(f"{code.lower()}@test.vn", "unit", code), app.test_client())
        pages[code] = client.get(f"/events/{SLUG}/nominations/").status_code
    assert pages == {"DK-CONDAO": 200, "XA-AN": 200, "LD-AN": 403}


def test_an_event_that_names_no_kinds_lets_commune_unions_file(app):
    """Without ``submitting_unit_kinds``, the level below the province files: commune
    unions since July 2025 (district unions before it), not pioneer brigades."""
    from eventapp.nominations import access, settings

    with unit_of_work():
        event = import_event(definition(nominations={}))
    rules = settings.of(event)
    kinds_filing = {u.code: access.unit_may_nominate(rules, u) for u in event.units}
    assert kinds_filing == {"XA-AN": True, "DK-CONDAO": False, "LD-AN": False,
                            "LD-BINH": False}
    assert event_to_dict(event)["nominations"]["submitting_unit_kinds"] == \
        ["commune", "district"]


def test_a_deleted_default_kind_does_not_refuse_a_definition_that_names_none(app):
    """After "district" is deleted (nothing uses it since the reform), a definition that
    says nothing of who files dossiers still loads, with the default kinds that remain."""
    db.session.delete(db.session.get(UnitKindRow, "district"))
    db.session.commit()
    with unit_of_work():
        event = import_event(definition(nominations={}))
    assert event_to_dict(event)["nominations"]["submitting_unit_kinds"] == ["commune"]


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["units"].append({"code": "MOI", "name": "Mới", "kind": "province"}),
     "units.4.kind"),
    (lambda d: d["registration"]["caps"][0].update(unit_kind="ward"),
     "registration.caps.0.unit_kind"),
    (lambda d: d["nominations"].update(submitting_unit_kinds=["commune", "tinh_doan"]),
     "nominations.submitting_unit_kinds.1"),
    (lambda d: d["unit_kinds"].append({"key": "new_kind"}), "unit_kinds.2.name"),
    (lambda d: d["unit_kinds"].append({"key": "Sai Mã", "name": "Sai"}), "unit_kinds.2.key"),
    (lambda d: d["unit_kinds"].append({"key": "commune", "name": "Trùng"}), "unit_kinds.2.key"),
])
def test_an_unknown_kind_is_refused_naming_the_field(app, runner, tmp_path, change, field):
    data = definition()
    change(data)
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["import-event", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{field}:" in result.output
    # Nothing was written: no event, no unit, no declared kind.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0
    assert db.session.get(UnitKindRow, "special_zone") is None


def test_unknown_kind_message_is_vietnamese_and_lists_the_known(app, runner, tmp_path):
    data = definition(units=[{"code": "MOI", "name": "Mới", "kind": "province"}])
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    output = runner.invoke(args=["import-event", str(path)]).output
    assert "Loại đơn vị 'province' chưa có" in output and "special_zone" in output


def test_the_event_json_declares_its_kinds_and_reads_back(imported, client, users, token_for):
    data = client.get(f"/api/v1/events/{SLUG}", headers=token_for(users["organizer"])).json
    assert data["unit_kinds"] == [{"key": "commune", "name": "Đoàn xã, phường, đặc khu"},
                                  {"key": "pioneer_brigade", "name": "Liên đội Tiểu học, THCS"},
                                  {"key": "special_zone", "name": "Đoàn đặc khu Côn Đảo"}]
    assert {"code": "DK-CONDAO", "name": "Đoàn đặc khu Côn Đảo", "kind": "special_zone",
            "kind_name": "Đoàn đặc khu Côn Đảo", "contacts": [], "parent": None} in data["units"]
    # The JSON is a definition: imported under another slug, it gives the same kinds.
    with unit_of_work():
        copy = import_event({**data, "slug": "dai-hoi-2026-ban-sao"})
    assert event_to_dict(copy)["unit_kinds"] == data["unit_kinds"]
