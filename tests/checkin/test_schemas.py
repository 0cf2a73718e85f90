"""The scan body's fast path (``CheckinRequest.fast_load``) against the schema itself."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from eventapp.checkin.schemas import CheckinRequest

SCHEMA = CheckinRequest()
CODE = "A" * 26 + "." + "B2" * 13

def strings(limit: int):
    """Blank ones, ``limit`` and one more characters (ASCII, Vietnamese, spaces), others."""
    return st.one_of(st.sampled_from(["", " ", "\t\r\n"]),
                     st.builds(lambda n, c: c * n,
                               st.sampled_from([limit, limit + 1]),
                               st.sampled_from(["a", "ư", " "])),
                     st.text(max_size=6))


wrong = st.one_of(st.none(), st.booleans(), st.integers(-1, 1), st.floats(0, 1),
                  st.lists(st.none(), max_size=1), st.dictionaries(st.just("a"), st.none()))
# What a field may be set to: its limits, blanks and the wrong JSON types.
EDGES = {"code": st.one_of(st.just(f" {CODE}\r\n"), strings(512), wrong),
         "session": st.one_of(strings(64), wrong),
         "device": st.one_of(strings(64), wrong),
         "scan_id": st.one_of(strings(64), wrong),
         "offline": st.one_of(st.booleans(), wrong, st.sampled_from(["true", "0"])),
         "scanned_at": st.sampled_from([None, "2020-02-14T08:03:00+07:00",
                                        "2020-02-14T08:03:00"]),
         "extra": wrong}


@st.composite
def bodies(draw) -> dict:
    """A usual scan body, with up to two fields set to an edge value or dropped."""
    body = {"code": CODE, "session": "doi-thoai", "device": "cửa 1", "scan_id": "s-1",
            "offline": False}
    body = {k: v for k, v in body.items() if k in ("code", "session") or draw(st.booleans())}
    for key in draw(st.lists(st.sampled_from(sorted(EDGES)), max_size=2)):
        if draw(st.integers(0, 5)):
            body[key] = draw(EDGES[key])
        else:
            body.pop(key, None)
    return body


@settings(max_examples=1000, deadline=None)
@given(bodies())
def test_agrees_with_the_schema_wherever_it_answers(body):
    quick = CheckinRequest.fast_load(body)
    if quick is None:
        return  # the schema decides, as for any other body
    try:
        expected = SCHEMA.load(body)
    except ValidationError as error:
        pytest.fail(f"the fast path accepted {body!r}; the schema says {error.messages}")
    assert quick == expected
    assert [type(quick[k]) for k in expected] == [type(v) for v in expected.values()]


@pytest.mark.parametrize("body", [
    {"code": CODE, "session": "doi-thoai"},
    {"code": f"  {CODE}\r\n", "session": "doi-thoai", "device": "cửa 1"},
    {"code": CODE, "session": "doi-thoai", "device": "", "scan_id": "s-1", "offline": False},
])
def test_takes_the_bodies_doors_send(body):
    """The scanner page's and a scanner app's usual bodies do not reach marshmallow."""
    assert CheckinRequest.fast_load(body) == SCHEMA.load(body)


@pytest.mark.parametrize("body", [
    {"code": CODE, "session": "doi-thoai", "scanned_at": "2020-02-14T08:03:00+07:00"},
    {"code": CODE, "session": " "},
    {"code": CODE, "session": "doi-thoai", "device": None},
    {"code": CODE, "session": "doi-thoai", "offline": "true"},
    {"code": CODE, "session": "doi-thoai", "extra": 1},
])
def test_leaves_the_rest_to_the_schema(body):
    assert CheckinRequest.fast_load(body) is None
