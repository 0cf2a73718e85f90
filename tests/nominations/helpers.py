"""Builders shared by the nominations tests: engine input, dossier form data, sample files."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from eventapp.nominations import eligibility as el

ALL_DOCUMENTS = frozenset(el.DOCUMENTS)
ISSUE_EXAMPLE = {
    "rules": {"reference_date": "2020-02-14", "serving_min_years": 30, "retired_min_years": 25,
              "title_window_years": 1, "discipline_window_years": 5,
              "deadline": "2020-02-05T00:00:00+07:00"},
    "nominee": {"full_name": "Nguyễn Thị Lan", "status": "serving", "retired_on": None,
                "service_periods": [{"start": "1989-09-05", "end": "2001-08-31"},
                                    {"start": "2002-09-01", "end": None}],
                "titles": [{"year": 2019, "title": "lao_dong_tien_tien"}],
                "disciplines": [{"date": "2012-03-01", "level": "khien_trach"}],
                "documents": ["to_trinh", "bao_cao_thanh_tich", "tom_tat_qua_trinh",
                              "xac_nhan_doan_co_so", "xac_nhan_cap_uy"],
                "submitted_at": "2020-02-04T16:30:00+07:00"},
}


def d(text: str) -> date:
    return date.fromisoformat(text)


def nominee(periods=(("1985-09-05", None),), *, status="serving", retired_on=None,
            titles=((2019, "lao_dong_tien_tien"),), disciplines=(), documents=ALL_DOCUMENTS,
            submitted_at=None) -> el.Nominee:
    return el.Nominee(
        status=status, retired_on=d(retired_on) if retired_on else None,
        service_periods=tuple(el.Period(d(s), d(e) if e else None) for s, e in periods),
        titles=tuple(titles), disciplines=tuple((d(x), lvl) for x, lvl in disciplines),
        documents=frozenset(documents),
        submitted_at=datetime.fromisoformat(submitted_at) if submitted_at else None)


def rules(reference="2020-02-14", deadline=None, **numbers) -> el.Rules:
    return el.Rules(reference_date=d(reference),
                    deadline=datetime.fromisoformat(deadline) if deadline else None, **numbers)


def criterion(result: el.Assessment, code: str) -> el.Criterion:
    found = result.criterion(code)
    assert found is not None, f"no criterion {code}"
    return found


# --- Dossier form data ------------------------------------------------------------------------

def dossier_form(**overrides) -> dict:
    """Form fields of an eligible serving nominee (31 years on 14/02/2020)."""
    data = {"full_name": "Nguyễn Thị Lan", "gender": "nu", "birth_date": "1968-05-19",
            "school": "Trường Tiểu học An Thủy", "position": "Giáo viên Tổng phụ trách Đội",
            "status": "serving", "retired_on": "", "note": "",
            "period-0-start": "1989-01-10", "period-0-end": "",
            "title-0-year": "2019", "title-0-title": "chien_si_thi_dua_co_so"}
    data.update(overrides)
    return data


# --- Files ------------------------------------------------------------------------------------

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def docx_bytes(text: str = "Báo cáo thành tích") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", f"<w:document><w:t>{text}</w:t></w:document>")
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 200)).save(buffer, "JPEG")
    return buffer.getvalue()
