"""Pure parts of the audit log search: filter parsing, showing before/after, folding."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventapp.audit import phrases
from eventapp.audit import search as auditlog
from eventapp.audit.search import NONE, AuditFilters, parse_filters
from eventapp.text import fold

TZ = "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(("args", "filters", "errors"), [
    ({}, AuditFilters(), {}),
    ({"event": "3", "user": "none", "action": "unit.add", "q": "  Ba   Tri ", "page": "2"},
     AuditFilters(event=3, user=NONE, action="unit.add", q="Ba Tri", page=2), {}),
    ({"from": "2020-02-05", "to": "14/02/2020"},
     AuditFilters(date_from=date(2020, 2, 5), date_to=date(2020, 2, 14)), {}),
    ({"from": "2020-02-05", "to": "2020-02-05"},
     AuditFilters(date_from=date(2020, 2, 5), date_to=date(2020, 2, 5)), {}),
    ({"from": "31/02/2020"}, AuditFilters(), {"from": "Ngày không hợp lệ (dd/mm/yyyy)."}),
    ({"to": "hôm qua"}, AuditFilters(), {"to": "Ngày không hợp lệ (dd/mm/yyyy)."}),
    ({"from": "2020-02-10", "to": "2020-02-01"},
     AuditFilters(date_from=date(2020, 2, 10), date_to=date(2020, 2, 1)),
     {"to": "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."}),
    ({"event": "-1"}, AuditFilters(), {"event": "Sự kiện không hợp lệ."}),
    ({"user": "1 OR 1=1"}, AuditFilters(), {"user": "Người thực hiện không hợp lệ."}),
    ({"event": "9" * 20}, AuditFilters(), {"event": "Sự kiện không hợp lệ."}),
    ({"action": "Unit.Add"}, AuditFilters(), {"action": "Hành động không hợp lệ."}),
    ({"q": "x" * 201}, AuditFilters(q="x" * 200), {"q": "Từ khóa tối đa 200 ký tự."}),
    ({"page": "0"}, AuditFilters(), {}),
    ({"page": "abc"}, AuditFilters(), {}),
    ({"page": "99999999"}, AuditFilters(), {}),
])
def test_parse_filters(args, filters, errors):
    assert parse_filters(args) == (filters, errors)


@given(st.dictionaries(st.sampled_from(["event", "user", "action", "q", "from", "to", "page"]),
                       st.text(max_size=40)))
def test_parse_filters_never_raises_and_round_trips(args):
    filters, errors = parse_filters(args)
    if not errors:
        again, errors_again = parse_filters(filters.query_args())
        assert errors_again == {}
        assert again == filters


@pytest.mark.parametrize(("value", "shown"), [
    (None, "—"),
    ("", "—"),
    (True, "có"),
    (False, "không"),
    (15, "15"),
    ("2020-02-04T17:00:00+00:00", "00:00 05/02/2020"),
    ("2020-02-14", "14/02/2020"),
    ("2020-02-14T08:00:00", "08:00 14/02/2020"),
    ("2020-13-45", "2020-13-45"),
    ("Mất điện", "Mất điện"),
    (["BATRI", "Ba Tri"], "BATRI, Ba Tri"),
    ({"a": 1}, "1"),  # keys inside a value are the code's: only values show
    ([{"start": "2020-02-14", "end": None}, {"start": "2001-09-05"}],
     "14/02/2020, —; 05/09/2001"),
])
def test_show_value(value, shown):
    assert phrases.show_value(value, TZ) == shown


def test_changes_lists_every_field_either_side_mentions(app):
    before = {"deadline": "2020-02-04T17:00:00+00:00", "reason": "Mất điện"}
    after = {"deadline": "2020-02-06T03:00:00+00:00", "reason": "Bổ sung", "max": 5}
    assert phrases.changes("extension.grant", before, after, None, TZ) == [
        ("Hạn mới", "00:00 05/02/2020", "10:00 06/02/2020"),
        ("Lý do", "Mất điện", "Bổ sung"),
        ("Chi tiết", "", "5"),  # a field its domain does not name
    ]
    assert phrases.changes("x.y", None, {"x": None}, None, TZ) == [("Chi tiết", "", "—")]
    assert phrases.changes("x.y", None, None, None, TZ) == []
    assert phrases.changes("x.y", "old", "new", None, TZ) == [("", "old", "new")]


@pytest.mark.parametrize(("action", "label"), [
    ("nomination.decide", "Quyết định vinh danh"),
    ("checkin.undo", "Hủy check-in"),
    ("extension.grant", "Gia hạn cho đơn vị"),
    ("extension.something_new", "Thay đổi gia hạn"),  # its domain's noun
    ("something.new", "Thay đổi khác"),
    ("plain", "Thay đổi khác"),
])
def test_action_label(app, action, label):
    with app.test_request_context():
        assert auditlog.action_label(action) == label


VIETNAMESE = ("aăâbcdđeêghiklmnoôơpqrstuưvxy" "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
              "ùúủũụừứửữựỳýỷỹỵ")


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " -@.0123456789", max_size=40))
def test_postgresql_fold_table_agrees_with_fold(text):
    """PostgreSQL searches with lower(translate(column, …)): the same as fold() in Python,
    for every Vietnamese letter in either case (spaces are left as they are)."""
    source, target = auditlog._FOLD_TABLE
    translated = text.translate(str.maketrans(source, target)).lower()
    assert " ".join(translated.split()) == fold(text)


def test_superscript_digits_are_not_numbers():
    """'¹'.isdigit() is true but int('¹') fails: found by the property test above."""
    filters, errors = parse_filters({"page": "¹", "user": "²"})
    assert filters.page == 1
    assert "user" in errors
