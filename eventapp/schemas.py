"""marshmallow with Vietnamese messages: import ``fields``, ``Schema`` … from here.

The API validates requests with these schemas; the OpenAPI document is generated from
the same classes, so the two cannot drift apart.
"""

from __future__ import annotations

from marshmallow import (  # noqa: F401
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,  # noqa: F401
)

_MESSAGES = {
    fields.Field: {"required": "Bắt buộc phải có.", "null": "Không được để trống.",
                   "validator_failed": "Giá trị không hợp lệ."},
    fields.String: {"invalid": "Phải là chuỗi ký tự.",
                    "invalid_utf8": "Không phải văn bản UTF-8 hợp lệ."},
    fields.Integer: {"invalid": "Phải là số nguyên.", "too_large": "Số quá lớn."},
    fields.Boolean: {"invalid": "Phải là true hoặc false."},
    fields.List: {"invalid": "Phải là một danh sách."},
    fields.Dict: {"invalid": "Phải là một đối tượng."},
    fields.Nested: {"type": "Phải là một đối tượng."},
    fields.Email: {"invalid": "Địa chỉ email không hợp lệ."},
    fields.DateTime: {"invalid": "Thời điểm không hợp lệ (ISO-8601, ví dụ "
                                 "2020-02-05T00:00:00+07:00).",
                      "format": "Định dạng thời điểm không hợp lệ."},
    fields.Date: {"invalid": "Ngày không hợp lệ (YYYY-MM-DD).",
                  "format": "Định dạng ngày không hợp lệ."},
}
for _cls, _msgs in _MESSAGES.items():
    _cls.default_error_messages = {**_cls.default_error_messages, **_msgs}

Schema.error_messages = {"unknown": "Trường không được hỗ trợ.",
                         "type": "Phải là một đối tượng JSON."}


class AwareDateTime(fields.AwareDateTime):
    """An instant with an explicit offset; naive input is refused rather than guessed."""

    default_error_messages = {
        "invalid": "Thời điểm không hợp lệ (ISO-8601, ví dụ 2020-02-05T00:00:00+07:00).",
        "invalid_awareness": "Thời điểm phải có múi giờ, ví dụ +07:00.",
    }


def length(max_len: int, min_len: int = 0):
    """Length validator with a Vietnamese message."""
    if min_len:
        return validate.Length(min=min_len, max=max_len,
                               error=f"Độ dài phải từ {min_len} đến {max_len} ký tự.")
    return validate.Length(max=max_len, error=f"Tối đa {max_len} ký tự.")


def one_of(choices, labels: str | None = None):
    return validate.OneOf(list(choices), error=f"Giá trị không hợp lệ; chọn một trong: "
                                               f"{labels or ', '.join(map(str, choices))}.")


def not_blank(value: str) -> None:
    if not value or not value.strip():
        raise ValidationError("Không được để trống.")
