"""Chromium opens each role's forms on the live demo and finds no error shown before the
user has typed anything (issue #17 item 8): no field marked invalid, no error message under
a field, no red alert, no error's words (a live preview's "cần sửa"), and no field the
browser itself paints red for being empty (CSS ``:invalid``); a screenshot of each at 1280
and 360 px is kept (``blank-<role>-<page>``)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.helpers import live_demo_paths, walk_live_demo

pytestmark = pytest.mark.browser


#: (role, path) of each form a person fills in; {slug}, {attendee} (a BATRI delegate),
#: {user} (the BATRI account) and {unit} (BATRI's id) come from the live demo.
FORMS = [
    ("anonymous", "/login"),
    ("anonymous", "/password/forgot"),
    ("unit", "/events/{slug}/questions/unit/BATRI"),
    ("unit", "/events/{slug}/nominations/new"),
    ("unit", "/events/{slug}/registration/new"),
    ("unit", "/events/{slug}/registration/{attendee}/absence"),
    ("unit", "/events/{slug}/registration/{attendee}/substitute"),
    ("unit", "/account"),
    ("checkin", "/checkin/{slug}/scan/doi-thoai"),
    ("checkin", "/account"),
    ("organizer", "/events/new"),
    ("organizer", "/events/{slug}/edit"),
    ("organizer", "/events/{slug}/clone"),
    ("organizer", "/events/{slug}/sessions/new"),
    ("organizer", "/events/{slug}/units/new"),
    ("organizer", "/events/{slug}/units/{unit}/contacts/new"),
    ("organizer", "/events/{slug}/extensions"),
    ("organizer", "/events/{slug}/messages/new"),
    ("organizer", "/events/{slug}/reminders"),
    ("organizer", "/events/{slug}/registration/new"),
    ("organizer", "/events/{slug}/registration/settings"),
    ("organizer", "/events/{slug}/nominations/certificate-settings"),
    ("organizer", "/accounts/new"),
    ("organizer", "/accounts/{user}/tokens/new"),
    ("organizer", "/unit-kinds/"),
    ("organizer", "/audit/"),
]


#: Run in the page: what shows an error although nothing was typed, as readable lines.
ERRORS_SHOWN = """(WORDS) => {
  const seen = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const name = (el) => el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : '')
    + (el.id ? '#' + el.id : '');
  const red = (value) => /rgba?\\((2[0-5]\\d|1[6-9]\\d), ([0-9]|[1-8]\\d), ([0-9]|[1-8]\\d)/
    .test(value);
  const found = [];
  for (const el of document.querySelectorAll('.is-invalid, .invalid-feedback, .alert-danger'))
    if (seen(el)) found.push(`${name(el)}.${el.className}: “${el.innerText.trim().slice(0, 60)}”`);
  for (const el of document.querySelectorAll(':invalid')) {
    if (!seen(el) || el.tagName === 'FORM' || el.tagName === 'FIELDSET') continue;
    const style = getComputedStyle(el);
    if (red(style.borderTopColor) || red(style.boxShadow) || red(style.outlineColor))
      found.push(`${name(el)} painted red by :invalid`);
  }
  const text = document.querySelector('main').innerText;
  for (const words of WORDS) if (text.includes(words)) found.push(`says “${words}”`);
  return found;
}"""
#: What a form's error says (WTForms' messages, the services', the live previews').
ERROR_WORDS = ["cần sửa", "Không được để trống", "Vui lòng nhập", "không hợp lệ",
               "Vui lòng chọn", "Vui lòng sửa"]


@pytest.fixture
def forms(app, runner) -> list[tuple[str, str]]:
    return live_demo_paths(runner, PASSWORD, FORMS)


def test_no_form_shows_an_error_before_anything_is_typed(live_server, page, forms, artifacts):
    problems: list[str] = []
    for _role, _path, _width, where in walk_live_demo(page, live_server, forms, artifacts,
                                                       "blank"):
        problems += [f"{where}: {p}" for p in page.evaluate(ERRORS_SHOWN, ERROR_WORDS)]
    assert not problems, "\n".join(problems)
