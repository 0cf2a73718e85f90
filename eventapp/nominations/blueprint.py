"""The nominations blueprint; ``cli_group=None`` makes ``flask eligibility`` top-level."""

from datetime import date, timedelta

from flask import Blueprint

from eventapp.nominations import eligibility as el

bp = Blueprint("nominations", __name__, url_prefix="/events/<slug>/nominations",
               cli_group=None)


@bp.context_processor
def _labels() -> dict:
    """Vietnamese labels of the engine's codes, for this blueprint's templates."""
    return {"criteria_labels": el.CRITERIA_LABELS, "manual_labels": el.MANUAL_CRITERIA,
            "document_labels": el.DOCUMENTS, "title_labels": el.TITLE_LABELS,
            "level_labels": el.DISCIPLINE_LABELS, "service_statuses": el.STATUSES,
            "one_day": timedelta(days=1), "vn": _vn, "filesize": _filesize}


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
