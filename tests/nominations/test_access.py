"""The documented rule for organizers: an unsent draft (never sent, or taken back by the unit)
is the unit's alone — to organizers it is not found (404), nor are its files; once sent,
organizers see it. Another unit's dossier is a 404 as well, the same answer as an unknown id."""

from __future__ import annotations

from .conftest import BASE, create_dossier, submit, upload


def test_organizer_sees_a_dossier_only_while_it_is_sent(clients, before_deadline):
    unit, organizer = clients("unit_a"), clients("organizer")
    nomination_id = create_dossier(unit)
    upload(unit, nomination_id)
    page = f"{BASE}/{nomination_id}"
    file_url = unit.get(page).get_data(as_text=True).split(f"{BASE}/files/")[1].split('"')[0]
    draft = organizer.get(page)
    assert draft.status_code == 404 and "Nguyễn Thị Lan" not in draft.get_data(as_text=True)
    assert organizer.get(f"{BASE}/files/{file_url}").status_code == 404
    assert "Nguyễn Thị Lan" not in organizer.get(BASE + "/").get_data(as_text=True)

    assert submit(unit, nomination_id).status_code == 302
    assert "Nguyễn Thị Lan" in organizer.get(page).get_data(as_text=True)
    assert organizer.get(f"{BASE}/files/{file_url}").status_code == 200

    withdrawn = unit.post_form(f"{page}/withdraw", page=page)
    assert withdrawn.status_code == 302
    assert organizer.get(page).status_code == 404
    assert unit.get(page).status_code == 200


def test_another_units_dossier_answers_like_an_unknown_one(clients, before_deadline):
    unit_a, unit_b = clients("unit_a"), clients("unit_b")
    nomination_id = create_dossier(unit_a)
    submit(unit_a, nomination_id)
    theirs, unknown = unit_b.get(f"{BASE}/{nomination_id}"), unit_b.get(f"{BASE}/999999")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.get_data(as_text=True) == unknown.get_data(as_text=True)


def test_checkin_staff_are_refused_not_misled(clients, before_deadline):
    """A known page the role may not use is a 403, not a 404."""
    checkin = clients("checkin")
    assert checkin.get(f"{BASE}/").status_code == 403
    assert checkin.get(f"{BASE}/honorees").status_code == 403
