"""Per-event settings owned by the domains: what the event pages, the API and the import do
with them, and that a new domain joins through its own registrations, not by editing events/.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from wtforms import IntegerField
from wtforms.validators import NumberRange

from eventapp.audit.models import AuditEntry
from eventapp.errors import Invalid
from eventapp.events import deadlines, settings
from eventapp.events.forms import moment
from eventapp.events.services import import_event
from eventapp.extensions import db
from eventapp.forms import Form
from tests.conftest import demo_definition

BASE = "/events/doi-thoai-2020"


def test_the_event_json_carries_every_domains_settings(client, users, token_for):
    data = client.get(f"/api/v1{BASE}", headers=token_for(users["organizer"])).get_json()
    assert data["questions"] == {
        "deadline": "2020-02-04T17:00:00+00:00", "min_per_unit": 15, "max_per_unit": None,
        "topics": demo_definition()["questions"]["topics"]}
    assert data["registration"]["deadline"] == "2020-02-09T17:00:00+00:00"
    assert [c["key"] for c in data["registration"]["categories"]][:2] == ["lanh-dao", "tpt-doi"]
    assert data["registration"]["caps"][0]["max_per_unit"] == 5
    assert data["nominations"] == {
        "deadline": "2020-02-04T17:00:00+00:00", "reference_date": "2020-02-14",
        "serving_min_years": 30, "retired_min_years": 25, "title_window_years": 1,
        "discipline_window_years": 5, "submitting_unit_kinds": ["district"]}


def test_a_reimport_hands_each_domain_its_section_and_audits_the_change(app, event):
    definition = demo_definition()
    definition["nominations"].update(serving_min_years=28, submitting_unit_kinds=["college"])
    definition["registration"]["deadline"] = "2020-02-11T00:00:00+07:00"
    import_event(definition)
    db.session.commit()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.update"))
    assert entry.before["serving_min_years"] == 30 and entry.after["serving_min_years"] == 28
    assert entry.after["nomination_unit_kinds"] == ["college"]
    assert entry.after["registration_deadline"] == "2020-02-10T17:00:00+00:00"


def test_the_edit_form_shows_each_domains_part_with_its_values(client, users, login, event):
    login(users["organizer"])
    page = client.get(f"{BASE}/edit").get_data(as_text=True)
    for legend in ("Câu hỏi", "Đăng ký đại biểu", "Tiêu chuẩn vinh danh"):
        assert f'<legend class="h6">{legend}</legend>' in page
    # Typed and shown dd/mm/yyyy HH:MM in a text box, not the browser's own control.
    assert 'name="question_deadline" placeholder="dd/mm/yyyy HH:MM" type="text" ' \
        'value="05/02/2020 00:00"' in page
    assert 'name="registration_deadline" placeholder="dd/mm/yyyy HH:MM" type="text" ' \
        'value="10/02/2020 00:00"' in page
    assert 'name="nomination_reference_date" placeholder="dd/mm/yyyy" type="text" ' \
        'value="14/02/2020"' in page
    assert '<option selected value="district">' in page


class SurveyForm(Form):
    survey_deadline = moment("Hạn gửi khảo sát")
    survey_questions = IntegerField("Số câu khảo sát", default=5,
                                    validators=[NumberRange(1, 50, "Từ 1 đến 50.")])


def _survey_domain(app) -> dict:
    """A domain the events package has never heard of, contributing as a real one does."""
    store: dict[int, dict] = {}

    def apply(event, values):
        if values["survey_questions"] == 13:
            raise Invalid({"survey_questions": "Không dùng số 13."})
        store[event.id] = dict(values)

    def values(event):
        return store.get(event.id, {"survey_deadline": None, "survey_questions": 5})

    deadlines.register(app, "surveys", "Gửi khảo sát", lambda e: values(e)["survey_deadline"])
    settings.register(app, settings.SettingsPart(
        key="surveys", legend="Khảo sát", form=SurveyForm, values=values, apply=apply,
        load=lambda event, definition: None,
        describe=lambda event: {"questions": values(event)["survey_questions"]},
        card=lambda event: settings.Card("Khảo sát", str(values(event)["survey_questions"]))))
    return store


def test_a_new_domain_joins_the_event_pages_without_editing_events(app, client, users, login,
                                                                   event, token_for, set_now):
    store = _survey_domain(app)
    set_now(datetime(2020, 2, 1, tzinfo=UTC))
    login(users["organizer"])
    form = client.get(f"{BASE}/edit").get_data(as_text=True)
    assert '<legend class="h6">Khảo sát</legend>' in form and 'name="survey_questions"' in form

    data = {"slug": "doi-thoai-2020", "title": "Đối thoại", "theme": "",
            "question_min_per_unit": "15", "serving_min_years": "30", "retired_min_years": "25",
            "title_window_years": "1", "discipline_window_years": "5",
            "survey_deadline": "2020-02-08T07:30", "survey_questions": "13"}
    refused = client.post_form(f"{BASE}/edit", data, page=f"{BASE}/edit")
    assert refused.status_code == 200 and "Không dùng số 13." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(AuditEntry.id).where(
        AuditEntry.action == "event.update")) is None  # refused: nothing written, no entry

    saved = client.post_form(f"{BASE}/edit", {**data, "survey_questions": "8"},
                             page=f"{BASE}/edit")
    assert saved.status_code == 302
    assert store[event.id] == {"survey_deadline": datetime(2020, 2, 8, 0, 30, tzinfo=UTC),
                               "survey_questions": 8}  # typed in the event's zone
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.update"))
    assert entry.after["survey_questions"] == 8

    overview = client.get(f"{BASE}/").get_data(as_text=True)
    assert 'data-deadline="surveys"' in overview and "Gửi khảo sát" in overview
    extensions = client.get(f"{BASE}/extensions").get_data(as_text=True)
    assert '<option value="surveys">Gửi khảo sát</option>' in extensions
    granted = client.post_form(f"{BASE}/extensions", {
        "unit": str(users["unit_a"].unit_id), "kind": "surveys", "deadline": "2020-02-09T07:30",
        "reason": "Mất điện"}, page=f"{BASE}/extensions")
    assert granted.status_code == 302
    api = client.get(f"/api/v1{BASE}", headers=token_for(users["organizer"])).get_json()
    assert api["surveys"] == {"questions": 8}
