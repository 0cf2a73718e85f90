"""The organizer's moderation pages: the filtered list with duplicate suggestions, one
question's detail (wording, topic, status, merge), the duplicate pairs, and the order of
the selected questions."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.api import json_data
from eventapp.errors import DomainError, Invalid
from eventapp.events.models import Event
from eventapp.forms import EmptyForm
from eventapp.params import storable_int, whole_number
from eventapp.policy import EVENT, policy
from eventapp.views import apply_errors

from .. import moderation, services
from ..forms import MergeForm, StatusForm, WordingForm, with_topics
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
    questions, total = moderation.search(event, filters, page)
    merged = moderation.askers(questions)
    hints, others = moderation.live_suggestions(event, questions)
    pages = max((total + moderation.PER_PAGE - 1) // moderation.PER_PAGE, 1)
    return render_template("questions/moderate.html", event=event, questions=questions,
                           total=total, page=page, pages=pages, filters=filters,
                           merged=merged, hints=hints, others=others,
                           action_form=EmptyForm(), statuses=list(QuestionStatus),
                           here=request.full_path)


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
                           merge_form=MergeForm(), action_form=EmptyForm()), status


def _act(event: Event, question: Question, operation, done: str):
    try:
        operation()
    except DomainError as error:
        apply_errors(None, error)
    else:
        flash(done, "success")
    return redirect(back(url_for("questions.detail", slug=event.slug,
                                 question_id=question.id)))


def _checked_form(form_class=EmptyForm):
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    return form


@bp.post("/<int:question_id>/status")
@policy(Role.organizer, load=QUESTION)
def set_status(event: Event, question: Question):
    form = _checked_form(StatusForm)
    new = form.status.data or ""
    label = QuestionStatus(new).label if new in {s.value for s in QuestionStatus} else new
    return _act(event, question, lambda: moderation.set_status(question, new, user=current_user),
                f"Câu hỏi #{question.id}: {label.lower()}.")


@bp.post("/<int:question_id>/merge")
@policy(Role.organizer, load=QUESTION)
def merge(event: Event, question: Question):
    source = question
    form = _checked_form(MergeForm)
    if not form.target.data:
        flash("Nhập số của câu hỏi cần gộp vào.", "danger")
        return redirect(back(url_for("questions.detail", slug=event.slug, question_id=source.id)))
    try:
        target = services.get_question(event, form.target.data)
    except DomainError as error:
        flash(f"Câu #{form.target.data}: {error.message}", "danger")
        return redirect(back(url_for("questions.detail", slug=event.slug, question_id=source.id)))
    return _act(event, source, lambda: moderation.merge(source, target, user=current_user),
                f"Đã gộp câu #{source.id} vào câu #{target.id}; giữ nguyên cả hai nội dung.")


@bp.post("/<int:question_id>/unmerge")
@policy(Role.organizer, load=QUESTION)
def unmerge(event: Event, question: Question):
    _checked_form()
    return _act(event, question, lambda: moderation.unmerge(question, user=current_user),
                f"Đã tách câu #{question.id} ra; câu hỏi trở lại chờ xử lý.")


@bp.post("/<int:question_id>/wording")
@policy(Role.organizer, load=QUESTION)
def wording(event: Event, question: Question):
    form = with_topics(WordingForm(), event, blank=None)
    if not form.validate_on_submit():
        abort(400)
    try:
        moderation.set_wording(event, question, reading_text=form.reading_text.data,
                               topic_id=form.topic.data, user=current_user)
    except DomainError as error:
        apply_errors(form, error)
        return organizer_detail(event, question, form, error.status)
    flash(f"Đã lưu nội dung đọc của câu #{question.id}; nguyên văn được giữ nguyên.", "success")
    return redirect(back(url_for("questions.detail", slug=event.slug, question_id=question.id)))


@bp.get("/similar")
@policy(Role.organizer, load=EVENT)
def similar(event: Event):
    pairs = moderation.duplicate_pairs(event)
    merged = moderation.askers([q for pair in pairs for q in pair[:2]])
    return render_template("questions/similar.html", event=event, pairs=pairs, merged=merged,
                           action_form=EmptyForm(), here=request.full_path)


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
                           merged=merged, action_form=EmptyForm())


@bp.post("/<int:question_id>/move")
@policy(Role.organizer, load=QUESTION)
def move(event: Event, question: Question):
    _checked_form()
    delta = -1 if request.form.get("direction") == "up" else 1
    try:
        moderation.move(event, question, delta, user=current_user)
    except DomainError as error:
        apply_errors(None, error)
    return redirect(url_for("questions.order", slug=event.slug) + f"#q{question.id}")
