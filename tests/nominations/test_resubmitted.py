"""A dossier sent again after a return is a new submission: the old reason is history only."""

from __future__ import annotations

import re

from eventapp.extensions import db
from eventapp.nominations.models import Nomination
from tests.nominations.conftest import BASE, complete_dossier, submit
from tests.nominations.helpers import dossier_form

REJECTED = "Trùng với đợt vinh danh năm trước"
RETURNED = "Thiếu xác nhận của cấp ủy trên bản tóm tắt"


def _reason_box(html: str) -> str:
    return re.search(r'<textarea[^>]*name="reason"[^>]*>(.*?)</textarea>', html, re.S).group(1)


def test_a_resubmitted_dossier_does_not_show_the_previous_decisions_reason(clients,
                                                                          before_deadline):
    unit, organizer = clients("unit_a"), clients("organizer")
    nomination_id = complete_dossier(unit)
    submit(unit, nomination_id)
    page = f"{BASE}/{nomination_id}"
    organizer.post_form(f"{page}/decide", {"decision": "rejected", "reason": REJECTED}, page=page)
    organizer.post_form(f"{page}/return", {"return_reason": RETURNED}, page=page)
    unit.post_form(f"{page}/edit", dossier_form(school="Trường Tiểu học An Thủy, Ba Tri"),
                   page=page)
    assert submit(unit, nomination_id).status_code == 302
    db.session.expire_all()
    assert db.session.get(Nomination, nomination_id).status == "submitted"

    review = organizer.get(page).get_data(as_text=True)
    assert _reason_box(review).strip() == ""  # the organizer decides the new submission afresh
    history = review[review.index('id="history"'):]
    assert REJECTED in history and RETURNED in history
    assert REJECTED not in review.replace(history, "") and RETURNED not in review.replace(
        history, "")
    own = unit.get(page).get_data(as_text=True)
    assert RETURNED not in own.replace(own[own.index('id="history"'):], "")
    assert RETURNED not in unit.get(BASE + "/").get_data(as_text=True)

    # Approving the new submission without a reason leaves no old reason behind.
    ticks = {f"check-{c}": "1" for c in ("achievements", "duties", "ethics", "initiatives")}
    assert organizer.post_form(f"{page}/decide", {"decision": "approved", **ticks},
                               page=page).status_code == 302
    db.session.expire_all()
    n = db.session.get(Nomination, nomination_id)
    assert n.status == "approved" and n.review_reason == ""
    assert RETURNED not in unit.get(page).get_data(as_text=True).split('id="history"')[0]
