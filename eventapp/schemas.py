"""marshmallow with Vietnamese messages and clean text: import ``fields``, ``Schema`` …
from here; every schema derives from this ``Schema``.

The API validates requests with these schemas; the OpenAPI document is generated from
the same classes, so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime

from marshmallow import (  # noqa: F401
    EXCLUDE,
    RAISE,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,  # noqa: F401
)
from marshmallow import Schema as _Schema

from eventapp.text import clean, email_error
from eventapp.units.rules import code_error

#: Vietnamese for marshmallow's default field messages, by the class that defines them.
FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {"required": "Bắt buộc phải có.", "null": "Không được để trống.",
                   "validator_failed": "Giá trị không hợp lệ."},
    fields.String: {"invalid": "Phải là chuỗi ký tự.",
                    "invalid_utf8": "Không phải văn bản UTF-8 hợp lệ."},
    fields.Number: {"invalid": "Phải là một số.", "too_large": "Số quá lớn."},
    fields.Integer: {"invalid": "Phải là số nguyên."},
    fields.Float: {"special": "Không chấp nhận NaN hay vô cực."},
    fields.Decimal: {"special": "Không chấp nhận NaN hay vô cực."},
    fields.Boolean: {"invalid": "Phải là true hoặc false."},
    fields.List: {"invalid": "Phải là một danh sách."},
    fields.Tuple: {"invalid": "Phải là một danh sách."},
    fields.Mapping: {"invalid": "Phải là một đối tượng."},
    fields.Nested: {"type": "Phải là một đối tượng."},
    fields.Email: {"invalid": "Địa chỉ email không hợp lệ."},
    fields.Url: {"invalid": "Địa chỉ URL không hợp lệ."},
    fields.UUID: {"invalid_uuid": "Mã UUID không hợp lệ."},
    fields.Enum: {"unknown": "Giá trị không hợp lệ; chọn một trong: {choices}."},
    fields.DateTime: {"invalid": "Thời điểm không hợp lệ (ISO-8601, ví dụ "
                                 "2020-02-05T00:00:00+07:00).",
                      "invalid_awareness": "Thời điểm phải có múi giờ, ví dụ +07:00.",
                      "format": "Định dạng thời điểm không hợp lệ."},
    fields.Date: {"invalid": "Ngày không hợp lệ (YYYY-MM-DD).",
                  "format": "Định dạng ngày không hợp lệ."},
    fields.Time: {"invalid": "Giờ không hợp lệ (HH:MM).", "format": "Định dạng giờ không hợp lệ."},
    fields.TimeDelta: {"invalid": "Khoảng thời gian không hợp lệ.",
                       "format": "Định dạng khoảng thời gian không hợp lệ."},
}


def vietnamese_messages(field: fields.Field) -> None:
    """Give a bound field (and the fields inside a list or mapping) Vietnamese default
    messages; messages a field was given explicitly are kept."""
    own = field.error_messages
    for key, message in own.items():
        if message == _by_class(type(field), key, "default_error_messages"):
            own[key] = _by_class(type(field), key, None) or message
    for inner in (getattr(field, "inner", None), getattr(field, "key_field", None),
                  getattr(field, "value_field", None), *getattr(field, "tuple_fields", ())):
        if isinstance(inner, fields.Field):
            vietnamese_messages(inner)


def _by_class(field_cls: type, key: str, attribute: str | None) -> str | None:
    """The message ``field_cls`` inherits for ``key``: marshmallow's own (``attribute``
    ``default_error_messages``) or the Vietnamese one (``None``)."""
    for klass in field_cls.__mro__:
        table = klass.__dict__.get(attribute, {}) if attribute else FIELD_MESSAGES.get(klass, {})
        if key in table:
            return table[key]
    return None


class Schema(_Schema):
    """The base of every schema of the project: Vietnamese messages, and every string
    cleaned by ``text.clean`` before it is validated (``MULTILINE`` metadata keeps line
    breaks)."""

    error_messages = {"unknown": "Trường không được hỗ trợ.",
                      "type": "Phải là một đối tượng JSON."}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        vietnamese_messages(field_obj)

    @pre_load
    def _clean_strings(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        cleaned = dict(data)
        for field in self.load_fields.values():
            key = field.data_key or field.name
            if key in cleaned:
                cleaned[key] = _cleaned(field, cleaned[key])
        return cleaned


def _cleaned(field: fields.Field, value):
    if isinstance(value, str) and isinstance(field, fields.String):
        return clean(value, multiline=bool(field.metadata.get("multiline")))
    if isinstance(value, list) and isinstance(field, fields.List):
        return [_cleaned(field.inner, item) for item in value]
    return value


EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
#: ``fields.String(metadata=MULTILINE)``: a text whose line breaks are kept.
MULTILINE = {"multiline": True}


class AwareDateTime(fields.AwareDateTime):
    """An instant with an explicit offset; naive input is refused rather than guessed, and
    so is one outside 1900–2100 (it could not be shown in local time)."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise ValidationError(f"Thời điểm phải trong khoảng {EARLIEST_YEAR}–{LATEST_YEAR}.")
        return moment


def length(max_len: int, min_len: int = 0):
    """Length validator with a Vietnamese message."""
    if min_len:
        return validate.Length(min=min_len, max=max_len,
                               error=f"Độ dài phải từ {min_len} đến {max_len} ký tự.")
    return validate.Length(max=max_len, error=f"Tối đa {max_len} ký tự.")


def one_of(choices, labels: str | None = None):
    return validate.OneOf(list(choices), error=f"Giá trị không hợp lệ; chọn một trong: "
                                               f"{labels or ', '.join(map(str, choices))}.")


def email_address(value: str) -> None:
    """Validator: ``text.email_error`` on a non-empty value."""
    if value and (message := email_error(value)):
        raise ValidationError(message)


def unit_code(value: str) -> None:
    """Validator: ``units.rules.code_error``."""
    if message := code_error(value):
        raise ValidationError(message)


def not_blank(value: str) -> None:
    if not value or not value.strip():
        raise ValidationError("Không được để trống.")
