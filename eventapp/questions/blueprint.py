"""The questions blueprint and what its views share: loading the event, the question and
the unit a page is about, with the permission checks, and redirects back to a safe page.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from eventapp.auth import ensure_unit_access, event_for
from eventapp.errors import Forbidden
from eventapp.events.models import Event
from eventapp.units.models import Unit
from eventapp.views import safe_next

from .models import QuestionStatus

bp = Blueprint("questions", __name__, url_prefix="/events/<slug>/questions")


@bp.context_processor
def _labels() -> dict:
    from .rules import ORGANIZER_MOVES

    return {"QuestionStatus": QuestionStatus,
            "allowed_moves": lambda q: {s.value for s in ORGANIZER_MOVES[q.status_enum]}}


def load_event(slug: str) -> Event:
    """The event for an organizer or a unit taking part (check-in staff are refused)."""
    if not (current_user.is_organizer or current_user.is_unit):
        raise Forbidden("Tài khoản này không dùng chức năng câu hỏi.")
    return event_for(current_user, slug)


def load_question(event: Event, question_id: int):
    """A question of ``event`` the current user may see (a unit: only its own)."""
    from .services import get_question

    question = get_question(event, question_id)
    ensure_unit_access(current_user, question.unit_id)
    return question


def load_unit(event: Event, code: str) -> Unit:
    from .services import unit_by_code

    unit = unit_by_code(event, code)
    ensure_unit_access(current_user, unit.id)
    return unit


def back(default: str) -> str:
    """Where to go after a post: the form's ``next`` if it is a local path."""
    return safe_next(request.form.get("next") or request.args.get("next")) or default
