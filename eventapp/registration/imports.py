"""Excel import of delegates from the downloadable template: all rows or none.

Every row is checked like a single registration (fields, duplicates within the file and
against the unit's list), then the caps and session capacities are checked for the whole
file at once under the same locks as ``services.register``. Any bad row refuses the file
and every bad row is reported with its Excel row number and reason.

Decisions: a unit imports for itself; an organizer picks the unit in the form (or none:
invited guests). Seats are not imported (organizers set them one by one).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa

from eventapp import audit, formatting
from eventapp.clock import now
from eventapp.errors import Invalid
from eventapp.events.models import Event
from eventapp.events.services import ensure_open
from eventapp.extensions import db
from eventapp.formatting import local_dt
from eventapp.registration import approval, codes, places, rules, services
from eventapp.registration.catalog import Catalog, session_label
from eventapp.registration.models import HOLDING, Attendee
from eventapp.registration.settings import DEADLINE
from eventapp.spreadsheets import ImportErrors, read_rows, template

HEADERS = ("Họ và tên", "Chức vụ", "Nơi công tác", "Thành phần", "Phiên", "Điện thoại",
           "Email")
FIELDS = dict(zip(HEADERS, ("full_name", "position", "workplace", "category", "sessions",
                            "phone", "email"), strict=True))
LABELS = {field: header for header, field in FIELDS.items()}


def import_template(event: Event, organizer: bool = False):
    """The template: header row, two example rows, a notes sheet and drop-down lists for
    this event (an organizer's lists every category, a unit's those it may choose)."""
    catalog = Catalog(event)
    choosable = catalog.categories if organizer else catalog.unit_categories()
    category = choosable[0].name if choosable else ""
    numbers = ", ".join(str(i) for i in range(1, len(catalog.sessions) + 1))
    labels = [session_label(catalog, s) for s in catalog.sessions]
    examples = [["Nguyễn Văn An", "Giáo viên Tổng phụ trách Đội", "Trường THCS An Đức",
                 category, "1", "0912 345 678", "nguyenvanan@example.com"],
                ["Trần Thị Bích", "Bí thư Đoàn trường", "Trường THPT Phan Văn Trị",
                 category, numbers, "0987 654 321", ""]]
    notes = [
        "Mỗi dòng một đại biểu; dòng 1 là tiêu đề cột, giữ nguyên. Xóa hai dòng ví dụ (họ tên "
        "bắt đầu bằng “Ví dụ:”) trước khi nhập: tệp còn dòng ví dụ sẽ không được nhập.",
        "Thành phần và Phiên: chọn trong danh sách thả xuống của ô.",
        "Bắt buộc: Họ và tên, Thành phần, Phiên. Các cột khác có thể để trống.",
        "Thành phần: ghi đúng một trong các tên sau: "
        + "; ".join(c.name for c in choosable) + ".",
        "Phiên: chọn một phiên hoặc ghi số thứ tự phiên, nhiều phiên cách nhau bằng dấu phẩy "
        "(ví dụ: 1, 2).",
    ]
    for session in catalog.sessions:
        notes.append(f"{session_label(catalog, session)}: {session.name} — "
                     f"{local_dt(session.starts_at, event.timezone)}, {session.venue}.")
    closed = [c.name for c in catalog.categories if c.id in catalog.organizer_only]
    if closed:
        notes.append("Chỉ Ban tổ chức đăng ký các thành phần: " + "; ".join(closed) + ".")
    notes += [
        "Không nhập trùng người: cùng họ tên và số điện thoại trong một đơn vị.",
        "Tệp được nhập toàn bộ hoặc không nhập dòng nào: nếu có dòng lỗi (kể cả vượt chỉ "
        "tiêu hay sức chứa phiên), hệ thống liệt kê từng dòng và lý do.",
    ]
    return template("Đại biểu", HEADERS, examples, notes,
                    choices={"Thành phần": [c.name for c in choosable], "Phiên": labels},
                    open_choices={"Phiên"})


def import_attendees(event: Event, actor, data: bytes, unit_code: str | None = None) -> int:
    """Register every row of the file for one unit (or as guests); returns the count. A
    unit account imports for itself or, naming it by ``unit_code``, for a child."""
    catalog = Catalog(event)
    unit = services.acting_unit(actor, event, unit_code)
    if unit is not None:
        ensure_open(event, unit.id, DEADLINE)
    elif unit_code:
        unit = catalog.unit(unit_code)
        if unit is None:
            raise Invalid({"unit": f"Đơn vị '{unit_code}' không tham gia sự kiện này."})
    rows = read_rows(data, HEADERS)
    if not rows:
        raise ImportErrors([], "Tệp không có dòng dữ liệu nào; chưa có dữ liệu nào được nhập.")
    bad: dict[int, list[str]] = defaultdict(list)
    accepted: list[tuple[int, dict]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        raw = {FIELDS[h]: row[h] for h in HEADERS}
        values, errors = services.validate(catalog, raw, organizer=actor.is_organizer,
                                           unit=unit)
        bad[number] += [f"{LABELS.get(f, f)}: {m}" for f, m in errors.items()]
        key = (values["name_key"], rules.phone_key(values["phone"]))
        if values["name_key"] and key in seen:
            bad[number].append(f"trùng người với dòng {seen[key]} ({values['full_name']})")
        seen.setdefault(key, number)
        if not bad[number]:
            accepted.append((number, values))

    unit_id = unit.id if unit else None
    session_ids = {s.id for _, values in accepted for s in values["sessions"]}
    places.lock_places(event.id, unit_id, session_ids)
    _check_against_database(catalog, unit, accepted, bad)
    _refuse_if(bad)
    status = approval.initial_status(event, actor)
    created = []
    for _, values in accepted:
        attendee = Attendee(
            event_id=event.id, unit_id=unit_id, category_id=values["category"].id,
            full_name=values["full_name"], name_key=values["name_key"],
            position=values["position"], workplace=values["workplace"],
            phone=values["phone"], email=values["email"],
            status=status, code_nonce=codes.new_nonce(),
            created_at=now(), created_by_id=actor.id)
        attendee.sessions = list(values["sessions"])
        created.append(attendee)
    db.session.add_all(created)
    db.session.flush()
    who = unit.name if unit else "khách mời"
    audit.record("attendee.import", event_id=event.id,
                 summary=f"Nhập {formatting.number(len(created))} đại biểu từ Excel — {who}",
                 after={"unit": unit.code if unit else None,
                        "attendees": [a.id for a in created]}, user=actor)
    return len(created)


def _refuse_if(bad: dict[int, list[str]]) -> None:
    rows = [(number, "; ".join(reasons)) for number, reasons in sorted(bad.items()) if reasons]
    if rows:
        raise ImportErrors(rows)


def _check_against_database(catalog: Catalog, unit, accepted, bad) -> None:
    """Duplicates of people already registered, then caps and capacity for the whole file
    (counting only the rows that are otherwise good)."""
    event = catalog.event
    unit_id = unit.id if unit else None
    existing: dict[tuple[str, str], Attendee] = {}
    for attendee in db.session.scalars(sa.select(Attendee).where(
            Attendee.event_id == event.id, Attendee.status.in_(HOLDING),
            Attendee.unit_id.is_(None) if unit_id is None else Attendee.unit_id == unit_id)):
        existing.setdefault((attendee.name_key, rules.phone_key(attendee.phone)), attendee)
    for number, values in accepted:
        found = existing.get((values["name_key"], rules.phone_key(values["phone"])))
        if found is not None:
            bad[number].append(places.duplicate_message(found))
    accepted = [(number, values) for number, values in accepted if not bad[number]]

    limits = places.maxima(event, unit)
    used = places.used_places(catalog, unit_id, limits)
    needs = [rules.keys_for([s.id for s in values["sessions"]], values["category"].id, limits,
                            catalog.organizer_only)
             for _, values in accepted]
    wanted = Counter(key for keys in needs for key in set(keys))
    for index, keys in rules.over_limits(limits, used, needs).items():
        for key in keys:
            bad[accepted[index][0]].append(_over_message(catalog, key, limits[key],
                                                         used.get(key, 0), wanted[key]))


def _over_message(catalog: Catalog, key, limit: int, used: int, wanted: int) -> str:
    session = next(s for s in catalog.sessions if s.id == key[1])
    where = session_label(catalog, session)
    if key[0] == "capacity":
        return (f"{where} không đủ chỗ: sức chứa {limit}, đã đăng ký {used}, "
                f"tệp thêm {wanted}")
    if key[0] == "units":
        return (f"{where} không đủ chỗ dành cho các đơn vị: {limit} chỗ (Ban tổ chức giữ "
                f"{(session.capacity or 0) - limit} chỗ cho khách mời), các đơn vị đã đăng ký "
                f"{used}, tệp thêm {wanted}")
    if key[0] == "default":
        return (f"vượt giới hạn {limit} đại biểu/đơn vị ở {where} cho các thành phần không có "
                f"chỉ tiêu riêng: đơn vị đã đăng ký {used}, tệp thêm {wanted}")
    category = next(c for c in catalog.categories if c.id == key[2])
    return (f"vượt chỉ tiêu {category.name} ở {where}: tối đa {limit}/đơn vị, "
            f"đơn vị đã đăng ký {used}, tệp thêm {wanted}")
