"""Cloning an event (issue #16 item 4): the structure and every domain's settings moved to a
new start date, nothing submitted; and ``GET /api/v1/events`` per role."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventapp.database import unit_of_work
from eventapp.events.cloning import Shift
from eventapp.events.models import Event
from eventapp.events.services import event_to_dict, get_event, grant_extension
from eventapp.extensions import db
from eventapp.nominations.models import CertificateSettings
from eventapp.registration import settings as registration_settings
from eventapp.registration.models import InvitationSetting

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
#: The seed's first session is on 14/02/2020; the clone's on 12/02/2027: 2555 days later.
DAYS = (date(2027, 2, 12) - date(2020, 2, 14)).days
#: Rows a clone may hold: the event's structure, its settings and the audit of the clone.
STRUCTURE = {"event_session", "event_unit", "topic", "category", "registration_cap",
             "question_settings", "registration_setting", "registration_category_setting",
             "session_reservation", "nomination_rules", "invitation_setting",
             "nomination_certificate_settings", "notice_setting", "audit_entry"}


@pytest.fixture
def seeded(event, users, set_now):
    """The seed's event with a question, a delegate checked in, a dossier, an extension,
    and print settings, as a year of use leaves it."""
    from eventapp.checkin.services import check_in_attendee
    from eventapp.nominations import services as nominations
    from eventapp.questions import services as questions
    from eventapp.registration import services as registration

    set_now(datetime(2020, 2, 1, 3, 0, tzinfo=UTC))
    with unit_of_work():
        unit = questions.unit_by_code(event, "BATRI")
        draft = questions.draft_or_invalid(event, content="Làm sao giữ chân giáo viên "
                                           "Tổng phụ trách Đội ở vùng khó khăn?", topic=1)
        questions.submit(event, unit, [draft], user=users["unit_a"])
        attendee = registration.register(event, users["unit_a"], {
            "full_name": "Nguyễn Thị Lan", "category": "tpt-doi", "sessions": ["doi-thoai"],
            "phone": "", "email": ""})
        dossier = nominations.save_dossier(event, users["unit_a"].unit, None, {
            "full_name": "Trần Văn Bình", "gender": "nam", "birth_date": "1968-05-19",
            "school": "Trường Tiểu học An Thủy", "position": "Giáo viên Tổng phụ trách Đội",
            "status": "serving", "retired_on": None, "note": "",
            "service_periods": [{"start": "1989-01-10", "end": None}],
            "titles": [], "disciplines": []}, users["unit_a"])
        nominations.submit(dossier, users["unit_a"])
        grant_extension(event, users["unit_b"].unit, "questions",
                        datetime(2020, 2, 8, 10, 0, tzinfo=UTC), "Bão lũ", users["organizer"])
        db.session.add(InvitationSetting(
            event_id=event.id, issuer="BCH TỈNH ĐOÀN BẾN TRE", number="15-GM/TĐTN",
            place="Bến Tre", issued_on=date(2020, 2, 3), signer_name="Lê Văn A"))
        db.session.add(CertificateSettings(
            event_id=event.id, issuer="TỈNH ĐOÀN BẾN TRE", heading="GIẤY CHỨNG NHẬN",
            citation="Đã có thành tích", place="Bến Tre", signed_on=date(2020, 2, 10),
            signer_title="BÍ THƯ", signer_name="Lê Văn A"))
    set_now(datetime(2020, 2, 14, 1, 0, tzinfo=UTC))
    with unit_of_work():
        check_in_attendee(event, event.session_by_key("doi-thoai"), attendee.id,
                          staff=users["checkin"])
    set_now(None)
    return event


def _rows_by_table(event_id: int) -> dict[str, int]:
    counts = {}
    for table in db.metadata.sorted_tables:
        if "event_id" in table.c:
            counts[table.name] = db.session.scalar(
                sa.select(sa.func.count()).select_from(table)
                .where(table.c.event_id == event_id))
    return counts


def _local(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso).astimezone(ZONE) if iso else None


def test_the_cli_clone_moves_sessions_and_deadlines_and_copies_no_submission(seeded, runner):
    source = _rows_by_table(seeded.id)
    for table in ("question", "attendee", "nomination", "checkin", "deadline_extension"):
        assert source[table] >= 1, table
    result = runner.invoke(args=["clone-event", "doi-thoai-2020", "doi-thoai-2027",
                                 "--starts-on", "2027-02-12"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "doi-thoai-2027"

    db.session.expire_all()
    old, new = event_to_dict(get_event("doi-thoai-2020")), event_to_dict(get_event(
        "doi-thoai-2027"))
    # Sessions: the first on the chosen day, every time of day kept in the event's zone.
    assert [_local(s["starts_at"]).strftime("%d/%m/%Y %H:%M") for s in new["sessions"]] == [
        "12/02/2027 08:00", "12/02/2027 13:30"]
    # Every domain's deadline moved by the same number of days, at the same local time.
    for part in ("questions", "registration", "nominations"):
        before, after = _local(old[part]["deadline"]), _local(new[part]["deadline"])
        assert (after.date() - before.date()).days == DAYS, part
        assert after.time() == before.time(), part
    assert new["questions"]["deadline"] == "2027-02-02T17:00:00+00:00"
    assert new["nominations"]["reference_date"] == "2027-02-12"
    # Everything else is equal: units, topics, categories, caps, quotas, rules.
    for document in (old, new):
        del document["slug"]
        for session in document["sessions"]:
            del session["starts_at"], session["ends_at"]
        for part in ("questions", "registration", "nominations"):
            document[part].pop("deadline")
        document["nominations"].pop("reference_date")
    assert new == old
    # Nothing submitted came along: only the structure, the settings and the audit entry.
    clone = get_event("doi-thoai-2027")
    assert {table for table, count in _rows_by_table(clone.id).items() if count} <= STRUCTURE


def test_registration_limits_and_print_settings_are_copied(seeded, runner):
    assert runner.invoke(args=["clone-event", "doi-thoai-2020", "lan-2",
                               "--starts-on", "2027-02-12"]).exit_code == 0
    db.session.expire_all()
    old, new = get_event("doi-thoai-2020"), get_event("lan-2")

    def limits(event):
        categories = {c.id: c.key for c in event.categories}
        sessions = {s.id: s.key for s in event.sessions}
        return (registration_settings.default_max_per_unit(event),
                sorted(categories[i] for i in registration_settings.organizer_only(event)),
                {sessions[i]: n for i, n in registration_settings.reserved(event).items()})

    assert limits(new) == limits(old) == (10, ["lanh-dao"], {"doi-thoai": 40, "so-ket": 10})
    invitation = db.session.scalar(sa.select(InvitationSetting).filter_by(event_id=new.id))
    assert (invitation.issuer, invitation.number, invitation.signer_name, invitation.issued_on
            ) == ("BCH TỈNH ĐOÀN BẾN TRE", "15-GM/TĐTN", "Lê Văn A", date(2027, 2, 1))
    certificate = db.session.scalar(sa.select(CertificateSettings).filter_by(event_id=new.id))
    assert (certificate.citation, certificate.signer_title, certificate.signed_on
            ) == ("Đã có thành tích", "BÍ THƯ", date(2027, 2, 8))


@pytest.mark.parametrize("args, message", [
    (["doi-thoai-2020", "x-2027", "--starts-on", "12/02/2027"], "ngày không hợp lệ"),
    (["doi-thoai-2020", "doi-thoai-2020", "--starts-on", "2027-02-12"], "đã được dùng"),
    (["doi-thoai-2020", "x-9999", "--starts-on", "9999-12-31"], "Ngày bắt đầu phải trong"),
    (["khong-co", "x-2027", "--starts-on", "2027-02-12"], "Không có sự kiện"),
    (["doi-thoai-2020", "Sự Kiện", "--starts-on", "2027-02-12"], "Chỉ chữ thường"),
])
def test_the_cli_refuses_with_exit_2_and_changes_nothing(event, runner, args, message):
    result = runner.invoke(args=["clone-event", *args])
    assert result.exit_code == 2 and message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1


def test_a_shift_keeps_the_local_time_across_a_clock_change():
    shift = Shift(1, "Europe/Berlin")
    moved = shift.instant(datetime(2026, 3, 28, 7, 0, tzinfo=UTC))  # 08:00 CET
    assert moved.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d/%m %H:%M") == "29/03 08:00"
    assert moved.astimezone(UTC).hour == 6  # CEST: 23 hours later, not 24


def test_the_api_clones_for_an_organizer_only(seeded, client, users, token_for):
    url = "/api/v1/events/doi-thoai-2020/clone"
    organizer = token_for(users["organizer"])
    answer = client.post(url, json={"slug": "doi-thoai-2027", "starts_on": "2027-02-12"},
                         headers=organizer)
    assert answer.status_code == 201
    again = client.get("/api/v1/events/doi-thoai-2027", headers=organizer)
    assert answer.get_json() == again.get_json()
    assert answer.get_json()["sessions"][0]["starts_at"] == "2027-02-12T01:00:00+00:00"

    taken = client.post(url, json={"slug": "doi-thoai-2027", "starts_on": "2028-02-12"},
                        headers=organizer)
    assert taken.status_code == 409 and "đã được dùng" in taken.get_json()["message"]
    bad = client.post(url, json={"slug": "x", "starts_on": "12/02/2028"}, headers=organizer)
    assert bad.status_code == 422 and "starts_on" in bad.get_json()["fields"]
    unit = token_for(users["unit_a"])
    assert client.post(url, json={"slug": "y", "starts_on": "2028-02-12"},
                       headers=unit).status_code == 403
    assert client.post("/api/v1/events/doi-thoai-2027/clone", json={
        "slug": "z", "starts_on": "2028-02-12"}, headers=unit).status_code in (403, 404)
    assert get_event("y") is None and get_event("x") is None


def test_the_list_shows_each_role_the_events_it_may_see(event, client, users, token_for,
                                                        runner):
    runner.invoke(args=["clone-event", "doi-thoai-2020", "som-hon", "--starts-on",
                        "2019-06-01"])
    with unit_of_work():
        db.session.add(Event(slug="rieng", title="Sự kiện không có Ba Tri"))
    for role in ("organizer", "checkin"):
        answer = client.get("/api/v1/events", headers=token_for(users[role])).get_json()
        assert [e["slug"] for e in answer["events"]] == ["som-hon", "doi-thoai-2020", "rieng"]
        assert answer["events"][0]["starts_at"] == "2019-06-01T01:00:00+00:00"
        assert answer["events"][2]["starts_at"] is None
    answer = client.get("/api/v1/events", headers=token_for(users["unit_a"])).get_json()
    assert [e["slug"] for e in answer["events"]] == ["som-hon", "doi-thoai-2020"]
    assert set(answer["events"][1]) == {"slug", "title", "starts_at"}
    assert client.get("/api/v1/events").status_code == 401


def test_the_overview_button_leads_to_a_form_that_opens_the_clone(event, client, users, login):
    login(users["organizer"])
    overview = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    # The caps name their session, not its key "(so-ket)".
    assert "tối đa 5/đơn vị, phiên “Hội nghị sơ kết" in overview and "so-ket)" not in overview
    assert "Nhân bản sự kiện" in overview and "/events/doi-thoai-2020/clone" in overview
    bad = client.post_form("/events/doi-thoai-2020/clone",
                           {"slug": "doi-thoai-2027", "starts_on": "2027-02-30"})
    assert "Ngày không hợp lệ" in bad.get_data(as_text=True)
    assert get_event("doi-thoai-2027") is None
    done = client.post_form("/events/doi-thoai-2020/clone",
                            {"slug": "doi-thoai-2027", "starts_on": "12/02/2027"})
    assert done.status_code == 302 and done.headers["Location"].endswith(
        "/events/doi-thoai-2027/")
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Đã nhân bản thành sự kiện doi-thoai-2027" in page
    taken = client.post_form("/events/doi-thoai-2020/clone",
                             {"slug": "doi-thoai-2027", "starts_on": "12/02/2028"})
    assert "Mã sự kiện đã được dùng" in taken.get_data(as_text=True)


def test_a_unit_account_gets_no_clone_page(event, client, users, login):
    login(users["unit_a"])
    assert "Nhân bản" not in client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert client.get("/events/doi-thoai-2020/clone").status_code == 403


def test_two_clones_to_one_slug_at_once_give_one_event_and_one_409(app, event, users,
                                                                     token_for):
    from tests.conftest import run_concurrently

    headers = token_for(users["organizer"])

    def clone(i):
        with app.test_client() as c:
            return c.post("/api/v1/events/doi-thoai-2020/clone", headers=headers,
                          json={"slug": "cung-ma", "starts_on": f"2027-02-1{i}"}).status_code

    assert sorted(run_concurrently(clone, 2)) == [201, 409]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2
