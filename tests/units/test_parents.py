"""Parent units (đơn vị cấp trên, issue #16): a parent's accounts act for their children —
questions and delegates, by API and by page — under the child's deadlines and caps, and are
refused for a unit that is not their child.

Here Huyện đoàn Ba Tri (BATRI, ``users["unit_a"]``) is the parent of Huyện đoàn Châu Thành
(CHAUTHANH); Bình Đại (BINHDAI) is nobody's child."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventapp.events.services import grant_extension
from eventapp.extensions import db
from eventapp.questions import services as questions
from eventapp.registration.models import Attendee
from eventapp.units.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
QUESTIONS_DEADLINE = datetime(2020, 2, 5, tzinfo=VN)
OPEN = datetime(2020, 2, 3, 9, 0, tzinfo=VN)  # before both the questions and delegates deadlines
EVENT = "/events/doi-thoai-2020"
QUESTIONS_API = f"/api/v1{EVENT}/questions"
DELEGATES_API = f"/api/v1{EVENT}/attendees"
QUESTION = {"topic": "1", "content": "Đề nghị tăng kinh phí cho hoạt động Đội ở xã.",
            "asker_name": "Trần Thị Mai", "asker_position": "Tổng phụ trách Đội"}
DELEGATE = {"full_name": "Nguyễn Văn Bình", "category": "clb-tpt", "sessions": ["so-ket"]}


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


@pytest.fixture
def family(event, users, set_now):
    """BATRI is CHAUTHANH's parent; the clock is before every deadline."""
    unit("CHAUTHANH").parent_id = unit("BATRI").id
    db.session.commit()
    set_now(OPEN)
    return users


def delegates_of(code: str) -> list[str]:
    return list(db.session.scalars(sa.select(Attendee.full_name).where(
        Attendee.unit_id == unit(code).id).order_by(Attendee.id)))


# --- API ----------------------------------------------------------------------------------

def test_parent_token_submits_a_question_for_its_child(client, family, token_for):
    headers = token_for(family["unit_a"])
    response = client.post(QUESTIONS_API, json={**QUESTION, "unit": "chauthanh"},
                           headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["unit"] == "CHAUTHANH" and response.json["unit_count"] == 1
    own = client.post(QUESTIONS_API, json=QUESTION, headers=headers)
    assert own.status_code == 201 and own.json["unit"] == "BATRI"  # no code: its own unit
    listed = client.get(f"{QUESTIONS_API}?unit=CHAUTHANH", headers=headers)
    assert [q["unit"] for q in listed.json["questions"]] == ["CHAUTHANH"]


def test_parent_token_is_refused_for_a_unit_that_is_not_its_child(client, family, token_for,
                                                                   event):
    headers = token_for(family["unit_a"])
    question = client.post(QUESTIONS_API, json={**QUESTION, "unit": "BINHDAI"}, headers=headers)
    assert question.status_code == 403 and question.json["error"] == "forbidden"
    delegate = client.post(DELEGATES_API, json={**DELEGATE, "unit": "BINHDAI"}, headers=headers)
    assert delegate.status_code == 403 and delegate.json["error"] == "forbidden"
    listed = client.get(f"{QUESTIONS_API}?unit=BINHDAI", headers=headers)
    assert listed.status_code == 403
    assert questions.unit_count(event, unit("BINHDAI").id) == 0 and delegates_of("BINHDAI") == []
    # The child does not act for its parent: the relation goes one way.
    child = client.post(DELEGATES_API, json={**DELEGATE, "unit": "BATRI"},
                        headers=token_for(family["unit_b"]))
    assert child.status_code == 403 and delegates_of("BATRI") == []


def test_parent_token_registers_a_delegate_for_its_child(client, family, token_for):
    headers = token_for(family["unit_a"])
    response = client.post(DELEGATES_API, json={**DELEGATE, "unit": "CHAUTHANH"},
                           headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["unit"] == "CHAUTHANH"
    assert delegates_of("CHAUTHANH") == ["Nguyễn Văn Bình"] and delegates_of("BATRI") == []
    # The parent sees, and cancels, its child's delegate.
    cancelled = client.delete(f"{DELEGATES_API}/{response.json['id']}", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    foreign = client.post(DELEGATES_API, json={**DELEGATE, "unit": "BINHDAI"},
                          headers=token_for(family["unit_b"]))
    assert client.delete(f"{DELEGATES_API}/{foreign.json['id']}",
                         headers=headers).status_code == 404


def test_the_childs_cap_applies_not_the_parents(client, family, token_for):
    """Five CLB TPT Đội members per district in session 2: the sixth for the child is
    refused even though the parent itself has registered nobody."""
    headers = token_for(family["unit_a"])
    for i in range(5):
        ok = client.post(DELEGATES_API, json={**DELEGATE, "full_name": f"Thành viên {i}",
                                              "unit": "CHAUTHANH"}, headers=headers)
        assert ok.status_code == 201, ok.json
    sixth = client.post(DELEGATES_API, json={**DELEGATE, "full_name": "Thành viên 6",
                                             "unit": "CHAUTHANH"}, headers=headers)
    assert sixth.status_code == 409 and sixth.json["error"] == "cap_reached"
    own = client.post(DELEGATES_API, json={**DELEGATE, "full_name": "Của Ba Tri"},
                      headers=headers)
    assert own.status_code == 201 and len(delegates_of("CHAUTHANH")) == 5


def test_the_childs_deadline_applies_not_the_parents(client, family, token_for, event,
                                                     set_now):
    """The parent has an extension, the child none: after the deadline the parent still
    sends its own questions but no longer its child's."""
    grant_extension(event, unit("BATRI"), "questions", QUESTIONS_DEADLINE + timedelta(days=2),
                    "Bổ sung câu hỏi", family["organizer"])
    db.session.commit()
    set_now(QUESTIONS_DEADLINE + timedelta(hours=1))
    headers = token_for(family["unit_a"])
    late = client.post(QUESTIONS_API, json={**QUESTION, "unit": "CHAUTHANH"}, headers=headers)
    assert late.status_code == 403 and late.json["error"] == "deadline_passed"
    own = client.post(QUESTIONS_API, json=QUESTION, headers=headers)
    assert own.status_code == 201
    # The child's own extension reopens it for the parent too.
    grant_extension(event, unit("CHAUTHANH"), "questions", QUESTIONS_DEADLINE + timedelta(days=1),
                    "Xã mới sáp nhập", family["organizer"])
    db.session.commit()
    again = client.post(QUESTIONS_API, json={**QUESTION, "unit": "CHAUTHANH"}, headers=headers)
    assert again.status_code == 201, again.json


# --- Pages --------------------------------------------------------------------------------

def test_parent_page_submits_a_question_and_registers_a_delegate_for_its_child(
        client, family, login, event):
    login(family["unit_a"])
    page = client.get(f"{EVENT}/questions/?unit=CHAUTHANH")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Huyện đoàn Châu Thành" in html
    assert 'id="unit-selector"' in html and 'data-unit="BATRI"' in html
    sent = client.post_form(f"{EVENT}/questions/unit/CHAUTHANH/add",
                            {"topic": str(event.topics[0].id),
                             "content": "Xã cần thêm sân chơi cho thiếu nhi.",
                             "asker_name": "", "asker_position": ""},
                            page=f"{EVENT}/questions/?unit=CHAUTHANH")
    assert sent.status_code == 302 and sent.location.endswith("/questions/?unit=CHAUTHANH")
    assert questions.unit_count(event, unit("CHAUTHANH").id) == 1
    assert questions.unit_count(event, unit("BATRI").id) == 0

    form = f"{EVENT}/registration/new?unit=CHAUTHANH"
    assert "Huyện đoàn Châu Thành" in client.get(form).get_data(as_text=True)
    saved = client.post_form(form, {"full_name": "Lê Thị Hoa", "category": "clb-tpt",
                                    "sessions": "so-ket", "phone": "", "email": ""}, page=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    assert delegates_of("CHAUTHANH") == ["Lê Thị Hoa"] and delegates_of("BATRI") == []
    listing = client.get(saved.location).get_data(as_text=True)
    assert "Lê Thị Hoa" in listing and "Đại biểu — Huyện đoàn Châu Thành" in listing


def test_parent_pages_refuse_a_unit_that_is_not_its_child(client, family, login, event):
    login(family["unit_a"])
    assert client.get(f"{EVENT}/questions/?unit=BINHDAI").status_code == 404
    assert client.get(f"{EVENT}/questions/unit/BINHDAI").status_code == 404
    refused = client.post_form(f"{EVENT}/questions/unit/BINHDAI/add",
                               {"topic": str(event.topics[0].id), "content": "Không được"},
                               page=f"{EVENT}/questions/")
    assert refused.status_code == 404
    # A list named for another unit shows the account's own, as for any unit account.
    listing = client.get(f"{EVENT}/registration/?unit=BINHDAI").get_data(as_text=True)
    assert "Đại biểu — Huyện đoàn Ba Tri" in listing
    assert client.get(f"{EVENT}/registration/new?unit=BINHDAI").status_code == 404
    assert questions.unit_count(event, unit("BINHDAI").id) == 0 and delegates_of("BINHDAI") == []


def test_a_unit_without_children_sees_no_selector(client, family, login):
    login(family["unit_b"])
    html = client.get(f"{EVENT}/questions/").get_data(as_text=True)
    assert "Huyện đoàn Bình Đại" in html and 'id="unit-selector"' not in html


def test_parent_home_shows_its_childrens_progress(client, family, login, event):
    questions.submit(event, unit("CHAUTHANH"), [questions.draft_or_invalid(
        event, content="Câu hỏi của Châu Thành", topic=1)], user=family["organizer"])
    db.session.commit()
    login(family["unit_a"])
    html = client.get(f"{EVENT}/").get_data(as_text=True)
    children = html.split('id="children-progress"')[1].split("</table>")[0]
    assert 'data-unit="CHAUTHANH"' in children and 'data-unit="BINHDAI"' not in children
    assert "1/15 câu hỏi" in children  # questions sent / minimum
    assert "0 đại biểu đã đăng ký" in children and "Chưa có hồ sơ" in children
    assert f"{EVENT}/questions/?unit=CHAUTHANH" in children


def test_parent_files_a_dossier_for_its_child(client, family, login, event):
    from eventapp.nominations.models import Nomination
    from tests.nominations.helpers import dossier_form

    login(family["unit_a"])
    page = f"{EVENT}/nominations/new?unit=CHAUTHANH"
    saved = client.post_form(page, dossier_form(full_name="Phạm Thị Thu"), page=page)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:1000]
    filed = db.session.scalar(sa.select(Nomination).where(Nomination.full_name == "Phạm Thị Thu"))
    assert filed.unit_id == unit("CHAUTHANH").id
    listing = client.get(f"{EVENT}/nominations/?unit=CHAUTHANH").get_data(as_text=True)
    assert "Phạm Thị Thu" in listing and "Huyện đoàn Châu Thành" in listing
    assert "Phạm Thị Thu" not in client.get(f"{EVENT}/nominations/").get_data(as_text=True)
    other = f"{EVENT}/nominations/new?unit=BINHDAI"
    assert client.post_form(other, dossier_form(), page=f"{EVENT}/nominations/new"
                            ).status_code == 404


def test_a_dossier_for_the_child_keeps_the_childs_deadline(client, family, login, event,
                                                            set_now):
    """The parent's own extension reopens dossiers for the parent only: after the deadline it
    files its own dossier but not its child's, and the child's extension reopens the child's."""
    from eventapp.events import services as events
    from eventapp.nominations.models import Nomination
    from eventapp.nominations.settings import DEADLINE
    from tests.nominations.helpers import dossier_form

    deadline = events.effective_deadline(event, unit("CHAUTHANH").id, DEADLINE)
    grant_extension(event, unit("BATRI"), DEADLINE, deadline + timedelta(days=2),
                    "Bổ sung hồ sơ", family["organizer"])
    db.session.commit()
    set_now(deadline + timedelta(hours=1))
    login(family["unit_a"])

    def filed(name: str):
        return db.session.scalar(sa.select(Nomination).where(Nomination.full_name == name))

    child = f"{EVENT}/nominations/new?unit=CHAUTHANH"
    refused = client.post_form(child, dossier_form(full_name="Phạm Thị Thu"), page=child)
    assert refused.status_code != 302 and filed("Phạm Thị Thu") is None
    assert "Đã hết hạn lúc 00:00 05/02/2020" in refused.get_data(as_text=True)
    own = f"{EVENT}/nominations/new"
    saved = client.post_form(own, dossier_form(full_name="Lê Văn Tám"), page=own)
    assert saved.status_code == 302 and filed("Lê Văn Tám").unit_id == unit("BATRI").id

    grant_extension(event, unit("CHAUTHANH"), DEADLINE, deadline + timedelta(days=1),
                    "Xã mới sáp nhập", family["organizer"])
    db.session.commit()
    again = client.post_form(child, dossier_form(full_name="Phạm Thị Thu"), page=child)
    assert again.status_code == 302 and filed("Phạm Thị Thu").unit_id == unit("CHAUTHANH").id
