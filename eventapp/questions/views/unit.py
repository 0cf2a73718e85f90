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
from eventapp.formatting import local_dt, number
from eventapp.forms import EmptyForm
from eventapp.policy import EVENT, policy
from eventapp.units.models import Unit
from eventapp.views import import_rows, send_xlsx, shown_unit, submit_form

from .. import access, exports, rules, services, settings
from ..forms import PasteForm, QuestionForm, UploadForm, with_topics
from ..models import QuestionSource
from . import MEMBER, QUESTION, UNIT, back, bp
from .board import board_page
from .moderation import organizer_detail

__all__ = ["bp"]


@bp.get("/")
@policy(*MEMBER, load=EVENT)
def index(event: Event):
    """Unit: its own questions page. Organizer: the compliance board (the entry point)."""
    if current_user.is_organizer:
        return board_page(event)
    return unit_questions_page(event, shown_unit(event))


@bp.get("/unit/<code>")
@policy(*MEMBER, load=UNIT)
def unit_page(event: Event, unit: Unit):
    return unit_questions_page(event, unit)


def page_url(event: Event, unit: Unit) -> str:
    if current_user.is_unit:  # a parent acting for a child names it
        return url_for("questions.index", slug=event.slug,
                       unit=None if unit.id == current_user.unit_id else unit.code)
    return url_for("questions.unit_page", slug=event.slug, code=unit.code)


def unit_questions_page(event: Event, unit: Unit, *, form=None, paste=None, upload=None,
                        import_rows=None, tab: str = "one", status: int = 200):
    state = services.unit_status(event, unit.id)
    questions = services.unit_questions(event, unit.id)
    return render_template(
        "questions/unit.html", event=event, unit=unit, state=state, questions=questions,
        late=services.late_reasons(event, [q.id for q in questions]),
        form=form or with_topics(QuestionForm(), event),
        paste=paste or with_topics(PasteForm(), event), upload=upload or UploadForm(),
        import_rows=import_rows or [], tab=tab,
        page_url=page_url(event, unit),
        may={"enter_on_behalf": access.enters_on_behalf(current_user, unit),
             "as_unit": access.writes_as_unit(current_user, unit)}), status


@bp.post("/unit/<code>/add")
@policy(*MEMBER, load=UNIT)
def add(event: Event, unit: Unit):
    form = with_topics(QuestionForm(), event)
    return _send(event, unit, form, lambda: [services.draft_or_invalid(
        event, content=form.content.data, topic=form.topic.data, topic_is_id=True,
        asker_name=form.asker_name.data, asker_position=form.asker_position.data)],
        QuestionSource.form, "Đã gửi câu hỏi. {progress}.", form=form)


@bp.post("/unit/<code>/paste")
@policy(*MEMBER, load=UNIT)
def paste(event: Event, unit: Unit):
    form = with_topics(PasteForm(), event)
    return _send(event, unit, form,
                 lambda: services.drafts_from_paste(event, form.text.data, form.topic.data),
                 QuestionSource.paste, "Đã gửi {count} câu hỏi. {progress}.", paste=form,
                 tab="paste")


@bp.post("/unit/<code>/upload")
@policy(*MEMBER, load=UNIT)
def upload(event: Event, unit: Unit):
    form = UploadForm()
    return _send(event, unit, form, lambda: services.drafts_from_upload(
        event, form.file.data.read() if form.file.data else b""),
        QuestionSource.excel, "Đã nhập {count} câu hỏi từ tệp Excel. {progress}.",
        on_page=False, upload=form, tab="excel")


def _send(event: Event, unit: Unit, posted, drafts_of, source: QuestionSource, done: str, *,
          on_page: bool = True, **page):
    """Send the questions ``drafts_of`` reads from the ``posted`` form, then back to the
    unit's page; a refusal shows the page again (``page`` says which form and tab) with the
    import's rows. The service checks every value: the form's findings do not stop it."""
    def send():
        drafts = drafts_of()
        return len(drafts), services.submit(event, unit, drafts, user=current_user,
                                            source=source,
                                            late_reason=posted.late_reason.data or "")

    outcome = submit_form(posted, send, lambda sent: done.format(
        count=number(sent[0]), progress=rules.progress_text(sent[1].unit_count,
                                                    settings.of(event).min_per_unit or 0)),
        on_page=on_page, checked_by_service=True)
    if outcome.done:
        return redirect(page_url(event, unit))
    return unit_questions_page(event, unit, import_rows=import_rows(outcome.error),
                               status=outcome.status, **page)


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
        return organizer_detail(event, question)
    return render_template("questions/unit_detail.html", event=event, q=question,
                           late=services.late_reasons(event, [question.id]),
                           state=services.unit_status(event, question.unit_id),
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
    else:
        outcome = submit_form(form, lambda: services.edit(event, question, {
            "content": form.content.data, "topic": form.topic.data,
            "asker_name": form.asker_name.data, "asker_position": form.asker_position.data},
            user=current_user), f"Đã lưu câu hỏi #{question.id}.")
        if outcome.done:
            return redirect(page_url(event, question.unit))
        status = outcome.status if outcome.error else 400
    state = services.unit_status(event, question.unit_id)
    return render_template("questions/edit.html", event=event, q=question, form=form,
                           state=state, page_url=page_url(event, question.unit)), (
        200 if request.method == "GET" else status)


@bp.post("/<int:question_id>/withdraw")
@policy(*MEMBER, load=QUESTION)
def withdraw(event: Event, question):
    form = EmptyForm()
    if not form.validate_on_submit():
        raise Invalid({"csrf_token": "Biểu mẫu không hợp lệ; tải lại trang."})
    submit_form(form, lambda: services.withdraw(event, question, user=current_user),
                lambda _: f"Đã rút câu hỏi #{question.id}. "
                          + services.unit_status(event, question.unit_id).text + ".",
                category="info", on_page=False)
    return redirect(back(page_url(event, question.unit)))


def questions_summary(event: Event, unit: Unit) -> Summary | None:
    """The unit's home-page line: "9/15 câu hỏi — còn thiếu 6", its deadline, extension."""
    quotas = settings.of(event)
    if not (event.topics or quotas.deadline or quotas.min_per_unit):
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

