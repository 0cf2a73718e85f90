"""The unit-code rule: one definition, the same answer in the form, the Excel import and
the event definition."""

import io

import pytest
from openpyxl import Workbook

from eventapp.api import load
from eventapp.errors import Invalid
from eventapp.events.definition import EventDef
from eventapp.units.rules import CODE_MESSAGE, code_error, normal_code
from tests.conftest import demo_definition

UNITS = "/events/doi-thoai-2020/units/"
BAD = ["", "  ", "BA TRI", "BẾN-TRE", "A" * 33, "X/Y"]
GOOD = ["BATRI", "cd-ktkt", " thpt_1 ", "A" * 32]


@pytest.mark.parametrize("code", GOOD)
def test_good_codes_pass_once_normalised(code):
    assert code_error(code) is None and normal_code(code) == code.strip().upper()


@pytest.mark.parametrize("code", BAD)
def test_bad_codes_get_the_one_message(code):
    assert code_error(code) == CODE_MESSAGE


@pytest.mark.parametrize("code", ["BA TRI", "A" * 33])
def test_the_form_the_import_and_the_definition_refuse_alike(client, users, login, code):
    login(users["organizer"])
    page = client.post_form(UNITS + "new", {"code": code, "name": "Đoàn X", "kind": "college"},
                            page=UNITS + "new")
    assert CODE_MESSAGE in page.get_data(as_text=True)

    book = Workbook()
    book.active.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"])
    book.active.append([code, "Đoàn X", "Khác"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    imported = client.post_form(UNITS + "import", {"file": (data, "don-vi.xlsx")},
                                page=UNITS)
    assert CODE_MESSAGE in imported.get_data(as_text=True)

    definition = demo_definition()
    definition["units"][0]["code"] = code
    with pytest.raises(Invalid) as refused:
        load(EventDef, definition)
    assert CODE_MESSAGE in refused.value.fields.values()
