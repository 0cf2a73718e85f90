"""Pure rules of messages, table-driven: placeholders, rendering, when a rule falls due."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eventapp.messages import rules

ALL = tuple(rules.PLACEHOLDERS)
AT = datetime(2020, 2, 5, tzinfo=UTC)


@pytest.mark.parametrize("text, allowed, problem", [
    ("Kính gửi {don_vi}", rules.COMMON, None),
    ("Đã gửi {da_gui}/{toi_thieu}, còn thiếu {con_thieu}", ALL, None),
    ("Không có biến nào", rules.COMMON, None),
    ("Sai {don_vj}", ALL, "Biến {don_vj} không tồn tại"),
    ("{da_gui} câu", rules.COMMON, "Biến {da_gui} không dùng được cho nhóm đơn vị này"),
    ("Rỗng {}", ALL, "Biến {} không tồn tại"),
    ("{don_vi.__class__}", ALL, "Biến {don_vi.__class__} không tồn tại"),
    ("{ don_vi }", ALL, "Biến { don_vi } không tồn tại"),
])
def test_a_template_may_use_only_the_placeholders_of_its_audience(text, allowed, problem):
    found = rules.template_problem(text, allowed)
    if problem is None:
        assert found is None
    else:
        assert found.startswith(problem) and "{don_vi}" in found


@pytest.mark.parametrize("text, values, rendered", [
    ("Kính gửi {don_vi}", {"don_vi": "Huyện đoàn Ba Tri"}, "Kính gửi Huyện đoàn Ba Tri"),
    ("{da_gui}/{toi_thieu} — thiếu {con_thieu}", {"da_gui": 9, "toi_thieu": 15, "con_thieu": 6},
     "9/15 — thiếu 6"),
    ("Hạn {han_chot}, {han_chot}", {"han_chot": "05/02/2020 00:00"},
     "Hạn 05/02/2020 00:00, 05/02/2020 00:00"),
    # A value is inserted as it is: braces in a unit's name are not read as placeholders.
    ("{don_vi} {lien_ket}", {"don_vi": "{con_thieu}", "lien_ket": "http://x/"},
     "{con_thieu} http://x/"),
    ("Một dấu { lẻ", {}, "Một dấu { lẻ"),
])
def test_render_fills_each_placeholder(text, values, rendered):
    assert rules.render(text, values) == rendered


@pytest.mark.parametrize("deadline, offset, at, due", [
    (AT, -3, datetime(2020, 2, 2, tzinfo=UTC), True),
    (AT, -3, datetime(2020, 2, 1, 23, 59, tzinfo=UTC), False),
    (AT, 0, AT, True),
    (AT, 1, AT, False),
    (AT, 1, datetime(2020, 2, 6, tzinfo=UTC), True),
    (None, -3, AT, False),
])
def test_a_rule_falls_due_at_the_units_deadline_plus_its_offset(deadline, offset, at, due):
    assert rules.is_due(at, deadline, offset) is due


@pytest.mark.parametrize("offset, text", [(-3, "3 ngày trước hạn chót"), (0, "đúng hạn chót"),
                                          (1, "1 ngày sau hạn chót")])
def test_offset_text(offset, text):
    assert rules.offset_text(offset) == text


@pytest.mark.parametrize("offset, ok", [(-90, True), (90, True), (-91, False), (365, False)])
def test_offsets_are_bounded(offset, ok):
    assert (rules.offset_problem(offset) is None) is ok
