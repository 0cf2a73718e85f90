"""The one xlsx writer and reader: safe text, dates, layout, and refusing bad files."""

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from eventapp.spreadsheets import (
    BadWorkbook,
    Column,
    ImportErrors,
    XlsxBuilder,
    read_rows,
    template,
)
from tests.helpers import with_sheet, xlsx, zip_bomb


def _build(rows):
    builder = XlsxBuilder()
    builder.add_sheet("Danh sách", [Column("Họ và tên", 30), Column("Thời điểm", 18, "datetime"),
                                    Column("Số", 8, "number")], rows)
    return load_workbook(builder.to_bytes())


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)",
                                  "\t=1+1", "\r=1+1", "=1+1"])
def test_formula_like_text_stays_text(text):
    ws = _build([[text, None, 1]]).active
    cell = ws["B2"]
    assert cell.value == text.replace("\r", "\n")  # Excel line breaks are LF
    assert cell.data_type == "s"


def test_layout_stt_header_dates_widths_filter():
    moment = datetime(2020, 2, 4, 16, 59, tzinfo=UTC)  # 23:59 in Hà Nội
    wb = _build([["Nguyễn Văn A", moment, 3], ["Trần Thị B", None, 4]])
    ws = wb.active
    assert [c.value for c in ws[1]] == ["STT", "Họ và tên", "Thời điểm", "Số"]
    assert ws["A1"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D3"
    assert [ws["A2"].value, ws["A3"].value] == [1, 2]
    assert ws["C2"].value == datetime(2020, 2, 4, 23, 59)
    assert ws["C2"].number_format == "dd/mm/yyyy hh:mm"
    assert ws.column_dimensions["B"].width == 30


def test_template_round_trips_through_reader_and_refuses_its_examples():
    headers = ["Mã đơn vị", "Tên đơn vị"]
    data = template("Đơn vị", headers, [["BATRI", "Huyện đoàn Ba Tri"]], ["Ghi chú"],
                    marked="Tên đơn vị").getvalue()
    assert load_workbook(io.BytesIO(data)).active["B2"].value == "Ví dụ: Huyện đoàn Ba Tri"
    with pytest.raises(ImportErrors) as refused:
        read_rows(data, headers)
    assert refused.value.message.startswith("Tệp chỉ có dòng ví dụ của tệp mẫu")
    assert refused.value.rows == [(2, "Dòng ví dụ của tệp mẫu (ô “Tên đơn vị” bắt đầu bằng "
                                      "“Ví dụ:”): xóa dòng này hoặc thay bằng dữ liệu thật.")]
    empty = template("Đơn vị", headers).getvalue()
    assert read_rows(empty, headers) == []
    assert read_rows(xlsx([["BATRI", "Huyện đoàn Ba Tri"], ["VD", "Ví dụ điển hình"]],
                          headers), headers) == [
        (2, {"Mã đơn vị": "BATRI", "Tên đơn vị": "Huyện đoàn Ba Tri"}),
        (3, {"Mã đơn vị": "VD", "Tên đơn vị": "Ví dụ điển hình"})]  # no colon: a real name


def test_template_choices_are_a_hidden_text_list_behind_a_drop_down():
    data = template("Đại biểu", ["Họ và tên", "Thành phần"],
                    choices={"Thành phần": ["=HYPERLINK(\"x\")", "Khách mời"]}).getvalue()
    wb = load_workbook(io.BytesIO(data))
    lists = wb["Danh mục"]
    assert lists.sheet_state == "hidden"
    assert (lists["A2"].value, lists["A2"].data_type) == ('=HYPERLINK("x")', "s")
    (rule,) = wb.active.data_validations.dataValidation
    assert (rule.type, str(rule.sqref)) == ("list", "B2:B5001")
    assert rule.formula1 == "'Danh mục'!$A$2:$A$3"


def test_headers_match_without_diacritics_or_case_and_blank_rows_are_skipped():
    data = xlsx([["ma don vi", "TÊN ĐƠN VỊ"], ["A", "x"], [None, None], ["B", date(2020, 1, 1)]])
    rows = read_rows(data, ["Mã đơn vị", "Tên đơn vị"])
    assert [n for n, _ in rows] == [2, 4]


@pytest.mark.parametrize("data, message", [
    (b"", "tệp rỗng"),
    (b"%PDF-1.4 not a workbook", "không phải Excel"),
    (xlsx([["Tên"], ["x"]]), "thiếu cột: Mã đơn vị"),
])
def test_bad_files_get_vietnamese_messages(data, message):
    with pytest.raises(BadWorkbook) as caught:
        read_rows(data, ["Mã đơn vị"])
    assert message in caught.value.message


def test_zip_bomb_is_refused_before_parsing():
    with pytest.raises(BadWorkbook) as caught:
        read_rows(zip_bomb(100), ["Mã đơn vị"])
    assert "quá lớn" in caught.value.message


def test_too_many_rows_is_refused():
    data = xlsx([["Mã đơn vị"]] + [[f"U{i}"] for i in range(60)])
    with pytest.raises(BadWorkbook) as caught:
        read_rows(data, ["Mã đơn vị"], max_rows=50)
    assert "quá nhiều dòng" in caught.value.message


def test_no_stored_text_can_make_the_writer_fail():
    """Values stored before cleaning existed (controls, a lone surrogate, bidi overrides)
    are written without the characters a worksheet cannot hold."""
    stored = ["Nguyễn\x00 Văn\x1b An", "Lê\ud800 Bình", "\u202eTrần\u202c Cúc", "tab\there",
              "\x08=1+1", "dòng 1\ndòng 2"]
    builder = XlsxBuilder()
    builder.add_sheet("Nhật\x00 ký", [Column("Nội\x01 dung", 30)], [[s] for s in stored])
    ws = load_workbook(builder.to_bytes()).active
    assert ws["B1"].value == "Nội dung"
    assert [ws.cell(row=r, column=2).value for r in range(2, 8)] == [
        "Nguyễn Văn An", "Lê Bình", "Trần Cúc", "tab\there", "=1+1", "dòng 1\ndòng 2"]
    assert ws["B6"].data_type == "s"  # what was behind a control still is not a formula


SHEET = ('<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="http://schemas.'
         'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã đơn vị</t></is></c></row>{rows}')
BOMB = ('<!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                  for i in range(9)) + "]>")


@pytest.mark.parametrize("sheet", [
    SHEET.format(doctype="", rows='<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is>'),
    SHEET.format(doctype="", rows='<row r="2"><c r="A2" t="n"><v>1e99999x</v></c></row>'
                                  "</sheetData></worksheet>"),
    SHEET.format(doctype=BOMB, rows='<row r="2"><c r="A2" t="inlineStr"><is><t>&j;</t></is>'
                                    "</c></row></sheetData></worksheet>"),
], ids=["cut-after-header", "bad-number", "entity-bomb"])
def test_a_damaged_sheet_body_is_a_vietnamese_refusal(sheet):
    with pytest.raises(BadWorkbook) as caught:
        read_rows(with_sheet(sheet), ["Mã đơn vị"])
    assert caught.value.status == 422
    assert "Không đọc được tệp Excel" in caught.value.message


def test_cells_are_cleaned_once_on_the_way_in():
    data = xlsx([["Mã đơn vị", "Nội dung"],
                  ["\u200bBA\u00adTRI\ufeff ", " Dòng 1\u202e \nDòng  2 "],
                  ["\u200b\u3164", "\u00ad"]])
    rows = read_rows(data, ["Mã đơn vị", "Nội dung"], multiline=["Nội dung"])
    assert rows == [(2, {"Mã đơn vị": "BATRI", "Nội dung": "Dòng 1\nDòng 2"})]
