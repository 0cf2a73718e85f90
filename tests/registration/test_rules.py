"""Pure registration rules: caps and capacity arithmetic, duplicates, phone numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventapp.registration import rules
from eventapp.registration.rules import cap_key, capacity_key


@pytest.mark.parametrize(("phone", "key"), [
    ("0912 345 678", "0912345678"),
    ("+84 912.345.678", "0912345678"),
    ("84912345678", "0912345678"),
    ("(0275) 3822-111", "02753822111"),
    ("", ""),
    (None, ""),
])
def test_phone_key(phone, key):
    assert rules.phone_key(phone) == key


@pytest.mark.parametrize(("phone", "ok"), [
    ("0912 345 678", True), ("+84 912 345 678", True), ("", True), ("0275.3822.111", True),
    ("12345", False), ("0912abc678", False), ("0912 345 678 999 000", False),
])
def test_phone_error(phone, ok):
    assert (rules.phone_error(phone) is None) is ok


@pytest.mark.parametrize(("a", "b", "same"), [
    (("Nguyễn Văn A", "0912345678"), ("nguyen  van a", "+84 912 345 678"), True),
    (("Nguyễn Văn A", ""), ("NGUYỄN VĂN A", None), True),
    (("Nguyễn Văn A", "0912345678"), ("Nguyễn Văn A", "0912345679"), False),
    (("Nguyễn Văn A", "0912345678"), ("Nguyễn Văn Á", "0912345678"), True),
    (("Đỗ Thị B", ""), ("Do Thi B", ""), True),
    (("Nguyễn Văn A", "0912345678"), ("Nguyễn Văn An", "0912345678"), False),
])
def test_same_person(a, b, same):
    assert rules.same_person(*a, *b) is same


CAPS = [(2, 5, "district", 5), (2, 5, None, 7), (2, 6, "high_school", 3), (1, 5, None, 9)]


@pytest.mark.parametrize(("kind", "expected"), [
    ("district", {cap_key(2, 5): 5, cap_key(1, 5): 9}),
    ("high_school", {cap_key(2, 5): 7, cap_key(2, 6): 3, cap_key(1, 5): 9}),
    ("college", {cap_key(2, 5): 7, cap_key(1, 5): 9}),
    (None, {}),  # guests have no per-unit caps
])
def test_unit_caps_pick_the_tightest_that_applies(kind, expected):
    assert rules.unit_caps(CAPS, kind) == expected


def test_keys_for_a_person():
    maxima = {cap_key(2, 5): 5, capacity_key(2): 150}
    assert rules.keys_for([1, 2], 5, maxima) == [capacity_key(1), capacity_key(2), cap_key(2, 5)]
    assert rules.keys_for([1], 6, maxima) == [capacity_key(1)]


@pytest.mark.parametrize(("used", "rows", "refused"), [
    ({}, [["a"]] * 5, {}),
    ({}, [["a"]] * 7, {5: ["a"], 6: ["a"]}),
    ({"a": 3}, [["a"], ["a"], ["a"], ["a"]], {2: ["a"], 3: ["a"]}),
    ({"b": 2}, [["a", "b"], ["a"]], {0: ["b"]}),  # refused rows take no place
    ({}, [["c"]] * 20, {}),  # no maximum: unlimited
])
def test_over_limits(used, rows, refused):
    assert rules.over_limits({"a": 5, "b": 2}, used, rows) == refused


@given(maxima=st.dictionaries(st.sampled_from("abcd"), st.integers(0, 6)),
       used=st.dictionaries(st.sampled_from("abcd"), st.integers(0, 6)),
       rows=st.lists(st.lists(st.sampled_from("abcde"), max_size=4), max_size=30))
def test_over_limits_never_lets_a_maximum_be_passed(maxima, used, rows):
    refused = rules.over_limits(maxima, used, rows)
    taken = dict(used)
    for index, keys in enumerate(rows):
        if index in refused:
            assert any(taken.get(k, 0) + 1 > maxima[k] for k in refused[index])
            continue
        for key in set(keys):
            taken[key] = taken.get(key, 0) + 1
    for key, maximum in maxima.items():
        added = taken.get(key, 0) - used.get(key, 0)
        assert added == 0 or taken[key] <= maximum


def test_seats_text():
    assert rules.seats_text(3, 5) == "3/5 chỗ đã đăng ký"
    assert rules.seats_text(12, None) == "12 đã đăng ký"


def test_split_list():
    assert rules.split_list("1, 2;3\n so-ket ") == ["1", "2", "3", "so-ket"]
    assert rules.split_list(None) == []
