"""Helpers for the registration tests: a clock before the seed's registration deadline,
and a quick way to register attendees through the service."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: The seed's registration deadline is 2020-02-10T00:00+07:00.
BEFORE_DEADLINE = datetime(2020, 2, 3, 9, 0, tzinfo=VN)
AFTER_DEADLINE = datetime(2020, 2, 10, 0, 0, tzinfo=VN)


@pytest.fixture
def open_registration(set_now):
    set_now(BEFORE_DEADLINE)


@pytest.fixture
def add(event, users):
    """``add(user, full_name, **fields)``: register through the service, as ``user``, and
    commit or roll back as the request around it would."""
    from eventapp.database import unit_of_work
    from eventapp.registration import services

    def register(user, full_name, **fields):
        raw = {"full_name": full_name, "category": "tpt-doi", "sessions": ["doi-thoai"],
               "phone": "", "email": ""}
        raw.update(fields)
        with unit_of_work():
            return services.register(event, user, raw)

    return register


@pytest.fixture
def limits(event):
    """``limits(default_max=…, reserved={session key: seats}, organizer_only={key: bool})``:
    change the event's registration limits as its definition would, and commit."""
    from eventapp.extensions import db
    from eventapp.registration import settings

    def change(default_max="keep", reserved=None, organizer_only=None):
        current = settings.default_max_per_unit(event)
        settings.store(event, current if default_max == "keep" else default_max,
                       organizer_only or {}, reserved or {})
        db.session.commit()

    return change


#: No seats held back for guests in either session of the seed.
NO_RESERVATION = {"doi-thoai": 0, "so-ket": 0}
