"""An event's question settings (chỉ tiêu và hạn gửi câu hỏi): read them, store them (from the
event form and the event definition's ``questions`` section), and contribute them to the
event pages, the API's event JSON and the deadline kinds (``contribute``).
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from eventapp.errors import Invalid
from eventapp.events import cloning, deadlines
from eventapp.events import settings as event_settings
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.questions.forms import QuestionSettingsForm
from eventapp.questions.models import QuestionSettings

#: The deadline kind of questions (``DeadlineExtension.kind``).
DEADLINE = "questions"


def of(event: Event) -> QuestionSettings:
    """The event's settings (a primary-key read, answered by the session's identity map
    while the row is held); an unsaved row of defaults when the event has none."""
    return db.session.get(QuestionSettings, event.id) or QuestionSettings(
        event_id=event.id, min_per_unit=0, max_per_unit=None, deadline=None)


def deadline(event: Event) -> datetime | None:
    return of(event).deadline


def store(event: Event, deadline: datetime | None, min_per_unit: int,
          max_per_unit: int | None) -> QuestionSettings:
    """Set the event's quotas and deadline; a cap below the minimum is refused."""
    if max_per_unit is not None and max_per_unit < min_per_unit:
        raise Invalid({"question_max_per_unit": "Số tối đa không được nhỏ hơn số tối thiểu."})
    row = db.session.get(QuestionSettings, event.id)
    if row is None:
        row = QuestionSettings(event_id=event.id)
        db.session.add(row)
    row.deadline, row.min_per_unit, row.max_per_unit = deadline, min_per_unit, max_per_unit
    db.session.flush()
    return row


def _values(event: Event) -> dict:
    row = of(event)
    return {"question_deadline": row.deadline, "question_min_per_unit": row.min_per_unit,
            "question_max_per_unit": row.max_per_unit}


def _apply(event: Event, values: dict) -> None:
    store(event, values["question_deadline"], values["question_min_per_unit"] or 0,
          values["question_max_per_unit"])


def _load(event: Event, definition: dict) -> None:
    section = definition["questions"]
    store(event, section["deadline"], section["min_per_unit"], section["max_per_unit"])


def _describe(event: Event) -> dict:
    row = of(event)
    return {"deadline": row.deadline.isoformat() if row.deadline else None,
            "min_per_unit": row.min_per_unit, "max_per_unit": row.max_per_unit}


def quota_text(row: QuestionSettings) -> str:
    """``≥ 15`` or ``≥ 15, ≤ 20``."""
    return f"≥ {row.min_per_unit}" + (f", ≤ {row.max_per_unit}" if row.max_per_unit else "")


def _card(event: Event) -> event_settings.Card:
    return event_settings.Card("Câu hỏi mỗi đơn vị", quota_text(of(event)),
                               f"{len(event.topics)} chủ đề")


PART = event_settings.SettingsPart(
    key="questions", legend="Câu hỏi", form=QuestionSettingsForm, values=_values,
    apply=_apply, load=_load, describe=_describe, card=_card)


def copy(source: Event, target: Event, shift: cloning.Shift) -> None:
    """A clone's quotas, and its deadline moved like its sessions."""
    row = of(source)
    store(target, shift.instant(row.deadline), row.min_per_unit, row.max_per_unit)


def contribute(app: Flask) -> None:
    """The questions deadline kind, the questions part of the event settings and its copy."""
    deadlines.register(app, DEADLINE, "Gửi câu hỏi", deadline)
    event_settings.register(app, PART)
    cloning.register(app, "questions", copy)
