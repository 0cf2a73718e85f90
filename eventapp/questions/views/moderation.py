"""The organizer's moderation pages: the filtered list with duplicate suggestions, one
question's detail (wording, topic, status, merge), the duplicate pairs, and the order of
the selected questions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.api import json_data
from eventapp.errors import DomainError, Invalid
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.forms import EmptyForm
from eventapp.params import storable_int, whole_number
from eventapp.policy import EVENT, policy
from eventapp.views import button_form, submit_form

from .. import bulk, moderation, services
from ..forms import BulkForm, MergeForm, StatusForm, WordingForm, with_topics
from ..models import Question, QuestionStatus
from . import QUESTION, back, bp


def _filters(event: Event) -> moderation.Filters:
    args = request.args
    return moderation.Filters(topic_id=args.get("topic", type=storable_int),
                              unit_id=args.get("unit", type=storable_int),
                              status=args.get("status", ""), text=args.get("q", "")[:200])


@bp.get("/moderate")
@policy(Role.organizer, load=EVENT)
def moderate(event: Event):
    filters = _filters(event)
    page = max(request.args.get("page", 1, type=storable_int), 1)
    per = request.args.get("per", type=storable_int)
    per = per if per in moderation.PER_PAGE_CHOICES else moderation.PER_PAGE_CHOICES[0]
    found = moderation.search(event, filters, page, per)
    questions = found.items
    return render_template("questions/moderate.html", event=event, questions=questions,
                           total=found.total, page=found, filters=filters, per=per,
                           per_choices=moderation.PER_PAGE_CHOICES,
                           statuses=list(QuestionStatus), here=request.full_path,
                           **_row_context(event, questions))


def _row_context(event: Event, questions) -> dict:
    """What a moderation row needs besides the question: merged ones, live duplicates."""
    hints, others = moderation.live_suggestions(event, questions)
    return {"merged": moderation.askers(questions), "hints": hints, "others": others}


def _rows(event: Event, questions) -> dict[int, str]:
    """Rows of the moderation list as saved now, drawn by the page's own partial, for a
    script to put in place of the old ones (no reload, the scroll position kept)."""
    context = _row_context(event, questions)
    row = get_template_attribute("questions/_moderation_row.html", "row")
    csrf, here = EmptyForm().hidden_tag(), url_for("questions.moderate", slug=event.slug)
    return {q.id: str(row(q, event, context["merged"], context["hints"], context["others"],
                          csrf, here)) for q in questions}


def _answer_script(event: Event, questions, operation, done: str):
    """A row action posted by the page's script (JSON): the message and the fresh rows, or
    the refusal with the rows as saved (shown on the row; nothing flashed for later)."""
    try:
        operation()
    except DomainError as error:
        # As views.apply_errors does: undo what the service flushed, so the rows sent back
        # are the saved ones (the 4xx answer then commits nothing).
        db.session.rollback()
        return jsonify({**error.payload(), "rows": _rows(event, questions)}), error.status
    return jsonify({"message": done, "rows": _rows(event, questions)})


def organizer_detail(event: Event, question: Question, wording: WordingForm | None = None,
                     status: int = 200):
    """One question with everything the organizer can do to it (``detail`` calls this)."""
    if wording is None:
        wording = with_topics(WordingForm(), event, blank=None)
        wording.topic.data = question.topic_id
        wording.reading_text.data = question.reading_text or ""
    merged = moderation.askers([question]).get(question.id, [])
    hints, others = moderation.live_suggestions(event, [question])
    return render_template("questions/detail.html", event=event, q=question, merged=merged,
                           units=moderation.asking_units(question, merged), wording=wording,
                           hints=hints.get(question.id, []), others=others,
                           merge_form=MergeForm(),
                           late=services.late_reasons(event, [question.id])), status


def _act(event: Event, question: Question, form, operation, done: str, also=()):
    """A button on a question (its form already checked). From the page's script: JSON with
    the fresh rows (``question`` and ``also``). Without a script: the result or refusal
    flashed, and back to the page at the question's row (``#q-<id>``)."""
    if request.is_json:
        return _answer_script(event, [question, *also], operation, done)
    submit_form(form, operation, done, on_page=False)
    return redirect(back(url_for("questions.detail", slug=event.slug,
                                 question_id=question.id)) + f"#q-{question.id}")


@bp.post("/<int:question_id>/status")
@policy(Role.organizer, load=QUESTION)
def set_status(event: Event, question: Question):
    form = button_form(StatusForm())
    new = form.status.data or ""
    label = QuestionStatus(new).label if new in {s.value for s in QuestionStatus} else new
    return _act(event, question, form,
                lambda: moderation.set_status(question, new, user=current_user),
                f"Câu hỏi #{question.id}: {label.lower()}.")


@bp.post("/<int:question_id>/merge")
@policy(Role.organizer, load=QUESTION)
def merge(event: Event, question: Question):
    source = question
    form = button_form(MergeForm())
    if not form.target.data:
        flash("Nhập số của câu hỏi cần gộp vào.", "danger")
        return redirect(back(url_for("questions.detail", slug=event.slug, question_id=source.id)))
    try:
        target = services.get_question(event, form.target.data)
    except DomainError as error:
        flash(f"Câu #{form.target.data}: {error.message}", "danger")
        return redirect(back(url_for("questions.detail", slug=event.slug, question_id=source.id)))
    return _act(event, source, form,
                lambda: moderation.merge(source, target, user=current_user),
                f"Đã gộp câu #{source.id} vào câu #{target.id}; giữ nguyên cả hai nội dung.",
                also=[target])


@bp.post("/<int:question_id>/unmerge")
@policy(Role.organizer, load=QUESTION)
def unmerge(event: Event, question: Question):
    form = button_form(EmptyForm())
    return _act(event, question, form,
                lambda: moderation.unmerge(question, user=current_user),
                f"Đã tách câu #{question.id} ra; câu hỏi trở lại chờ xử lý.")


@bp.post("/<int:question_id>/wording")
@policy(Role.organizer, load=QUESTION)
def wording(event: Event, question: Question):
    form = button_form(with_topics(WordingForm(), event, blank=None))
    outcome = submit_form(
        form, lambda: moderation.set_wording(event, question, reading_text=form.reading_text.data,
                                             topic_id=form.topic.data, user=current_user),
        f"Đã lưu nội dung đọc của câu #{question.id}; nguyên văn được giữ nguyên.")
    if not outcome.done:
        return organizer_detail(event, question, form, outcome.status)
    return redirect(back(url_for("questions.detail", slug=event.slug, question_id=question.id)))


@bp.post("/moderate/bulk")
@policy(Role.organizer, load=EVENT)
def bulk_moderate(event: Event):
    """The ticked questions selected, rejected or filed under a topic at once. From the
    page's script (JSON): per-id results and the fresh rows; without: flashed, back."""
    form = button_form(BulkForm())

    def apply():
        return bulk.apply(event, form.ids.data or [], form.action.data or "",
                          topic_id=whole_number(form.topic.data), user=current_user)

    if not request.is_json:
        submit_form(form, apply, bulk.summary, on_page=False)
        return redirect(back(url_for("questions.moderate", slug=event.slug)))
    try:
        results = apply()
    except DomainError as error:
        return jsonify(error.payload()), error.status
    changed = {r.id for r in results}
    questions = db.session.scalars(sa.select(Question).where(Question.id.in_(changed))).all()
    return jsonify({"summary": bulk.summary(results), "results": [r.as_dict() for r in results],
                    "rows": _rows(event, questions)})


@bp.get("/similar")
@policy(Role.organizer, load=EVENT)
def similar(event: Event):
    pairs = moderation.duplicate_pairs(event)
    merged = moderation.askers([q for pair in pairs for q in pair[:2]])
    return render_template("questions/similar.html", event=event, pairs=pairs, merged=merged,
                           here=request.full_path)


@bp.route("/order", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def order(event: Event):
    """GET: the selected questions in order. POST (JSON ``{"order": [ids]}``, from the
    drag-and-drop script with the CSRF header): save a new order."""
    if request.method == "POST":
        try:
            data = json_data()
            order = data.get("order") if isinstance(data, dict) else None
            ids = [whole_number(i) for i in order] if isinstance(order, list) else [None]
            if None in ids:
                raise Invalid({"order": "Danh sách thứ tự không hợp lệ."})
            moderation.reorder(event, ids, user=current_user)
        except DomainError as error:
            return jsonify(error.payload()), error.status
        return jsonify({"ok": True})
    questions = moderation.selected(event)
    merged = moderation.askers(questions)
    return render_template("questions/order.html", event=event, questions=questions,
                           merged=merged)


@bp.post("/<int:question_id>/move")
@policy(Role.organizer, load=QUESTION)
def move(event: Event, question: Question):
    form = button_form(EmptyForm())
    delta = -1 if request.form.get("direction") == "up" else 1
    submit_form(form, lambda: moderation.move(event, question, delta, user=current_user),
                on_page=False)
    return redirect(url_for("questions.order", slug=event.slug) + f"#q{question.id}")
