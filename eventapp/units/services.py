"""Operations on units: add/edit within an event, the all-or-nothing Excel import, and the
unit's history: rename and merge (``history.py`` reads it)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from eventapp import audit, formatting
from eventapp.accounts.models import User
from eventapp.clock import now
from eventapp.database import lock
from eventapp.errors import Changed, Invalid
from eventapp.events.models import Event
from eventapp.events.services import upsert_participation
from eventapp.extensions import db
from eventapp.spreadsheets import ImportErrors, read_rows, template
from eventapp.text import clean, fold
from eventapp.units import history, kinds
from eventapp.units.contacts import merge_contacts
from eventapp.units.models import DEFAULT_KIND, Unit, UnitChange, UnitChangeKind
from eventapp.units.rules import (
    clean_contact,
    code_error,
    effective_date_error,
    name_error,
    normal_code,
)
from eventapp.units.tree import parent_errors, set_parents

PARENT_HEADER = "Đơn vị cấp trên"
#: "Đơn vị cấp trên" and the contacts came later: files from older templates still import.
IMPORT_HEADERS = ("Mã đơn vị", "Tên đơn vị", "Loại đơn vị", PARENT_HEADER)
#: Optional: a file made from the template before contacts still imports.
CONTACT_HEADERS = ("Người liên hệ", "Chức vụ", "Email liên hệ", "Điện thoại liên hệ")
CONTACT_KEYS = ("name", "position", "email", "phone")
CONTACT_LABELS = dict(zip(CONTACT_KEYS, CONTACT_HEADERS, strict=True))
#: Short names people type in a file for a default kind (used while that kind exists).
_ALIASES = {"huyen doan": "district", "thanh doan": "district", "thpt": "high_school",
            "gdnn-gdtx": "gdnn_gdtx", "gdnn - gdtx": "gdnn_gdtx", "cao dang": "college",
            "doan xa": "commune", "lien doi": "pioneer_brigade"}


def kind_by_text(names: dict[str, str]) -> dict[str, str]:
    """What a cell may say for each kind of ``names`` (its key, its name, an alias), folded,
    to the kind's key."""
    found = {text: key for text, key in _ALIASES.items() if key in names}
    return found | {fold(key): key for key in names} | {fold(n): k for k, n in names.items()}


def validate_unit(code: str | None, name: str | None, kind: str | None,
                  by_text: dict[str, str] | None = None) -> tuple[dict, dict]:
    """Clean values and a dict of Vietnamese errors keyed by field; ``by_text``
    (``kind_by_text``) may be given once for many rows."""
    errors: dict[str, str] = {}
    code = normal_code(code)
    name = (str(name) if name is not None else "").strip()
    by_text = by_text if by_text is not None else kind_by_text(kinds.names())
    kind_value = by_text.get(fold(str(kind))) if kind else DEFAULT_KIND
    if message := code_error(code):
        errors["code"] = message
    if not name:
        errors["name"] = "Tên đơn vị không được để trống."
    elif len(name) > 200:
        errors["name"] = "Tên đơn vị tối đa 200 ký tự."
    if kind_value is None:
        errors["kind"] = ("Loại đơn vị không hợp lệ; dùng: "
                          + ", ".join(kinds.names().values()) + ".")
    return {"code": code, "name": name, "kind": kind_value}, errors


def save_unit(event: Event, unit: Unit | None, code: str, name: str, kind: str, actor,
              parent: str | None = None) -> Unit:
    """Add or edit a unit of ``event``; ``parent`` is the code of its đơn vị cấp trên
    (empty: none)."""
    values, errors = validate_unit(code, name, kind)
    parent = normal_code(parent) or None
    if not errors and (message := parent_errors({values["code"]: parent}).get(values["code"])):
        errors["parent"] = message
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
    db.session.flush()
    set_parents({unit.code: parent})
    audit.record(action, obj=unit, event_id=event.id, summary=f"{unit.code} — {unit.name}",
                 after={**values, "parent": parent}, user=actor)
    db.session.flush()
    return unit


def import_units(event: Event, data: bytes, actor) -> int:
    """Add or update every unit in the file and enrol it in ``event``, with its contacts —
    all rows or none. A unit's further contacts are further rows with the same code (its
    name and kind left blank or the same); contacts merge by e-mail and none is removed."""
    rows = read_rows(data, IMPORT_HEADERS + CONTACT_HEADERS,
                     optional=(PARENT_HEADER, *CONTACT_HEADERS))
    bad: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    units: dict[str, dict] = {}
    contacts_of: dict[str, list[dict]] = {}
    parent_of: dict[str, tuple[int, str]] = {}  # code → (row, parent code) when one is named
    by_text = kind_by_text(kinds.names())
    for number, row in rows:
        code = normal_code(row["Mã đơn vị"])
        contact = _row_contact(row)
        if code in seen:
            errors = _repeat_errors(row, units.get(code), seen[code], contact, by_text)
        else:
            values, errors = validate_unit(row["Mã đơn vị"], row["Tên đơn vị"],
                                           row["Loại đơn vị"], by_text)
            seen[code] = number
            units[code] = values
            if parent := normal_code(row.get(PARENT_HEADER)):
                parent_of[code] = (number, parent)
        if contact is not None:
            values, contact_errors = clean_contact(**contact)
            errors |= {f"contact_{k}": f"{CONTACT_LABELS[k]}: {m}"
                       for k, m in contact_errors.items()}
            contacts_of.setdefault(code, []).append(values)
        if errors:
            bad.append((number, "; ".join(errors.values())))
    if not rows:
        raise ImportErrors([], "Tệp không có dòng dữ liệu nào.")
    # Only the rows that name a parent change one: an empty cell keeps what was set.
    links = {code: parent for code, (_, parent) in parent_of.items()}
    wrong = parent_errors(links, list(units)) if not bad else {}
    bad += [(parent_of[code][0], message) for code, message in wrong.items()]
    if bad:
        raise ImportErrors(sorted(bad))
    added = 0
    for code, values in units.items():
        unit = upsert_participation(event, **values)
        added += merge_contacts(unit, contacts_of.get(code, []))
    db.session.flush()
    set_parents(links)
    audit.record("unit.import", event_id=event.id,
                 summary=f"Nhập {formatting.number(len(units))} đơn vị từ Excel"
                 + (f", thêm {added} người liên hệ" if added else ""),
                 after={"codes": list(units), "parents": links}, user=actor)
    db.session.flush()
    return len(units)


def _row_contact(row: dict) -> dict | None:
    """The row's contact columns as ``clean_contact`` arguments, or None when all are blank."""
    values = {key: row.get(header)
              for key, header in zip(CONTACT_KEYS, CONTACT_HEADERS, strict=True)}
    return values if any(v not in (None, "") for v in values.values()) else None


def _repeat_errors(row: dict, first: dict | None, first_number: int,
                   contact: dict | None, by_text: dict) -> dict[str, str]:
    """A second row of one code: only another contact of the unit on the first row."""
    code = normal_code(row["Mã đơn vị"])
    same_name = row["Tên đơn vị"] in (None, "") or (first and str(row["Tên đơn vị"]).strip()
                                                    == first["name"])
    same_kind = row["Loại đơn vị"] in (None, "") or (
        first and validate_unit(code, "x", row["Loại đơn vị"], by_text)[0]["kind"]
        == first["kind"])
    if contact is None or not same_name or not same_kind:
        return {"code": f"Mã {code} trùng với dòng {first_number} (một dòng nữa của cùng đơn "
                        "vị chỉ để thêm người liên hệ: để trống tên và loại đơn vị)."}
    return {}


def import_template():
    names = kinds.names()
    return template(
        "Đơn vị", IMPORT_HEADERS + CONTACT_HEADERS,
        [["BATRI", "Huyện đoàn Ba Tri", names.get("district", DEFAULT_KIND), "",
          "Nguyễn Văn An", "Bí thư", "bithu@batri.vn", "0912 345 678"],
         ["THPT-NDCHIEU", "Đoàn trường THPT Nguyễn Đình Chiểu",
          names.get("high_school", DEFAULT_KIND), "BATRI", "", "", "", ""],
         ["BATRI", "", "", "", "Trần Thị Bình", "Văn thư", "vanthu@batri.vn", ""]],
        ["Mỗi dòng một đơn vị; dòng 1 là tiêu đề, giữ nguyên. Xóa các dòng ví dụ (mã bắt "
         "đầu bằng “Ví dụ:”): tệp còn dòng ví dụ sẽ không được nhập.",
         "Mã đơn vị: chữ không dấu, số, - hoặc _; tối đa 32 ký tự; đơn vị đã có cùng mã sẽ "
         "được cập nhật tên và loại.",
         "Loại đơn vị: " + "; ".join(names.values()) + ".",
         "Đơn vị cấp trên (không bắt buộc): mã của đơn vị cấp trên — có trong tệp hoặc đã có "
         "trong hệ thống; đơn vị cấp trên xem tiến độ và làm thay cho đơn vị cấp dưới. Để "
         "trống: giữ nguyên như trước.",
         "Người liên hệ (không bắt buộc): họ tên, chức vụ, email và điện thoại (chữ số, dấu "
         "cách, dấu + ở đầu; nên định dạng ô là Văn bản để giữ số 0 đầu); cần email hoặc "
         "điện thoại. Người liên hệ nhận thông báo của đơn vị qua email.",
         "Đơn vị có nhiều người liên hệ: thêm dòng có cùng mã đơn vị, để trống tên và loại, "
         "điền người liên hệ tiếp theo. Người liên hệ có email đơn vị đã có sẽ được cập nhật; "
         "không ai bị xóa khi nhập.",
         "Tệp được nhập toàn bộ hoặc không nhập dòng nào: nếu có dòng lỗi, hệ thống liệt kê "
         "từng dòng và lý do."],
        choices={"Loại đơn vị": list(names.values())})


# --- Rename and merge (issue #16): the unit's history ------------------------------------------

def today() -> date:
    """Today in the configured zone: the default, and the latest, effective date."""
    return formatting.local(now()).date()


def find_unit(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == normal_code(code)))


def rename_unit(unit: Unit, new_name: str, effective_on: date | None, actor,
                note: str = "") -> UnitChange:
    """Rename ``unit`` from ``effective_on`` (default today): events on or after that day
    (and undated ones) show the new name; earlier events keep the name of their time."""
    lock(unit)
    effective_on = effective_on or today()
    new_name = clean(new_name)
    errors = {}
    if (merge := history.merge_of(unit.id)) is not None:
        errors["unit"] = _merged_message(unit, merge)
    elif message := name_error(new_name, unit.name):
        errors["name"] = message
    last = history.last_rename(unit.id)
    if message := effective_date_error(effective_on, today(),
                                       last.effective_on if last else None):
        errors["effective_on"] = message
    if errors:
        raise Invalid(errors)
    change = UnitChange(unit_id=unit.id, kind=UnitChangeKind.rename, old_name=unit.name,
                        new_name=new_name, effective_on=effective_on, note=clean(note),
                        by_id=getattr(actor, "id", None))
    db.session.add(change)
    renamed = [p for p, day in history.participations(unit)
               if day is None or day >= effective_on]
    for participation in renamed:
        participation.name = new_name
    unit.name = new_name
    audit.record("unit.rename", obj=unit, summary=f"{unit.code}: {change.old_name} → "
                 f"{new_name} từ {effective_on:%d/%m/%Y}",
                 before={"name": change.old_name},
                 after={"name": new_name, "effective_on": effective_on,
                        "events": [p.event_id for p in renamed]}, user=actor)
    db.session.flush()
    return change


def merge_unit(unit: Unit, into: Unit | None, merged_on: date | None, move_accounts: bool,
               actor, note: str = "") -> UnitChange:
    """Merge ``unit`` into ``into`` from ``merged_on``: the unit is kept (its past events
    keep its rows and name) but takes part in no event from that day; its accounts move to
    ``into`` or are deactivated. Refused while it still takes part in an event on or after
    that day (its submissions there belong to it: the organizer picks a later date)."""
    errors = {}
    if into is None:
        raise Invalid({"into": "Chọn đơn vị nhận sáp nhập."})
    if into.id == unit.id:
        raise Invalid({"into": "Không thể sáp nhập một đơn vị vào chính nó."})
    for row in sorted((unit, into), key=lambda u: u.id):  # one order: no deadlock
        lock(row)
    if (merge := history.merge_of(unit.id)) is not None:
        raise Invalid({"unit": _merged_message(unit, merge)})
    if (merge := history.merge_of(into.id)) is not None:
        errors["into"] = _merged_message(into, merge) + " Hãy chọn đơn vị đang hoạt động."
    if message := effective_date_error(merged_on, today(), None):
        errors["merged_on"] = message
    elif later := [p for p, day in history.participations(unit)
                   if day is None or day >= merged_on]:
        errors["merged_on"] = (
            f"{unit.name} vẫn đang tham gia sự kiện từ ngày này trở đi: "
            + "; ".join(f"“{p.event.title[:60]}”" for p in later[:5])
            + ". Chọn ngày sáp nhập sau các sự kiện đó.")
    if errors:
        raise Invalid(errors)
    change = UnitChange(unit_id=unit.id, kind=UnitChangeKind.merge, old_name=unit.name,
                        new_name=unit.name, merged_into_id=into.id, effective_on=merged_on,
                        accounts_moved=move_accounts, note=clean(note),
                        by_id=getattr(actor, "id", None))
    try:
        # The partial unique index decides between two merges of the unit at once.
        with db.session.begin_nested():
            db.session.add(change)
    except IntegrityError:
        raise Changed() from None
    accounts = list(db.session.scalars(sa.select(User).where(User.unit_id == unit.id)))
    for account in accounts:
        if move_accounts:
            account.unit_id = into.id
        else:
            account.active = False
    audit.record("unit.merge", obj=unit, summary=f"{unit.code} ({unit.name}) sáp nhập vào "
                 f"{into.code} ({into.name}) từ {merged_on:%d/%m/%Y}",
                 after={"into": into.code, "merged_on": merged_on,
                        "accounts": [a.email for a in accounts],
                        "accounts_moved": move_accounts}, user=actor)
    db.session.flush()
    return change


def _merged_message(unit: Unit, merge: UnitChange) -> str:
    into = merge.merged_into.name if merge.merged_into else "một đơn vị đã xóa"
    return f"{unit.name} đã sáp nhập vào {into} từ ngày {merge.effective_on:%d/%m/%Y}."
