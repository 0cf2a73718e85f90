"""Pure rules: text clean-up, validation messages, paste splitting, progress, quotas,
status moves, board sorting, topic matching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventapp.events.rules import progress_percent
from eventapp.questions import rules
from eventapp.questions.models import QuestionStatus as S


@pytest.mark.parametrize("count, minimum, text", [
    (9, 15, "9/15 câu hỏi — còn thiếu 6"),
    (0, 15, "0/15 câu hỏi — còn thiếu 15"),
    (15, 15, "15/15 câu hỏi — đã đủ"),
    (17, 15, "17/15 câu hỏi — đã đủ"),
    (3, 0, "Đã gửi 3 câu hỏi"),
])
def test_progress_text(count, minimum, text):
    assert rules.progress_text(count, minimum) == text


@pytest.mark.parametrize("count, cap, adding, refused", [
    (0, None, 500, False), (19, 20, 1, False), (20, 20, 1, True), (18, 20, 3, True),
    (18, 20, 2, False), (0, 1, 1, False),
])
def test_quota_problem(count, cap, adding, refused):
    assert (rules.quota_problem(count, cap, adding) is not None) is refused


def test_quota_message_says_how_many_fit():
    message = rules.quota_problem(18, 20, 5)
    assert "chỉ gửi thêm được 2 câu" in message and "Chưa câu nào được lưu" in message


@pytest.mark.parametrize("raw, expected", [
    ("  Đề nghị   tăng phụ cấp \t ", "Đề nghị tăng phụ cấp"),
    ("Dòng 1\r\n\r\n\r\n\r\nDòng 2", "Dòng 1\n\nDòng 2"),
    ("Có\x00 ký tự\x07 lạ", "Có ký tự lạ"),
    ("Tie\u0302\u0301ng Vie\u0323\u0302t", "Tiếng Việt"),  # decomposed input becomes NFC
    ("   \n\t  ", ""),
    (None, ""),
])
def test_normalise_content(raw, expected):
    assert rules.normalise_content(raw) == expected


@pytest.mark.parametrize("content, field, message", [
    ("", "content", "Nội dung câu hỏi không được để trống."),
    ("x" * 2001, "content", "Nội dung câu hỏi dài 2.001 ký tự, vượt quá 2.000 ký tự cho phép."),
])
def test_question_problems_content(content, field, message):
    assert rules.question_problems(content, 1, "1")[field] == message


def test_question_problems_accepts_exactly_2000_characters():
    assert rules.question_problems("đ" * 2000, 1, "1") == {}


def test_question_problems_topic_messages():
    assert rules.question_problems("Câu hỏi", None, "")["topic"] == "Vui lòng chọn chủ đề."
    assert rules.question_problems("Câu hỏi", None, "Thể thao")["topic"] == (
        "Chủ đề “Thể thao” không có trong danh sách chủ đề của sự kiện.")


TOPICS = [(11, "Môi trường làm việc của cán bộ Đoàn – Đội trường học"),
          (12, "Giáo dục khởi nghiệp cho học sinh"), (13, "Ý kiến khác")]


@pytest.mark.parametrize("value, expected", [
    ("Giáo dục khởi nghiệp cho học sinh", 12), ("giao duc khoi nghiep cho hoc sinh", 12),
    ("  GIÁO DỤC KHỞI NGHIỆP CHO HỌC SINH. ", 12), (3, 13), ("3", 13), (3.0, 13),
    (0, None), (4, None), ("Thể thao", None), ("", None), (None, None), (True, None),
])
def test_match_topic(value, expected):
    assert rules.match_topic(value, TOPICS) == expected


@pytest.mark.parametrize("line, expected", [
    ("1. Đề nghị tăng phụ cấp", "Đề nghị tăng phụ cấp"),
    ("12) Kiến nghị", "Kiến nghị"),
    ("Câu 3: Xin hỏi", "Xin hỏi"),
    ("câu hỏi 4. Đề xuất", "Đề xuất"),
    ("- Ý kiến", "Ý kiến"),
    ("• Ý kiến", "Ý kiến"),
    ("(5) Tâm tư", "Tâm tư"),
    ("2020 là năm bản lề", "2020 là năm bản lề"),
    ("1.5 triệu đồng là thấp", "1.5 triệu đồng là thấp"),
    ("=SUM(A1)", "=SUM(A1)"),
])
def test_strip_numbering(line, expected):
    assert rules.strip_numbering(line) == expected


def test_split_paste_keeps_line_numbers_and_skips_blanks():
    text = "1. Câu thứ nhất\n\n2. Câu thứ hai\r\n   \nCâu 3:\n- Câu thứ ba  có   khoảng trắng"
    assert rules.split_paste(text) == [(1, "Câu thứ nhất"), (3, "Câu thứ hai"),
                                       (6, "Câu thứ ba có khoảng trắng")]


@given(st.lists(st.text(alphabet="abcđêơ ư1.-:\n\t", max_size=40), max_size=20))
def test_split_paste_never_returns_blank_or_multiline(lines):
    text = "\n".join(lines)
    for number, content in rules.split_paste(text):
        assert content and content == content.strip() and "\n" not in content
        assert 1 <= number <= text.count("\n") + 1


@given(st.text(max_size=300))
def test_normalise_is_idempotent(text):
    once = rules.normalise_content(text)
    assert rules.normalise_content(once) == once


def test_dedupe_key_ignores_case_accents_spacing_and_end_punctuation():
    assert rules.dedupe_key("Đề nghị  tăng phụ cấp?") == rules.dedupe_key("de nghi tang phu cap")


@pytest.mark.parametrize("current, new, allowed", [
    (S.submitted, S.selected, True), (S.submitted, S.rejected, True),
    (S.selected, S.submitted, True), (S.rejected, S.selected, True),
    (S.submitted, S.submitted, False), (S.merged, S.selected, False),
    (S.withdrawn, S.selected, False), (S.selected, S.withdrawn, False),
])
def test_may_move(current, new, allowed):
    assert rules.may_move(current, new) is allowed


@pytest.mark.parametrize("source, target, same, refused", [
    ("submitted", "submitted", False, False), ("selected", "selected", False, False),
    ("rejected", "submitted", False, False), ("submitted", "submitted", True, True),
    ("withdrawn", "submitted", False, True), ("merged", "submitted", False, True),
    ("submitted", "merged", False, True), ("submitted", "rejected", False, True),
    ("submitted", "withdrawn", False, True),
])
def test_merge_problem(source, target, same, refused):
    assert (rules.merge_problem(source, target, same) is not None) is refused


def test_is_overdue():
    today = date(2020, 3, 1)
    assert rules.is_overdue(date(2020, 2, 29), None, today)
    assert not rules.is_overdue(date(2020, 3, 1), None, today)
    assert not rules.is_overdue(date(2020, 2, 1), datetime(2020, 2, 2, tzinfo=UTC), today)
    assert not rules.is_overdue(None, None, today)


@dataclass
class Row:
    name: str
    code: str
    submitted: int
    short_by: int
    last_at: datetime | None


def test_sort_rows_by_each_key():
    rows = [Row("Huyện đoàn Bình Đại", "B", 3, 12, datetime(2020, 2, 1, tzinfo=UTC)),
            Row("Huyện đoàn Ba Tri", "A", 15, 0, None),
            Row("Đoàn trường THPT Chuyên", "C", 9, 6, datetime(2020, 2, 3, tzinfo=UTC))]
    names = lambda rs: [r.code for r in rs]  # noqa: E731
    assert names(rules.sort_rows(rows, "name")) == ["C", "A", "B"]  # "Đ" sorts as "D"
    assert names(rules.sort_rows(rows, "count", True)) == ["A", "C", "B"]
    assert names(rules.sort_rows(rows, "short", True)) == ["B", "C", "A"]
    assert names(rules.sort_rows(rows, "last")) == ["A", "B", "C"]  # never sent first
    assert names(rules.sort_rows(rows, "bogus")) == ["C", "A", "B"]


@pytest.mark.parametrize(("count", "target", "width"), [
    (0, 0, 100), (3, None, 100), (0, 5, 0), (2, 3, 67), (5, 5, 100), (9, 5, 100)])
def test_progress_bars_are_computed_by_the_rule(count, target, width):
    assert progress_percent(count, target) == width
