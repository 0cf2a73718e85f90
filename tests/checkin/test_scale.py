"""10,000 attendees: the board and the stats cost the same few aggregated queries as 50."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from eventapp.extensions import db
from tests.checkin.conftest import bulk_attendees

BOARD_JSON = "/checkin/doi-thoai-2020/board.json?session=doi-thoai"


@contextlib.contextmanager
def count_statements():
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


def test_board_queries_do_not_grow_with_attendees(client, login, users, event, token_for):
    headers = token_for(users["organizer"])
    login(users["organizer"])
    bulk_attendees(event, 50)
    with count_statements() as small:
        client.get(BOARD_JSON)
    with count_statements() as small_stats:
        client.get("/api/v1/events/doi-thoai-2020/checkin/stats?session=doi-thoai",
                   headers=headers)
    bulk_attendees(event, 10_000 - 50)
    with count_statements() as large:
        data = client.get(BOARD_JSON).get_json()
    with count_statements() as large_stats:
        stats = client.get("/api/v1/events/doi-thoai-2020/checkin/stats?session=doi-thoai",
                           headers=headers).get_json()
    assert (data["expected"], data["checked_in"]) == (10_000, 25 + 4975)
    assert stats["expected"] == 10_000
    assert sum(u["expected"] for u in stats["units"]) == 10_000
    assert len(large) == len(small) <= 12
    assert len(large_stats) == len(small_stats) <= 10
    expanded = client.get(BOARD_JSON + "&expand=" + data["units"][0]["key"]).get_json()
    missing = expanded["missing"][data["units"][0]["key"]]
    assert len(missing) == data["units"][0]["expected"] - data["units"][0]["checked_in"]
