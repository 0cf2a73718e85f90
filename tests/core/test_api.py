"""JSON API basics: token auth, JSON errors, GET event."""


def test_get_event_with_sessions_and_units(client, users, token_for):
    response = client.get("/api/v1/events/doi-thoai-2020", headers=token_for(users["unit_a"]))
    assert response.status_code == 200
    data = response.get_json()
    assert data["theme"].startswith("Môi trường làm việc")
    assert [s["key"] for s in data["sessions"]] == ["doi-thoai", "so-ket"]
    assert data["sessions"][0]["starts_at"] == "2020-02-14T01:00:00+00:00"
    assert {"code": "BATRI", "name": "Huyện đoàn Ba Tri", "kind": "district",
            "kind_name": "Huyện, Thành đoàn", "parent": None} in data["units"]
    assert {"key": "district", "name": "Huyện, Thành đoàn"} in data["unit_kinds"]
    assert data["questions"]["min_per_unit"] == 15


def test_missing_or_wrong_token_is_401_json(client, event):
    for headers in ({}, {"Authorization": "Bearer sai"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/events/doi-thoai-2020", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"
        assert response.get_json()["message"]


def test_session_cookie_does_not_authenticate_the_api(client, users, login):
    login(users["organizer"])
    assert client.get("/api/v1/events/doi-thoai-2020").status_code == 401


def test_revoked_token_and_inactive_user_are_refused(client, users, token_for):
    from eventapp.clock import now
    from eventapp.extensions import db

    headers = token_for(users["unit_a"])
    users["unit_a"].active = False
    db.session.commit()
    assert client.get("/api/v1/events/doi-thoai-2020", headers=headers).status_code == 401
    users["unit_a"].active = True
    from eventapp.accounts.models import ApiToken

    for token in db.session.query(ApiToken):
        token.revoked_at = now()
    db.session.commit()
    assert client.get("/api/v1/events/doi-thoai-2020", headers=headers).status_code == 401


def test_unknown_event_and_route_are_json_404(client, users, token_for):
    headers = token_for(users["organizer"])
    response = client.get("/api/v1/events/khong-co", headers=headers)
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    response = client.get("/api/v1/khong-co-duong-dan", headers=headers)
    assert response.status_code == 404 and response.is_json


def test_unit_token_cannot_read_an_event_it_is_not_in(client, users, token_for, make_user):
    from eventapp.events.services import import_event
    from tests.conftest import demo_definition

    other = demo_definition()
    other.update(slug="khac", units=[{"code": "KHAC", "name": "Khác", "kind": "other"}])
    import_event(other)
    response = client.get("/api/v1/events/khac", headers=token_for(users["unit_a"]))
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert response.get_json() == client.get("/api/v1/events/khong-co",
                                             headers=token_for(users["unit_a"])).get_json()
