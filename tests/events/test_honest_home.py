"""A unit's home says only what is true for it: the deadlines that concern it (a high
school is not asked for honoring dossiers, which district unions file) and counts that say
what they count."""

from __future__ import annotations

import re


def _deadline_rows(html: str) -> set[str]:
    return set(re.findall(r'data-deadline="([a-z_]+)"', html))


def test_a_school_home_lists_no_dossier_deadline(client, login, users, event):
    login(users["school"])
    html = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "nominations" not in _deadline_rows(html)
    assert "Gửi hồ sơ vinh danh" not in html
    assert "questions" in _deadline_rows(html)


def test_a_district_union_home_lists_the_dossier_deadline(client, login, users, event):
    login(users["unit_a"])
    html = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert {"questions", "nominations"} <= _deadline_rows(html)
    assert "Gửi hồ sơ vinh danh" in html


def test_the_organizer_sees_every_deadline(client, login, users, event):
    login(users["organizer"])
    html = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert {"questions", "nominations", "registration"} <= _deadline_rows(html)
