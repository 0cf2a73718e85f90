"""The event definition (JSON) accepted by ``import-event`` and the demo: its schema.

Keys are the contract from issue #2; more may be added, none renamed.
"""

from __future__ import annotations

from eventapp.formatting import configured_zone_name
from eventapp.schemas import (
    EXCLUDE,
    MULTILINE,
    AwareDateTime,
    Schema,
    ValidationError,
    fields,
    length,
    not_blank,
    one_of,
    validate,
    validates_schema,
)
from eventapp.units.models import UnitKind

_kinds = [k.value for k in UnitKind]
_key = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$",
                       error="Chỉ gồm chữ thường không dấu, số và dấu gạch ngang.")
_code = validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$",
                        error="Mã đơn vị chỉ gồm chữ không dấu, số, - và _ (tối đa 32 ký tự).")


class UnitDef(Schema):
    class Meta:
        unknown = EXCLUDE

    code = fields.String(required=True, validate=_code)
    name = fields.String(required=True, validate=[not_blank, length(200)])
    kind = fields.String(load_default="other", validate=one_of(_kinds))


class SessionDef(Schema):
    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=_key)
    name = fields.String(required=True, validate=not_blank, metadata=MULTILINE)
    starts_at = AwareDateTime(required=True)
    ends_at = AwareDateTime(load_default=None, allow_none=True)
    venue = fields.String(load_default="")
    capacity = fields.Integer(load_default=None, allow_none=True,
                              validate=validate.Range(min=1, error="Phải lớn hơn 0."))
    agenda = fields.List(fields.String(validate=not_blank), load_default=list)
    #: Seats kept for the organizer's guests; units together fill at most capacity − reserved.
    reserved = fields.Integer(load_default=0, validate=validate.Range(
        min=0, max=1_000_000, error="Phải từ 0 đến 1.000.000."))

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Giờ kết thúc phải sau giờ bắt đầu.", "ends_at")
        if data.get("reserved") and data.get("capacity") is None:
            raise ValidationError("Chỉ giữ chỗ được khi phiên có sức chứa (capacity).",
                                  "reserved")
        if data.get("reserved") and data["reserved"] > data["capacity"]:
            raise ValidationError("Số chỗ giữ cho khách mời không được vượt sức chứa của phiên.",
                                  "reserved")


class QuestionsDef(Schema):
    class Meta:
        unknown = EXCLUDE

    deadline = AwareDateTime(load_default=None, allow_none=True)
    min_per_unit = fields.Integer(load_default=0, validate=validate.Range(min=0))
    max_per_unit = fields.Integer(load_default=None, allow_none=True,
                                  validate=validate.Range(min=1, error="Phải lớn hơn 0."))
    topics = fields.List(fields.String(validate=[not_blank, length(300)]), load_default=list)

    @validates_schema
    def _quota(self, data, **kwargs):
        if data.get("max_per_unit") is not None and data["max_per_unit"] < data["min_per_unit"]:
            raise ValidationError("Số tối đa không được nhỏ hơn số tối thiểu.", "max_per_unit")


class CategoryDef(Schema):
    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=_key)
    name = fields.String(required=True, validate=not_blank)
    #: Only the organizer registers people in it; units cannot choose it.
    organizer_only = fields.Boolean(load_default=False)


class CapDef(Schema):
    class Meta:
        unknown = EXCLUDE

    session = fields.String(required=True)
    category = fields.String(required=True)
    unit_kind = fields.String(load_default=None, allow_none=True, validate=one_of(_kinds))
    max_per_unit = fields.Integer(required=True, validate=validate.Range(min=0))


class RegistrationDef(Schema):
    class Meta:
        unknown = EXCLUDE

    deadline = AwareDateTime(load_default=None, allow_none=True)
    categories = fields.List(fields.Nested(CategoryDef), load_default=list)
    caps = fields.List(fields.Nested(CapDef), load_default=list)
    #: Per unit and session, in the categories no cap covers; null: no such limit.
    default_max_per_unit = fields.Integer(load_default=10, allow_none=True, validate=validate.Range(
        min=0, max=1_000_000, error="Phải từ 0 đến 1.000.000."))


class NominationsDef(Schema):
    class Meta:
        unknown = EXCLUDE

    deadline = AwareDateTime(load_default=None, allow_none=True)
    reference_date = fields.Date(load_default=None, allow_none=True)
    serving_min_years = fields.Integer(load_default=30, validate=validate.Range(min=0, max=80))
    retired_min_years = fields.Integer(load_default=25, validate=validate.Range(min=0, max=80))
    title_window_years = fields.Integer(load_default=1, validate=validate.Range(min=0, max=50))
    discipline_window_years = fields.Integer(load_default=5,
                                             validate=validate.Range(min=0, max=50))
    submitting_unit_kinds = fields.List(fields.String(validate=one_of(_kinds)),
                                        load_default=lambda: ["district"])


class EventDef(Schema):
    class Meta:
        unknown = EXCLUDE

    slug = fields.String(required=True, validate=_key)
    title = fields.String(required=True, validate=not_blank, metadata=MULTILINE)
    theme = fields.String(load_default="", metadata=MULTILINE)
    timezone = fields.String(load_default=configured_zone_name)
    units = fields.List(fields.Nested(UnitDef), load_default=list)
    sessions = fields.List(fields.Nested(SessionDef), load_default=list)
    questions = fields.Nested(QuestionsDef, load_default=lambda: QuestionsDef().load({}))
    registration = fields.Nested(RegistrationDef,
                                 load_default=lambda: RegistrationDef().load({}))
    nominations = fields.Nested(NominationsDef, load_default=lambda: NominationsDef().load({}))

    @validates_schema
    def _consistent(self, data, **kwargs):
        from zoneinfo import available_timezones

        if data.get("timezone") not in available_timezones():
            raise ValidationError("Múi giờ không hợp lệ.", "timezone")
        _unique(data.get("units", []), "code", "units")
        _unique(data.get("sessions", []), "key", "sessions")
        registration = data.get("registration") or {}
        _unique(registration.get("categories", []), "key", "registration.categories")
        sessions = {s["key"] for s in data.get("sessions", [])}
        categories = {c["key"] for c in registration.get("categories", [])}
        for i, cap in enumerate(registration.get("caps", [])):
            if cap["session"] not in sessions:
                raise ValidationError(f"Phiên '{cap['session']}' không có trong sessions.",
                                      f"registration.caps.{i}.session")
            if cap["category"] not in categories:
                raise ValidationError(f"Thành phần '{cap['category']}' không có trong "
                                      "registration.categories.",
                                      f"registration.caps.{i}.category")


def _unique(items: list[dict], key: str, where: str) -> None:
    seen = set()
    for i, item in enumerate(items):
        value = item[key].upper() if key == "code" else item[key]
        if value in seen:
            raise ValidationError(f"'{item[key]}' bị trùng.", f"{where}.{i}.{key}")
        seen.add(value)
