"""The questions domain on the organizer's dashboard: each unit's delivery against the
question deadline (done at its minimum) and the questions waiting for moderation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from eventapp.dashboard.registry import Waiting, register_waiting, waiting_per_event
from eventapp.events import progress

from . import settings
from .models import COUNTED, Question, QuestionStatus


def deliveries(event, unit_ids=None, instants: bool = True
               ) -> dict[int, progress.Delivery]:
    """Every unit: done when it has sent its minimum (at least one question), sent at the
    instant of the question that reached it; withdrawn questions do not count."""
    minimum = settings.of(event).min_per_unit or 0
    items = sa.select(Question.unit_id, Question.created_at.label("at")).where(
        Question.event_id == event.id, Question.status.in_([s.value for s in COUNTED]))
    return progress.counted(event, unit_ids, instants, items, minimum,
                            lambda n: f"{n}/{minimum} câu hỏi" if minimum else f"{n} câu hỏi")


def waiting() -> list[Waiting]:
    """Questions still to moderate (status "chờ xử lý"), per event."""
    return waiting_per_event(Question, QuestionStatus.submitted.value, "Câu hỏi chờ duyệt",
                             "questions.moderate")


def contribute(app: Flask) -> None:
    progress.register(app, settings.DEADLINE, deliveries, page="questions.board_view")
    register_waiting(app, waiting)
