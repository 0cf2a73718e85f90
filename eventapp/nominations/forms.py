"""The dossier form: HTML fields ⇄ the dict ``DossierSchema`` validates.

Row fields are named ``period-<i>-start``, ``title-<i>-year`` …; blank rows are dropped, so
the i-th row shown is the i-th item the schema reports errors on (``service_periods.i.end``).
"""

from __future__ import annotations

import re

from eventapp.nominations import eligibility as el
from eventapp.text import clean

SCALARS = ("full_name", "birth_date", "gender", "school", "position", "status", "retired_on",
           "note")
ROWS = {"service_periods": ("period", ("start", "end")),
        "titles": ("title", ("year", "title")),
        "disciplines": ("discipline", ("date", "level"))}
#: A row counts only when one of these is filled (a select alone is its default, not input).
TYPED_PARTS = {"service_periods": ("start", "end"), "titles": ("year",),
               "disciplines": ("date",)}
FIELD_LABELS = {"full_name": "Họ và tên", "birth_date": "Ngày sinh", "gender": "Giới tính",
                "school": "Trường / đơn vị công tác", "position": "Chức vụ",
                "status": "Tình trạng", "retired_on": "Ngày nghỉ hưu", "note": "Ghi chú",
                "service_periods": "Quá trình làm Tổng phụ trách Đội", "titles": "Danh hiệu",
                "disciplines": "Kỷ luật", "start": "từ ngày", "end": "đến ngày", "year": "năm",
                "title": "danh hiệu", "date": "ngày", "level": "hình thức"}
ROW_LABELS = {"service_periods": "Giai đoạn", "titles": "Danh hiệu", "disciplines": "Kỷ luật"}
#: Rows of one kind read from a JSON preview (the form's own keys allow 1,000).
MAX_ROWS = 1000
_ROW_KEY = re.compile(r"^(period|title|discipline)-(\d{1,3})-(\w+)$")


def parse(form) -> dict:
    """Form data (a MultiDict or a plain dict) → the schema's input; blank rows dropped."""
    data = {name: _text(form.get(name), multiline=name == "note") for name in SCALARS}
    data["status"] = data["status"] or "serving"
    for key in ("birth_date", "retired_on"):
        data[key] = data[key] or None
    if data["status"] == "serving":  # the field is hidden for a serving nominee
        data["retired_on"] = None
    for target, (prefix, parts) in ROWS.items():
        found: dict[int, dict] = {}
        for name in form:
            match = _ROW_KEY.match(name)
            if match and match.group(1) == prefix and match.group(3) in parts:
                found.setdefault(int(match.group(2)), {})[match.group(3)] = \
                    _text(form.get(name))
        rows = [found[i] for i in sorted(found)
                if any(found[i].get(part) for part in TYPED_PARTS[target])]
        data[target] = [_typed(target, row) for row in rows]
    return data


def from_json(body: dict) -> dict:
    """The live preview's JSON (already shaped like ``parse``'s output), normalised."""
    flat = {name: body.get(name) or "" for name in SCALARS}
    for target, (prefix, parts) in ROWS.items():
        rows = body.get(target)
        for i, row in enumerate(rows[:MAX_ROWS] if isinstance(rows, list) else []):
            if isinstance(row, dict):
                for part in parts:
                    flat[f"{prefix}-{i}-{part}"] = str(row.get(part) or "")
    return parse(flat)


def _text(value, *, multiline: bool = False) -> str:
    """A submitted value as clean text (``text.clean``); a JSON list or number too."""
    return clean(value if isinstance(value, str) or value is None else str(value),
                 multiline=multiline)


def _typed(target: str, row: dict) -> dict:
    if target == "service_periods":
        return {"start": row.get("start") or None, "end": row.get("end") or None}
    if target == "titles":
        year = row.get("year", "")
        # More digits than a year has stays text, for the schema to refuse in Vietnamese.
        return {"year": int(year) if year.isdecimal() and len(year) <= 4 else year,
                "title": row.get("title", "")}
    return {"date": row.get("date") or None, "level": row.get("level", "")}


def initial(nomination=None) -> dict:
    """Values to show: a stored dossier, or an empty form with one open period."""
    if nomination is None:
        return {"full_name": "", "birth_date": "", "gender": "", "school": "",
                "position": "Giáo viên Tổng phụ trách Đội", "status": "serving",
                "retired_on": "", "note": "", "service_periods": [{"start": "", "end": ""}],
                "titles": [], "disciplines": []}
    return {"full_name": nomination.full_name, "gender": nomination.gender,
            "birth_date": nomination.birth_date.isoformat() if nomination.birth_date else "",
            "school": nomination.school, "position": nomination.position,
            "status": nomination.service_status, "note": nomination.note,
            "retired_on": nomination.retired_on.isoformat() if nomination.retired_on else "",
            "service_periods": [dict(p) for p in nomination.service_periods or []],
            "titles": [dict(t) for t in nomination.titles or []],
            "disciplines": [dict(d) for d in nomination.disciplines or []]}


def for_display(data: dict) -> dict:
    """Parsed data back into strings for re-showing the form after an error."""
    shown = {k: ("" if v is None else str(v)) for k, v in data.items() if k in SCALARS}
    for target in ROWS:
        shown[target] = [{k: "" if v is None else str(v) for k, v in row.items()}
                         for row in data.get(target, [])]
    return shown


def label(key: str) -> str:
    """``service_periods.1.end`` → "Giai đoạn 2 — đến ngày"."""
    parts = key.split(".")
    if parts[0] in ROW_LABELS and len(parts) >= 2 and parts[1].isdecimal():
        tail = f" — {FIELD_LABELS.get(parts[2], parts[2])}" if len(parts) > 2 else ""
        return f"{ROW_LABELS[parts[0]]} {int(parts[1]) + 1}{tail}"
    return FIELD_LABELS.get(parts[0], key)


CHOICES = {
    "titles": list(el.TITLE_LABELS.items()),
    "levels": list(el.DISCIPLINE_LABELS.items()),
    "statuses": list(el.STATUSES.items()),
    "documents": list(el.DOCUMENTS.items()),
    "genders": [("", "—"), ("nam", "Nam"), ("nu", "Nữ")],
}
