"""How the audit log reads this domain's entries: honoring dossiers (hồ sơ vinh danh), their
files, the organizer's review and the certificate's wording."""

from __future__ import annotations

from flask import Flask

from eventapp.audit import phrases
from eventapp.audit.phrases import Field
from eventapp.nominations import eligibility as el
from eventapp.nominations.models import NominationStatus
from eventapp.units.auditing import kind_name


def _period(value, event_id):
    if not isinstance(value, dict) or "start" not in value:
        return None
    start = phrases.show_value(value.get("start"), "UTC")
    end = phrases.show_value(value.get("end"), "UTC") if value.get("end") else "nay"
    return f"{start} – {end}"


def _title(value, event_id):
    if not isinstance(value, dict) or "title" not in value:
        return None
    return f"{el.TITLE_LABELS.get(value['title'], value['title'])} ({value.get('year', '?')})"


def _discipline(value, event_id):
    if not isinstance(value, dict) or "level" not in value:
        return None
    level = el.DISCIPLINE_LABELS.get(value["level"], value["level"])
    return f"{level} ({phrases.show_value(value.get('date'), 'UTC')})"


def _decision(reading) -> str:
    """"Được vinh danh: Huỳnh Thu Phượng (Huyện đoàn Ba Tri)" → "của Huỳnh Thu Phượng
    (Huyện đoàn Ba Tri): được vinh danh"."""
    decision, found, who = reading.summary.partition(": ")
    return f"của {who}: {decision[:1].lower()}{decision[1:]}" if found else ""


def _checks(value, event_id):
    if not isinstance(value, dict):
        return None
    ticked = [el.MANUAL_CRITERIA.get(code, code) for code, on in value.items() if on]
    return "; ".join(ticked) or "không tiêu chí nào"


def contribute(app: Flask) -> None:
    # Its settings part adds this field to the event's own entries.
    phrases.describe(app, "event", noun="sự kiện", fields={
        "nomination_unit_kinds": Field("Loại đơn vị được gửi hồ sơ vinh danh", kind_name)})
    phrases.describe(app, "nomination", noun="hồ sơ vinh danh", actions={
        "create": ("Tạo hồ sơ vinh danh", "đã tạo hồ sơ vinh danh",
                   phrases.rest_of("Hồ sơ vinh danh ")),
        "update": ("Sửa hồ sơ vinh danh", "đã sửa hồ sơ vinh danh",
                   phrases.rest_of("Hồ sơ vinh danh ")),
        "submit": ("Gửi hồ sơ vinh danh", "đã gửi hồ sơ vinh danh",
                   phrases.rest_of("Gửi hồ sơ ")),
        "withdraw": ("Rút hồ sơ vinh danh", "đã rút hồ sơ vinh danh về để sửa"),
        "delete": ("Xóa hồ sơ nháp", "đã xóa hồ sơ vinh danh nháp"),
        "file_add": ("Tải lên tệp hồ sơ", "đã tải lên", phrases.rest_of("Tải lên ")),
        "file_delete": ("Xóa tệp hồ sơ", "đã xóa tệp hồ sơ"),
        "return": ("Trả lại hồ sơ", "đã trả lại hồ sơ vinh danh",
                   phrases.rest_of("Trả lại hồ sơ ")),
        "decide": ("Quyết định vinh danh", "đã quyết định về hồ sơ vinh danh", _decision),
        "review": ("Đánh giá hồ sơ", "đã đánh giá hồ sơ vinh danh"),
        "reading_order": ("Thứ tự đọc danh sách vinh danh",
                          "đã sắp xếp thứ tự đọc danh sách vinh danh"),
        "certificate": ("Sửa giấy chứng nhận", "đã sửa nội dung giấy chứng nhận vinh danh"),
    }, fields={
        "full_name": "Họ tên", "birth_date": "Ngày sinh",
        "gender": Field("Giới tính", phrases.choices({"nam": "Nam", "nu": "Nữ"})),
        "school": "Trường / đơn vị công tác", "position": "Chức vụ",
        "service_status": Field("Tình trạng công tác", phrases.choices(
            {s.value: s.label for s in el.ServiceStatus})),
        "retired_on": "Ngày nghỉ hưu", "service_periods": Field("Thời gian làm TPT Đội", _period),
        "titles": Field("Danh hiệu", _title), "disciplines": Field("Kỷ luật", _discipline),
        "note": "Ghi chú", "submitted_at": "Gửi lúc",
        "status": Field("Trạng thái", phrases.choices({s.value: s.label
                                                        for s in NominationStatus})),
        "reason": "Lý do", "manual_checks": Field("Tiêu chí xét thủ công đạt", _checks),
        "auto_eligible": "Đủ điều kiện theo xét tự động",
        "kinds": Field("Thành phần hồ sơ", phrases.choices(el.DOCUMENTS)),
        "size": "Dung lượng (byte)",
        "issuer": "Cơ quan cấp", "heading": "Tiêu đề", "citation": "Nội dung khen",
        "place": "Địa danh", "signed_on": "Ngày ký", "signer_title": "Chức vụ người ký",
        "signer_name": "Họ tên người ký",
    }, find_field=_numbered)


def _numbered(key: str) -> Field | None:
    """The reading order stores ``{dossier id: position}``."""
    return Field(f"Thứ tự đọc của hồ sơ số {key}") if key.isdecimal() else None
