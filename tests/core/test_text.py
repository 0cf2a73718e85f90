"""The one text-cleaning rule (``text.clean``) and the duplicate key built on it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventapp.text import clean, fold, is_clean


@pytest.mark.parametrize("raw, expected", [
    ("  Nguyễn   Văn  An ", "Nguyễn Văn An"),
    ("Nguye\u0302\u0303n", "Nguyễn"),                      # NFD typed by a Mac → NFC
    ("Nguyễn\u200b Văn\u00ad An\ufeff", "Nguyễn Văn An"),  # zero-width, soft hyphen, BOM
    ("\u202eNguyễn\u202c Văn An", "Nguyễn Văn An"),         # right-to-left override
    ("An\u200c\u200d\u2060", "An"),
    ("Lê\x00 Văn\x1b[31m Bình\x7f", "Lê Văn[31m Bình"),  # controls
    ("Hồ\tThị\r\nCúc", "Hồ Thị Cúc"),                       # whitespace controls: one space
    ("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),          # only invisible: blank
    ("\u3164 \u115f\u2800", ""),                            # fillers that render as nothing
    ("\u0301\u0323", ""),                                   # only combining marks
    ("\ud800An", "An"),                                     # a lone surrogate
    (None, ""),
])
def test_clean_one_line(raw, expected):
    assert clean(raw) == expected


def test_clean_multiline_keeps_line_breaks_only():
    text = " Câu 1:\u200b  phòng Đội \r\nCâu 2:\x0b\tbiên chế \n\n\n\u202eCâu 3 "
    assert clean(text, multiline=True) == "Câu 1: phòng Đội\nCâu 2: biên chế\n\n\nCâu 3"
    assert clean(text) == "Câu 1: phòng Đội Câu 2: biên chế Câu 3"


def test_duplicates_are_found_on_the_cleaned_text():
    assert fold("Nguyễn\u200b Văn\u00ad Ấn\ufeff") == fold("nguyen van an") == "nguyen van an"
    assert fold("\u202eĐặng Thị Mai") == fold("Dang thi mai")
    assert fold("\u200b\u3164") == ""


TEXT = st.text(st.characters(codec="utf-16", exclude_characters=()), max_size=40) | \
    st.text(st.sampled_from("aĂ ắ\u0301\u200b\u202e\ufeff\x00\t\n\r\u00ad\u3164"), max_size=20)


@settings(max_examples=500, deadline=None)
@given(TEXT, st.booleans())
def test_clean_is_idempotent_and_leaves_nothing_invisible(raw, multiline):
    once = clean(raw, multiline=multiline)
    assert clean(once, multiline=multiline) == once
    assert unicodedata.is_normalized("NFC", once)
    assert once == once.strip()
    for ch in once:
        assert ch == "\n" and multiline or unicodedata.category(ch) not in (
            "Cc", "Cf", "Cs", "Co", "Cn"), repr(ch)
    assert fold(raw) == fold(once)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_is_clean_never_says_yes_wrongly(raw):
    if is_clean(raw):
        assert clean(raw) == raw
