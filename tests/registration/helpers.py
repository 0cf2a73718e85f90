"""Builders shared by the registration tests: a delegates workbook and its upload."""

from __future__ import annotations

import io

from openpyxl import Workbook

from eventapp.registration.imports import HEADERS

BASE = "/events/doi-thoai-2020/registration"


def workbook(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, unit: str | None = None):
    form = {"file": (io.BytesIO(data), "dai-bieu.xlsx")}
    if unit is not None:
        form["unit"] = unit
    return client.post_form(f"{BASE}/import", form, page=f"{BASE}/",
                            content_type="multipart/form-data")
