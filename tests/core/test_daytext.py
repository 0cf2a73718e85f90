"""Typed dates and times: dd/mm/yyyy and 24-hour HH:MM, ISO accepted, anything else refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventapp import daytext


@pytest.mark.parametrize("typed, day", [
    ("05/02/2020", date(2020, 2, 5)),
    ("5/2/2020", date(2020, 2, 5)),
    (" 05-02-2020 ", date(2020, 2, 5)),
    ("05.02.2020", date(2020, 2, 5)),
    ("2020-02-05", date(2020, 2, 5)),   # ISO, as the API and scripts send it
    ("29/02/2024", date(2024, 2, 29)),
])
def test_a_typed_day_is_read_day_first(typed, day):
    assert daytext.read_day(typed) == day


@pytest.mark.parametrize("typed", ["", "31/02/2020", "02/13/2020", "2020/02/05", "5 tháng 2",
                                   "05/02/20", "٠٥/٠٢/٢٠٢٠", "05/02/2020 08:00", "29/02/2023"])
def test_what_is_no_day_is_refused_with_the_format_to_use(typed):
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        daytext.read_day(typed)


@pytest.mark.parametrize("typed, moment", [
    ("05/02/2020 17:00", datetime(2020, 2, 5, 17, 0)),
    ("5/2/2020 7:05", datetime(2020, 2, 5, 7, 5)),
    ("05/02/2020, 17h30", datetime(2020, 2, 5, 17, 30)),
    ("2020-02-05T17:00", datetime(2020, 2, 5, 17, 0)),
    ("2020-02-05 17:00:59", datetime(2020, 2, 5, 17, 0)),
])
def test_a_typed_moment_is_day_first_and_24_hour(typed, moment):
    assert daytext.read_moment(typed) == moment


@pytest.mark.parametrize("typed", ["05/02/2020", "05/02/2020 5:00 PM", "05/02/2020 24:00",
                                   "05/02/2020 17:60", "02/30/2020 08:00"])
def test_what_is_no_moment_is_refused_with_the_format_to_use(typed):
    with pytest.raises(ValueError, match="dd/mm/yyyy HH:MM"):
        daytext.read_moment(typed)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_a_shown_day_reads_back_as_itself(day):
    assert daytext.read_day(daytext.show_day(day)) == day


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)))
def test_a_shown_moment_reads_back_to_the_minute(moment):
    assert daytext.read_moment(daytext.show_moment(moment)) == moment.replace(second=0,
                                                                               microsecond=0)
