"""Two organizers approving (or one approving, one rejecting) the same waiting registrations
at the same instant, over real HTTP on the live server: every registration is decided once,
no request fails (the loser's post succeeds and changes nothing), each registration is
decided exactly once (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.registration import settings
from eventapp.registration.models import Attendee
from tests.conftest import run_concurrently
from tests.reliability.test_mixed_writes import Browser

pytestmark = [pytest.mark.concurrency, pytest.mark.usefixtures("open_registration")]
ROUNDS = 4


def test_two_organizers_deciding_the_same_rows_at_once(live_server, event, users, make_user,
                                                       add):
    settings.store_approval(event, True)
    db.session.commit()
    second = make_user("btc2@test.vn", "organizer")
    people = [add(users["unit_a" if i % 2 else "unit_b"], f"Đại biểu chờ {i}").id
              for i in range(4 * ROUNDS)]
    browsers = [Browser(live_server, users["organizer"].email),
                Browser(live_server, second.email)]
    for round_ in range(ROUNDS):
        ids = people[4 * round_: 4 * round_ + 4]
        # Round 0 and 2: both approve; rounds 1 and 3: one approves, the other rejects.
        decisions = [{"decision": "approve"}, {"decision": "approve"} if round_ % 2 == 0
                     else {"decision": "reject", "reason": "Trùng người"}]
        statuses = run_concurrently(
            lambda i, ids=ids, decisions=decisions: browsers[i].post(
                "/registration/review", attendee=ids, **decisions[i]), 2)
        assert statuses == [302, 302]
        db.session.commit()  # a fresh snapshot
        rows = db.session.scalars(sa.select(Attendee).where(Attendee.id.in_(ids))).all()
        states = {a.status for a in rows}
        # All four decided together by whichever request came first: never half and half.
        assert states in ({"active"}, {"rejected"}), states
        if round_ % 2 == 0:
            assert states == {"active"}
        decided = db.session.scalars(sa.select(AuditEntry.object_id).where(
            AuditEntry.action.in_(["attendee.approve", "attendee.reject"]),
            AuditEntry.object_id.in_([str(i) for i in ids]))).all()
        assert sorted(decided) == sorted(str(i) for i in ids)  # each decided exactly once
        assert len({a.code_nonce for a in rows}) == len(rows)
