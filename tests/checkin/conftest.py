"""Check-in fixtures: attendees made directly with the registration models (the
registration domain's services are built elsewhere), and their real check-in codes."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from eventapp.events.models import Category
from eventapp.extensions import db
from eventapp.registration.codes import attendee_code, new_nonce
from eventapp.registration.models import Attendee
from eventapp.text import fold
from eventapp.units.models import Unit
from tests.conftest import demo_definition

_counter = itertools.count(1)


def add_attendee(event, name: str, *, unit: str | None = "BATRI", category: str = "tpt-doi",
                 sessions=("doi-thoai",), status: str = "active", seat: str = "",
                 phone: str = "", commit: bool = True) -> Attendee:
    unit_id = None
    if unit:
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == unit))
    category_id = db.session.scalar(sa.select(Category.id).where(
        Category.event_id == event.id, Category.key == category))
    person = Attendee(event_id=event.id, unit_id=unit_id, category_id=category_id,
                      full_name=name, name_key=fold(name), seat=seat, status=status,
                      phone=phone, code_nonce=new_nonce())
    person.sessions = [event.session_by_key(k) for k in sessions]
    db.session.add(person)
    if commit:
        db.session.commit()
    return person


@pytest.fixture
def make_attendee(event):
    def make(name: str | None = None, **kwargs) -> Attendee:
        return add_attendee(kwargs.pop("in_event", event),
                            name or f"Đại biểu {next(_counter)}", **kwargs)

    return make


@pytest.fixture
def people(event, make_attendee):
    """A small hall: two BATRI teachers, one BINHDAI, a guest, a cancelled one, and one
    invited to the afternoon session only."""
    return {
        "an": make_attendee("Nguyễn Văn Ấn", seat="A12"),
        "binh": make_attendee("Trần Thị Bình", sessions=("doi-thoai", "so-ket")),
        "cuong": make_attendee("Lê Quốc Cường", unit="BINHDAI", category="clb-tpt"),
        "guest": make_attendee("Đặng Khách Mời", unit=None, category="lanh-dao", seat="Hàng 1"),
        "huy": make_attendee("Phạm Đã Hủy", status="cancelled"),
        "chieu": make_attendee("Võ Buổi Chiều", sessions=("so-ket",)),
    }


@pytest.fixture
def code_of(app):
    return attendee_code


@pytest.fixture
def other_event(event):
    """A second event (same units) whose codes must be unknown at the first one."""
    from eventapp.events.services import import_event

    data = demo_definition()
    data["slug"] = "so-ket-2021"
    data["title"] = "Hội nghị sơ kết năm 2021"
    other = import_event(data)
    db.session.commit()  # as the import command would
    return other


def bulk_attendees(event, count: int, *, session_key: str = "doi-thoai",
                   arrived_every: int = 2) -> None:
    """``count`` attendees spread over the event's units and categories, invited to one
    session; every ``arrived_every``-th one already checked in. Core inserts, fast."""
    from datetime import timedelta

    from eventapp.checkin.models import CheckIn
    from eventapp.clock import now
    from eventapp.events.models import EventUnit
    from eventapp.registration.models import attendee_session

    unit_ids = list(db.session.scalars(sa.select(EventUnit.unit_id)
                                       .where(EventUnit.event_id == event.id)))
    category_ids = [c.id for c in event.categories]
    session_id = event.session_by_key(session_key).id
    first_id = (db.session.scalar(sa.select(sa.func.max(Attendee.id))) or 0) + 1
    rows = [{"id": first_id + i, "event_id": event.id, "unit_id": unit_ids[i % len(unit_ids)],
             "category_id": category_ids[i % len(category_ids)],
             "full_name": f"Đại biểu số {i}", "name_key": f"dai bieu so {i}", "position": "",
             "workplace": "", "phone": "", "email": "", "seat": "", "status": "active",
             "code_nonce": new_nonce(), "created_at": now()} for i in range(count)]
    db.session.execute(sa.insert(Attendee), rows)
    db.session.execute(sa.insert(attendee_session),
                       [{"attendee_id": r["id"], "session_id": session_id} for r in rows])
    start = now()
    db.session.execute(sa.insert(CheckIn), [
        {"event_id": event.id, "attendee_id": r["id"], "session_id": session_id,
         "checked_in_at": start + timedelta(seconds=i), "recorded_at": start,
         "device": "bulk", "method": "scan", "from_offline_queue": False, "note": "",
         "undo_reason": ""}
        for i, r in enumerate(rows) if i % arrived_every == 0])
    db.session.commit()
