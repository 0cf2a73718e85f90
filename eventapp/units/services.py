"""Operations on units: add/edit within an event, and the all-or-nothing Excel import."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventapp import audit
from eventapp.errors import Invalid
from eventapp.events.models import Event
from eventapp.events.services import upsert_participation
from eventapp.extensions import db
from eventapp.spreadsheets import ImportErrors, read_rows, template
from eventapp.text import fold
from eventapp.units.models import UNIT_KIND_LABELS, Unit, UnitKind

IMPORT_HEADERS = ("Mã đơn vị", "Tên đơn vị", "Loại đơn vị")
_CODE = re.compile(r"^[A-Z0-9_-]{1,32}$")
_KIND_BY_TEXT = {fold(k.value): k.value for k in UnitKind} | {
    fold(label): kind.value for kind, label in UNIT_KIND_LABELS.items()} | {
    "huyen doan": "district", "thanh doan": "district", "thpt": "high_school",
    "gdnn-gdtx": "gdnn_gdtx", "gdnn - gdtx": "gdnn_gdtx", "cao dang": "college"}


def validate_unit(code: str | None, name: str | None, kind: str | None) -> tuple[dict, dict]:
    """Clean values and a dict of Vietnamese errors keyed by field."""
    errors: dict[str, str] = {}
    code = (str(code) if code is not None else "").strip().upper()
    name = (str(name) if name is not None else "").strip()
    kind_value = _KIND_BY_TEXT.get(fold(str(kind))) if kind else "other"
    if not _CODE.match(code):
        errors["code"] = "Mã đơn vị phải có 1–32 ký tự: chữ không dấu, số, - hoặc _."
    if not name:
        errors["name"] = "Tên đơn vị không được để trống."
    elif len(name) > 200:
        errors["name"] = "Tên đơn vị tối đa 200 ký tự."
    if kind_value is None:
        errors["kind"] = ("Loại đơn vị không hợp lệ; dùng: "
                          + ", ".join(UNIT_KIND_LABELS.values()) + ".")
    return {"code": code, "name": name, "kind": kind_value}, errors


def save_unit(event: Event, unit: Unit | None, code: str, name: str, kind: str, actor) -> Unit:
    values, errors = validate_unit(code, name, kind)
    if unit is None or unit.code != values["code"]:
        clash = db.session.scalar(sa.select(Unit).where(Unit.code == values["code"]))
        if clash is not None and clash is not unit and unit is not None:
            errors["code"] = f"Mã {values['code']} đã dùng cho {clash.name}."
    if errors:
        raise Invalid(errors)
    if unit is None:
        unit = upsert_participation(event, **values)
        action = "unit.add"
    else:
        unit.code, unit.name, unit.kind = values["code"], values["name"], values["kind"]
        action = "unit.update"
    audit.record(action, obj=unit, event_id=event.id, summary=f"{unit.code} — {unit.name}",
                 after=values, user=actor)
    db.session.flush()
    return unit


def import_units(event: Event, data: bytes, actor) -> int:
    """Add or update every unit in the file and enrol it in ``event`` — all rows or none."""
    rows = read_rows(data, IMPORT_HEADERS)
    bad: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    clean = []
    for number, row in rows:
        values, errors = validate_unit(row["Mã đơn vị"], row["Tên đơn vị"], row["Loại đơn vị"])
        if values["code"] in seen:
            errors["code"] = f"Mã {values['code']} trùng với dòng {seen[values['code']]}."
        seen.setdefault(values["code"], number)
        if errors:
            bad.append((number, "; ".join(errors.values())))
        else:
            clean.append(values)
    if not rows:
        raise ImportErrors([], "Tệp không có dòng dữ liệu nào.")
    if bad:
        raise ImportErrors(bad)
    for values in clean:
        upsert_participation(event, **values)
    audit.record("unit.import", event_id=event.id, summary=f"Nhập {len(clean)} đơn vị từ Excel",
                 after={"codes": [v["code"] for v in clean]}, user=actor)
    db.session.flush()
    return len(clean)


def import_template():
    return template(
        "Đơn vị", IMPORT_HEADERS,
        [["BATRI", "Huyện đoàn Ba Tri", UNIT_KIND_LABELS[UnitKind.district]],
         ["THPT-NDCHIEU", "Đoàn trường THPT Nguyễn Đình Chiểu",
          UNIT_KIND_LABELS[UnitKind.high_school]]],
        ["Mỗi dòng một đơn vị; dòng 1 là tiêu đề, giữ nguyên.",
         "Mã đơn vị: chữ không dấu, số, - hoặc _; tối đa 32 ký tự; đơn vị đã có cùng mã sẽ "
         "được cập nhật tên và loại.",
         "Loại đơn vị: " + "; ".join(UNIT_KIND_LABELS.values()) + ".",
         "Tệp được nhập toàn bộ hoặc không nhập dòng nào: nếu có dòng lỗi, hệ thống liệt kê "
         "từng dòng và lý do."])
