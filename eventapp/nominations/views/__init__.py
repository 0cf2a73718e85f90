"""The nominations blueprint and the loaders its routes declare in ``@policy``."""

from datetime import date

from flask import Blueprint

from eventapp.nominations import access, services
from eventapp.nominations import eligibility as el
from eventapp.policy import Loader

bp = Blueprint("nominations", __name__, url_prefix="/events/<slug>/nominations")

#: A dossier of the event: its unit's, or a sent one for organizers (404 otherwise).
NOMINATION = Loader("nomination_id", "nomination", services.get_nomination,
                    access.may_see_nomination, "Không tìm thấy hồ sơ.")
#: A dossier's file or a unit's letter, seen by whoever sees what it belongs to.
FILE = Loader("file_id", "file", services.get_file, access.may_see_file, "Không tìm thấy tệp.")


@bp.context_processor
def _labels() -> dict:
    """Vietnamese labels of the engine's codes, for this blueprint's templates."""
    return {"criteria_labels": el.CRITERIA_LABELS, "manual_labels": el.MANUAL_CRITERIA,
            "document_labels": el.DOCUMENTS, "title_labels": el.TITLE_LABELS,
            "level_labels": el.DISCIPLINE_LABELS,
            "vn": _vn, "filesize": _filesize}


def _filesize(size: int) -> str:
    if size < 1024:
        return f"{size} byte"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _vn(value) -> str:
    """An ISO date string (as stored in JSON) or a date, shown dd/mm/yyyy."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%d/%m/%Y")
