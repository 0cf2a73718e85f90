"""The one xlsx writer and reader: safe text, dates, layout, and refusing bad files."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from eventapp.spreadsheets import (
    BadWorkbook,
    Column,
    XlsxBuilder,
    read_rows,
    template,
)


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


def test_template_round_trips_through_reader():
    data = template("Đơn vị", ["Mã đơn vị", "Tên đơn vị"], [["BATRI", "Huyện đoàn Ba Tri"]],
                    ["Ghi chú"]).getvalue()
    assert read_rows(data, ["Mã đơn vị", "Tên đơn vị"]) == [
        (2, {"Mã đơn vị": "BATRI", "Tên đơn vị": "Huyện đoàn Ba Tri"})]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_headers_match_without_diacritics_or_case_and_blank_rows_are_skipped():
    data = _xlsx([["ma don vi", "TÊN ĐƠN VỊ"], ["A", "x"], [None, None], ["B", date(2020, 1, 1)]])
    rows = read_rows(data, ["Mã đơn vị", "Tên đơn vị"])
    assert [n for n, _ in rows] == [2, 4]


@pytest.mark.parametrize("data, message", [
    (b"", "tệp rỗng"),
    (b"%PDF-1.4 not a workbook", "không phải Excel"),
    (_xlsx([["Tên"], ["x"]]), "thiếu cột: Mã đơn vị"),
])
def test_bad_files_get_vietnamese_messages(data, message):
    with pytest.raises(BadWorkbook) as caught:
        read_rows(data, ["Mã đơn vị"])
    assert message in caught.value.message


def test_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (100 * 1024 * 1024))
    with pytest.raises(BadWorkbook) as caught:
        read_rows(buffer.getvalue(), ["Mã đơn vị"])
    assert "quá lớn" in caught.value.message


def test_too_many_rows_is_refused():
    data = _xlsx([["Mã đơn vị"]] + [[f"U{i}"] for i in range(60)])
    with pytest.raises(BadWorkbook) as caught:
        read_rows(data, ["Mã đơn vị"], max_rows=50)
    assert "quá nhiều dòng" in caught.value.message
