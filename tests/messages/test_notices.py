"""Notices on actions (issue #15 item 6): each kind is written once, in the transaction of the
change that causes it, to the unit (its account in the app and by mail, its contacts by mail)
or to the organizers; never for a refused or rolled-back change; never when switched off."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventapp.database import unit_of_work
from eventapp.errors import Changed, Invalid
from eventapp.extensions import db
from eventapp.messages import notices
from eventapp.messages.models import Channel, Message
from eventapp.units.models import UnitContact
from tests.nominations.helpers import PDF, dossier_form

NOW = datetime(2020, 2, 1, 2, 0, tzinfo=UTC)
SLUG = "doi-thoai-2020"


def rows(kind: str | None = None) -> list[Message]:
    stmt = sa.select(Message).order_by(Message.id)
    if kind:
        stmt = stmt.where(Message.cause == f"notice.{kind}")
    return db.session.scalars(stmt).all()


def to_unit_a(users) -> list[tuple]:
    """A unit A notice: its account in the app and by mail, its contact by mail."""
    return [(Channel.inapp, users["unit_a"].id, None), (Channel.email, users["unit_a"].id,
                                                        "batri@test.vn"),
            (Channel.email, None, "lan@batri.vn")]


def recipients(messages) -> list[tuple]:
    return [(m.channel, m.user_id, m.address) for m in messages]


@pytest.fixture
def setup(app, users, set_now):
    """The clock before the seed's deadlines; unit A has a contact with an e-mail."""
    set_now(NOW)
    from eventapp.events.services import get_event
    from eventapp.units.models import Unit

    batri = db.session.scalar(sa.select(Unit).where(Unit.code == "BATRI"))
    batri.contacts.append(UnitContact(name="Chị Lan", position="Bí thư", email="lan@batri.vn"))
    db.session.commit()
    return get_event(SLUG)


@pytest.fixture
def question(app, setup, users, token_for):
    def ask(content="Đề xuất giảm tiết dạy cho giáo viên Tổng phụ trách Đội?"):
        from eventapp.questions.models import Question

        response = app.test_client().post(f"/api/v1/events/{SLUG}/questions",
                                          headers=token_for(users["unit_a"]),
                                          json={"topic": setup.topics[0].name, "content": content})
        assert response.status_code == 201, response.get_json()
        return db.session.get(Question, response.get_json()["id"])

    return ask


@pytest.fixture
def dossier(app, setup, users, login):
    """A dossier unit A has sent (through its pages)."""
    from eventapp.nominations.models import Nomination

    client = login(users["unit_a"], app.test_client())
    base = f"/events/{SLUG}/nominations"
    created = client.post_form(f"{base}/new", dossier_form(), page=f"{base}/new")
    nomination_id = int(re.search(r"/nominations/(\d+)", created.headers["Location"]).group(1))
    client.post_form(f"{base}/{nomination_id}/files",
                     {"file": (io.BytesIO(PDF), "bao-cao.pdf"), "kinds": ["bao_cao_thanh_tich"]},
                     page=f"{base}/{nomination_id}", content_type="multipart/form-data")
    sent = client.post_form(f"{base}/{nomination_id}/submit", page=f"{base}/{nomination_id}")
    assert sent.status_code == 302
    return db.session.get(Nomination, nomination_id)


def test_an_extension_granted_then_revoked_tells_the_unit_each_time_once(setup, users):
    from eventapp.events.services import grant_extension, revoke_extension
    from eventapp.units.models import Unit

    batri = db.session.scalar(sa.select(Unit).where(Unit.code == "BATRI"))
    with unit_of_work():
        ext = grant_extension(setup, batri, "questions", datetime(2020, 2, 8, tzinfo=UTC),
                              "Đơn vị họp chi đoàn muộn", users["organizer"])
    granted = rows("extension_granted")
    assert recipients(granted) == to_unit_a(users)
    mail = granted[1]
    assert mail.subject == "Đơn vị được gia hạn: Gửi câu hỏi"
    assert "07:00 08/02/2020" in mail.body_text and "Đơn vị họp chi đoàn muộn" in mail.body_text
    assert mail.body_text.startswith("Kính gửi Huyện đoàn Ba Tri,")
    assert f"/events/{SLUG}/" in mail.body_text and "<a href=" in mail.body_html
    assert mail.event_id == setup.id and mail.unit_id == batri.id
    with unit_of_work():
        revoke_extension(ext, users["organizer"])
    assert recipients(rows("extension_revoked")) == to_unit_a(users)
    assert len(rows()) == 6


def test_a_refused_extension_writes_nothing_and_a_rolled_back_one_neither(setup, users):
    from eventapp.events.services import grant_extension
    from eventapp.units.models import Unit

    batri = db.session.scalar(sa.select(Unit).where(Unit.code == "BATRI"))
    with pytest.raises(Invalid), unit_of_work():  # no reason given
        grant_extension(setup, batri, "questions", datetime(2020, 2, 8, tzinfo=UTC), "",
                        users["organizer"])
    with pytest.raises(RuntimeError), unit_of_work():  # granted, then the request fails after it
        grant_extension(setup, batri, "questions", datetime(2020, 2, 8, tzinfo=UTC),
                        "Lý do", users["organizer"])
        raise RuntimeError("a later step failed")
    assert rows() == []


def test_a_kind_switched_off_for_the_event_sends_nothing_the_others_still_go(setup, users):
    from eventapp.events.services import grant_extension, revoke_extension
    from eventapp.units.models import Unit

    with unit_of_work():
        notices.store(setup, ["extension_granted"])
    batri = db.session.scalar(sa.select(Unit).where(Unit.code == "BATRI"))
    with unit_of_work():
        ext = grant_extension(setup, batri, "questions", datetime(2020, 2, 8, tzinfo=UTC),
                              "Lý do", users["organizer"])
    assert rows() == []
    with unit_of_work():
        revoke_extension(ext, users["organizer"])
    assert len(rows("extension_revoked")) == 3


def test_a_returned_dossier_tells_the_unit_why_and_a_submitted_one_tells_the_organizers(
        setup, users, dossier):
    from eventapp.nominations.review import return_dossier

    submitted = rows("dossier_submitted")
    assert recipients(submitted) == [(Channel.inapp, users["organizer"].id, None),
                                     (Channel.email, users["organizer"].id, "btc@test.vn")]
    assert "Nguyễn Thị Lan" in submitted[0].subject
    with pytest.raises(Invalid), unit_of_work():
        return_dossier(dossier, "  ", users["organizer"])
    assert rows("dossier_returned") == []
    with unit_of_work():
        return_dossier(dossier, "Thiếu xác nhận của cấp ủy", users["organizer"])
    returned = rows("dossier_returned")
    assert recipients(returned) == to_unit_a(users)
    assert "Lý do: Thiếu xác nhận của cấp ủy" in returned[0].body_text
    assert f"/nominations/{dossier.id}" in returned[0].body_text
    assert returned[0].cause_ref == f"nomination:{dossier.id}"


def test_a_decision_is_told_once_and_a_refused_one_not_at_all(setup, users, dossier):
    from eventapp.nominations.review import decide

    with pytest.raises(Invalid), unit_of_work():  # rejecting needs a reason
        decide(dossier, "rejected", "", {}, users["organizer"])
    assert rows("dossier_decided") == []
    for _ in range(2):  # saving the same decision again tells nobody again
        with unit_of_work():
            decide(dossier, "rejected", "Chưa đủ thời gian công tác", {}, users["organizer"])
    decided = rows("dossier_decided")
    assert recipients(decided) == to_unit_a(users)
    assert "Nguyễn Thị Lan: Không được vinh danh." in decided[0].body_text
    assert "Chưa đủ thời gian công tác" in decided[0].body_text


def test_a_question_selected_merged_and_answered_tells_its_unit(setup, users, question):
    from eventapp.questions.dialogue import record_answer
    from eventapp.questions.moderation import merge, set_status

    first, second = question(), question("Kiến nghị tăng phụ cấp cho Tổng phụ trách Đội?")
    organizer = users["organizer"]
    with unit_of_work():
        set_status(first, "selected", user=organizer)
    assert recipients(rows("question_selected")) == to_unit_a(users)
    assert f"/questions/{first.id}" in rows("question_selected")[0].body_text
    with pytest.raises(Changed), unit_of_work():  # selected already: refused, nothing more written
        set_status(first, "selected", user=organizer)
    assert len(rows("question_selected")) == 3
    with unit_of_work():
        merge(second, first, user=organizer)
    merged = rows("question_merged")
    assert recipients(merged) == to_unit_a(users)
    assert f"#{second.id}" in merged[0].body_text and f"#{first.id}" in merged[0].body_text
    for _ in range(2):  # answered once; re-saving the wording tells nobody again
        with unit_of_work():
            record_answer(first, answer="Sở sẽ nghiên cứu.", agency="", due=None,
                          answered=True, user=organizer)
    answered = rows("question_answered")
    assert recipients(answered) == to_unit_a(users)
    assert "Sở sẽ nghiên cứu." in answered[0].body_text


def test_a_delegate_cancelled_by_the_organizer_and_a_reissued_code_tell_the_unit(
        setup, users):
    from eventapp.registration import services

    def register(name):
        with unit_of_work():
            return services.register(setup, users["unit_a"], {
                "full_name": name, "category": "tpt-doi", "sessions": ["doi-thoai"],
                "phone": "", "email": ""})

    own, other = register("Nguyễn Văn Ấn"), register("Trần Thị Bé")
    with unit_of_work():
        services.cancel(own, users["unit_a"])  # the unit's own cancel: no notice
    assert rows() == []
    with unit_of_work():
        services.reissue_code(other, users["organizer"])
    reissued = rows("code_reissued")
    assert recipients(reissued) == to_unit_a(users)
    assert "Trần Thị Bé" in reissued[0].subject
    with unit_of_work():
        services.cancel(other, users["organizer"])
    assert recipients(rows("attendee_cancelled")) == to_unit_a(users)
    with pytest.raises(Changed), unit_of_work():  # cancelled already: refused, nothing more
        services.cancel(other, users["organizer"])
    assert len(rows("attendee_cancelled")) == 3


def test_an_extension_request_tells_the_active_organizers(setup, users, make_user):
    """The extension requests of branch ``dashboard`` call this kind; it is ready for them."""
    from eventapp.accounts.models import User

    second = make_user("btc2@test.vn", "organizer")
    gone = make_user("btc-cu@test.vn", "organizer")
    db.session.get(User, gone.id).active = False
    db.session.commit()
    with unit_of_work():
        notices.notify("extension_requested", event=setup, unit_id=users["unit_a"].unit_id,
                       values={"han_muc": "Gửi câu hỏi", "ly_do": "Chờ họp chi đoàn"})
    sent = rows("extension_requested")
    assert recipients(sent) == [(Channel.inapp, users["organizer"].id, None),
                                (Channel.email, users["organizer"].id, "btc@test.vn"),
                                (Channel.inapp, second.id, None),
                                (Channel.email, second.id, "btc2@test.vn")]
    assert sent[0].subject == "Huyện đoàn Ba Tri xin gia hạn: Gửi câu hỏi"
    assert "/extensions" in sent[0].body_text


def test_the_event_form_switches_kinds_off_and_on(setup, users, login, client):
    """Organizer: untick a box on the event form; the event JSON lists it as off."""
    login(users["organizer"])
    page = client.get(f"/events/{SLUG}/edit").get_data(as_text=True)
    assert "Thông báo tự động" in page and 'name="notice_dossier_returned"' in page
    assert re.search(r'<input checked[^>]*name="notice_dossier_returned"', page)
    from eventapp.events import settings as event_settings

    data = event_settings.form_data(setup)
    form = {k: v for k, v in data.items() if v is not None and v is not False}
    form.update({"slug": SLUG, "title": setup.title, "theme": setup.theme or "",
                 "topics": "\n".join(t.name for t in setup.topics)})
    for key, value in list(form.items()):
        if isinstance(value, datetime):
            form[key] = value.strftime("%Y-%m-%dT%H:%M")
        elif value is True:
            form[key] = "y"
    form.pop("notice_dossier_returned")
    response = client.post_form(f"/events/{SLUG}/edit", form, page=f"/events/{SLUG}/edit")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert notices.switched_off(setup) == {"dossier_returned"}


def test_the_switches_show_in_the_event_json_and_a_clone_keeps_them(setup, users):
    from datetime import date

    from eventapp.events.cloning import clone_event
    from eventapp.events.services import event_to_dict

    with unit_of_work():
        notices.store(setup, ["question_merged", "code_reissued", "no_such_kind"])
    assert event_to_dict(setup)["notices"] == {"off": ["code_reissued", "question_merged"]}
    with unit_of_work():
        clone = clone_event(setup, "doi-thoai-2027", date(2027, 2, 12), users["organizer"])
    assert notices.switched_off(clone) == {"code_reissued", "question_merged"}


def test_links_use_the_public_address_when_one_is_configured(app, setup, users):
    from eventapp.events.services import grant_extension
    from eventapp.units.models import Unit

    app.config["PUBLIC_URL"] = "https://doan.bentre.vn/"
    batri = db.session.scalar(sa.select(Unit).where(Unit.code == "BATRI"))
    with unit_of_work():  # outside any request, as the CLI or the worker would
        grant_extension(setup, batri, "questions", datetime(2020, 2, 8, tzinfo=UTC), "Lý do",
                        users["organizer"])
    assert f"Xem chi tiết: https://doan.bentre.vn/events/{SLUG}/\n" in rows()[0].body_text
