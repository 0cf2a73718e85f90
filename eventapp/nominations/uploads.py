"""Dossier files: recognised by their content (never their name), ≤ 10 MB, stored outside
``static/`` under random names in ``UPLOAD_FOLDER/nominations``.

Accepted: PDF (``%PDF-``), DOCX (a zip holding ``word/document.xml``), JPEG, PNG and WebP
images that Pillow can actually decode. Legacy .doc, spreadsheets, HTML, executables and
anything else are refused with a Vietnamese message.

Storage per unit and event (``ensure_room``): at most 5 submission letters (tờ trình),
``UPLOAD_MAX_DOSSIERS_PER_UNIT`` dossiers holding files, ``UPLOAD_MAX_BYTES_PER_UNIT`` bytes
in all (200 MB by default), so that no unit can fill the laptop's disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from PIL import Image, UnidentifiedImageError

from eventapp.database import write_lock
from eventapp.errors import Invalid
from eventapp.events.models import EventUnit
from eventapp.extensions import db
from eventapp.nominations.models import NominationFile
from eventapp.text import clean

MAX_BYTES = 10 * 1024 * 1024
#: Submission letters (tờ trình) one unit keeps per event: new versions, not an archive.
MAX_LETTERS = 5
#: Refuse zip bombs: a DOCX whose parts expand past this is not a dossier document.
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
KINDS = {"pdf": ("application/pdf", ".pdf"),
         "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  ".docx"),
         "jpeg": ("image/jpeg", ".jpg"), "png": ("image/png", ".png"),
         "webp": ("image/webp", ".webp")}
ACCEPT = ".pdf,.docx,.jpg,.jpeg,.png,.webp,application/pdf,image/jpeg,image/png,image/webp"
REFUSED = ("Chỉ nhận tệp PDF, Word (.docx) hoặc ảnh (JPG, PNG, WebP); nội dung tệp này không "
           "thuộc các loại đó.")


@dataclass(frozen=True)
class Checked:
    """A file that passed the checks: its bytes, detected type and a clean display name."""

    data: bytes
    kind: str
    name: str

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]


def read_limited(stream, limit: int = MAX_BYTES) -> bytes:
    """Read at most ``limit`` + 1 bytes, so an oversize file is detected without reading it all."""
    return stream.read(limit + 1)


def sniff(data: bytes) -> str | None:
    """The file's real type from its content, or None when it is not an accepted type."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else None
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n") or \
            (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return _image_kind(data)
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return False
            return sum(i.file_size for i in archive.infolist()) <= MAX_DOCX_UNCOMPRESSED
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _image_kind(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = (image.format or "").lower()
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        return None
    return {"jpeg": "jpeg", "png": "png", "webp": "webp"}.get(fmt)


def clean_name(filename: str | None, kind: str) -> str:
    """The uploaded name without any path, cleaned (``text.clean``), the real extension."""
    name = clean((filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(". ")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (stem[:150] or "tep") + KINDS[kind][1]


def check(storage, field: str = "file") -> Checked:
    """Validate an uploaded ``FileStorage``; raise ``Invalid`` naming ``field`` otherwise."""
    if storage is None or not getattr(storage, "filename", ""):
        raise Invalid({field: "Chưa chọn tệp."})
    data = read_limited(storage.stream)
    if not data:
        raise Invalid({field: "Tệp rỗng."})
    if len(data) > MAX_BYTES:
        raise Invalid({field: "Tệp quá lớn: tối đa 10 MB mỗi tệp."})
    kind = sniff(data)
    if kind is None:
        raise Invalid({field: REFUSED})
    return Checked(data, kind, clean_name(storage.filename, kind))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")


def ensure_room(event_id: int, unit_id: int, nomination_id: int | None, size: int) -> None:
    """Raise ``Invalid`` (field ``file``) when a new file of ``size`` bytes, as a letter
    (``nomination_id`` None) or in that dossier, would pass the unit's storage limits.

    Takes the unit's participation row first, so that two uploads at once cannot both
    pass the count.
    """
    participation = db.session.scalar(sa.select(EventUnit.id).where(
        EventUnit.event_id == event_id, EventUnit.unit_id == unit_id))
    write_lock(db.session, EventUnit, participation)
    mine = sa.select(NominationFile).where(NominationFile.event_id == event_id,
                                           NominationFile.unit_id == unit_id).subquery()
    letters, used, dossiers, here = db.session.execute(sa.select(
        sa.func.count().filter(mine.c.nomination_id.is_(None)),
        sa.func.coalesce(sa.func.sum(mine.c.size), 0),
        sa.func.count(sa.distinct(mine.c.nomination_id)),
        sa.func.count().filter(mine.c.nomination_id == nomination_id))).one()
    config = current_app.config
    if nomination_id is None and letters >= MAX_LETTERS:
        raise Invalid({"file": f"Đơn vị đã có {letters} tờ trình (tối đa {MAX_LETTERS}); hãy "
                               "xóa tờ trình cũ trước khi tải tờ trình mới lên."})
    max_dossiers = config["UPLOAD_MAX_DOSSIERS_PER_UNIT"]
    if nomination_id is not None and not here and dossiers >= max_dossiers:
        raise Invalid({"file": f"Đơn vị đã có tệp trong {dossiers} hồ sơ (tối đa "
                               f"{max_dossiers} hồ sơ mỗi đơn vị); không tải thêm tệp cho hồ "
                               "sơ mới được. Liên hệ Ban tổ chức nếu cần thêm."})
    max_bytes = config["UPLOAD_MAX_BYTES_PER_UNIT"]
    if used + size > max_bytes:
        raise Invalid({"file": f"Đơn vị đã dùng {_megabytes(used)} MB trên "
                               f"{_megabytes(max_bytes)} MB dung lượng tải lên; tệp này "
                               f"({_megabytes(size)} MB) vượt giới hạn. Hãy xóa tệp không "
                               "cần nữa hoặc nén tệp nhỏ hơn."})


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "nominations"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(checked: Checked) -> tuple[str, str]:
    """Write the bytes under a fresh random name; returns (stored name, sha256)."""
    name = secrets.token_hex(24)
    target = folder() / name
    with open(target, "xb") as handle:
        handle.write(checked.data)
    return name, hashlib.sha256(checked.data).hexdigest()


def path_of(stored_name: str) -> Path:
    if not stored_name.isalnum():  # only names we generated; never a path from outside
        raise ValueError("bad stored name")
    return folder() / stored_name


def remove(stored_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        path_of(stored_name).unlink()
