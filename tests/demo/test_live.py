"""``demo --live``: the seed's event moved to the coming days, filled with sample data in
every state a newcomer should try, and a second run that changes nothing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventapp.checkin.models import CheckIn
from eventapp.demo.live import question_texts
from eventapp.demo.samples import SEED, People
from eventapp.events import deadlines
from eventapp.events.models import DeadlineExtension
from eventapp.events.services import get_event
from eventapp.extensions import db
from eventapp.nominations.models import Nomination, NominationFile, NominationStatus
from eventapp.nominations.services import assess
from eventapp.questions import moderation
from eventapp.questions.models import Question, QuestionStatus
from eventapp.registration.codes import attendee_code, code_key, parse_code
from eventapp.registration.models import Attendee
from eventapp.text import fold
from tests.conftest import PASSWORD

#: A fixed "today" (09:00 in Vietnam): the live event's first session is 14 days later.
TODAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
SLUG = "doi-thoai-demo"
VIETNAMESE = "ạảãàáâậầấẩẫăắằặẳẵđẹẻẽèéêệềếểễịỉĩìíọỏõòóôộồốổỗơợờớởỡụủũùúưựừứửữỵỷỹỳý"


def run_demo(runner) -> str:
    result = runner.invoke(args=["demo", "--live", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    db.session.remove()  # read what the command committed, not a cached identity map
    return result.output


@pytest.fixture
def live(app, runner, set_now):
    set_now(TODAY)
    output = run_demo(runner)
    return get_event(SLUG), output


def _rows(model, event):
    return list(db.session.scalars(sa.select(model).where(model.event_id == event.id)))


def test_every_deadline_is_in_the_future_and_the_sessions_a_little_later(live):
    event, output = live
    found = {kind.key: kind.deadline_of(event) for kind in deadlines.kinds()}
    assert set(found) == {"questions", "nominations", "registration"}
    assert all(TODAY + timedelta(days=3) < due < TODAY + timedelta(days=12)
               for due in found.values()), found
    first = min(s.starts_at for s in event.sessions)
    assert first > max(found.values())
    assert first == datetime(2026, 12, 14, 1, 0, tzinfo=UTC)  # 08:00 in Bến Tre, 14 days on
    assert "phiên đầu lúc 08:00 14/12/2026" in output
    assert f"/events/{SLUG}/questions/moderate" in output
    assert "bantochuc@demo.vn" in output and "checkin@demo.vn" in output


def test_one_unit_short_of_questions_has_an_extension(live):
    event, _ = live
    (extension,) = _rows(DeadlineExtension, event)
    assert extension.unit.code == "MOCAYBAC" and extension.kind == "questions"
    assert extension.deadline == deadlines.kind("questions").deadline_of(event) + timedelta(days=3)
    assert extension.granted_by.email == "bantochuc@demo.vn"


def test_the_faithful_2020_event_stays_without_sample_data(live):
    seed = get_event("doi-thoai-2020")
    assert seed.sessions[0].starts_at == datetime(2020, 2, 14, 1, 0, tzinfo=UTC)
    assert _rows(Question, seed) == [] and _rows(Attendee, seed) == []


def test_questions_from_most_units_some_short_one_with_none(live):
    event, _ = live
    counts = dict.fromkeys((p.unit.code for p in event.participations), 0)
    for question in _rows(Question, event):
        counts[question.unit.code] += 1
    assert [code for code, n in counts.items() if n == 0] == ["CD-DONGKHOI"]
    assert sum(counts.values()) == 170  # the figure the README gives
    assert len([n for n in counts.values() if n >= 15]) >= 6
    assert len([n for n in counts.values() if 0 < n < 15]) >= 6
    texts = [q.content for q in _rows(Question, event)]
    assert all(set(text.lower()) & set(VIETNAMESE) for text in texts)
    assert len({fold(t) for t in texts}) == len(texts)


def test_near_duplicates_to_merge_are_the_only_suggestions(live):
    event, _ = live
    pairs = moderation.duplicate_pairs(event)
    # 4 designed groups (3 + 1 + 3 + 1 pairs); no accidental pair among the other questions.
    assert len(pairs) == 8
    assert all(a.unit_id != b.unit_id and a.topic_id == b.topic_id for a, b, _ in pairs)


def test_a_few_questions_selected_and_ordered_by_topic(live):
    event, _ = live
    chosen = moderation.selected(event)
    assert len(chosen) == 6
    assert [q.position for q in chosen] == [1, 2, 3, 4, 5, 6]
    assert [q.topic_id for q in chosen] == sorted(q.topic_id for q in chosen)
    statuses = {q.status for q in _rows(Question, event)}
    assert statuses == {QuestionStatus.submitted, QuestionStatus.selected,
                        QuestionStatus.rejected}


def test_delegates_in_each_category_with_genuine_codes_and_a_few_checked_in(live):
    event, _ = live
    attendees = _rows(Attendee, event)
    assert len(attendees) == 70  # the README's figure
    assert {a.category.key for a in attendees} == {c.key for c in event.categories}
    assert all(parse_code(code_key(), event.id, attendee_code(a)) for a in attendees)
    guests = [a for a in attendees if a.unit_id is None]
    assert {a.category.key for a in guests} == {"lanh-dao"}
    checkins = _rows(CheckIn, event)
    assert len(checkins) == 9
    assert {c.session.key for c in checkins} == {"doi-thoai"}
    assert all(c.staff.email == "checkin@demo.vn" for c in checkins)


def test_dossiers_in_every_state(live, app):
    event, _ = live
    found = {}
    for nomination in _rows(Nomination, event):
        eligible = assess(nomination).eligible
        found.setdefault((nomination.status, eligible), []).append(nomination)
    assert sum(map(len, found.values())) == 7
    assert (NominationStatus.draft, False) in found
    assert len(found[(NominationStatus.submitted, True)]) == 2
    assert len(found[(NominationStatus.submitted, False)]) == 2
    assert (NominationStatus.returned, True) in found
    assert (NominationStatus.approved, True) in found
    returned = found[(NominationStatus.returned, True)][0]
    assert "bổ sung" in returned.review_reason
    files = _rows(NominationFile, event)
    stored = Path(app.config["UPLOAD_FOLDER"]) / "nominations"
    assert files and all((stored / f.stored_name).read_bytes().startswith(b"%PDF-1.4")
                         for f in files)


def _snapshot(app) -> dict:
    """Every table's row count, the stored files, and values a change would show."""
    counts = {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    values = {
        "questions": db.session.execute(sa.select(Question.id, Question.content,
                                                  Question.status, Question.position)
                                        .order_by(Question.id)).all(),
        "attendees": db.session.execute(sa.select(Attendee.id, Attendee.full_name,
                                                  Attendee.code_nonce)
                                        .order_by(Attendee.id)).all(),
        "dossiers": db.session.execute(sa.select(Nomination.id, Nomination.status,
                                                 Nomination.submitted_at)
                                       .order_by(Nomination.id)).all(),
    }
    uploads = sorted(p.name for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*"))
    return {"counts": counts, "uploads": uploads, **values}


def test_a_second_run_changes_nothing_even_in_the_next_year(app, live, runner, set_now):
    before = _snapshot(app)
    assert before["counts"]["question"] > 150
    set_now(TODAY + timedelta(days=40))  # 9 January 2027
    output = run_demo(runner)
    assert f"Sự kiện thử '{SLUG}' đã có sẵn: giữ nguyên, không thay đổi gì." in output
    assert _snapshot(app) == before


def test_the_same_sample_data_on_every_machine(app):
    """Seeded: the texts and names drawn do not depend on the machine or the run."""
    def draw():
        rng = random.Random(SEED)
        people = People(rng)
        return question_texts(rng, []), [people.name() for _ in range(20)]

    assert draw() == draw()
