"""How the audit log reads this domain's entries: questions (câu hỏi), moderation, answers."""

from __future__ import annotations

from flask import Flask

from eventapp.audit import phrases
from eventapp.audit.phrases import Field
from eventapp.events.auditing import topic_name
from eventapp.questions.models import QuestionSource, QuestionStatus


def _number(value, event_id):
    return f"câu #{value}" if isinstance(value, int) else None


def _count(value, event_id):
    return f"{len(value)} câu" if isinstance(value, list) else None


def _order(value, event_id):
    return " → ".join(f"#{n}" for n in value) if isinstance(value, list) else None


def contribute(app: Flask) -> None:
    phrases.describe(app, "question", noun="câu hỏi", actions={
        "submit": ("Gửi câu hỏi", "đã gửi câu hỏi"),
        "edit": ("Sửa câu hỏi", "đã sửa câu hỏi", phrases.rest_of("Sửa câu hỏi ")),
        "withdraw": ("Rút câu hỏi", "đã rút câu hỏi", phrases.rest_of("Rút câu hỏi ")),
        "status": ("Chọn / không chọn câu hỏi", "đã đổi trạng thái câu hỏi"),
        "merge": ("Gộp câu hỏi", "đã gộp câu hỏi"),
        "unmerge": ("Tách câu hỏi đã gộp", "đã tách câu hỏi khỏi câu gộp"),
        "wording": ("Sửa nội dung đọc, chủ đề", "đã sửa nội dung đọc hoặc chủ đề câu hỏi"),
        "reorder": ("Sắp xếp thứ tự đối thoại", "đã sắp xếp thứ tự đối thoại"),
        "answer": ("Ghi trả lời", "đã ghi trả lời câu hỏi"),
        "followup": ("Theo dõi sau đối thoại", "đã cập nhật việc theo dõi câu hỏi"),
        "late_entry": ("Nhập hộ câu hỏi sau hạn", "đã nhập hộ câu hỏi sau hạn của đơn vị"),
    }, fields={
        "content": "Nội dung", "reason": "Lý do", "topic_id": Field("Chủ đề", topic_name),
        "asker_name": "Người hỏi", "asker_position": "Chức vụ người hỏi",
        "status": Field("Trạng thái", phrases.choices({s.value: s.label
                                                        for s in QuestionStatus})),
        "position": "Thứ tự", "merged_into_id": Field("Gộp vào", _number),
        "followers": Field("Các câu đã gộp theo", _number),
        "reading_text": "Nội dung đọc", "answer": "Trả lời",
        "followup_agency": "Cơ quan theo dõi", "followup_due": "Hạn theo dõi",
        "answered_at": "Trả lời lúc", "followup_done_at": "Hoàn thành theo dõi lúc",
        "ids": Field("Câu hỏi", _count), "order": Field("Thứ tự", _order),
        "source": Field("Cách gửi", phrases.choices({s.value: s.label
                                                     for s in QuestionSource})),
    })
