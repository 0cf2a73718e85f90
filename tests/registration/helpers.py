"""Builders shared by the registration tests: a delegates workbook and its upload."""

from __future__ import annotations

import io

from eventapp.registration.imports import HEADERS
from tests.helpers import xlsx

BASE = "/events/doi-thoai-2020/registration"


def workbook(rows, headers=HEADERS) -> bytes:
    """A delegates workbook: the import's headers (or ``headers``), then ``rows``."""
    return xlsx(rows, headers)


def upload(client, data: bytes, unit: str | None = None):
    form = {"file": (io.BytesIO(data), "dai-bieu.xlsx")}
    if unit is not None:
        form["unit"] = unit
    return client.post_form(f"{BASE}/import", form, page=f"{BASE}/",
                            content_type="multipart/form-data")
