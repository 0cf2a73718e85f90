"""Forms of the questions pages. Field checks that need the event (topics, lengths, the
deadline, the cap) are done once, in ``services``, so every way in gives the same message.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from eventapp.events.models import Event
from eventapp.forms import Form


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


class QuestionForm(Form):
    topic = _topic_field()
    content = TextAreaField("Nội dung câu hỏi (tâm tư, đề xuất)")
    asker_name = StringField("Người hỏi (không bắt buộc)")
    asker_position = StringField("Chức vụ (không bắt buộc)")


class PasteForm(Form):
    topic = _topic_field("Chủ đề cho các câu hỏi dán vào")
    text = TextAreaField("Các câu hỏi, mỗi câu một dòng (đoạn)")


class UploadForm(Form):
    file = FileField("Tệp Excel theo mẫu (.xlsx)")


class StatusForm(Form):
    status = HiddenField()


class MergeForm(Form):
    target = IntegerField("Gộp vào câu số", validators=[Optional()])


class WordingForm(Form):
    topic = _topic_field("Chủ đề")
    reading_text = TextAreaField("Nội dung đọc tại hội nghị (để trống: đọc nguyên văn)")


class VnDateField(DateField):
    """A date whose parse error is in Vietnamese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Ngày không hợp lệ (dd/mm/yyyy).") from None


class AnswerForm(Form):
    answer = TextAreaField("Trả lời, cam kết của chủ trì")
    followup_agency = StringField("Cơ quan được giao theo dõi, giải quyết")
    followup_due = VnDateField("Hạn xử lý", validators=[Optional()])
    answered = BooleanField("Đã trả lời", default=True)


class PresentForm(Form):
    target = HiddenField()


class FollowupForm(Form):
    done = HiddenField()
