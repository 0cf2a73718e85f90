"""The event definition (JSON) accepted by ``import-event`` and the demo: its schema.

Keys are the contract from issue #2; more may be added, none renamed.
"""

from __future__ import annotations

from zoneinfo import available_timezones

from eventapp.formatting import configured_zone_name
from eventapp.nominations.models import DEFAULT_UNIT_KINDS
from eventapp.schemas import (
    EXCLUDE,
    MULTILINE,
    AwareDateTime,
    Schema,
    ValidationError,
    email_address,
    fields,
    length,
    not_blank,
    post_load,
    unit_code,
    validate,
    validates_schema,
)
from eventapp.units import kinds
from eventapp.units.models import DEFAULT_KIND
from eventapp.units.rules import clean_contact, kind_key_error

_key = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$",
                       error="Chỉ gồm chữ thường không dấu, số và dấu gạch ngang.")


def _kind_key(value: str) -> None:
    if message := kind_key_error(value):
        raise ValidationError(message)


class UnitKindDef(Schema):
    """A unit kind the definition uses; its name may be left out for a kind already known."""

    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=_kind_key)
    name = fields.String(load_default=None, allow_none=True, validate=[not_blank, length(200)])


class ContactDef(Schema):
    """A unit's contact (đầu mối liên hệ); checked by ``units.rules.clean_contact``."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(load_default="")
    position = fields.String(load_default="")
    email = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def _reachable(self, data, **kwargs):
        _values, errors = clean_contact(**data)
        if errors:
            raise ValidationError(errors)


class UnitDef(Schema):
    class Meta:
        unknown = EXCLUDE

    code = fields.String(required=True, validate=unit_code)
    name = fields.String(required=True, validate=[not_blank, length(200)])
    #: A key of ``unit_kinds`` or of the kinds already in the database.
    kind = fields.String(load_default=DEFAULT_KIND)
    #: Đơn vị cấp trên: a unit code of this definition or one already stored. Absent: the
    #: unit keeps the parent it has; null or "": it has none.
    parent = fields.String(allow_none=True, validate=validate.Length(max=32))
    #: Shorthand for a contact with only this address.
    email = fields.String(load_default=None, allow_none=True, validate=email_address)
    contacts = fields.List(fields.Nested(ContactDef), load_default=list)


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
    unit_kind = fields.String(load_default=None, allow_none=True)
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
    #: None when the definition says nothing: ``EventDef`` then puts the default kinds that
    #: exist (a deleted "district" must not refuse a field nobody wrote).
    submitting_unit_kinds = fields.List(fields.String(), load_default=None)


class EventDef(Schema):
    class Meta:
        unknown = EXCLUDE

    slug = fields.String(required=True, validate=_key)
    title = fields.String(required=True, validate=not_blank, metadata=MULTILINE)
    theme = fields.String(load_default="", metadata=MULTILINE)
    timezone = fields.String(load_default=configured_zone_name)
    unit_kinds = fields.List(fields.Nested(UnitKindDef), load_default=list)
    units = fields.List(fields.Nested(UnitDef), load_default=list)
    sessions = fields.List(fields.Nested(SessionDef), load_default=list)
    questions = fields.Nested(QuestionsDef, load_default=lambda: QuestionsDef().load({}))
    registration = fields.Nested(RegistrationDef,
                                 load_default=lambda: RegistrationDef().load({}))
    nominations = fields.Nested(NominationsDef, load_default=lambda: NominationsDef().load({}))

    @post_load
    def _default_submitting_kinds(self, data, **kwargs):
        """Unsaid, the kinds that file dossiers are ``DEFAULT_UNIT_KINDS`` that exist here."""
        nominations = data["nominations"]
        if nominations["submitting_unit_kinds"] is None:
            known = _known_keys(data)
            nominations["submitting_unit_kinds"] = [k for k in DEFAULT_UNIT_KINDS if k in known]
        return data

    @validates_schema
    def _consistent(self, data, **kwargs):
        if data.get("timezone") not in available_timezones():
            raise ValidationError("Múi giờ không hợp lệ.", "timezone")
        _unique(data.get("unit_kinds", []), "key", "unit_kinds")
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
        _known_kinds(data)


def _known_kinds(data: dict) -> None:
    """Every kind the definition names is in the database or declared in ``unit_kinds``;
    a new kind there needs its name."""
    stored = kinds.names()
    for i, item in enumerate(data.get("unit_kinds", [])):
        if item["key"] not in stored and not item.get("name"):
            raise ValidationError("Loại đơn vị mới cần có tên (name).", f"unit_kinds.{i}.name")
    known = _known_keys(data, stored)
    named = [(f"units.{i}.kind", u["kind"]) for i, u in enumerate(data.get("units", []))]
    named += [(f"registration.caps.{i}.unit_kind", c["unit_kind"])
              for i, c in enumerate((data.get("registration") or {}).get("caps", []))
              if c["unit_kind"] is not None]
    named += [(f"nominations.submitting_unit_kinds.{i}", key) for i, key in
              enumerate((data.get("nominations") or {}).get("submitting_unit_kinds") or [])]
    for field, key in named:
        if key not in known:
            raise ValidationError(kinds.unknown_message(key, known), field)


def _known_keys(data: dict, stored: dict[str, str] | None = None) -> list[str]:
    """The kinds in the database, then those the definition declares."""
    stored = kinds.names() if stored is None else stored
    return [*stored, *(k["key"] for k in data.get("unit_kinds", []) if k["key"] not in stored)]


def _unique(items: list[dict], key: str, where: str) -> None:
    seen = set()
    for i, item in enumerate(items):
        value = item[key].upper() if key == "code" else item[key]
        if value in seen:
            raise ValidationError(f"'{item[key]}' bị trùng.", f"{where}.{i}.{key}")
        seen.add(value)
