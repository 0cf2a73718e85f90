"""Surge at the deadline, small enough for CI: units submit questions, register delegates,
edit and withdraw questions at once through gunicorn with 4 workers. Every 2xx has its row,
no 5xx, every cap holds (each unit sends one more than its caps allow), every edit and
withdrawal is saved. The full-size run is ``python -m bench.surge_bench`` (200 units)."""

import pytest

from bench.surge_bench import run
from tests.conftest import TEST_DATABASE_URL


@pytest.mark.concurrency
def test_deadline_surge_through_gunicorn():
    report = run(units=15, workers=4, threads=4, pg_url=TEST_DATABASE_URL, client_threads=16)
    assert report["problems"] == []
    assert report["statuses"] == {"d 201": 15 * 5, "d 409": 15, "q 201": 15 * 15, "q 409": 15,
                                  "login 200": 15, "e 200": 15 * 5, "w 200": 15 * 2}
    assert report["rows_questions"] == 15 * 15 and report["rows_delegates"] == 15 * 5
    assert (report["edited"], report["withdrawn"]) == (15 * 5, 15 * 2)
