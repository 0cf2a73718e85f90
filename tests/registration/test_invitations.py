"""Invitations by e-mail (issue #15 item 7): one message per delegate with an e-mail, the QR
code attached by reference and made from the current code when sent, a signed link to the
printable invitation that needs no login and stops at the event's end; a re-issued code sends
a new one; the attendee list shows the delivery status."""

from __future__ import annotations

import base64
import io
import json
import re
from collections import Counter
from datetime import datetime

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from eventapp.database import unit_of_work
from eventapp.extensions import db
from eventapp.messages import channels
from eventapp.messages.models import Channel, Message, MessageStatus
from eventapp.registration import codes, invitations
from tests.conftest import run_concurrently
from tests.registration.conftest import VN

pytestmark = pytest.mark.usefixtures("open_registration")
BASE = "/events/doi-thoai-2020/registration"


def invitation_rows() -> list[Message]:
    return db.session.scalars(sa.select(Message).where(Message.cause == "invitation")
                              .order_by(Message.id)).all()


def link_of(message: Message) -> str:
    return re.search(r"https?://\S+|/events/\S+", message.body_text).group(0)


@pytest.fixture
def delegates(add, users):
    """Two delegates of unit A with an e-mail, one without, one cancelled with one."""
    from eventapp.registration import services

    lan = add(users["unit_a"], "Nguyễn Thị Lan", email="lan@batri.vn")
    an = add(users["unit_a"], "Trần Văn An", email="an@batri.vn")
    no_mail = add(users["unit_a"], "Lê Văn Ba")
    gone = add(users["unit_a"], "Phạm Thị Cúc", email="cuc@batri.vn")
    with unit_of_work():
        services.cancel(gone, users["unit_a"])
    return lan, an, no_mail, gone


def send_all(client):
    return client.post_form(f"{BASE}/send-invitations", {"scope": "unsent"}, page=f"{BASE}/")


def test_send_all_not_yet_sent_queues_one_mail_per_delegate_with_an_email(
        client, login, users, delegates):
    lan, an, _, _ = delegates
    login(users["organizer"])
    response = send_all(client)
    assert response.status_code == 302
    assert "Đã xếp 2 giấy mời" in client.get(response.headers["Location"]).get_data(as_text=True)
    rows = invitation_rows()
    assert [(m.channel, m.address, m.cause_ref, m.attachments) for m in rows] == [
        (Channel.email, "lan@batri.vn", f"attendee:{lan.id}",
         [{"kind": "invitation_qr", "id": lan.id}]),
        (Channel.email, "an@batri.vn", f"attendee:{an.id}",
         [{"kind": "invitation_qr", "id": an.id}])]
    assert rows[0].subject == "Giấy mời tham dự " + lan.event.title
    assert rows[0].body_text.startswith("Kính gửi Nguyễn Thị Lan,")
    assert f'<a href="{link_of(rows[0])}">' in rows[0].body_html
    # Again: everyone has one already, nothing more is queued.
    page = client.get(send_all(client).headers["Location"]).get_data(as_text=True)
    assert "Không có đại biểu nào để gửi" in page
    assert len(invitation_rows()) == 2
    # One delegate, on purpose: a second invitation to her alone.
    client.post_form(f"{BASE}/{lan.id}/send-invitation", page=f"{BASE}/{lan.id}/edit")
    assert [m.address for m in invitation_rows()] == ["lan@batri.vn", "an@batri.vn",
                                                      "lan@batri.vn"]


def test_selected_delegates_only_and_nothing_ticked_is_a_clear_message(
        client, login, users, delegates):
    lan, an, no_mail, gone = delegates
    login(users["organizer"])
    response = client.post_form(f"{BASE}/send-invitations", {"scope": "selected"},
                                page=f"{BASE}/")
    assert "Hãy đánh dấu các đại biểu" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    client.post_form(f"{BASE}/send-invitations",
                     {"scope": "selected", "attendee": [str(an.id), str(no_mail.id),
                                                        str(gone.id), "abc", "-1"]},
                     page=f"{BASE}/")
    assert [m.address for m in invitation_rows()] == ["an@batri.vn"]


def test_the_attachment_is_the_current_qr_code_as_a_png(app, users, delegates):
    from eventapp.registration import services

    lan = delegates[0]
    name, mimetype, data = channels.build_attachment({"kind": "invitation_qr", "id": lan.id})
    assert (name, mimetype) == (f"ma-qr-{lan.id}.png", "image/png")
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]
    assert decoded == [codes.attendee_code(lan)]
    with unit_of_work():
        new_code = services.reissue_code(lan, users["organizer"])
    data = channels.build_attachment({"kind": "invitation_qr", "id": lan.id})[2]
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))] == [new_code]
    with pytest.raises(channels.Unavailable):  # a cancelled delegate's code is revoked
        channels.build_attachment({"kind": "invitation_qr", "id": delegates[3].id})


def test_the_signed_link_opens_the_invitation_without_login_until_the_event_ends(
        app, users, delegates, set_now):
    lan, an = delegates[0], delegates[1]
    with unit_of_work():
        invitations.send(lan.event, [lan.id], users["organizer"])
    link = link_of(invitation_rows()[0])
    anonymous = app.test_client()
    page = anonymous.get(link)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Nguyễn Thị Lan" in text and f'data-attendee="{lan.id}"' in text
    assert "Trần Văn An" not in text and "Quay lại" not in text
    # Tampered: another delegate's id under the same signature, or a changed character.
    token = link.rsplit("/", 1)[1]
    payload = base64.urlsafe_b64encode(json.dumps([lan.event_id, an.id]).encode()).rstrip(b"=")
    forged = payload.decode() + "." + token.rsplit(".", 1)[1]
    for bad in (forged, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), "abc"):
        refused = anonymous.get(link.rsplit("/", 1)[0] + "/" + bad)
        assert refused.status_code == 404
        assert "Liên kết giấy mời đã hết hạn" in refused.get_data(as_text=True)
    # On the day it still opens; after the last session ends it does not.
    set_now(datetime(2020, 2, 14, 16, 59, tzinfo=VN))
    assert anonymous.get(link).status_code == 200
    set_now(datetime(2020, 2, 14, 17, 1, tzinfo=VN))
    assert anonymous.get(link).status_code == 404


def test_a_reissued_code_sends_a_new_invitation_when_the_previous_one_went_out(
        app, users, delegates):
    from eventapp.registration import services

    lan, an = delegates[0], delegates[1]
    with unit_of_work():
        invitations.send(lan.event, [lan.id, an.id], users["organizer"])
    first, second = invitation_rows()
    first.status = MessageStatus.sent  # as the worker leaves it
    db.session.commit()
    with unit_of_work():
        services.reissue_code(lan, users["organizer"])
        services.reissue_code(an, users["organizer"])  # still queued: it will carry the new QR
    assert [m.address for m in invitation_rows()] == ["lan@batri.vn", "an@batri.vn",
                                                      "lan@batri.vn"]
    with unit_of_work():
        services.reissue_code(delegates[2], users["organizer"])  # never invited: none
    assert len(invitation_rows()) == 3


def test_cancelling_a_delegate_cancels_an_invitation_still_waiting_not_a_sent_one(
        app, users, delegates):
    from eventapp.registration import services

    lan, an = delegates[0], delegates[1]
    with unit_of_work():
        invitations.send(lan.event, [lan.id, an.id], users["organizer"])
    invitation_rows()[1].status = MessageStatus.sent
    db.session.commit()
    with unit_of_work():
        services.cancel(lan, users["organizer"])
        services.cancel(an, users["organizer"])
    assert [m.status for m in invitation_rows()] == [MessageStatus.cancelled,
                                                     MessageStatus.sent]


def test_the_list_shows_each_delegates_delivery_status(client, login, users, delegates):
    lan, an, no_mail, _ = delegates
    with unit_of_work():
        invitations.send(lan.event, [lan.id, an.id], users["organizer"])
    first, second = invitation_rows()
    first.status, first.sent_at = MessageStatus.sent, datetime(2020, 2, 3, tzinfo=VN)
    second.status, second.last_error = MessageStatus.failed, "550 mailbox unavailable"
    db.session.commit()
    for user in ("organizer", "unit_a"):
        login(users[user])
        page = client.get(f"{BASE}/").get_data(as_text=True)
        rows = dict(re.findall(r'<tr data-attendee="(\d+)">(.*?)</tr>', page, re.S))
        assert 'data-invitation-status="sent"' in rows[str(lan.id)] and \
            "Đã gửi" in rows[str(lan.id)]
        assert 'data-invitation-status="failed"' in rows[str(an.id)] and \
            "550 mailbox unavailable" in rows[str(an.id)]
        assert "data-invitation-status" not in rows[str(no_mail.id)]
        client.post_form("/logout", page=f"{BASE}/") if user == "organizer" else None


def test_two_organizers_sending_all_at_once_queue_one_invitation_each(
        app, users, delegates):
    event_id = delegates[0].event_id

    def send(_):
        from eventapp.events.models import Event

        with app.app_context(), unit_of_work():
            return invitations.send(db.session.get(Event, event_id), None, users["organizer"])

    results = run_concurrently(send, 4)
    assert sorted(results) == [0, 0, 0, 2]
    db.session.rollback()  # this thread's transaction began before theirs committed
    assert Counter(m.cause_ref for m in invitation_rows()) == {
        f"attendee:{delegates[0].id}": 1, f"attendee:{delegates[1].id}": 1}
