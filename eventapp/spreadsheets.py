"""The one Excel writer and reader. Every export and import goes through here.

Writing: openpyxl write-only mode (rows stream to disk, memory flat in the row count),
an STT column, a bold frozen header with an auto-filter, set column widths, real Excel
dates shown ``dd/mm/yyyy HH:MM``, and every string written as text — a value starting with
``=``, ``+``, ``-``, ``@``, tab or CR never becomes a formula. Characters XML cannot carry
(C0 controls, lone surrogates, U+FFFE/U+FFFF) and bidi overrides are dropped, so no stored
value can make an export fail.

Reading: size and zip checks before openpyxl opens anything, header matching, a row
limit, and every text cell cleaned by ``text.clean``; callers validate rows and raise
``ImportErrors`` listing every bad row.

Templates: one rule for example rows, kept here for every import. ``template`` writes each
example row with ``EXAMPLE_MARK`` ("Ví dụ:") in front of one cell; ``read_rows`` refuses a
file that still has such a row (any cell starting with the mark, diacritics and case
ignored), naming every one, so a template uploaded unchanged imports nothing. Choices
(categories, sessions, topics, unit kinds) become drop-down lists read from a hidden
"Danh mục" sheet, written as text like every other value.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from eventapp import formatting
from eventapp.errors import DomainError
from eventapp.formatting import zone
from eventapp.text import clean, fold

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
#: What marks a template's example row (in front of one of its cells).
EXAMPLE_MARK = "Ví dụ:"
CHOICES_SHEET = "Danh mục"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
#: What an XML 1.0 document cannot hold (openpyxl raises IllegalCharacterError, or the
#: UTF-8 encoder fails on a surrogate), and the bidi controls that could disguise a cell.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff"
                         "\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 20
    #: "text", "number", "datetime" (aware → local time) or "date".
    kind: str = "text"
    wrap: bool = False


class XlsxBuilder:
    """Build a workbook sheet by sheet, streaming rows; ``to_bytes()`` finishes it."""

    def __init__(self, tz: ZoneInfo | str | None = None):
        self._wb = Workbook(write_only=True)
        self._tz = zone(tz)  # the event's zone as the caller names it, else the configured one

    def add_sheet(self, title: str, columns: Sequence[Column], rows: Iterable[Sequence],
                  *, stt: bool = True) -> int:
        """Write one sheet; the STT column is added in front. Returns the row count."""
        ws = self._wb.create_sheet(title=_sheet_title(title))
        cols = ([Column("STT", 6, "number")] if stt else []) + list(columns)
        for index, col in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(index)].width = col.width
        ws.freeze_panes = "A2"
        header = []
        for col in cols:
            cell = WriteOnlyCell(ws, value=writable(col.header))
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            header.append(cell)
        ws.append(header)
        count = 0
        for count, row in enumerate(rows, start=1):
            values = ([count] if stt else []) + list(row)
            ws.append([self._cell(ws, value, col) for value, col in zip(values, cols, strict=True)])
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{count + 1}"
        return count

    def _cell(self, ws, value, col: Column):
        if isinstance(value, str):
            value = writable(value)
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(self._tz).replace(tzinfo=None)
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATETIME_FORMAT
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        if isinstance(value, bool | int | float) and col.kind == "number":
            return value
        if isinstance(value, str) and not col.wrap and value[:1] != "=" and "\r" not in value \
                and value not in ERROR_CODES:
            return value  # openpyxl writes a plain str as text; only "=…" could be a formula
        # Excel's line break is LF (a bare CR would not survive the XML round trip anyway).
        text = str(value).replace("\r\n", "\n").replace("\r", "\n")
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if col.wrap:
            cell.alignment = _WRAP
        return cell

    def save(self, target) -> None:
        self._wb.save(target)

    def to_bytes(self) -> io.BytesIO:
        buffer = io.BytesIO()
        self._wb.save(buffer)
        buffer.seek(0)
        return buffer


def writable(text: str) -> str:
    """``text`` without the characters a worksheet cannot hold (see ``_UNWRITABLE``)."""
    return _UNWRITABLE.sub("", text) if not text.isprintable() else text


def spooled_xlsx(builder: XlsxBuilder):
    """The finished workbook in a temporary file (kept on disk past 8 MB), rewound."""
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    builder.save(handle)
    handle.seek(0)
    return handle


def _sheet_title(title: str) -> str:
    title = clean(title)
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31] or "Sheet"


def template(title: str, headers: Sequence[str], examples: Sequence[Sequence] = (),
             notes: Sequence[str] = (), *, choices: Mapping[str, Sequence[str]] | None = None,
             open_choices: Collection[str] = (), marked: str | None = None) -> io.BytesIO:
    """A downloadable import template: the header row, example rows, and a notes sheet.

    Each example row gets ``EXAMPLE_MARK`` in front of its ``marked`` column (the first by
    default), which ``read_rows`` refuses. ``choices`` maps a header to the values of its
    drop-down list; under a header in ``open_choices`` other text may be typed too (several
    sessions "1, 2"), elsewhere Excel refuses a value not in the list.
    """
    choices = {h: list(v) for h, v in (choices or {}).items() if v}
    column = headers.index(marked) if marked else 0
    examples = [[f"{EXAMPLE_MARK} {v}" if i == column else v for i, v in enumerate(row)]
                for row in examples]
    builder = XlsxBuilder()
    builder.add_sheet(title, [Column(h, max(14, len(h) + 4)) for h in headers], examples,
                      stt=False)
    if notes:
        builder.add_sheet("Hướng dẫn", [Column("Hướng dẫn", 100, wrap=True)],
                          [[n] for n in notes], stt=False)
    if choices:
        _add_choices(builder, headers, choices, frozenset(open_choices))
    return builder.to_bytes()


def _add_choices(builder: XlsxBuilder, headers: Sequence[str], choices: dict[str, list[str]],
                 open_choices: frozenset[str]) -> None:
    """The hidden "Danh mục" sheet (one column per list) and a drop-down per column."""
    names = list(choices)
    longest = max(len(v) for v in choices.values())
    rows = [[choices[h][i] if i < len(choices[h]) else None for h in names]
            for i in range(longest)]
    builder.add_sheet(CHOICES_SHEET, [Column(h, 40) for h in names], rows, stt=False)
    sheets = builder._wb.worksheets
    sheets[-1].sheet_state = "hidden"
    main = sheets[0]
    for index, header in enumerate(names, start=1):
        letter = get_column_letter(index)
        strict = header not in open_choices
        rule = DataValidation(
            type="list", allow_blank=True, showErrorMessage=strict,
            formula1=f"'{CHOICES_SHEET}'!${letter}$2:${letter}${len(choices[header]) + 1}",
            errorTitle="Giá trị không có trong danh sách" if strict else None,
            error=f"Chọn “{header}” trong danh sách." if strict else None)
        target = get_column_letter(headers.index(header) + 1)
        rule.add(f"{target}2:{target}{MAX_IMPORT_ROWS + 1}")
        main.data_validations.append(rule)


# --- Reading -------------------------------------------------------------------------

class ImportErrors(DomainError):
    """An import refused as a whole; ``rows`` lists (row number, reason) for every bad row."""

    status = 422
    code = "import_invalid"

    def __init__(self, rows: list[tuple[int, str]], message: str | None = None):
        super().__init__(message or f"Tệp có {formatting.number(len(rows))} dòng lỗi; chưa có dữ "
                                    "liệu nào được nhập. Sửa các dòng dưới đây rồi tải lên lại.",
                         rows=[{"row": n, "reason": r} for n, r in rows])
        self.rows = rows


class BadWorkbook(DomainError):
    status = 422
    code = "bad_file"


def read_rows(data: bytes, headers: Sequence[str], *, max_rows: int = MAX_IMPORT_ROWS,
              multiline: Collection[str] = (), optional: Collection[str] = ()
              ) -> list[tuple[int, dict[str, object]]]:
    """Rows of the first sheet as ``(excel row number, {header: value})``, blank rows skipped.

    Headers are matched case- and diacritics-insensitively; every expected header must be
    present, but those in ``optional`` (columns added to a template later: a file made
    from the older template still imports; their value is then None). Text cells are
    cleaned (``text.clean``); those under a ``multiline`` header keep
    their line breaks. Raises ``BadWorkbook`` with a Vietnamese message for anything not a
    sane .xlsx.
    """
    if not data:
        raise BadWorkbook("Chưa chọn tệp hoặc tệp rỗng.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadWorkbook("Tệp quá lớn (tối đa 5 MB).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise BadWorkbook("Tệp Excel quá lớn sau khi giải nén; hãy chia nhỏ tệp.")
            if "xl/workbook.xml" not in archive.namelist():
                raise BadWorkbook("Tệp không phải bảng tính Excel (.xlsx).")
    except zipfile.BadZipFile:
        raise BadWorkbook("Tệp không phải Excel (.xlsx) hợp lệ. Hãy dùng tệp mẫu tải về "
                          "từ hệ thống và lưu ở định dạng .xlsx.") from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged files
        raise BadWorkbook(DAMAGED) from None
    try:
        return _rows(wb, headers, max_rows, frozenset(multiline), frozenset(optional))
    except DomainError:  # BadWorkbook, ImportErrors for example rows
        raise
    except Exception:  # the sheet's XML is parsed row by row: damage shows up here
        raise BadWorkbook(DAMAGED) from None
    finally:
        wb.close()


DAMAGED = "Không đọc được tệp Excel; tệp có thể bị hỏng."


def _rows(wb, headers: Sequence[str], max_rows: int, multiline: frozenset[str],
          optional: frozenset[str] = frozenset()) -> list[tuple[int, dict[str, object]]]:
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    first = next(rows, None)
    found = [fold(str(v)) if v is not None else "" for v in (first or ())]
    wanted = {fold(h): h for h in headers}
    missing = [h for key, h in wanted.items() if key not in found and h not in optional]
    if missing:
        raise BadWorkbook("Tệp thiếu cột: " + ", ".join(missing) +
                          ". Hãy dùng đúng tệp mẫu (dòng 1 là tiêu đề cột).")
    # An absent optional column reads as the column past the row's end: None.
    position = {wanted[key]: found.index(key) if key in found else len(found) + 10_000
                for key in wanted}
    result, examples = [], []
    for number, values in enumerate(rows, start=2):
        if number - 1 > max_rows:
            raise BadWorkbook(f"Tệp có quá nhiều dòng (tối đa {max_rows}).")
        if values is None:
            continue
        row = {h: _cell_value(values, i, h in multiline) for h, i in position.items()}
        if any(v is not None for v in row.values()):
            result.append((number, row))
        marked = next((h for h, v in row.items() if is_example(v)), None)
        if marked:
            examples.append((number, f"Dòng ví dụ của tệp mẫu (ô “{marked}” bắt đầu bằng "
                                     f"“{EXAMPLE_MARK}”): xóa dòng này hoặc thay bằng dữ "
                                     "liệu thật."))
    if examples:
        raise ImportErrors(examples, _EXAMPLES_ONLY if len(examples) == len(result)
                           else _EXAMPLES_LEFT)
    return result


_EXAMPLES_ONLY = ("Tệp chỉ có dòng ví dụ của tệp mẫu; chưa có dữ liệu nào được nhập. Thay các "
                  "dòng ví dụ bằng dữ liệu thật rồi tải lên lại.")
_EXAMPLES_LEFT = ("Tệp còn dòng ví dụ của tệp mẫu; chưa có dữ liệu nào được nhập. Xóa các dòng "
                  "ví dụ dưới đây rồi tải lên lại.")
_FOLDED_MARK = fold(EXAMPLE_MARK)


def is_example(value) -> bool:
    """Whether a cell marks a template's example row (``EXAMPLE_MARK``, any case/accents)."""
    return isinstance(value, str) and fold(value).startswith(_FOLDED_MARK)


def _cell_value(values: tuple, index: int, multiline: bool):
    value = values[index] if index < len(values) else None
    if isinstance(value, str):
        return clean(value, multiline=multiline) or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
