"""Mixed concurrent writes over real HTTP (issue "Nothing lost, no one in"): in each round a
unit and two organizers act on the same rows at the same instant — withdraw vs select,
edit vs reject, withdraw vs approve, undo vs return, and several cancels — released by one
barrier. On SQLite (the default server) and PostgreSQL alike: no 5xx, and every final state
is one that the recorded history explains (each step starts where the previous one ended).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.nominations.models import Nomination, NominationStatusChange
from eventapp.questions.models import Question
from eventapp.registration.models import Attendee
from tests.conftest import PASSWORD, run_concurrently

pytestmark = pytest.mark.concurrency

SLUG = "doi-thoai-2020"
ROUNDS = 10
CANCELS = 4
BEFORE_EVERY_DEADLINE = datetime(2020, 2, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
CRITERIA = ("achievements", "duties", "ethics", "initiatives")
TICKS = {f"check-{c}": "1" for c in CRITERIA}
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """One person's cookie session over real HTTP, with the page's CSRF token."""

    def __init__(self, base: str, email: str):
        self.base, self.http = base, requests.Session()
        self.token = self._token("/login")
        answer = self.http.post(f"{base}/login", data={
            "email": email, "password": PASSWORD, "csrf_token": self.token},
            allow_redirects=False, timeout=30)
        assert answer.status_code == 302, answer.text[:300]
        self.token = self._token("/")

    def _token(self, path: str) -> str:
        return _CSRF.search(self.http.get(self.base + path, timeout=30).text).group(1)

    def post(self, path: str, **data) -> int:
        answer = self.http.post(f"{self.base}/events/{SLUG}{path}",
                                data={"csrf_token": self.token, **data},
                                allow_redirects=False, timeout=60)
        return answer.status_code


def _dossier(event, unit, user, name: str) -> Nomination:
    from eventapp.nominations import services

    nomination = services.save_dossier(event, unit, None, {
        "full_name": name, "gender": "nu", "birth_date": "1968-05-19",
        "school": "Trường Tiểu học An Thủy", "position": "Giáo viên Tổng phụ trách Đội",
        "status": "serving", "retired_on": None, "note": "",
        "service_periods": [{"start": "1989-01-10", "end": None}],
        "titles": [{"year": 2019, "title": "chien_si_thi_dua_co_so"}], "disciplines": []},
        user)
    return services.submit(nomination, user)


def _history_is_a_chain(nomination_id: int) -> list[str]:
    steps = db.session.scalars(sa.select(NominationStatusChange).where(
        NominationStatusChange.nomination_id == nomination_id)
        .order_by(NominationStatusChange.id)).all()
    for before, after in zip(steps, steps[1:], strict=False):
        assert after.from_status == before.to_status, [
            (s.from_status, s.to_status) for s in steps]
    return [s.to_status for s in steps]


def _actions(question_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "Question", AuditEntry.object_id == str(question_id))
        .order_by(AuditEntry.id)))


def test_mixed_concurrent_writes_leave_a_consistent_history(app, live_server, users, event,
                                                             set_now):
    from eventapp.nominations import review
    from eventapp.questions import services as questions
    from eventapp.registration import services as registration

    set_now(BEFORE_EVERY_DEADLINE)
    unit_user, organizer = users["unit_a"], users["organizer"]
    unit = unit_user.unit
    topic = event.topics[0].id
    people = {"unit": Browser(live_server, unit_user.email),
              "org1": Browser(live_server, organizer.email),
              "org2": Browser(live_server, organizer.email)}
    outcomes = {"withdraw_first": 0, "select_first": 0, "unit_withdrew": 0, "approved": 0}

    for round_ in range(ROUNDS):
        drafts = [questions.draft_or_invalid(
            event, content=f"Vòng {round_}: câu hỏi số {k} về chế độ cho giáo viên?",
            topic=topic, topic_is_id=True) for k in range(2)]
        qa, qb = questions.submit(event, unit, drafts, user=unit_user).questions
        pending = _dossier(event, unit, unit_user, f"Nguyễn Thị Lan {round_}")
        decided = _dossier(event, unit, unit_user, f"Trần Văn Bình {round_}")
        review.decide(decided, "approved", "Đủ điều kiện", dict.fromkeys(CRITERIA, True),
                      organizer)
        delegates = [registration.register(event, unit_user, {
            "full_name": f"Đại biểu {round_}-{k}", "category": "tpt-doi",
            "sessions": ["doi-thoai"], "phone": "", "email": ""}) for k in range(CANCELS)]
        db.session.commit()
        cancels = [a.id for a in delegates]
        ids = {"qa": qa.id, "qb": qb.id, "pending": pending.id, "decided": decided.id}
        actions = [
            ("unit", f"/questions/{qa.id}/withdraw", {}),
            ("org1", f"/questions/{qa.id}/status", {"status": "selected"}),
            ("unit", f"/questions/{qb.id}/edit",
             {"topic": topic, "content": f"Vòng {round_}: câu hỏi đã sửa lại cho rõ hơn?"}),
            ("org2", f"/questions/{qb.id}/status", {"status": "rejected"}),
            ("unit", f"/nominations/{pending.id}/withdraw", {}),
            ("org1", f"/nominations/{pending.id}/decide",
             {"decision": "approved", "reason": "Đủ điều kiện", **TICKS}),
            ("org2", f"/nominations/{decided.id}/decide", {"decision": "", "reason": "Xét lại"}),
            ("org1", f"/nominations/{decided.id}/return",
             {"return_reason": "Bổ sung minh chứng"}),
        ] + [("unit", f"/registration/{a}/cancel", {}) for a in cancels]

        def act(i, actions=actions):
            who, path, data = actions[i]
            return people[who].post(path, **data)

        statuses = run_concurrently(act, len(actions))
        assert all(status < 500 for status in statuses), statuses

        db.session.rollback()  # read what the server committed
        db.session.expire_all()
        # Withdraw vs select: exactly one happened, and the audit log says which.
        qa = db.session.get(Question, ids["qa"])
        assert qa.status in ("withdrawn", "selected")
        done = [a for a in _actions(qa.id) if a in ("question.withdraw", "question.status")]
        assert done == (["question.withdraw"] if qa.status == "withdrawn"
                        else ["question.status"])
        outcomes["withdraw_first" if qa.status == "withdrawn" else "select_first"] += 1
        # Edit vs reject: the rejection always lands; the edit only if it came first.
        qb = db.session.get(Question, ids["qb"])
        assert qb.status == "rejected"
        edited = "đã sửa lại" in qb.content
        assert ("question.edit" in _actions(qb.id)) == edited
        if edited:
            assert _actions(qb.id).index("question.edit") < \
                _actions(qb.id).index("question.status")
        # Withdraw vs approve: one of them, never both, and the history is one chain.
        pending = db.session.get(Nomination, ids["pending"])
        chain = _history_is_a_chain(pending.id)
        assert pending.status in ("draft", "approved") and chain[-1] == pending.status
        assert chain.count("submitted") == 1 and chain.count("approved") <= 1
        outcomes["unit_withdrew" if pending.status == "draft" else "approved"] += 1
        # Undo vs return: the dossier always ends returned to the unit, via a clean chain.
        decided = db.session.get(Nomination, ids["decided"])
        chain = _history_is_a_chain(decided.id)
        assert decided.status == "returned" and chain[-1] == "returned"
        # Every cancel of a different delegate succeeded.
        assert {db.session.get(Attendee, a).status for a in cancels} == {"cancelled"}
    print("outcomes over", ROUNDS, "rounds:", outcomes)
