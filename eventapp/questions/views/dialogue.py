"""The dialogue: the secretary's console, the projector screen (it follows the console),
recording answers and follow-up, and the follow-up list afterwards."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.clock import now
from eventapp.errors import DomainError, Invalid
from eventapp.events.models import Event
from eventapp.formatting import local
from eventapp.forms import EmptyForm
from eventapp.policy import EVENT, policy
from eventapp.views import apply_errors, button_form, submit_form

from .. import dialogue, rules
from ..forms import AnswerForm, FollowupForm, PresentForm
from ..models import Question
from ..moderation import askers, asking_units
from . import QUESTION, back, bp


def _console(event, form: AnswerForm | None = None, status: int = 200):
    stage = dialogue.stage(event)
    merged = askers(stage.questions)
    if form is None and stage.current is not None:
        q = stage.current
        form = AnswerForm(formdata=None, answer=q.answer, followup_agency=q.followup_agency,
                          followup_due=q.followup_due, answered=q.answered_at is not None
                          or not q.answer)
    units = ({q.id: asking_units(q, merged.get(q.id, [])) for q in stage.questions})
    return render_template("questions/dialogue.html", event=event, stage=stage, units=units,
                           merged=merged, form=form or AnswerForm(),
                           present_form=PresentForm()), status


@bp.get("/dialogue")
@policy(Role.organizer, load=EVENT)
def dialogue_console(event: Event):
    """The secretary's console: the current question large, next/previous, the answer."""
    return _console(event)


@bp.post("/dialogue/present")
@policy(Role.organizer, load=EVENT)
def present(event: Event):
    form = button_form(PresentForm())
    submit_form(form, lambda: dialogue.present(event, form.target.data, user=current_user),
                on_page=False)
    return redirect(url_for("questions.dialogue_console", slug=event.slug))


@bp.post("/<int:question_id>/answer")
@policy(Role.organizer, load=QUESTION)
def answer(event: Event, question: Question):
    form = AnswerForm()
    try:
        if not form.validate_on_submit():
            raise Invalid({name: " ".join(f.errors) for name, f in form._fields.items()
                           if f.errors})
        dialogue.record_answer(question, answer=form.answer.data or "",
                               agency=form.followup_agency.data or "",
                               due=form.followup_due.data, answered=form.answered.data,
                               user=current_user)
    except DomainError as error:
        if dialogue.stage(event).current is question:  # show the errors on its form
            apply_errors(form, error)
            return _console(event, form, error.status)
        flash(f"Câu #{question.id}: " + " ".join(getattr(error, "fields", {}).values()
                                                 or [error.message]), "danger")
        return redirect(back(url_for("questions.dialogue_console", slug=event.slug)))
    flash(f"Đã lưu trả lời câu #{question.id}.", "success")
    return redirect(back(url_for("questions.dialogue_console", slug=event.slug)))


@bp.post("/<int:question_id>/answered")
@policy(Role.organizer, load=QUESTION)
def answered(event: Event, question: Question):
    form = button_form(EmptyForm())
    flag = request.form.get("answered") != "0"
    submit_form(form, lambda: dialogue.mark_answered(question, flag, user=current_user),
                on_page=False)
    return redirect(back(url_for("questions.dialogue_console", slug=event.slug)))


@bp.get("/dialogue/screen")
@policy(Role.organizer, load=EVENT)
def screen(event: Event):
    """The projector: the current question in large type; it follows the console."""
    return render_template("questions/screen.html", event=event, data=dialogue.screen_data(event))


@bp.get("/dialogue/state.json")
@policy(Role.organizer, load=EVENT)
def screen_state(event: Event):
    return jsonify(dialogue.screen_data(event))


@bp.get("/followups")
@policy(Role.organizer, load=EVENT)
def followups(event: Event):
    status = request.args.get("status", "open")
    status = status if status in ("open", "done", "all") else "open"
    rows = dialogue.followups(event, "" if status == "all" else status)
    merged = askers(rows)
    today = local(now(), event.timezone).date()
    return render_template("questions/followups.html", event=event, rows=rows, status=status,
                           units={q.id: asking_units(q, merged.get(q.id, [])) for q in rows},
                           overdue={q.id for q in rows if rules.is_overdue(
                               q.followup_due, q.followup_done_at, today)},
                           form=FollowupForm(), here=request.full_path)


@bp.post("/<int:question_id>/followup")
@policy(Role.organizer, load=QUESTION)
def followup(event: Event, question: Question):
    form = button_form(FollowupForm())
    done = form.done.data == "1"
    submit_form(form, lambda: dialogue.set_followup_done(question, done, user=current_user),
                f"Câu #{question.id}: " + ("đã hoàn thành." if done else "mở lại theo dõi."),
                on_page=False)
    return redirect(back(url_for("questions.followups", slug=event.slug)))
