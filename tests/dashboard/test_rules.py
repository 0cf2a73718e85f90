"""The dashboard's pure rules, table-driven and with hypothesis: no database, no request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventapp.dashboard.rules import (
    Outcome,
    by_month,
    is_due,
    is_running,
    name_order,
    outcome,
)
from eventapp.events.rules import asked_until, proposed_until
from eventapp.formatting import zone
from eventapp.text import fold

AT = datetime(2020, 2, 1, tzinfo=UTC)
BASE = datetime(2020, 2, 4, 17, 0, tzinfo=UTC)  # 00:00 05/02/2020 in Vietnam
LATER = BASE + timedelta(days=2)


@pytest.mark.parametrize("deadline, due", [
    (None, False), (AT - timedelta(seconds=1), False), (AT, True),
    (AT + timedelta(days=13, hours=23), True), (AT + timedelta(days=14), False)])
def test_due_within_fourteen_days(deadline, due):
    assert is_due(deadline, AT) is due


@pytest.mark.parametrize("done, sent_at, effective, at, expected", [
    (True, BASE - timedelta(seconds=1), BASE, AT, Outcome.on_time),
    (True, BASE, LATER, LATER, Outcome.late),  # at the deadline is late (strictly before)
    (False, None, BASE, AT, Outcome.waiting),
    (False, None, BASE, BASE, Outcome.missing),
    (False, None, LATER, BASE, Outcome.waiting),  # the unit's extension keeps it open
    (False, None, None, LATER, Outcome.waiting),  # no deadline: never missing
])
def test_outcome(done, sent_at, effective, at, expected):
    assert outcome(done, sent_at, BASE, effective, at) == expected


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC)))
def test_sent_before_the_deadline_is_on_time_after_is_late(sent_at):
    expected = Outcome.on_time if sent_at < BASE else Outcome.late
    assert outcome(True, sent_at, BASE, LATER, sent_at) == expected


def test_running_sessions():
    end = AT + timedelta(hours=3)
    assert is_running(AT, end, AT) and not is_running(AT, end, end)
    assert not is_running(AT, end, AT - timedelta(minutes=1))
    assert is_running(AT, None, AT + timedelta(hours=3, minutes=59))
    assert not is_running(AT, None, AT + timedelta(hours=4))


def test_by_month_keeps_the_year_only():
    months = by_month([("a", datetime(2020, 2, 14)), ("b", datetime(2021, 2, 1)),
                       ("c", None), ("d", datetime(2020, 12, 31))], 2020)
    assert months[2] == ["a"] and months[12] == ["d"] and months[1] == []
    assert sorted(months) == list(range(1, 13))


def test_asked_day_means_through_that_day_in_the_event_zone():
    assert asked_until(None, zone("Asia/Ho_Chi_Minh")) is None
    moment = asked_until(datetime(2020, 2, 8).date(), zone("Asia/Ho_Chi_Minh"))
    assert moment.astimezone(UTC) == datetime(2020, 2, 8, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("current, asked, at, expected", [
    (BASE, LATER, AT, LATER),                             # what the unit asked for
    (BASE, None, AT, BASE + timedelta(days=3)),           # the deadline + 3 days
    (BASE, None, BASE + timedelta(days=10), BASE + timedelta(days=13)),  # from now, not past
    (None, None, AT, AT + timedelta(days=3)),
])
def test_proposed_until(current, asked, at, expected):
    assert proposed_until(current, asked, at) == expected


@given(st.lists(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯáàảãạắằẳẵặấầẩẫậéèẻẽẹ"
                                  "ếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ", min_size=1,
                        max_size=30), max_size=20))
def test_name_order_sorts_as_fold(names):
    assert sorted(names, key=lambda n: (fold(n), n)) == sorted(
        names, key=lambda n: (name_order(n), n))


def test_name_order_of_vietnamese_units():
    names = ["Huyện đoàn Đầm Dơi", "Huyện đoàn Ba Tri", "Đoàn trường THPT Lê Lợi",
             "Huyện đoàn Bình Đại"]
    assert sorted(names, key=name_order) == sorted(names, key=fold) == [
        "Đoàn trường THPT Lê Lợi", "Huyện đoàn Ba Tri", "Huyện đoàn Bình Đại",
        "Huyện đoàn Đầm Dơi"]
