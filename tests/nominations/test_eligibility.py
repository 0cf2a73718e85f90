"""The eligibility engine (PRODUCT.md §3.3), table-driven over every boundary — pure."""

from __future__ import annotations

from datetime import date

import pytest

from eventapp.nominations import eligibility as el
from eventapp.nominations.schemas import EligibilityRequestSchema, nominee_from
from tests.nominations.helpers import ISSUE_EXAMPLE, criterion, d, nominee, rules


def test_issue_example_gives_the_issue_answer():
    data = EligibilityRequestSchema().load(ISSUE_EXAMPLE)
    result = el.assess(nominee_from(data["nominee"]), data["rules"]).as_dict()
    assert result["eligible"] is False
    assert result["service"] == {"years": 29, "months": 5, "days": 9}
    assert result["threshold_years"] == 30
    assert result["eligible_from"] == "2020-09-05"
    assert [(c["code"], c["passed"]) for c in result["criteria"]] == [
        ("seniority", False), ("title", True), ("discipline", True), ("documents", True),
        ("on_time", True)]
    assert result["criteria"][0]["message"] == (
        "Thâm niên công tác Đội 29 năm 5 tháng 9 ngày, chưa đủ 30 năm; "
        "đủ điều kiện từ ngày 05/09/2020")
    assert result["manual_review"] == ["achievements", "duties", "ethics", "initiatives"]


# --- Calendar arithmetic -------------------------------------------------------------------------

@pytest.mark.parametrize("start, years, expected", [
    ("1992-02-29", 30, "2022-02-28"),   # clipped to the month's end
    ("1992-02-29", 28, "2020-02-29"),   # a leap year again: no clipping
    ("1990-02-14", 30, "2020-02-14"),
    ("2020-02-29", -5, "2015-02-28"),
])
def test_add_years_clips_to_month_end(start, years, expected):
    assert el.add_years(d(start), years) == d(expected)


@pytest.mark.parametrize("start, end, span", [
    ("1992-02-29", "2022-02-28", (30, 0, 0)),
    ("1992-02-29", "2022-02-27", (29, 11, 29)),
    ("1990-02-14", "2020-02-14", (30, 0, 0)),
    ("1990-02-15", "2020-02-14", (29, 11, 30)),
    ("2020-01-31", "2020-03-01", (0, 1, 1)),
    ("2019-01-31", "2019-03-01", (0, 1, 1)),
    ("1990-09-05", "2020-02-14", (29, 5, 9)),
    ("2020-02-14", "2020-02-14", (0, 0, 0)),
])
def test_calendar_difference(start, end, span):
    assert el.calendar_diff(d(start), d(end)) == el.Span(*span)


# --- Seniority -----------------------------------------------------------------------------------

SENIORITY_CASES = [
    # id, periods, status, retired_on, reference, passed, (y, m, d), eligible_from
    ("exactly 30 years on the reference date", [("1990-02-14", None)], "serving", None,
     "2020-02-14", True, (30, 0, 0), None),
    ("one day short of 30 years", [("1990-02-15", None)], "serving", None,
     "2020-02-14", False, (29, 11, 30), "2020-02-15"),
    ("leap-day start reaches 30 years on 28/02", [("1992-02-29", None)], "serving", None,
     "2022-02-28", True, (30, 0, 0), None),
    ("leap-day start one day before", [("1992-02-29", None)], "serving", None,
     "2022-02-27", False, (29, 11, 29), "2022-02-28"),
    ("leap-day start, leap reference year", [("1990-02-28", None)], "serving", None,
     "2020-02-29", True, (30, 0, 1), None),
    ("overlapping periods count each day once", [("1985-01-01", "2000-12-31"),
                                                 ("1995-06-01", None)], "serving", None,
     "2015-01-01", True, (30, 0, 0), None),
    ("touching periods join", [("1989-09-05", "2001-08-31"), ("2001-09-01", None)],
     "serving", None, "2020-02-14", True, (30, 5, 9), None),
    ("a one-year gap is not counted", [("1989-09-05", "2001-08-31"), ("2002-09-01", None)],
     "serving", None, "2020-02-14", False, (29, 5, 9), "2020-09-05"),
    ("duplicate periods count once", [("1990-02-14", None), ("1990-02-14", None)],
     "serving", None, "2020-02-14", True, (30, 0, 0), None),
    ("retired with exactly 25 years", [("1990-03-01", "2015-02-28")], "retired",
     "2015-02-28", "2020-02-14", True, (25, 0, 0), None),
    ("retired one day short of 25 years", [("1990-03-02", "2015-02-28")], "retired",
     "2015-02-28", "2020-02-14", False, (24, 11, 27), None),
    ("retired, overlapping periods", [("1985-01-01", "2000-12-31"),
                                      ("1995-06-01", "2010-05-31")], "retired", "2010-06-30",
     "2020-02-14", True, (25, 5, 0), None),
    ("retired, left team work before retiring", [("1980-09-01", "2005-08-31")], "retired",
     "2012-06-30", "2020-02-14", True, (25, 0, 0), None),
    ("serving: days from the reference date on are not yet served",
     [("1990-02-14", "2025-01-01"), ("2030-01-01", None)], "serving", None, "2020-02-14",
     True, (30, 0, 0), None),
]


@pytest.mark.parametrize("periods, status, retired_on, reference, passed, span, ready",
                         [c[1:] for c in SENIORITY_CASES], ids=[c[0] for c in SENIORITY_CASES])
def test_seniority(periods, status, retired_on, reference, passed, span, ready):
    result = el.assess(nominee(periods, status=status, retired_on=retired_on), rules(reference))
    check = criterion(result, "seniority")
    assert check.passed is passed
    assert (result.seniority.span.years, result.seniority.span.months,
            result.seniority.span.days) == span
    assert result.eligible_from == (d(ready) if ready else None)
    assert f"{span[0]} năm {span[1]} tháng {span[2]} ngày" in check.message
    if ready:
        assert check.message.endswith(f"đủ điều kiện từ ngày {d(ready):%d/%m/%Y}")


def test_eligible_from_is_the_first_passing_day():
    person = nominee([("1989-09-05", "2001-08-31"), ("2002-09-01", None)])
    assert el.eligible_from(person, rules("2020-02-14")) == date(2020, 9, 5)
    assert criterion(el.assess(person, rules("2020-09-05")), "seniority").passed
    assert not criterion(el.assess(person, rules("2020-09-04")), "seniority").passed


def test_eligible_from_with_a_future_start():
    # A dossier whose open period begins after the reference date: counted from that day.
    person = nominee([("1980-01-01", "2005-12-31"), ("2021-01-01", None)])
    ready = el.eligible_from(person, rules("2020-02-14"))
    assert criterion(el.assess(person, rules(ready.isoformat())), "seniority").passed
    assert not criterion(el.assess(person, rules((ready - el.ONE_DAY).isoformat())),
                         "seniority").passed


def test_other_thresholds_per_event():
    person = nominee([("2000-02-14", None)])
    assert criterion(el.assess(person, rules(serving_min_years=20)), "seniority").passed
    assert not criterion(el.assess(person, rules(serving_min_years=21)), "seniority").passed


# --- Title ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("titles, status, retired_on, passed", [
    ([(2019, "lao_dong_tien_tien")], "serving", None, True),          # Y − 1: first year in
    ([(2020, "chien_si_tien_tien")], "serving", None, True),          # Y itself
    ([(2018, "lao_dong_tien_tien")], "serving", None, False),         # one year outside
    ([(2021, "chien_si_thi_dua_co_so")], "serving", None, False),     # after Y
    ([(2019, "chien_si_thi_dua_toan_quoc")], "serving", None, True),  # higher title counts
    ([], "serving", None, False),
    ([(2014, "lao_dong_tien_tien")], "retired", "2015-06-30", True),  # Y = retirement year
    ([(2013, "chien_si_thi_dua_cap_tinh")], "retired", "2015-06-30", False),
])
def test_title_window(titles, status, retired_on, passed):
    periods = [("1985-01-01", "2015-06-30")] if status == "retired" else [("1985-01-01", None)]
    result = el.assess(nominee(periods, status=status, retired_on=retired_on, titles=titles),
                       rules())
    assert criterion(result, "title").passed is passed
    assert result.eligible is passed


def test_title_message_names_the_best_title_and_the_years():
    result = el.assess(nominee(titles=[(2019, "lao_dong_tien_tien"),
                                       (2020, "chien_si_thi_dua_cap_tinh")]), rules())
    assert criterion(result, "title").message == (
        "Đạt danh hiệu “Chiến sĩ thi đua cấp tỉnh” năm 2020 (xét các năm 2019–2020)")
    failed = el.assess(nominee(titles=[(2017, "lao_dong_tien_tien")]), rules())
    assert "danh hiệu gần nhất: “Lao động tiên tiến” năm 2017" in criterion(
        failed, "title").message


# --- Discipline ----------------------------------------------------------------------------------

@pytest.mark.parametrize("day, passed", [
    ("2015-02-14", False),  # the window's first day
    ("2020-02-14", False),  # the window's last day (the reference date)
    ("2015-02-13", True),   # one day before the window
    ("2020-02-15", True),   # one day after it
    ("2017-06-01", False),
])
def test_discipline_window(day, passed):
    result = el.assess(nominee(disciplines=[(day, "khien_trach")]), rules())
    assert criterion(result, "discipline").passed is passed


@pytest.mark.parametrize("level", el.DISCIPLINE_LEVELS)
def test_every_discipline_level_counts(level):
    result = el.assess(nominee(disciplines=[("2018-01-01", level)]), rules())
    check = criterion(result, "discipline")
    assert not check.passed and el.DISCIPLINE_LABELS[level] in check.message


def test_discipline_window_of_a_retired_nominee_ends_at_retirement():
    person = dict(status="retired", retired_on="2012-06-30",
                  periods=[("1985-01-01", "2012-06-30")], titles=[(2012, "lao_dong_tien_tien")])
    inside = el.assess(nominee(disciplines=[("2007-06-30", "canh_cao")], **person), rules())
    outside = el.assess(nominee(disciplines=[("2007-06-29", "canh_cao")], **person), rules())
    assert not criterion(inside, "discipline").passed
    assert criterion(outside, "discipline").passed


# --- Documents and deadline ---------------------------------------------------------------------

@pytest.mark.parametrize("missing", list(el.DOCUMENTS))
def test_each_missing_document_fails(missing):
    result = el.assess(nominee(documents=set(el.DOCUMENTS) - {missing}), rules())
    check = criterion(result, "documents")
    assert not check.passed
    assert el.DOCUMENTS[missing] in check.message
    assert result.eligible is False


def test_complete_documents_pass():
    assert criterion(el.assess(nominee(), rules()), "documents").passed


@pytest.mark.parametrize("submitted_at, passed", [
    ("2020-02-04T23:59:59+07:00", True),   # one second before
    ("2020-02-05T00:00:00+07:00", False),  # at the deadline
    ("2020-02-04T17:00:00+00:00", False),  # the same instant in UTC
    ("2020-02-04T16:59:59+00:00", True),
])
def test_on_time_is_strictly_before_the_deadline(submitted_at, passed):
    result = el.assess(nominee(submitted_at=submitted_at),
                       rules(deadline="2020-02-05T00:00:00+07:00"))
    assert criterion(result, "on_time").passed is passed
    assert result.eligible is passed


@pytest.mark.parametrize("submitted_at, deadline", [
    (None, "2020-02-05T00:00:00+07:00"), ("2020-02-04T10:00:00+07:00", None), (None, None)])
def test_on_time_left_out_without_both_instants(submitted_at, deadline):
    result = el.assess(nominee(submitted_at=submitted_at), rules(deadline=deadline))
    assert result.criterion("on_time") is None
    assert [c.code for c in result.criteria] == ["seniority", "title", "discipline", "documents"]
    assert result.eligible is True


# --- Invalid input -------------------------------------------------------------------------------

@pytest.mark.parametrize("person, field", [
    (nominee([("2000-01-01", "1999-12-31"), ("2001-01-01", None)]), "service_periods.0.end"),
    (nominee([("1990-01-01", "2015-01-01")], status="retired"), "retired_on"),
    (nominee([("1990-01-01", "2015-01-02")], status="retired", retired_on="2015-01-01"),
     "service_periods.0.end"),
    (nominee([("1990-01-01", None)], status="retired", retired_on="2015-01-01"),
     "service_periods.0.end"),
    (nominee([("1990-01-01", "2015-01-01")]), "service_periods"),
    (nominee([]), "service_periods"),
])
def test_problems_name_the_field(person, field):
    assert field in el.problems(person)
    with pytest.raises(ValueError):
        el.assess(person, rules())
