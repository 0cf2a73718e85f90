"""Reminder rules (nhắc việc) and notices to units: writing rules, who a message reaches now
with its text (the preview), sending a notice, and the worker's ``evaluate_due``.

Decisions where the issue is silent:
- A rule reaches a unit at most once: once any message of the rule exists for the unit, the
  unit is done, even if it gains an account or a contact later. A unit with nobody to reach
  (no active account, no contact with an e-mail) is not done, and gets it once it has one.
- The audience is asked when the rule falls due for the unit, and again at each round until
  its message is written: a unit that caught up before its due time gets nothing.
- {han_chot} of a notice without a deadline (all units, a list of units) reads "—".
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from eventapp import audit
from eventapp.database import lock
from eventapp.errors import Conflict, Invalid
from eventapp.events import deadlines
from eventapp.events.models import DeadlineExtension, Event, EventUnit
from eventapp.events.rules import effective_deadline
from eventapp.extensions import db
from eventapp.formatting import local, number
from eventapp.messages import notices, rules
from eventapp.messages.audiences import Audience, audience, audiences
from eventapp.messages.models import Channel, Message, ReminderRule
from eventapp.messages.outbox import Recipient, enqueue, unit_recipients
from eventapp.units.models import Unit

NO_DEADLINE = "—"


@dataclass(frozen=True)
class Letter:
    """One unit's message, rendered: who in the unit receives it and what they read."""

    unit_id: int
    code: str
    name: str
    subject: str
    body: str
    recipients: list[Recipient]
    deadline: datetime | None = None


# --- Reading ----------------------------------------------------------------------------------

def effective_deadlines(event: Event, kind: str) -> dict[int, datetime | None]:
    """Each participating unit's deadline of ``kind``, its extension included (one query)."""
    base = deadlines.kind(kind).deadline_of(event)
    ext = sa.and_(DeadlineExtension.event_id == event.id, DeadlineExtension.kind == kind,
                  DeadlineExtension.unit_id == EventUnit.unit_id)
    rows = db.session.execute(sa.select(EventUnit.unit_id, DeadlineExtension.deadline)
                              .outerjoin(DeadlineExtension, ext)
                              .where(EventUnit.event_id == event.id))
    return {unit_id: effective_deadline(base, extended) for unit_id, extended in rows}


def deadline_text(value: datetime | None, event: Event) -> str:
    """{han_chot}: dd/mm/yyyy HH:MM in the event's zone."""
    return local(value, event).strftime("%d/%m/%Y %H:%M") if value else NO_DEADLINE


def unit_link(event: Event) -> str:
    """{lien_ket}: the event's page, which a unit account opens as its home for the event
    (``notices.link``'s rule: ``PUBLIC_URL``, else the request's address)."""
    return notices.link("events.overview", slug=event.slug)


def rules_of(event: Event) -> list[ReminderRule]:
    return db.session.scalars(sa.select(ReminderRule).where(ReminderRule.event_id == event.id)
                              .order_by(ReminderRule.deadline, ReminderRule.offset_days,
                                        ReminderRule.id)).all()


def get_rule(event: Event, rule_id: int) -> ReminderRule | None:
    rule = db.session.get(ReminderRule, rule_id)
    return rule if rule is not None and rule.event_id == event.id else None


def letters(event: Event, values: dict[int, dict], subject: str, body: str, *,
            kind: str | None = None) -> list[Letter]:
    """Render ``subject`` and ``body`` for each unit of ``values`` (unit id → its own
    placeholder values), in the order of the units' names; three queries in all."""
    if not values:
        return []
    units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(list(values)))).all()
    due = effective_deadlines(event, kind) if kind else {}
    people = unit_recipients([u.id for u in units])
    link = unit_link(event)
    found = []
    for unit in sorted(units, key=lambda u: u.name):
        deadline = due.get(unit.id)
        filled = {"don_vi": unit.name, "han_chot": deadline_text(deadline, event),
                  "lien_ket": link, **values[unit.id]}
        found.append(Letter(unit.id, unit.code, unit.name, rules.render(subject, filled),
                            rules.render(body, filled), people[unit.id], deadline))
    return found


def check_text(subject: str, body: str, allowed: Sequence[str]) -> None:
    """``Invalid`` (422) for a placeholder the audience cannot fill."""
    problems = {name: problem for name, text in (("subject", subject), ("body", body))
                if (problem := rules.template_problem(text, allowed))}
    if problems:
        raise Invalid(problems)


def units_by_code(event: Event, codes: Sequence[str]) -> list[int]:
    """The ids of the event's units named by code; ``Invalid`` names the unknown ones."""
    wanted = list(dict.fromkeys(c.strip().upper() for c in codes))
    found = {code.upper(): unit_id for code, unit_id in db.session.execute(
        sa.select(Unit.code, Unit.id).join(EventUnit, EventUnit.unit_id == Unit.id)
        .where(EventUnit.event_id == event.id, sa.func.upper(Unit.code).in_(wanted)))}
    unknown = [c for c in wanted if c not in found]
    if unknown or not wanted:
        raise Invalid({"audience": "Không có đơn vị " + ", ".join(unknown) + " trong sự kiện."
                       if unknown else "Chọn ít nhất một đơn vị."})
    return [found[c] for c in wanted]


# --- Notices -----------------------------------------------------------------------------------

def notice_letters(event: Event, target: str | Sequence[str], subject: str, body: str,
                   at: datetime) -> list[Letter]:
    """A notice's letters: ``target`` is an audience key or a list of unit codes."""
    if isinstance(target, str):
        chosen = audience(target)
        check_text(subject, body, chosen.allowed)
        return letters(event, chosen.find(event, at), subject, body, kind=chosen.deadline)
    check_text(subject, body, rules.COMMON)
    return letters(event, {unit_id: {} for unit_id in units_by_code(event, target)},
                   subject, body)


def send_notice(event: Event, target: str | Sequence[str], subject: str, body: str,
                channels: Sequence[Channel], user, at: datetime) -> int:
    """Queue a notice to each unit of ``target``; the number of messages written. Its
    messages share one ``cause_ref`` (``notice:<random>``), by which they are followed."""
    if not channels:
        raise Invalid({"channels": "Chọn ít nhất một kênh gửi."})
    ref = f"notice:{secrets.token_hex(6)}"
    count = 0
    sent = notice_letters(event, target, subject, body, at)
    for letter in sent:
        count += len(enqueue(letter.recipients, subject=letter.subject, body=letter.body,
                             cause="manual", channels=list(channels), event_id=event.id,
                             unit_id=letter.unit_id, cause_ref=ref,
                             created_by_id=user.id if user else None))
    audit.record("message.notice", event_id=event.id, user=user,
                 summary=f"Gửi thông báo “{subject}” tới {number(len(sent))} đơn vị "
                         f"({number(count)} thư)",
                 after={"ref": ref, "audience": target, "units": [x.code for x in sent]})
    return count


# --- Rules --------------------------------------------------------------------------------------

def check_rule(values: dict) -> Audience:
    """Every value of a rule the forms and the API cannot check alone; the audience."""
    problems = {}
    try:
        deadlines.kind(values["deadline"])
    except KeyError:
        problems["deadline"] = "Loại hạn chót không hợp lệ; chọn một trong: " + ", ".join(
            k.key for k in deadlines.kinds()) + "."
    if problem := rules.offset_problem(values["offset_days"]):
        problems["offset_days"] = problem
    if problems:
        raise Invalid(problems)
    chosen = audience(values["audience"])
    check_text(values["subject"], values["body"], chosen.allowed)
    return chosen


RULE_FIELDS = ("deadline", "offset_days", "audience", "subject", "body", "approval")


def create_rule(event: Event, values: dict, user) -> ReminderRule:
    check_rule(values)
    rule = ReminderRule(event_id=event.id, created_by_id=user.id if user else None,
                        **{k: values[k] for k in RULE_FIELDS})
    db.session.add(rule)
    db.session.flush()
    audit.record("reminder.create", obj=rule, event_id=event.id, user=user,
                 summary=f"Thêm nhắc việc {rules.offset_text(rule.offset_days)} "
                         f"({dict(deadlines.choices()).get(rule.deadline, '').lower()}, "
                         f"{audience(rule.audience).label.lower()})",
                 after={k: values[k] for k in RULE_FIELDS})
    return rule


def set_active(rule: ReminderRule, active: bool) -> ReminderRule:
    rule.active = active
    db.session.flush()
    audit.record("reminder.resume" if active else "reminder.pause", obj=rule,
                 event_id=rule.event_id, summary=f"Quy tắc nhắc việc {rule.id}")
    return rule


def delete_rule(rule: ReminderRule) -> None:
    """Only a rule that wrote no message: one that did stays (paused), so that its messages
    keep naming it and a new rule never inherits its id (SQLite may reuse the highest)."""
    lock(rule)
    if db.session.scalar(sa.select(Message.id).where(Message.cause_ref == rule.cause_ref,
                                                     Message.event_id == rule.event_id)
                         .limit(1)) is not None:
        raise Conflict("Quy tắc này đã tạo thư nên không xóa được; hãy tạm dừng nó.")
    audit.record("reminder.delete", obj=rule, event_id=rule.event_id,
                 summary=f"Xóa quy tắc nhắc việc {rule.id}",
                 before={k: getattr(rule, k) for k in RULE_FIELDS})
    db.session.delete(rule)
    db.session.flush()


def default_rules(event: Event) -> list[dict]:
    """The rules proposed for an event: 3 and 1 days before each deadline it has, to the
    units behind on it (the audiences that declare a ``reminder`` text)."""
    proposed = []
    for chosen in audiences():
        kind = deadlines.kind(chosen.deadline) if chosen.deadline else None
        if chosen.reminder is None or kind is None or kind.deadline_of(event) is None:
            continue
        for offset in rules.DEFAULT_OFFSETS:
            proposed.append({"deadline": kind.key, "offset_days": offset,
                             "audience": chosen.key, "approval": False, "body": chosen.reminder,
                             "subject": f"Nhắc việc: {kind.label} — hạn chót {{han_chot}}"})
    return proposed


def add_default_rules(event: Event, user) -> list[ReminderRule]:
    """Add the proposed rules the event does not have yet (same deadline, offset, audience)."""
    have = {(r.deadline, r.offset_days, r.audience) for r in rules_of(event)}
    return [create_rule(event, values, user) for values in default_rules(event)
            if (values["deadline"], values["offset_days"], values["audience"]) not in have]


def copy_rules(source: Event, target: Event, _shift) -> None:
    """A clone keeps the source's rules: they are relative to its deadlines, which move."""
    for rule in rules_of(source):
        db.session.add(ReminderRule(event_id=target.id, created_by_id=rule.created_by_id,
                                    active=rule.active,
                                    **{k: getattr(rule, k) for k in RULE_FIELDS}))
    db.session.flush()


def rule_letters(rule: ReminderRule, at: datetime, *, due_only: bool = True) -> list[Letter]:
    """The letters of ``rule`` for its audience at ``at``: with ``due_only``, only the units
    whose due time has come and that have not had it (what the worker writes)."""
    event = db.session.get(Event, rule.event_id)
    chosen = audience(rule.audience)
    due = effective_deadlines(event, rule.deadline)
    if due_only:
        done = set(db.session.scalars(sa.select(Message.unit_id).distinct().where(
            Message.event_id == rule.event_id, Message.cause_ref == rule.cause_ref)))
        due = {u: d for u, d in due.items()
               if u not in done and rules.is_due(at, d, rule.offset_days)}
        if not due:
            return []  # the audience's query is not even run
    found = {u: v for u, v in chosen.find(event, at).items() if u in due}
    return letters(event, found, rule.subject, rule.body, kind=rule.deadline)


#: Units one round writes at most: the worker's transaction (on SQLite, the write lock) stays
#: short; the next rounds go on where it stopped, since the units written are done.
UNITS_PER_ROUND = 200


def evaluate_due(at: datetime, limit: int = UNITS_PER_ROUND) -> int:
    """The worker's producer: write the messages of every active rule that fell due for a
    unit, for at most ``limit`` units; the number of messages written. Run inside the
    caller's unit of work.

    Each unit's rows carry the dedupe key ``rule:<id>:unit:<unit id>:…``: when two workers
    evaluate the same rule at once, the unique index lets one write and the other skips.
    """
    count, budget = 0, limit
    known = {a.key for a in audiences()}
    active = db.session.scalars(sa.select(ReminderRule).where(ReminderRule.active.is_(True))
                                .order_by(ReminderRule.id)).all()
    for rule in active:
        if rule.audience not in known:
            continue  # its domain is gone from this installation
        # Units nobody can reach yet write nothing, so they must not use up the budget.
        due = [x for x in rule_letters(rule, at) if x.recipients][:budget]
        count += _write(rule, due)
        budget -= len(due)
        if budget <= 0:
            break
    return count


def _write(rule: ReminderRule, due: list[Letter]) -> int:
    """Every unit in one savepoint; if another worker wrote one of them meanwhile (the
    unique index refuses), again unit by unit, skipping those it wrote."""
    if not due:
        return 0
    try:
        with db.session.begin_nested():
            return sum(_enqueue(rule, letter) for letter in due)
    except IntegrityError:
        pass
    count = 0
    for letter in due:
        try:
            with db.session.begin_nested():
                count += _enqueue(rule, letter)
        except IntegrityError:
            continue  # another worker wrote this unit's reminder first
    return count


def _enqueue(rule: ReminderRule, letter: Letter) -> int:
    return len(enqueue(letter.recipients, subject=letter.subject, body=letter.body,
                       cause="reminder", event_id=rule.event_id, unit_id=letter.unit_id,
                       cause_ref=rule.cause_ref, created_by_id=rule.created_by_id,
                       approval=rule.approval, dedupe=f"rule:{rule.id}:unit:{letter.unit_id}"))
