"""One timezone rule: the event's zone where there is an event, else the configured one; the
same deadline shows the same way on every page, message and result."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from eventapp.events.services import import_event
from eventapp.formatting import local_dt, zone
from tests.conftest import PASSWORD, demo_definition

ROOT = Path(__file__).resolve().parents[2]
# The demo's question and nomination deadline, 00:00 05/02/2020 in Vietnam (UTC+7).
DEADLINE = datetime(2020, 2, 4, 17, 0, tzinfo=UTC)
IN_TOKYO, IN_VIETNAM = "02:00 05/02/2020", "00:00 05/02/2020"


class _Event:
    def __init__(self, timezone):
        self.timezone = timezone


@pytest.mark.parametrize("where, configured, expected", [
    (_Event("Asia/Tokyo"), "Asia/Ho_Chi_Minh", "02:00 05/02/2020"),
    (_Event(""), "Asia/Tokyo", "02:00 05/02/2020"),         # an event without a zone
    (None, "Asia/Tokyo", "02:00 05/02/2020"),                # no event: the configured one
    (None, "UTC", "17:00 04/02/2020"),
    ("Europe/Paris", "Asia/Tokyo", "18:00 04/02/2020"),      # a zone named outright
    (ZoneInfo("Asia/Ho_Chi_Minh"), "UTC", "00:00 05/02/2020"),
])
def test_the_event_zone_else_the_configured_one(app, where, configured, expected):
    app.config["TIMEZONE"] = configured
    assert local_dt(DEADLINE, where) == expected
    assert str(zone(where)) in {getattr(where, "timezone", None) or configured,
                                str(where)}


def test_no_other_timezone_literal_in_the_code():
    found = [f"{path.relative_to(ROOT)}:{n}"
             for folder, pattern in (("eventapp", "*.py"), ("templates", "*.html"),
                                     ("static/js", "*.js"))
             for path in sorted((ROOT / folder).rglob(pattern))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "Asia/Ho_Chi_Minh" in line and path != ROOT / "eventapp" / "config.py"]
    assert not found


@pytest.fixture
def tokyo_event(app):
    """The demo event held in Tokyo (UTC+9): its deadlines show two hours later than in
    Vietnam, which is the configured zone."""
    return import_event({**demo_definition(), "timezone": "Asia/Tokyo"})


def _login(app, user):
    client = app.test_client()
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}) \
        .status_code == 302
    return client


def test_the_same_deadline_shows_the_same_way_on_every_page(app, tokyo_event, make_user,
                                                            set_now):
    set_now(datetime(2020, 2, 1, 2, 0, tzinfo=UTC))
    unit = _login(app, make_user("batri@test.vn", "unit", "BATRI"))
    organizer = _login(app, make_user("btc@test.vn", "organizer"))
    base = "/events/doi-thoai-2020"
    pages = [(unit, f"{base}/"), (unit, f"{base}/questions/"), (unit, f"{base}/nominations/"),
             (organizer, f"{base}/nominations/"), (organizer, f"{base}/questions/")]
    for client, url in pages:
        response = client.get(url, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert IN_TOKYO in html and IN_VIETNAM not in html, url
    registration = unit.get(f"{base}/registration/").get_data(as_text=True)
    assert "02:00 10/02/2020" in registration and "00:00 10/02/2020" not in registration
    # The form that sets deadlines says in which zone they are typed.
    assert "giờ Asia/Tokyo" in organizer.get(f"{base}/edit").get_data(as_text=True)


def test_the_deadline_passed_message_uses_the_event_zone(app, tokyo_event, make_user,
                                                         token_for, set_now):
    set_now(datetime(2020, 2, 6, tzinfo=UTC))
    headers = token_for(make_user("batri@test.vn", "unit", "BATRI"))
    response = app.test_client().post(
        "/api/v1/events/doi-thoai-2020/questions", headers=headers,
        json={"topic": "Giáo dục khởi nghiệp cho học sinh", "content": "Câu hỏi gửi trễ"})
    assert response.status_code == 403
    assert f"Đã hết hạn lúc {IN_TOKYO}" in response.json["message"]


def test_the_eligibility_result_shows_instants_in_the_event_zone(app, tokyo_event, set_now):
    from eventapp.nominations import services
    from tests.nominations.helpers import nominee

    rules = services.rules_for(tokyo_event, None)
    result = services.el.assess(nominee(submitted_at="2020-02-04T16:30:00+00:00"), rules)
    text = result.criterion("on_time").message
    assert re.search(r"Nhận lúc 01:30 05/02/2020, trước hạn 02:00 05/02/2020", text), text
