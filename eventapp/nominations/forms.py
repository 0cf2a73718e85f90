"""The nominations domain's forms, and the dossier form's HTML fields ⇄ the dict
``DossierSchema`` validates.

Row fields are named ``period-<i>-start``, ``title-<i>-year`` …; blank rows are dropped, so
the i-th row shown is the i-th item the schema reports errors on (``service_periods.i.end``).
The services check every value (their messages name the dossier's fields), so these forms
declare no validators of their own: they carry the CSRF token and clean the text.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from flask import request
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from eventapp import daytext
from eventapp.events.forms import moment
from eventapp.forms import DayField, Form
from eventapp.nominations import eligibility as el
from eventapp.nominations.models import DEFAULT_UNIT_KINDS
from eventapp.text import clean
from eventapp.units import kinds

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
DAY_SCALARS = ("birth_date", "retired_on")
#: The keys, scalar or in a row, that hold a day (typed dd/mm/yyyy, stored ISO).
DAY_PARTS = {*DAY_SCALARS, "start", "end", "date"}
#: Rows of one kind read from a JSON preview (the form's own keys allow 1,000).
MAX_ROWS = 1000
_ROW_KEY = re.compile(r"^(period|title|discipline)-(\d{1,3})-(\w+)$")


def parse(form) -> dict:
    """Form data (a MultiDict or a plain dict) → the schema's input; blank rows dropped."""
    data = {name: _text(form.get(name), multiline=name == "note") for name in SCALARS}
    data["status"] = data["status"] or "serving"
    for key in DAY_SCALARS:
        data[key] = daytext.iso_day(data[key]) or None
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
        return {"start": daytext.iso_day(row.get("start")) or None,
                "end": daytext.iso_day(row.get("end")) or None}
    if target == "titles":
        year = row.get("year", "")
        # More digits than a year has stays text, for the schema to refuse in Vietnamese.
        return {"year": int(year) if year.isdecimal() and len(year) <= 4 else year,
                "title": row.get("title", "")}
    return {"date": daytext.iso_day(row.get("date")) or None, "level": row.get("level", "")}


def initial(nomination=None) -> dict:
    """Values to show: a stored dossier, or an empty form with one open period."""
    if nomination is None:
        return {"full_name": "", "birth_date": "", "gender": "", "school": "",
                "position": "Giáo viên Tổng phụ trách Đội", "status": "serving",
                "retired_on": "", "note": "", "service_periods": [{"start": "", "end": ""}],
                "titles": [], "disciplines": []}
    return {"full_name": nomination.full_name, "gender": nomination.gender,
            "birth_date": daytext.show_day(nomination.birth_date),
            "school": nomination.school, "position": nomination.position,
            "status": nomination.service_status, "note": nomination.note,
            "retired_on": daytext.show_day(nomination.retired_on),
            "service_periods": [_shown(p) for p in nomination.service_periods or []],
            "titles": [dict(t) for t in nomination.titles or []],
            "disciplines": [_shown(d) for d in nomination.disciplines or []]}


def for_display(data: dict) -> dict:
    """Parsed data back into strings for re-showing the form after an error."""
    shown = _shown({k: v for k, v in data.items() if k in SCALARS})
    for target in ROWS:
        shown[target] = [_shown(row) for row in data.get(target, [])]
    return shown


def _shown(values: dict) -> dict:
    """Values as the form shows them: text, a day as ``dd/mm/yyyy`` (stored ISO)."""
    return {key: _day_text(value) if key in DAY_PARTS else "" if value is None else str(value)
            for key, value in values.items()}


def _day_text(value) -> str:
    if not value:
        return ""
    try:
        return daytext.show_day(daytext.read_day(str(value)))
    except ValueError:
        return str(value)  # what the user typed, shown back beside its error


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
    "statuses": [(s.value, s.label) for s in el.ServiceStatus],
    "documents": list(el.DOCUMENTS.items()),
    "genders": [("", "—"), ("nam", "Nam"), ("nu", "Nữ")],
}


class DossierForm(Form):
    """The dossier page. Its rows are added and removed in the browser, so ``dossier`` reads
    them from the post as ``parse`` does."""

    full_name = StringField()
    birth_date = StringField()
    gender = StringField()
    school = StringField()
    position = StringField()
    status = StringField()
    retired_on = StringField()
    note = TextAreaField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The template shows the rows' messages beside the rows: holders for them let
        # ``views.apply_errors`` count them as shown instead of flashing them again.
        for target in ROWS:
            setattr(self, target, SimpleNamespace(errors=[]))

    def dossier(self) -> dict:
        """The schema's input: these fields as cleaned here, the rows as posted."""
        posted = request.form.to_dict()
        posted.update({name: self[name].data or "" for name in SCALARS})
        return parse(posted)


class UploadForm(Form):
    """A file of a dossier (with the parts it contains) or the unit's letter."""

    file = FileField()
    kinds = SelectMultipleField(choices=CHOICES["documents"], validate_choice=False)


class ReturnForm(Form):
    """Return a sent dossier to its unit (trả lại), with the reason the unit will read."""

    reason = TextAreaField(name="return_reason")


class DecisionForm(Form):
    """The organizer's decision: the manual criteria (``check-<code>``), approve, reject or
    undecided (``""``), and the reason."""

    decision = StringField()
    reason = TextAreaField()

    def checks(self) -> dict[str, bool]:
        """The manual criteria ticked, by code."""
        return {code: bool(self[f"check-{code}"].data) for code in el.MANUAL_CRITERIA}


for _code in el.MANUAL_CRITERIA:
    setattr(DecisionForm, f"check-{_code}", BooleanField(false_values=("", "0", "false")))


def decision_form(nomination, posted: bool) -> DecisionForm:
    """The decision form as posted, or filled from the dossier's stored review."""
    if posted:
        return DecisionForm()
    decided = nomination.status in ("approved", "rejected")
    checks = nomination.manual_checks or {}
    return DecisionForm(formdata=None, data={
        "decision": nomination.status if decided else "",
        "reason": nomination.review_reason if decided else "",
        **{f"check-{code}": bool(checks.get(code)) for code in el.MANUAL_CRITERIA}})


class CertificateForm(Form):
    """The certificate's wording; the lines of the text areas are printed as typed."""

    issuer = TextAreaField()
    heading = TextAreaField()
    citation = TextAreaField()
    place = StringField()
    signed_on = DayField(validators=[Optional()])
    signer_title = TextAreaField()
    signer_name = StringField()

    def values(self) -> dict:
        """The wording as the service takes it: a text not sent is empty."""
        return {field.name: field.data if isinstance(field, DayField) else field.data or ""
                for field in self if field.name != "csrf_token"}


def reading_order_form(rows, posted: bool) -> Form:
    """One ``order-<id>`` field per honoree, showing its number until the organizer posts."""

    class ReadingOrderForm(Form):
        pass

    for row in rows:
        setattr(ReadingOrderForm, f"order-{row.nomination.id}", StringField())
    if posted:
        return ReadingOrderForm()
    return ReadingOrderForm(formdata=None, data={f"order-{row.nomination.id}": str(row.number)
                                                 for row in rows})


class NominationRulesForm(Form):
    """The event form's honoring part (``nominations/settings.py``)."""

    nomination_deadline = moment("Hạn gửi hồ sơ vinh danh")
    nomination_reference_date = DayField("Ngày tính thâm niên (để trống: ngày diễn ra phiên đầu)",
                                          validators=[Optional()])
    serving_min_years = IntegerField("Thâm niên tối thiểu — đang công tác (năm)", default=30,
                                     validators=[NumberRange(0, 80, "Từ 0 đến 80.")])
    retired_min_years = IntegerField("Thâm niên tối thiểu — đã nghỉ hưu (năm)", default=25,
                                     validators=[NumberRange(0, 80, "Từ 0 đến 80.")])
    title_window_years = IntegerField("Số năm xét danh hiệu", default=1,
                                      validators=[NumberRange(0, 50, "Từ 0 đến 50.")])
    discipline_window_years = IntegerField("Số năm xét kỷ luật", default=5,
                                           validators=[NumberRange(0, 50, "Từ 0 đến 50.")])
    nomination_unit_kinds = SelectMultipleField(
        "Loại đơn vị được gửi hồ sơ vinh danh", default=list(DEFAULT_UNIT_KINDS),
        description="Giữ Ctrl để chọn nhiều.",
        choices=kinds.choices)  # read from the table each time the form is built
