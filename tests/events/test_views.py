"""Organizer event pages: create, edit settings in local time, sessions, extensions; audit."""

from datetime import UTC, datetime

import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.events import rules
from eventapp.events.models import DeadlineExtension, Event
from eventapp.extensions import db
from eventapp.nominations.models import NominationRules
from eventapp.questions.models import QuestionSettings
from eventapp.registration import settings as registration_settings

EDIT = "/events/doi-thoai-2020/edit"


def _form(event, **changes):
    data = {"slug": event.slug, "title": event.title, "theme": event.theme,
            "question_deadline": "2020-02-05T00:00", "question_min_per_unit": "15",
            "question_max_per_unit": "", "registration_deadline": "2020-02-10T00:00",
            "nomination_deadline": "2020-02-05T00:00", "nomination_reference_date": "2020-02-14",
            "serving_min_years": "30", "retired_min_years": "25", "title_window_years": "1",
            "discipline_window_years": "5", "nomination_unit_kinds": ["district"],
            "topics": "\n".join(t.name for t in event.topics)}
    data.update(changes)
    return data


def test_deadline_is_entered_in_vietnam_time_and_audited(client, users, login, event):
    login(users["organizer"])
    response = client.post_form(EDIT, _form(event, question_deadline="2020-02-06T17:30",
                                            question_max_per_unit="20"), page=EDIT)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    quotas = db.session.get(QuestionSettings, event.id)
    assert quotas.deadline == datetime(2020, 2, 6, 10, 30, tzinfo=UTC)
    assert quotas.max_per_unit == 20
    assert registration_settings.deadline(event) == datetime(2020, 2, 9, 17, 0, tzinfo=UTC)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.update")
                              .order_by(AuditEntry.id.desc()))
    assert entry.user_id == users["organizer"].id
    assert entry.before["question_deadline"] == "2020-02-04T17:00:00+00:00"
    assert entry.after["question_deadline"] == "2020-02-06T10:30:00+00:00"
    assert "registration_deadline" not in entry.after  # only what changed


def test_max_below_min_is_refused_and_nothing_changes(client, users, login, event):
    login(users["organizer"])
    response = client.post_form(EDIT, _form(event, question_max_per_unit="10"), page=EDIT)
    assert response.status_code == 200
    assert "không được nhỏ hơn số tối thiểu" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(QuestionSettings.max_per_unit)) is None


def test_create_event_and_session(client, users, login):
    login(users["organizer"])
    response = client.post_form("/events/new", {
        "slug": "so-ket-2021", "title": "Hội nghị sơ kết học kỳ I năm học 2020 – 2021",
        "question_min_per_unit": "0", "serving_min_years": "30", "retired_min_years": "25",
        "title_window_years": "1", "discipline_window_years": "5",
        "topics": "Công tác Đội\nPhong trào thanh niên"}, page="/events/new")
    assert response.status_code == 302
    response = client.post_form("/events/so-ket-2021/sessions/new", {
        "key": "so-ket", "name": "Hội nghị sơ kết", "starts_at": "2021-01-20T13:30",
        "ends_at": "2021-01-20T12:00", "capacity": "150"}, page="/events/new")
    assert "Giờ kết thúc phải sau giờ bắt đầu." in response.get_data(as_text=True)
    response = client.post_form("/events/so-ket-2021/sessions/new", {
        "key": "so-ket", "name": "Hội nghị sơ kết", "starts_at": "2021-01-20T13:30",
        "venue": "Nhà thiếu nhi", "capacity": "150",
        "agenda": "Khai mạc\n\nBáo cáo sơ kết"}, page="/events/new")
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event).where(Event.slug == "so-ket-2021"))
    assert [t.name for t in event.topics] == ["Công tác Đội", "Phong trào thanh niên"]
    # Each domain stored its part of the one creation, which the audit log records whole.
    rules = db.session.get(NominationRules, event.id)
    assert (rules.serving_min_years, rules.unit_kinds) == (30, [])
    assert db.session.get(QuestionSettings, event.id).min_per_unit == 0
    created = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.create"))
    assert created.after["serving_min_years"] == 30
    assert created.after["title"].startswith("Hội nghị sơ kết")
    assert event.sessions[0].agenda == ["Khai mạc", "Báo cáo sơ kết"]
    assert event.sessions[0].starts_at == datetime(2021, 1, 20, 6, 30, tzinfo=UTC)
    page = client.get("/events/so-ket-2021/").get_data(as_text=True)
    assert "13:30 20/01/2021" in page


def test_extension_needs_reason_and_a_later_deadline(client, users, login, event):
    login(users["organizer"])
    url = "/events/doi-thoai-2020/extensions"
    unit_id = str(users["unit_a"].unit_id)
    response = client.post_form(url, {"unit": unit_id, "kind": "questions",
                                      "deadline": "2020-02-04T12:00", "reason": "x"}, page=url)
    assert "phải sau hạn chung" in response.get_data(as_text=True)
    response = client.post_form(url, {"unit": unit_id, "kind": "questions",
                                      "deadline": "2020-02-07T17:00",
                                      "reason": "Chậm do lũ"}, page=url)
    assert response.status_code == 302
    ext = db.session.scalar(sa.select(DeadlineExtension))
    assert ext.granted_by_id == users["organizer"].id
    assert ext.deadline == datetime(2020, 2, 7, 10, 0, tzinfo=UTC)
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "extension.grant"))


def test_deadline_rule_is_strict():
    deadline = datetime(2020, 2, 4, 17, 0, tzinfo=UTC)
    assert rules.is_open(datetime(2020, 2, 4, 16, 59, 59, tzinfo=UTC), deadline)
    assert not rules.is_open(deadline, deadline)
    assert rules.is_open(deadline, None)
    assert rules.effective_deadline(deadline, None) == deadline
    later = datetime(2020, 2, 7, tzinfo=UTC)
    assert rules.effective_deadline(deadline, later) == later
    assert [rules.shortfall(n, 15) for n in (0, 9, 15, 20)] == [15, 6, 0, 0]
    assert rules.room_left(3, 5) == 2 and rules.room_left(7, 5) == 0
    assert rules.room_left(3, None) is None
