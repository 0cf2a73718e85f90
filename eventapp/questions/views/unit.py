"""Pages of the questions domain — the unit's side: its questions, progress and deadline;
adding one, pasting several, uploading the Excel template; editing and withdrawing.

An organizer opens the same page for any unit (``/unit/<code>``) to enter questions sent
on paper. The organizer's pages live in ``board``, ``moderation`` and ``dialogue``; all
hang on this package's ``bp``.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.errors import DomainError, Invalid
from eventapp.events.models import Event
from eventapp.events.summaries import Summary
from eventapp.formatting import local_dt
from eventapp.forms import EmptyForm
from eventapp.policy import EVENT, policy
from eventapp.spreadsheets import ImportErrors
from eventapp.units.models import Unit
from eventapp.views import apply_errors, flash_import_errors, send_xlsx

from .. import exports, rules, services
from ..forms import PasteForm, QuestionForm, UploadForm, with_topics
from ..models import QuestionSource
from . import MEMBER, QUESTION, UNIT, back, bp

__all__ = ["bp"]


@bp.get("/")
@policy(*MEMBER, load=EVENT)
def index(event: Event):
    """Unit: its own questions page. Organizer: the compliance board (the entry point)."""
    if current_user.is_organizer:
        from .board import board_page

        return board_page(event)
    return unit_questions_page(event, current_user.unit)


@bp.get("/unit/<code>")
@policy(*MEMBER, load=UNIT)
def unit_page(event: Event, unit: Unit):
    return unit_questions_page(event, unit)


def page_url(event: Event, unit: Unit) -> str:
    if current_user.is_unit:
        return url_for("questions.index", slug=event.slug)
    return url_for("questions.unit_page", slug=event.slug, code=unit.code)


def unit_questions_page(event: Event, unit: Unit, *, form=None, paste=None, upload=None,
                        import_rows=None, tab: str = "one", status: int = 200):
    state = services.unit_status(event, unit.id)
    questions = services.unit_questions(event, unit.id)
    return render_template(
        "questions/unit.html", event=event, unit=unit, state=state, questions=questions,
        form=form or with_topics(QuestionForm(), event),
        paste=paste or with_topics(PasteForm(), event), upload=upload or UploadForm(),
        import_rows=import_rows or [], tab=tab, action_form=EmptyForm(),
        page_url=page_url(event, unit)), status


@bp.post("/unit/<code>/add")
@policy(*MEMBER, load=UNIT)
def add(event: Event, unit: Unit):
    form = with_topics(QuestionForm(), event)
    form.validate_on_submit()
    try:
        draft = services.draft_or_invalid(
            event, content=form.content.data, topic=form.topic.data, topic_is_id=True,
            asker_name=form.asker_name.data, asker_position=form.asker_position.data)
        saved = services.submit(event, unit, [draft], user=current_user,
                                source=QuestionSource.form)
    except DomainError as error:
        apply_errors(form, error)
        return unit_questions_page(event, unit, form=form, status=error.status)
    flash(f"Đã gửi câu hỏi. {_progress(event, saved)}.", "success")
    return redirect(page_url(event, unit))


@bp.post("/unit/<code>/paste")
@policy(*MEMBER, load=UNIT)
def paste(event: Event, unit: Unit):
    form = with_topics(PasteForm(), event)
    form.validate_on_submit()
    try:
        drafts = services.drafts_from_paste(event, form.text.data, form.topic.data)
        saved = services.submit(event, unit, drafts, user=current_user,
                                source=QuestionSource.paste)
    except ImportErrors as error:
        rows = flash_import_errors(error)
        return unit_questions_page(event, unit, paste=form, import_rows=rows, tab="paste",
                                   status=error.status)
    except DomainError as error:
        apply_errors(form, error)
        return unit_questions_page(event, unit, paste=form, tab="paste", status=error.status)
    flash(f"Đã gửi {len(drafts)} câu hỏi. {_progress(event, saved)}.", "success")
    return redirect(page_url(event, unit))


@bp.post("/unit/<code>/upload")
@policy(*MEMBER, load=UNIT)
def upload(event: Event, unit: Unit):
    form = UploadForm()
    form.validate_on_submit()
    data = form.file.data.read() if form.file.data else b""
    try:
        drafts = services.drafts_from_upload(event, data)
        saved = services.submit(event, unit, drafts, user=current_user,
                                source=QuestionSource.excel)
    except DomainError as error:
        rows = flash_import_errors(error)
        return unit_questions_page(event, unit, upload=form, import_rows=rows, tab="excel",
                                   status=error.status)
    flash(f"Đã nhập {len(drafts)} câu hỏi từ tệp Excel. {_progress(event, saved)}.", "success")
    return redirect(page_url(event, unit))


def _progress(event: Event, saved: services.Submission) -> str:
    return rules.progress_text(saved.unit_count, event.question_min_per_unit or 0)


@bp.get("/template.xlsx")
@policy(*MEMBER, load=EVENT)
def template(event: Event):
    return send_xlsx(services.template_file(event), f"mau-cau-hoi-{event.slug}.xlsx")


@bp.get("/unit/<code>/export.xlsx")
@policy(*MEMBER, load=UNIT)
def unit_export(event: Event, unit: Unit):
    return send_xlsx(exports.unit_workbook(event, unit.id),
                     f"cau-hoi-{unit.code.lower()}-{event.slug}.xlsx")


@bp.get("/<int:question_id>")
@policy(*MEMBER, load=QUESTION)
def detail(event: Event, question):
    if current_user.is_organizer:
        from .moderation import organizer_detail

        return organizer_detail(event, question)
    return render_template("questions/unit_detail.html", event=event, q=question,
                           state=services.unit_status(event, question.unit_id),
                           action_form=EmptyForm(),
                           page_url=page_url(event, question.unit))


@bp.route("/<int:question_id>/edit", methods=["GET", "POST"])
@policy(*MEMBER, load=QUESTION)
def edit(event: Event, question):
    form = with_topics(QuestionForm(obj=question), event)
    if request.method == "GET":
        form.topic.data = question.topic_id
        try:
            services.ensure_unit_may_change(event, question)
        except DomainError as error:
            flash(error.message, "warning")
            return redirect(url_for("questions.detail", slug=event.slug, question_id=question.id))
    elif form.validate_on_submit():
        try:
            services.edit(event, question, {
                "content": form.content.data, "topic": form.topic.data,
                "asker_name": form.asker_name.data, "asker_position": form.asker_position.data},
                user=current_user)
        except DomainError as error:
            apply_errors(form, error)
            status = error.status
        else:
            flash(f"Đã lưu câu hỏi #{question.id}.", "success")
            return redirect(page_url(event, question.unit))
    else:
        status = 400
    state = services.unit_status(event, question.unit_id)
    return render_template("questions/edit.html", event=event, q=question, form=form,
                           state=state, page_url=page_url(event, question.unit)), (
        200 if request.method == "GET" else status)


@bp.post("/<int:question_id>/withdraw")
@policy(*MEMBER, load=QUESTION)
def withdraw(event: Event, question):
    if not EmptyForm().validate_on_submit():
        raise Invalid({"csrf_token": "Biểu mẫu không hợp lệ; tải lại trang."})
    try:
        services.withdraw(event, question, user=current_user)
    except DomainError as error:
        apply_errors(None, error)
    else:
        flash(f"Đã rút câu hỏi #{question.id}. " + services.unit_status(
            event, question.unit_id).text + ".", "info")
    return redirect(back(page_url(event, question.unit)))


def questions_summary(event: Event, unit: Unit) -> Summary | None:
    """The unit's home-page line: "9/15 câu hỏi — còn thiếu 6", its deadline, extension."""
    if not (event.topics or event.question_deadline or event.question_min_per_unit):
        return None
    state = services.unit_status(event, unit.id)
    details = []
    if state.deadline is not None:
        details.append(f"Hạn gửi của đơn vị: {local_dt(state.deadline, event.timezone)}"
                       + ("" if state.is_open else " (đã hết hạn)"))
    if state.extension is not None:
        details.append(f"Được gia hạn đến {local_dt(state.extension.deadline, event.timezone)}"
                       f" — lý do: {state.extension.reason}")
    if state.maximum is not None:
        details.append(f"Tối đa {state.maximum} câu hỏi.")
    return Summary(title="Câu hỏi gửi buổi đối thoại (tâm tư, đề xuất)", status=state.text,
                   url=url_for("questions.index", slug=event.slug), deadline=state.deadline,
                   is_open=state.is_open, done=state.count > 0 and state.missing == 0,
                   details=details)

