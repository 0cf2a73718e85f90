"""JSON API of the questions domain: submit a question, list them, the per-unit summary,
bulk moderation."""

from __future__ import annotations

from flask import request

from eventapp.accounts.models import Role
from eventapp.api import api_blueprint, json_body, load, operation
from eventapp.auth import api_user
from eventapp.errors import Forbidden, Invalid, NotFound
from eventapp.events.models import Event
from eventapp.events.services import effective_deadline
from eventapp.policy import EVENT, policy
from eventapp.units.access import unit_acted_for

from . import board, bulk, services, settings
from .models import Question, QuestionSource
from .schemas import (
    ModerationRequest,
    ModerationResult,
    QuestionCreate,
    QuestionCreated,
    QuestionList,
    QuestionListQuery,
    QuestionOut,
    QuestionSummary,
    SummaryQuery,
)
from .views import MEMBER, QUESTION

bp = api_blueprint("questions_api", __name__)
#: A parent unit that does not itself take part in the event names the child it acts for.
UNIT_NEEDED = "Đơn vị của mã truy cập không tham gia sự kiện này: ghi mã đơn vị cấp dưới (unit)."


def _unit_for(event: Event, user, code: str | None):
    """The unit a request acts for: a unit token its own or, named by code, a child's
    (``units.access.unit_acted_for``); an organizer token must say."""
    if user.is_unit:
        unit = unit_acted_for(user, event, code)
        if unit is None and not (code or "").strip():
            raise Invalid({"unit": UNIT_NEEDED})
        if unit is None:
            raise Forbidden("Mã truy cập của đơn vị chỉ gửi được câu hỏi cho chính đơn vị đó "
                            "hoặc đơn vị cấp dưới của nó.")
        return unit
    if not code or not code.strip():
        raise Invalid({"unit": "Tài khoản Ban tổ chức phải ghi mã đơn vị (unit)."})
    try:
        return services.unit_by_code(event, code)
    except NotFound as error:
        raise Invalid({"unit": error.message}) from None


def question_dict(q: Question) -> dict:
    return {"id": q.id, "unit": q.unit.code, "topic": q.topic.name if q.topic else None,
            "content": q.content, "asker_name": q.asker_name,
            "asker_position": q.asker_position, "status": q.status,
            "merged_into": q.merged_into_id, "created_at": q.created_at.isoformat()}


@bp.post("/events/<slug>/questions")
@operation(summary="Gửi một câu hỏi (tâm tư, đề xuất) cho đơn vị", tags=["questions"],
           request=QuestionCreate, responses={201: QuestionCreated},
           errors=[400, 401, 403, 404, 409, 422, 429, 503])
@policy(*MEMBER, load=EVENT, api=True)
def create_question(event: Event):
    """403 deadline_passed at or after the unit's deadline (an organizer who gives a
    ``late_reason`` enters it all the same, recorded); 409 quota_full at the cap."""
    user = api_user()
    data = json_body(QuestionCreate)
    unit = _unit_for(event, user, data.get("unit"))
    draft = services.draft_or_invalid(event, content=data["content"], topic=data["topic"],
                                      asker_name=data.get("asker_name") or "",
                                      asker_position=data.get("asker_position") or "")
    saved = services.submit(event, unit, [draft], user=user, source=QuestionSource.api,
                            late_reason=data.get("late_reason"))
    question = saved.questions[0]
    deadline, quotas = effective_deadline(event, unit.id, services.KIND), settings.of(event)
    return {"id": question.id, "unit": unit.code, "unit_count": saved.unit_count,
            "min_per_unit": quotas.min_per_unit, "max_per_unit": quotas.max_per_unit,
            "topic": question.topic.name if question.topic else None,
            "status": question.status,
            "deadline": deadline.isoformat() if deadline else None}, 201


@bp.get("/events/<slug>/questions")
@operation(summary="Danh sách câu hỏi (đơn vị: chỉ của mình)", tags=["questions"],
           query=QuestionListQuery, responses={200: QuestionList})
@policy(*MEMBER, load=EVENT, api=True)
def list_questions(event: Event):
    user = api_user()
    args = load(QuestionListQuery, request.args.to_dict())
    if user.is_unit:
        unit = unit_acted_for(user, event, args["unit"])
        if unit is None and not args["unit"]:
            raise Invalid({"unit": UNIT_NEEDED})
        if unit is None:
            raise Forbidden("Đơn vị chỉ xem được câu hỏi của mình và của đơn vị cấp dưới.")
        unit_id = unit.id
    else:
        unit_id = services.unit_by_code(event, args["unit"]).id if args["unit"] else None
    rows = services.list_questions(event, unit_id, args["status"])
    return {"questions": [question_dict(q) for q in rows]}


@bp.get("/events/<slug>/questions/<int:question_id>")
@operation(summary="Một câu hỏi", tags=["questions"], responses={200: QuestionOut})
@policy(*MEMBER, load=QUESTION, api=True)
def get_question(event: Event, question: Question):
    return question_dict(question)


@bp.get("/events/<slug>/questions/summary")
@operation(summary="Tiến độ gửi câu hỏi của từng đơn vị (Ban tổ chức)", tags=["questions"],
           query=SummaryQuery, responses={200: QuestionSummary})
@policy(Role.organizer, load=EVENT, api=True)
def summary(event: Event):
    """Withdrawn questions do not count; merged ones count for every unit that asked."""
    load(SummaryQuery, {})
    return board.summary(event)


@bp.post("/events/<slug>/questions/moderation")
@operation(summary="Kiểm duyệt hàng loạt: chọn, không chọn hoặc đổi chủ đề nhiều câu hỏi",
           tags=["questions"], request=ModerationRequest, responses={200: ModerationResult},
           errors=[400, 401, 403, 404, 409, 422, 429, 503])
@policy(Role.organizer, load=EVENT, api=True)
def moderate_many(event: Event):
    """Skip and report: a question that cannot take the action is listed with the reason;
    an unknown id, action or topic changes nothing (422)."""
    data = json_body(ModerationRequest)
    results = bulk.apply(event, data["ids"], data["action"], topic_id=data["topic"],
                         user=api_user())
    return {"summary": bulk.summary(results), "results": [r.as_dict() for r in results]}
