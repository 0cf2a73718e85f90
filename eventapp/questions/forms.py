"""Forms of the questions pages. Field checks that need the event (topics, lengths, the
deadline, the cap) are done once, in ``services``, so every way in gives the same message.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from eventapp.events.forms import moment
from eventapp.events.models import Event
from eventapp.forms import DayField, Form


def _topic_field(label: str = "Chủ đề") -> SelectField:
    # validate_choice=False: an unknown topic gets the service's Vietnamese message.
    return SelectField(label, coerce=_int_or_none, validate_choice=False)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def with_topics(form, event: Event, blank: str | None = "— Chọn chủ đề —"):
    choices = [(t.id, t.name) for t in event.topics]
    form.topic.choices = ([("", blank)] if blank else []) + choices
    return form


class LateEntry(Form):
    """Only an organizer, after the unit's deadline, fills it in (the service says when it
    is missing); the three ways of entering questions share it."""

    late_reason = StringField("Lý do Ban tổ chức nhập hộ sau hạn")


class QuestionForm(LateEntry):
    topic = _topic_field()
    content = TextAreaField("Nội dung câu hỏi (tâm tư, đề xuất)")
    asker_name = StringField("Người hỏi (không bắt buộc)")
    asker_position = StringField("Chức vụ (không bắt buộc)")


class PasteForm(LateEntry):
    topic = _topic_field("Chủ đề cho các câu hỏi dán vào")
    text = TextAreaField("Các câu hỏi, mỗi câu một dòng (đoạn)")


class UploadForm(LateEntry):
    file = FileField("Tệp Excel theo mẫu (.xlsx)")


class StatusForm(Form):
    status = HiddenField()


class BulkForm(Form):
    """The bulk bar of the moderation list (or its script's JSON): the ticked ids, the
    action, the topic for "topic". Values are checked by ``bulk.apply``, whose messages
    say what is wrong (a form refusing a bad id would only answer 400)."""

    ids = SelectMultipleField(validate_choice=False)
    action = HiddenField()
    topic = HiddenField()


class MergeForm(Form):
    target = IntegerField("Gộp vào câu số", validators=[Optional()])


class WordingForm(Form):
    topic = _topic_field("Chủ đề")
    reading_text = TextAreaField("Nội dung đọc tại hội nghị (để trống: đọc nguyên văn)")


class AnswerForm(Form):
    answer = TextAreaField("Trả lời, cam kết của chủ trì")
    followup_agency = StringField("Cơ quan được giao theo dõi, giải quyết")
    followup_due = DayField("Hạn xử lý", validators=[Optional()])
    answered = BooleanField("Đã trả lời", default=True)


class PresentForm(Form):
    target = HiddenField()


class FollowupForm(Form):
    done = HiddenField()


class QuestionSettingsForm(Form):
    """The event form's questions part (``questions/settings.py``)."""

    question_deadline = moment("Hạn gửi câu hỏi")
    question_min_per_unit = IntegerField("Số câu hỏi tối thiểu mỗi đơn vị", default=0,
                                         validators=[NumberRange(0, 10000, "Từ 0 đến 10000.")])
    question_max_per_unit = IntegerField(
        "Số câu hỏi tối đa mỗi đơn vị (để trống: không giới hạn)",
        validators=[Optional(), NumberRange(1, 10000, "Từ 1 đến 10000.")])
