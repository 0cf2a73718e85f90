"""The organizer's pages of an event's messages: reminder rules (Nhắc việc) with a preview,
the notice form (Gửi thông báo), and the outbox (Thư đã gửi) with its actions and export."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.clock import now
from eventapp.events import deadlines
from eventapp.events.models import Event
from eventapp.formatting import number
from eventapp.forms import EmptyForm
from eventapp.messages import access, audiences, reminders, rules, services
from eventapp.messages.forms import NoticeForm, RuleForm
from eventapp.messages.models import Channel, Message, MessageStatus, ReminderRule
from eventapp.params import whole_number
from eventapp.policy import EVENT, Loader, policy
from eventapp.views import Outcome, button_form, send_xlsx, submit_form

bp = Blueprint("messages", __name__, url_prefix="/events")

RULE = Loader("rule_id", "rule", reminders.get_rule, access.may_manage,
              "Không tìm thấy quy tắc nhắc việc.", owned=False)
MESSAGE = Loader("message_id", "message", services.get_message, access.may_manage,
                 "Không tìm thấy thư.", owned=False)


# --- Reminder rules ------------------------------------------------------------------------------

@bp.route("/<slug>/reminders", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def reminder_rules(event: Event):
    """The rules, and the form: "Xem trước" shows who would receive it now and the text
    one of them reads; "Lưu" saves it (both refuse an unknown placeholder)."""
    form = RuleForm()
    form.deadline.choices = deadlines.choices()
    form.audience.choices = audiences.choices()
    outcome = Outcome(False)
    if request.method == "POST" and "preview" in request.form:
        outcome = submit_form(form, lambda: _preview(event, form.values()))
    elif (outcome := submit_form(form, lambda: reminders.create_rule(
            event, form.values(), current_user), "Đã thêm quy tắc nhắc việc.")).done:
        return redirect(url_for("messages.reminder_rules", slug=event.slug))
    return render_template(
        "messages/reminders.html", event=event, form=form, preview=outcome.value,
        rules=reminders.rules_of(event), proposed=reminders.default_rules(event),
        kinds=dict(deadlines.choices()), audiences=dict(audiences.choices()),
        offset_text=rules.offset_text, placeholders=rules.PLACEHOLDERS), outcome.status


def _preview(event: Event, values: dict) -> dict:
    """The letters the rule would give now, each unit with its due time."""
    reminders.check_rule(values)
    rule = ReminderRule(event_id=event.id, **{k: values[k] for k in reminders.RULE_FIELDS})
    found = reminders.rule_letters(rule, now(), due_only=False)
    return {"letters": found, "offset": values["offset_days"], "now": now(),
            "due": {x.unit_id: rules.due_at(x.deadline, values["offset_days"]) for x in found}}


@bp.post("/<slug>/reminders/defaults")
@policy(Role.organizer, load=EVENT)
def add_default_rules(event: Event):
    button_form(EmptyForm())
    added = reminders.add_default_rules(event, current_user)
    flash(f"Đã thêm {len(added)} quy tắc nhắc việc mặc định." if added
          else "Sự kiện đã có đủ các nhắc việc mặc định.", "success" if added else "info")
    return redirect(url_for("messages.reminder_rules", slug=event.slug))


@bp.post("/<slug>/reminders/<int:rule_id>/toggle")
@policy(Role.organizer, load=(EVENT, RULE))
def toggle_rule(event: Event, rule: ReminderRule):
    button_form(EmptyForm())
    reminders.set_active(rule, not rule.active)
    flash("Đã bật quy tắc." if rule.active else "Đã tạm dừng quy tắc.", "info")
    return redirect(url_for("messages.reminder_rules", slug=event.slug))


@bp.post("/<slug>/reminders/<int:rule_id>/delete")
@policy(Role.organizer, load=(EVENT, RULE))
def delete_rule(event: Event, rule: ReminderRule):
    submit_form(button_form(EmptyForm()), lambda: reminders.delete_rule(rule),
                "Đã xóa quy tắc nhắc việc.", category="info", on_page=False)
    return redirect(url_for("messages.reminder_rules", slug=event.slug))


# --- Notices -----------------------------------------------------------------------------------

@bp.route("/<slug>/messages/new", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def new_notice(event: Event):
    """Gửi thông báo: to an audience now, with the same preview as a rule."""
    form = NoticeForm()
    form.audience.choices = audiences.choices()
    outcome = Outcome(False)
    if request.method == "POST" and "preview" in request.form:
        outcome = submit_form(form, lambda: reminders.notice_letters(
            event, form.audience.data, form.subject.data, form.body.data, now()))
    elif (outcome := submit_form(form, lambda: reminders.send_notice(
            event, form.audience.data, form.subject.data, form.body.data,
            [Channel(c) for c in form.channels.data], current_user, now()),
            lambda n: f"Đã đưa {number(n)} thư vào hộp thư đi.")).done:
        return redirect(url_for("messages.sent", slug=event.slug) if outcome.value else
                        url_for("messages.new_notice", slug=event.slug))
    return render_template("messages/notice.html", event=event, form=form,
                           preview=outcome.value, placeholders=rules.PLACEHOLDERS), outcome.status


# --- The outbox ----------------------------------------------------------------------------------

@bp.get("/<slug>/messages")
@policy(Role.organizer, load=EVENT)
def sent(event: Event):
    filters = services.parse_filters(request.args)
    page = services.page_of(event, filters, whole_number(request.args.get("page"), 1))
    return render_template(
        "messages/sent.html", event=event, filters=filters, page=page,
        counts=services.counts(event), units=services.unit_names(event),
        unread=services.unread_units(event, filters) if filters.cause_ref else None,
        rules=reminders.rules_of(event), statuses=list(MessageStatus),
        audiences=dict(audiences.choices()), offset_text=rules.offset_text)


@bp.get("/<slug>/messages/export.xlsx")
@policy(Role.organizer, load=EVENT)
def export(event: Event):
    return send_xlsx(services.workbook(event, services.parse_filters(request.args)),
                     f"thu-da-gui-{event.slug}.xlsx")


def _back(event: Event):
    return redirect(url_for("messages.sent", slug=event.slug,
                            **services.parse_filters(request.args).args))


def _one(event: Event, message: Message, action, done: str):
    submit_form(button_form(EmptyForm()), lambda: action(message), done, on_page=False)
    return _back(event)


@bp.post("/<slug>/messages/<int:message_id>/resend")
@policy(Role.organizer, load=(EVENT, MESSAGE))
def resend(event: Event, message: Message):
    return _one(event, message, services.resend, "Đã đưa thư trở lại hàng chờ gửi.")


@bp.post("/<slug>/messages/<int:message_id>/approve")
@policy(Role.organizer, load=(EVENT, MESSAGE))
def approve(event: Event, message: Message):
    return _one(event, message, services.approve, "Đã duyệt; thư sẽ được gửi.")


@bp.post("/<slug>/messages/<int:message_id>/cancel")
@policy(Role.organizer, load=(EVENT, MESSAGE))
def cancel(event: Event, message: Message):
    return _one(event, message, services.cancel, "Đã hủy thư.")


@bp.post("/<slug>/messages/resend-failed")
@policy(Role.organizer, load=EVENT)
def resend_failed(event: Event):
    button_form(EmptyForm())
    count = services.resend_failed(event, services.parse_filters(request.args))
    flash(f"Đã đưa {number(count)} thư gửi lỗi trở lại hàng chờ gửi.",
          "success" if count else "info")
    return _back(event)


@bp.post("/<slug>/messages/approve-all")
@policy(Role.organizer, load=EVENT)
def approve_all(event: Event):
    button_form(EmptyForm())
    count = services.approve_all(event, services.parse_filters(request.args))
    flash(f"Đã duyệt {number(count)} thư.", "success" if count else "info")
    return _back(event)
