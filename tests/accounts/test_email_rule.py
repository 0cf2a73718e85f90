"""The e-mail rule: one function, the same answer for accounts, the registration API and
the delegates' Excel import."""

import pytest

from eventapp.accounts.services import create_user
from eventapp.errors import Invalid
from eventapp.text import EMAIL_MESSAGE, email_error
from tests.registration.conftest import BEFORE_DEADLINE

BAD = ["an", "an@", "an@example", "an @example.com", "@example.com", "a@b@c.vn",
       "a" * 250 + "@x.vn"]
GOOD = ["an@example.com", "nguyen.van.an+doan@thanhdoan.bentre.gov.vn"]


@pytest.mark.parametrize("address", BAD)
def test_broken_addresses_get_the_one_message(address):
    assert email_error(address) == EMAIL_MESSAGE


@pytest.mark.parametrize("address", GOOD)
def test_good_addresses_pass(address):
    assert email_error(address) is None


def test_accounts_and_registration_refuse_alike(app, client, users, login, token_for, set_now):
    set_now(BEFORE_DEADLINE)
    with pytest.raises(Invalid) as refused:
        create_user("an@example", "organizer", "mat-khau-dai-du")
    assert refused.value.fields["email"] == EMAIL_MESSAGE

    login(users["organizer"])
    page = client.post_form("/accounts/new", {"email": "an@example", "role": "organizer"},
                            page="/accounts/new")
    assert EMAIL_MESSAGE in page.get_data(as_text=True)

    answer = client.post("/api/v1/events/doi-thoai-2020/attendees", headers=token_for(
        users["unit_a"]), json={"full_name": "Nguyễn Văn An", "category": "tpt-doi",
                                "sessions": ["doi-thoai"], "email": "an@example"})
    assert answer.status_code == 422 and answer.json["fields"]["email"] == EMAIL_MESSAGE
