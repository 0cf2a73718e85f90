"""``flask eligibility FILE.json`` and ``POST /api/v1/eligibility``, through the real app."""

from __future__ import annotations

import copy
import json

import pytest

from tests.nominations.helpers import ISSUE_EXAMPLE

INVALID = [
    # (change to the issue's example, the field the answer must name)
    (lambda x: x["nominee"]["service_periods"][0].update(end="1988-01-01"),
     "nominee.service_periods.0.end"),
    (lambda x: x["nominee"].update(status="retired"), "nominee.retired_on"),
    (lambda x: x["nominee"].update(status="retired", retired_on="2019-01-01"),
     "nominee.service_periods.1.end"),
    (lambda x: x["nominee"]["service_periods"][1].update(end="2019-06-30"),
     "nominee.service_periods"),
    (lambda x: x["nominee"]["titles"][0].update(title="giay_khen"), "nominee.titles.0.title"),
    (lambda x: x["nominee"]["disciplines"][0].update(level="nhac_nho"),
     "nominee.disciplines.0.level"),
    (lambda x: x["nominee"]["service_periods"][0].update(start="05/09/1989"),
     "nominee.service_periods.0.start"),
    (lambda x: x["rules"].update(reference_date="2020-02-30"), "rules.reference_date"),
    (lambda x: x["nominee"].update(submitted_at="2020-02-04T16:30:00"), "nominee.submitted_at"),
    (lambda x: x["nominee"].update(documents=["to_trinh", "giay_moi"]), "nominee.documents.1"),
    (lambda x: x.pop("nominee"), "nominee"),
    (lambda x: x["nominee"].update(status="dang_lam"), "nominee.status"),
]


def changed(change) -> dict:
    data = copy.deepcopy(ISSUE_EXAMPLE)
    change(data)
    return data


def test_cli_prints_the_result(runner, tmp_path):
    path = tmp_path / "lan.json"
    path.write_text(json.dumps(ISSUE_EXAMPLE, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["eligibility", str(path)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["service"] == {"years": 29, "months": 5, "days": 9}
    assert answer["eligible_from"] == "2020-09-05"
    assert answer["eligible"] is False
    assert "Thâm niên công tác Đội 29 năm 5 tháng 9 ngày, chưa đủ 30 năm" in result.stdout


@pytest.mark.parametrize("change, field", INVALID)
def test_cli_invalid_exits_2_naming_the_field(runner, tmp_path, change, field):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(changed(change)), encoding="utf-8")
    result = runner.invoke(args=["eligibility", str(path)])
    assert result.exit_code == 2
    assert field in result.stderr
    assert result.stdout == ""


def test_cli_not_json_or_missing(runner, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{nominee: ", encoding="utf-8")
    result = runner.invoke(args=["eligibility", str(path)])
    assert result.exit_code == 2 and "không phải JSON" in result.stderr
    result = runner.invoke(args=["eligibility", str(tmp_path / "none.json")])
    assert result.exit_code == 2 and "Không đọc được tệp" in result.stderr


def test_cli_defaults_reference_date_to_today(runner, tmp_path, set_now):
    from datetime import UTC, datetime

    set_now(datetime(2020, 9, 4, 17, 0, tzinfo=UTC))  # 00:00 05/09/2020 in Vietnam
    data = copy.deepcopy(ISSUE_EXAMPLE)
    del data["rules"]
    path = tmp_path / "lan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    answer = json.loads(runner.invoke(args=["eligibility", str(path)]).stdout)
    assert answer["reference_date"] == "2020-09-05"
    assert answer["service"] == {"years": 30, "months": 0, "days": 0}
    assert [c["code"] for c in answer["criteria"]] == ["seniority", "title", "discipline",
                                                        "documents"]  # no deadline: no on_time


def test_api_answers_any_valid_token(client, users, token_for):
    for role in ("unit_a", "organizer", "checkin"):
        response = client.post("/api/v1/eligibility", json=ISSUE_EXAMPLE,
                               headers=token_for(users[role]))
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["service"] == {"years": 29, "months": 5, "days": 9}
        assert body["eligible_from"] == "2020-09-05"


def test_api_needs_a_token(client, users):
    assert client.post("/api/v1/eligibility", json=ISSUE_EXAMPLE).status_code == 401
    response = client.post("/api/v1/eligibility", json=ISSUE_EXAMPLE,
                           headers={"Authorization": "Bearer ea_wrong"})
    assert response.status_code == 401


@pytest.mark.parametrize("change, field", INVALID)
def test_api_invalid_is_422_with_fields(client, users, token_for, change, field):
    response = client.post("/api/v1/eligibility", json=changed(change),
                           headers=token_for(users["unit_a"]))
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid"
    assert field in body["fields"], body


def test_api_not_json(client, users, token_for):
    response = client.post("/api/v1/eligibility", data="x", headers=token_for(users["unit_a"]))
    assert response.status_code == 422 and response.get_json()["error"] == "invalid"
