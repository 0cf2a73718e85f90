"""The unit tree (đơn vị cấp trên): the pure rules (no cycles, grouping), and setting a parent
through the unit form, the units import and the event definition — every bad parent refused
with a Vietnamese message and nothing changed."""

from __future__ import annotations

import copy
import io

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from eventapp.errors import Invalid
from eventapp.events.services import event_to_dict, import_event
from eventapp.extensions import db
from eventapp.units.models import Unit
from eventapp.units.rules import (
    NO_PARENT,
    PARENT_CYCLE,
    PARENT_SELF,
    group_by_parent,
    parent_error,
)
from tests.conftest import demo_definition
from tests.helpers import xlsx

UNITS = "/events/doi-thoai-2020/units/"
HEADERS = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên"]


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def parent_code(code: str) -> str | None:
    db.session.expire_all()
    found = unit(code)
    return found.parent.code if found.parent else None


# --- Pure rules -------------------------------------------------------------------------------

TREE = {2: 1, 3: 2, 4: None, 1: None}  # 1 ← 2 ← 3; 4 alone


@pytest.mark.parametrize("unit_id, parent_id, expected", [
    (1, None, None), (1, 4, None), (3, 1, None), (4, 3, None), (None, 3, None),
    (1, 1, PARENT_SELF), (1, 2, PARENT_CYCLE), (1, 3, PARENT_CYCLE), (2, 3, PARENT_CYCLE),
])
def test_parent_error(unit_id, parent_id, expected):
    assert parent_error(unit_id, parent_id, TREE.get) == expected


@given(st.dictionaries(st.integers(0, 8), st.none() | st.integers(0, 8)),
       st.integers(0, 8), st.integers(0, 8))
def test_an_accepted_link_never_makes_a_cycle(tree, child, parent):
    """Whatever the existing links (even a damaged, cyclic tree), accepting child → parent
    leaves child unreachable from itself going up."""
    tree = {k: v for k, v in tree.items() if v != k}
    if parent_error(child, parent, tree.get) is None:
        linked = {**tree, child: parent}
        seen, current = set(), linked.get(child)
        while current is not None and current not in seen:
            assert current != child
            seen.add(current)
            current = linked.get(current)


def test_group_by_parent_heads_and_orphans():
    rows = [("XA-AN", None), ("LD-1", "XA-AN"), ("TRUONG", None), ("LD-2", "XA-AN"),
            ("LD-3", "XA-BINH")]
    names = {"XA-AN": "Đoàn xã An", "XA-BINH": "Đoàn xã Bình"}
    groups = group_by_parent(rows, lambda r: (r[1], names.get(r[1])), lambda r: r[0])
    assert [(g.code, g.name, [r[0] for r in g.rows]) for g in groups] == [
        ("XA-AN", "Đoàn xã An", ["XA-AN", "LD-1", "LD-2"]),  # the parent heads its group
        ("XA-BINH", "Đoàn xã Bình", ["LD-3"]),  # a parent outside the list still names it
        (None, NO_PARENT, ["TRUONG"])]  # no parent: one group, last


# --- The unit form ----------------------------------------------------------------------------

def test_unit_form_sets_and_refuses_parents(client, users, login):
    login(users["organizer"])
    chau_thanh, ba_tri = unit("CHAUTHANH"), unit("BATRI")
    edit = f"{UNITS}{chau_thanh.id}/edit"
    form = {"code": "CHAUTHANH", "name": chau_thanh.name, "kind": "district"}
    saved = client.post_form(edit, {**form, "parent": "batri"}, page=edit)
    assert saved.status_code == 302 and parent_code("CHAUTHANH") == "BATRI"
    assert "Đơn vị cấp trên" in client.get(UNITS).get_data(as_text=True)

    back = f"{UNITS}{ba_tri.id}/edit"
    for parent, message in [("CHAUTHANH", "tạo vòng lặp"), ("BATRI", "chính mình"),
                            ("KHONGCO", "Không có đơn vị mã “KHONGCO”")]:
        refused = client.post_form(back, {"code": "BATRI", "name": ba_tri.name,
                                          "kind": "district", "parent": parent}, page=back)
        assert refused.status_code == 200 and message in refused.get_data(as_text=True)
        assert parent_code("BATRI") is None
    cleared = client.post_form(edit, {**form, "parent": ""}, page=edit)
    assert cleared.status_code == 302 and parent_code("CHAUTHANH") is None


# --- The units import -------------------------------------------------------------------------

def upload(client, rows, headers=HEADERS):
    return client.post_form(UNITS + "import", {"file": (io.BytesIO(xlsx(rows, headers)),
                                                        "don-vi.xlsx")},
                            page=UNITS, content_type="multipart/form-data")


def test_import_sets_parents_from_the_file_or_existing_units(client, users, login):
    login(users["organizer"])
    response = upload(client, [
        ["XA-ANTHUY", "Đoàn xã An Thủy", "Khác", ""],
        ["LD-ANTHUY", "Liên đội Trường Tiểu học An Thủy", "Khác", "xa-anthuy"],
        ["THPT-BATRI", "Đoàn trường THPT Ba Tri", "Đoàn trường THPT", "BATRI"]])
    assert response.status_code == 302, response.get_data(as_text=True).split("Lý do")[-1][:600]
    assert parent_code("LD-ANTHUY") == "XA-ANTHUY" and parent_code("THPT-BATRI") == "BATRI"
    # A file of the older template (no "Đơn vị cấp trên" column) still imports and keeps them.
    older = upload(client, [["LD-ANTHUY", "Liên đội An Thủy", "Khác"]], HEADERS[:3])
    assert older.status_code == 302 and parent_code("LD-ANTHUY") == "XA-ANTHUY"


def test_import_refuses_bad_parents_and_changes_nothing(client, users, login):
    login(users["organizer"])
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Unit))
    response = upload(client, [
        ["XA-MOI", "Đoàn xã Mới", "Khác", "LD-MOI"],
        ["LD-MOI", "Liên đội Mới", "Khác", "XA-MOI"],
        ["LD-KHAC", "Liên đội Khác", "Khác", "KHONGCO"]])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "vòng lặp" in html and "Không có đơn vị mã “KHONGCO”" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == before


def test_template_has_the_parent_column(client, users, login):
    login(users["organizer"])
    sheet = load_workbook(io.BytesIO(client.get(UNITS + "template.xlsx").data)).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == HEADERS  # then the contact columns


# --- The event definition ---------------------------------------------------------------------

def test_definition_sets_parents_and_exports_them(app, event):
    definition = copy.deepcopy(demo_definition())
    definition["units"].append({"code": "LD-BATRI", "name": "Liên đội Ba Tri",
                                "parent": "batri"})
    definition["units"][0]["parent"] = None  # BATRI: explicitly none
    import_event(definition)
    db.session.commit()
    assert parent_code("LD-BATRI") == "BATRI"
    exported = {u["code"]: u["parent"] for u in event_to_dict(event)["units"]}
    assert exported["LD-BATRI"] == "BATRI" and exported["BATRI"] is None
    # Without "parent" a re-import keeps the link; a bad one is refused by field.
    definition["units"][-1].pop("parent")
    import_event(definition)
    assert parent_code("LD-BATRI") == "BATRI"
    definition["units"][-1]["parent"] = "KHONGCO"
    with pytest.raises(Invalid) as refused:
        import_event(definition)
    index = len(definition["units"]) - 1
    assert "KHONGCO" in refused.value.fields[f"units.{index}.parent"]
    definition["units"][-1]["parent"] = "LD-BATRI"
    with pytest.raises(Invalid) as itself:
        import_event(definition)
    assert itself.value.fields[f"units.{index}.parent"] == PARENT_SELF
