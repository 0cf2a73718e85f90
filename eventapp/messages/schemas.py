"""Request and documented response schemas of the messages API (the OpenAPI document is
generated from these classes; the routes validate with the same ones).

The schema checks shapes and lengths; which audience, deadline kind and placeholders exist
is checked by ``reminders.py`` (one rule for the pages and the API: 422 either way).
"""

from __future__ import annotations

from eventapp.schemas import (
    MULTILINE,
    Schema,
    ValidationError,
    fields,
    length,
    not_blank,
    one_of,
    validate,
)
from eventapp.text import clean

from .models import Channel, MessageStatus

MAX_SUBJECT, MAX_BODY = 300, 5000
AUDIENCE_SHAPE = ('Phải là khóa của một nhóm đơn vị (ví dụ "all_units") hoặc '
                  '{"units": ["MÃ", …]}.')


class AudienceField(fields.Raw):
    """An audience key, or ``{"units": ["CODE", …]}``: a str, or a list of codes."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and clean(value):
            return clean(value)
        units = value.get("units") if isinstance(value, dict) and len(value) == 1 else None
        if isinstance(units, list) and 0 < len(units) <= 1000 and all(
                isinstance(code, str) and clean(code) and len(code) <= 40 for code in units):
            return [clean(code) for code in units]
        raise ValidationError(AUDIENCE_SHAPE)


def _subject():
    return fields.String(required=True, validate=[not_blank, length(MAX_SUBJECT)],
                         metadata={"description": "Tiêu đề; có thể dùng các biến {don_vi}…"})


def _body():
    return fields.String(required=True, validate=[not_blank, length(MAX_BODY)], metadata={
        "description": "Nội dung; biến: {don_vi}, {da_gui}, {toi_thieu}, {con_thieu}, "
                       "{han_chot}, {lien_ket}", **MULTILINE})


class NoticeRequest(Schema):
    """``POST /api/v1/events/<slug>/messages``."""

    audience = AudienceField(required=True, metadata={"description": AUDIENCE_SHAPE})
    subject = _subject()
    body = _body()
    channels = fields.List(fields.String(validate=one_of([c.value for c in Channel])),
                           load_default=lambda: [c.value for c in Channel],
                           metadata={"description": "inapp, email (mặc định: cả hai)"})


class Queued(Schema):
    queued = fields.Integer(metadata={"description": "Số thư đã đưa vào hộp thư đi"})


class RuleRequest(Schema):
    """``POST /api/v1/events/<slug>/reminders``."""

    deadline = fields.String(required=True, metadata={
        "description": "Loại hạn chót: questions, registration, nominations"})
    offset_days = fields.Integer(required=True, metadata={
        "description": "Số ngày so với hạn chót của đơn vị: −3 là 3 ngày trước, 1 là 1 ngày sau"})
    audience = fields.String(required=True, validate=not_blank)
    subject = _subject()
    body = _body()
    approval = fields.Boolean(load_default=False, metadata={
        "description": "Thư chờ Ban tổ chức duyệt trước khi gửi"})


class RuleCreated(Schema):
    id = fields.Integer()


class MessageQuery(Schema):
    """``GET /api/v1/messages``."""

    event = fields.String(load_default=None, metadata={"description": "Mã sự kiện"})
    status = fields.String(load_default=None,
                           validate=one_of([s.value for s in MessageStatus]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000,
                                                                error="Từ 1 đến 100000."),
                          metadata={"description": "Trang 500 thư, mới nhất trước."})


class MessageOut(Schema):
    id = fields.Integer()
    unit = fields.String(allow_none=True)
    to = fields.String()
    channel = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    error = fields.String(allow_none=True)


class MessageList(Schema):
    messages = fields.List(fields.Nested(MessageOut))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
