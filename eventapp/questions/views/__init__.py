"""The questions blueprint and what its views share: the loaders of the question and the
unit a page is about (declared in ``@policy``), and redirects back to a safe page.
"""

from __future__ import annotations

from flask import Blueprint, request

from eventapp.accounts.models import Role
from eventapp.policy import Loader
from eventapp.units.access import may_see_unit
from eventapp.views import safe_next

from .. import access, services
from ..models import QuestionStatus
from ..rules import ORGANIZER_MOVES

bp = Blueprint("questions", __name__, url_prefix="/events/<slug>/questions")


@bp.context_processor
def _labels() -> dict:
    return {"QuestionStatus": QuestionStatus}


# A global, not a context value: the moderation row macro is imported without a context
# (once per page, not once per row) and also drawn alone for the page's script.
@bp.app_template_global()
def allowed_moves(q) -> set[str]:
    """The status buttons an organizer sees on question ``q``."""
    return {s.value for s in ORGANIZER_MOVES[q.status]}


#: Organizers and the units taking part: the questions pages' roles.
MEMBER = (Role.organizer, Role.unit)
#: A question of the event: organizers see all, a unit its own (404 otherwise).
QUESTION = Loader("question_id", "question", services.get_question, access.may_see_question,
                  "Không tìm thấy câu hỏi.")
#: A unit of the event by code, whose own page this is (organizers: any unit).
UNIT = Loader("code", "unit", services.unit_by_code, may_see_unit,
              "Không tìm thấy đơn vị trong sự kiện này.")


def back(default: str) -> str:
    """Where to go after a post: the form's ``next`` if it is a local path."""
    return safe_next(request.form.get("next") or request.args.get("next")) or default
