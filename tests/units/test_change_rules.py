"""The pure checks of a rename or merge: the new name and the effective date."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventapp.units.rules import NAME_MAX, effective_date_error, name_error

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("name, current, expected", [
    ("Đoàn xã Ba Tri", "Huyện đoàn Ba Tri", None),
    ("", "Huyện đoàn Ba Tri", "Nhập tên mới của đơn vị."),
    ("Huyện đoàn Ba Tri", "Huyện đoàn Ba Tri", "Tên mới trùng với tên hiện tại."),
    ("x" * NAME_MAX, "y", None),
    ("x" * (NAME_MAX + 1), "y", "Tên đơn vị tối đa 200 ký tự."),
])
def test_name_error(name, current, expected):
    assert name_error(name, current) == expected


@pytest.mark.parametrize("day, not_before, expected", [
    (TODAY, None, None),
    (date(2025, 7, 1), None, None),
    (None, None, "Nhập ngày hiệu lực (dd/mm/yyyy)."),
    (TODAY + timedelta(days=1), None, "Ngày hiệu lực không được sau hôm nay (30/11/2026)."),
    (date(2025, 7, 1), date(2025, 7, 1), None),
    (date(2025, 6, 30), date(2025, 7, 1),
     "Ngày hiệu lực không được trước lần đổi tên gần nhất (01/07/2025)."),
])
def test_effective_date_error(day, not_before, expected):
    assert effective_date_error(day, TODAY, not_before) == expected


@given(st.dates(), st.dates(), st.one_of(st.none(), st.dates()))
def test_a_date_is_accepted_exactly_between_the_last_rename_and_today(day, today, not_before):
    accepted = effective_date_error(day, today, not_before) is None
    assert accepted == (day <= today and (not_before is None or day >= not_before))
