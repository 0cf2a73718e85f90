"""Pure check-in rules, table-driven and with hypothesis."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventapp.checkin import rules

CODE = "A" * 26 + "." + "B2" * 13
T0 = datetime(2020, 2, 14, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("raw, expected", [
    (CODE, CODE),
    (f"  {CODE}\r\n", CODE),
    (CODE.lower(), CODE),
    (f"\t{CODE}\t", CODE),
    (f"https://hoitruong.vn/c/{CODE}", CODE),
    (f"https://hoitruong.vn/c/{CODE}?utm=qr", CODE),
    ("", None),
    (None, None),
    ("   ", None),
    ("A" * 26 + "B" * 26, None),          # no dot
    ("A" * 25 + "." + "B" * 26, None),    # one character short
    ("1" * 26 + "." + "B" * 26, None),    # 1 is not base32
    ("x" * 600 + CODE, None),             # absurdly long input is refused outright
])
def test_extract_code(raw, expected):
    assert rules.extract_code(raw) == expected


STARTS = T0 - timedelta(hours=1)  # the session started an hour before the server's now


@pytest.mark.parametrize("scanned, expected", [
    (None, (T0, False)),
    (T0 - timedelta(minutes=9), (T0 - timedelta(minutes=9), False)),  # offline: its own time
    (T0, (T0, False)),
    (T0 + timedelta(seconds=1), (T0, False)),          # a clock a little ahead: cut to now
    (T0 + timedelta(minutes=2), (T0, False)),          # the last believable moment
    (T0 + timedelta(minutes=2, seconds=1), (T0, True)),  # further ahead: server time, review
    (T0 + timedelta(days=3), (T0, True)),
    (STARTS - timedelta(hours=6), (STARTS - timedelta(hours=6), False)),  # doors open early
    (STARTS - timedelta(hours=6, seconds=1), (T0, True)),  # yesterday's clock: review
    (datetime(1970, 1, 1, tzinfo=UTC), (T0, True)),    # a phone that lost its clock
])
def test_arrival_time(scanned, expected):
    assert rules.arrival_time(scanned, T0, STARTS) == expected


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1),
                    timezones=st.just(UTC)),
       st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=3)))
def test_arrival_time_is_never_in_the_future_nor_before_the_window(scanned, start_offset):
    starts = T0 + start_offset
    arrived, review = rules.arrival_time(scanned, T0, starts)
    assert arrived <= T0
    assert arrived >= min(T0, starts - rules.OFFLINE_EARLIEST)
    believable = starts - rules.OFFLINE_EARLIEST <= scanned <= T0 + rules.OFFLINE_LATEST
    assert review == (not believable)
    assert believable or arrived == T0


def _session(key, start_hour, end_hour=None):
    start = datetime(2020, 2, 14, start_hour, tzinfo=UTC)
    end = datetime(2020, 2, 14, end_hour, tzinfo=UTC) if end_hour else None
    return SimpleNamespace(key=key, starts_at=start, ends_at=end)


MORNING, AFTERNOON = _session("doi-thoai", 1, 4), _session("so-ket", 6, 10)


@pytest.mark.parametrize("hour, minute, expected", [
    (18, 0, "doi-thoai"),   # the evening before: the next session
    (22, 30, "doi-thoai"),  # 05:30 local, doors open 3 h before
    (1, 5, "doi-thoai"),    # under way
    (4, 30, "so-ket"),      # between: next one (3 h lead covers it)
    (8, 0, "so-ket"),
    (11, 0, "so-ket"),      # after everything: the last one
])
def test_default_session(hour, minute, expected):
    day = 13 if hour >= 18 else 14
    moment = datetime(2020, 2, day, hour, minute, tzinfo=UTC)
    assert rules.default_session([AFTERNOON, MORNING], moment).key == expected


def test_default_session_of_nothing():
    assert rules.default_session([], T0) is None


def test_outcome_statuses_and_colours():
    table = {o.value: (o.http_status, o.colour) for o in rules.Outcome}
    assert table == {"checked_in": (200, "green"), "already_checked_in": (200, "amber"),
                     "unknown_code": (404, "red"), "revoked": (409, "red"),
                     "not_invited": (409, "red"), "substituted": (409, "red"),
                     "not_approved": (409, "red")}


def test_arrival_series_fills_gaps():
    series = rules.arrival_series({100: 2, 103: 1}, 60)
    assert [(p.count, p.cumulative) for p in series] == [(2, 2), (0, 2), (0, 2), (1, 3)]
    assert series[0].start == datetime.fromtimestamp(6000, UTC)
    assert rules.arrival_series({}, 60) == []


@given(st.dictionaries(st.integers(0, 10_000_000), st.integers(1, 500), max_size=40),
       st.sampled_from([60, 300, 900]))
def test_arrival_series_properties(counts, seconds):
    series = rules.arrival_series(counts, seconds, max_points=400)
    if not counts:
        assert series == []
        return
    assert series[-1].cumulative == sum(counts.values())   # nobody lost, even when cut
    assert len(series) <= 400
    starts = [p.start for p in series]
    steps = {b - a for a, b in zip(starts, starts[1:], strict=False)}
    assert steps <= {timedelta(seconds=seconds)}
    assert all(p.count >= 0 for p in series)


@pytest.mark.parametrize("minutes, seconds", [(0, 60), (45, 60), (120, 60), (121, 300),
                                              (600, 300), (601, 900), (5000, 1800)])
def test_bucket_size(minutes, seconds):
    assert rules.pick_bucket_seconds(timedelta(minutes=minutes)) == seconds


@pytest.mark.parametrize("part, whole, expected", [(0, 0, 0), (1, 3, 33), (2, 3, 67),
                                                   (5, 5, 100)])
def test_percent(part, whole, expected):
    assert rules.percent(part, whole) == expected


def test_clean_label():
    assert rules.clean_label("  Cửa   1 \n") == "Cửa 1"
    assert rules.clean_label("Cửa\x001\x7f") == "Cửa 1"
    assert rules.clean_label("Cửa\u00a01") == "Cửa 1"  # a no-break space is a space
    assert len(rules.clean_label("x" * 100)) == 64


@given(st.text(max_size=80))
def test_clean_label_drops_every_control_character(value):
    """The fast path (printable text skips the per-character look) changes nothing."""
    reference = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value)
    assert rules.clean_label(value) == " ".join(reference.split())[:64]
