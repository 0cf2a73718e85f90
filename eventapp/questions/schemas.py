"""Request (and documented response) schemas of the questions API. The OpenAPI document
is generated from these classes; the routes validate with the same ones.

Content, topic and lengths are checked by ``services.draft`` (the rule every way in
shares); the schema checks the shape, so one answer lists every field's problem at once.
"""

from __future__ import annotations

from eventapp.schemas import MULTILINE, Schema, fields, one_of

from .models import QuestionStatus
from .rules import MAX_ASKER, MAX_CONTENT


class QuestionCreate(Schema):
    """``POST /api/v1/events/<slug>/questions``."""

    topic = fields.String(required=True, metadata={
        "description": "Tên chủ đề (không phân biệt hoa thường, dấu) hoặc số thứ tự của chủ đề."})
    content = fields.String(required=True, metadata={
        "description": "Nội dung câu hỏi", "maxLength": MAX_CONTENT, **MULTILINE})
    asker_name = fields.String(load_default="", allow_none=True,
                               metadata={"maxLength": MAX_ASKER, "description": "Người hỏi"})
    asker_position = fields.String(load_default="", allow_none=True,
                                   metadata={"maxLength": MAX_ASKER, "description": "Chức vụ"})
    unit = fields.String(load_default=None, allow_none=True, metadata={
        "description": "Mã đơn vị; bắt buộc với mã truy cập của Ban tổ chức; với mã truy cập "
                       "đơn vị: bỏ qua (chính đơn vị), hoặc mã của mình hay của một đơn vị "
                       "cấp dưới (đơn vị cấp trên gửi thay)."})
    late_reason = fields.String(load_default=None, allow_none=True, metadata={
        "maxLength": 500, "description": "Chỉ Ban tổ chức, sau hạn của đơn vị: lý do nhập hộ "
                                         "sau hạn (ghi vào nhật ký, hiện bên câu hỏi)."})


class QuestionListQuery(Schema):
    """``GET /api/v1/events/<slug>/questions`` (a unit sees only its own, a parent also its
    children's)."""

    unit = fields.String(load_default=None, metadata={
        "description": "Mã đơn vị (Ban tổ chức: bất kỳ; đơn vị cấp trên: của mình hoặc cấp dưới)"})
    status = fields.String(load_default=None, validate=one_of([s.value for s in QuestionStatus]))


class SummaryQuery(Schema):
    """``GET /api/v1/events/<slug>/questions/summary`` takes no parameters."""


class QuestionCreated(Schema):
    id = fields.Integer()
    unit = fields.String()
    unit_count = fields.Integer(metadata={"description": "Số câu hỏi của đơn vị (trừ câu đã rút)"})
    min_per_unit = fields.Integer()
    max_per_unit = fields.Integer(allow_none=True)
    topic = fields.String()
    status = fields.String()
    deadline = fields.String(allow_none=True, metadata={"description": "Hạn của đơn vị, ISO-8601"})


class QuestionOut(Schema):
    id = fields.Integer()
    unit = fields.String()
    topic = fields.String(allow_none=True)
    content = fields.String()
    asker_name = fields.String()
    asker_position = fields.String()
    status = fields.String()
    merged_into = fields.Integer(allow_none=True)
    created_at = fields.String()


class UnitProgress(Schema):
    unit = fields.String()
    name = fields.String()
    submitted = fields.Integer()
    met = fields.Boolean()
    short_by = fields.Integer()
    deadline = fields.String(allow_none=True)
    extended = fields.Boolean()
    last_submitted_at = fields.String(allow_none=True)


class QuestionSummary(Schema):
    min_per_unit = fields.Integer()
    max_per_unit = fields.Integer(allow_none=True)
    deadline = fields.String(allow_none=True)
    units = fields.List(fields.Nested(UnitProgress))


class QuestionList(Schema):
    """``GET …/questions`` answer: the questions in a ``questions`` list."""

    questions = fields.List(fields.Nested(QuestionOut), required=True)


class ModerationRequest(Schema):
    """``POST …/questions/moderation``: one action on many questions (bulk moderation)."""

    ids = fields.List(fields.Integer(), required=True, metadata={
        "description": "Số của các câu hỏi (tối đa 2.000 câu mỗi lần)"})
    action = fields.String(required=True, validate=one_of(["select", "reject", "topic"]),
                           metadata={"description": "select: chọn; reject: không chọn; "
                                                    "topic: đổi chủ đề"})
    topic = fields.Integer(load_default=None, allow_none=True,
                           metadata={"description": "Số (id) của chủ đề mới, khi action=topic"})


class ModerationOutcome(Schema):
    id = fields.Integer()
    result = fields.String(metadata={"description": "changed, unchanged hoặc skipped"})
    status = fields.String()
    topic_id = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True, metadata={"description": "Lý do bỏ qua"})


class ModerationResult(Schema):
    """Skip and report: questions that cannot take the action are listed, the others change."""

    summary = fields.String()
    results = fields.List(fields.Nested(ModerationOutcome))
