"""Invariants of the eligibility engine, checked with hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from eventapp.nominations import eligibility as el

REFERENCE = date(2020, 2, 14)
days = st.dates(min_value=date(1960, 1, 1), max_value=date(2019, 12, 31))


@st.composite
def closed_periods(draw, min_size=0, max_size=5):
    items = []
    for _ in range(draw(st.integers(min_size, max_size))):
        start = draw(days)
        length = draw(st.integers(0, 6000))
        items.append(el.Period(start, min(start + timedelta(days=length), date(2019, 12, 31))))
    return items


@st.composite
def serving(draw):
    periods = draw(closed_periods())
    periods.append(el.Period(draw(days), None))
    return el.Nominee(status="serving", service_periods=tuple(draw(st.permutations(periods))))


def seniority_key(person: el.Nominee, rules: el.Rules):
    result = el.seniority(person, rules)
    return result.days, result.span


@given(serving(), days)
def test_adding_a_service_day_never_lowers_seniority(person, extra):
    rules = el.Rules(REFERENCE)
    more = el.Nominee(status="serving",
                      service_periods=person.service_periods + (el.Period(extra, extra),))
    before, after = el.seniority(person, rules), el.seniority(more, rules)
    assert after.days >= before.days
    assert after.span >= before.span
    assert after.passed or not before.passed


@given(closed_periods(min_size=1), st.data())
def test_retired_adding_a_day_never_lowers_seniority(periods, data):
    last = max(p.end for p in periods)
    extra = data.draw(st.dates(min_value=date(1960, 1, 1), max_value=last + timedelta(days=1)))
    retired_on = last + timedelta(days=1)
    person = el.Nominee(status="retired", retired_on=retired_on, service_periods=tuple(periods))
    more = el.Nominee(status="retired", retired_on=retired_on,
                      service_periods=tuple(periods) + (el.Period(extra, extra),))
    rules = el.Rules(REFERENCE)
    assert seniority_key(more, rules) >= seniority_key(person, rules)


@given(serving(), st.randoms(use_true_random=False))
def test_merging_is_order_independent(person, rnd):
    shuffled = list(person.service_periods)
    rnd.shuffle(shuffled)
    assert el.merge_periods(shuffled) == el.merge_periods(person.service_periods)
    other = el.Nominee(status="serving", service_periods=tuple(shuffled))
    rules = el.Rules(REFERENCE)
    assert el.assess(other, rules).as_dict() == el.assess(person, rules).as_dict()


@given(closed_periods(min_size=1, max_size=4))
@settings(max_examples=60)
def test_merged_periods_count_each_day_once(periods):
    merged = el.merge_periods(periods)
    served = set()
    for p in periods:
        served.update(p.start + timedelta(days=i) for i in range((p.end - p.start).days + 1))
    assert el.days_before(merged, None) == len(served)
    for a, b in zip(merged, merged[1:], strict=False):
        assert a.end + timedelta(days=1) < b.start  # disjoint and not touching


@given(days, st.integers(1, 45))
def test_one_continuous_period_is_the_calendar_difference(start, years):
    person = el.Nominee(status="serving", service_periods=(el.Period(start, None),))
    rules = el.Rules(REFERENCE, serving_min_years=years)
    result = el.seniority(person, rules)
    assert result.span == el.calendar_diff(start, REFERENCE)
    assert result.passed == (el.add_years(start, years) <= REFERENCE)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)),
       st.integers(0, 20000))
def test_calendar_difference_adds_back(start, length):
    end = start + timedelta(days=length)
    span = el.calendar_diff(start, end)
    assert 0 <= span.months < 12 and span.days >= 0
    back = el.add_months(start, 12 * span.years + span.months) + timedelta(days=span.days)
    assert back == end
    assert span.days < 31


@given(serving())
@settings(max_examples=60)
def test_eligible_from_is_the_first_passing_day(person):
    rules = el.Rules(REFERENCE)
    ready = el.eligible_from(person, rules)
    if el.seniority(person, rules).passed:
        assert ready is None
        return
    assert ready > REFERENCE
    assert el.seniority(person, el.Rules(ready)).passed
    assert not el.seniority(person, el.Rules(ready - timedelta(days=1))).passed


@given(serving(), st.sets(st.sampled_from(list(el.DOCUMENTS))))
def test_eligible_iff_every_criterion_passed(person, documents):
    person = el.Nominee(status="serving", service_periods=person.service_periods,
                        titles=((2019, "lao_dong_tien_tien"),), documents=frozenset(documents))
    result = el.assess(person, el.Rules(REFERENCE))
    assert result.eligible == all(c.passed for c in result.criteria)
    assert result.manual_review == list(el.MANUAL_CRITERIA)


json_dates = st.one_of(st.dates(min_value=date(1890, 1, 1), max_value=date(2110, 12, 31))
                       .map(date.isoformat), st.text(max_size=12), st.none(), st.integers())
small_ints = st.one_of(st.integers(-5, 120), st.text(max_size=3), st.none())


@given(st.fixed_dictionaries({
    "rules": st.fixed_dictionaries({}, optional={
        "reference_date": json_dates, "serving_min_years": small_ints,
        "retired_min_years": small_ints, "title_window_years": small_ints,
        "discipline_window_years": small_ints}),
    "nominee": st.fixed_dictionaries({
        "status": st.sampled_from(["serving", "retired", "other"]),
        "service_periods": st.lists(st.fixed_dictionaries(
            {"start": json_dates}, optional={"end": json_dates}), max_size=4)},
        optional={"retired_on": json_dates,
                  "titles": st.lists(st.fixed_dictionaries(
                      {"year": st.one_of(st.integers(1880, 2120), st.text(max_size=4)),
                       "title": st.sampled_from([*el.TITLE_RANKS, "bang_khen"])}), max_size=3),
                  "disciplines": st.lists(st.fixed_dictionaries(
                      {"date": json_dates,
                       "level": st.sampled_from([*el.DISCIPLINE_LEVELS, "nhac_nho"])}),
                      max_size=3)}),
}))
@settings(max_examples=300, deadline=None)
def test_any_input_is_answered_or_refused_by_field(raw):
    """The API and CLI never crash: a result, or ``Invalid`` naming fields."""
    from eventapp.errors import Invalid
    from eventapp.nominations.cli import evaluate

    try:
        result = evaluate(raw)
    except Invalid as error:
        assert error.fields and all(isinstance(m, str) and m for m in error.fields.values())
    else:
        assert result["eligible"] == all(c["passed"] for c in result["criteria"])
