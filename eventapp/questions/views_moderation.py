"""The organizer's moderation pages: the filtered list with duplicate suggestions, one
question's detail (wording, topic, status, merge), the duplicate pairs, and the order of
the selected questions."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.api import json_data
from eventapp.auth import organizer_required
from eventapp.errors import DomainError, Invalid
from eventapp.events.models import Event
from eventapp.forms import EmptyForm
from eventapp.params import storable_int, whole_number
from eventapp.views import apply_errors

from . import moderation, services
from .blueprint import back, bp, load_event, load_question
from .forms import MergeForm, StatusForm, WordingForm, with_topics
from .models import Question, QuestionStatus


def _filters(event: Event) -> moderation.Filters:
    args = request.args
    return moderation.Filters(topic_id=args.get("topic", type=storable_int),
                              unit_id=args.get("unit", type=storable_int),
                              status=args.get("status", ""), text=args.get("q", "")[:200])


@bp.get("/moderate")
@organizer_required
def moderate(slug: str):
    event = load_event(slug)
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
        flash(error.message, "danger")
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
@organizer_required
def set_status(slug: str, question_id: int):
    event = load_event(slug)
    question = load_question(event, question_id)
    form = _checked_form(StatusForm)
    new = form.status.data or ""
    label = QuestionStatus(new).label if new in {s.value for s in QuestionStatus} else new
    return _act(event, question, lambda: moderation.set_status(question, new, user=current_user),
                f"Câu hỏi #{question.id}: {label.lower()}.")


@bp.post("/<int:question_id>/merge")
@organizer_required
def merge(slug: str, question_id: int):
    event = load_event(slug)
    source = load_question(event, question_id)
    form = _checked_form(MergeForm)
    if not form.target.data:
        flash("Nhập số của câu hỏi cần gộp vào.", "danger")
        return redirect(back(url_for("questions.detail", slug=slug, question_id=source.id)))
    try:
        target = services.get_question(event, form.target.data)
    except DomainError as error:
        flash(f"Câu #{form.target.data}: {error.message}", "danger")
        return redirect(back(url_for("questions.detail", slug=slug, question_id=source.id)))
    return _act(event, source, lambda: moderation.merge(source, target, user=current_user),
                f"Đã gộp câu #{source.id} vào câu #{target.id}; giữ nguyên cả hai nội dung.")


@bp.post("/<int:question_id>/unmerge")
@organizer_required
def unmerge(slug: str, question_id: int):
    event = load_event(slug)
    question = load_question(event, question_id)
    _checked_form()
    return _act(event, question, lambda: moderation.unmerge(question, user=current_user),
                f"Đã tách câu #{question.id} ra; câu hỏi trở lại chờ xử lý.")


@bp.post("/<int:question_id>/wording")
@organizer_required
def wording(slug: str, question_id: int):
    event = load_event(slug)
    question = load_question(event, question_id)
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
    return redirect(back(url_for("questions.detail", slug=slug, question_id=question.id)))


@bp.get("/similar")
@organizer_required
def similar(slug: str):
    event = load_event(slug)
    pairs = moderation.duplicate_pairs(event)
    merged = moderation.askers([q for pair in pairs for q in pair[:2]])
    return render_template("questions/similar.html", event=event, pairs=pairs, merged=merged,
                           action_form=EmptyForm(), here=request.full_path)


@bp.route("/order", methods=["GET", "POST"])
@organizer_required
def order(slug: str):
    """GET: the selected questions in order. POST (JSON ``{"order": [ids]}``, from the
    drag-and-drop script with the CSRF header): save a new order."""
    event = load_event(slug)
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
@organizer_required
def move(slug: str, question_id: int):
    event = load_event(slug)
    question = load_question(event, question_id)
    _checked_form()
    delta = -1 if request.form.get("direction") == "up" else 1
    try:
        moderation.move(event, question, delta, user=current_user)
    except DomainError as error:
        flash(error.message, "danger")
    return redirect(url_for("questions.order", slug=slug) + f"#q{question.id}")
