"""The first-run checklist of a new event (việc cần làm để bắt đầu), on the organizer's
event overview: what is still missing before the units can be told to start.

``facts(event)`` reads the database (this domain's tables, the accounts', and the other
domains' own queries for their settings); ``steps(facts)`` is pure and decides. What counts
as done, step by step:

1. **Đơn vị tham gia** — at least one unit takes part in the event.
2. **Tài khoản đơn vị** — every taking-part unit has an active unit account of its own or
   of its parent (a parent unit acts for its children, ``units.access.acts_for``).
3. **Hạn chót và chỉ tiêu** — every deadline kind that concerns some taking-part unit has a
   deadline (a kind that concerns none, e.g. district dossiers in an event of schools, is
   not asked for; with no unit yet, every kind is); the question minimum per unit is at
   least 1; the event has a session and every session has a seat capacity.
4. **Thông tin in giấy mời** — nothing the print views warn about is empty
   (``registration.printing.missing``: the letter's number, place, signer's title and
   name, the badge's short name); the place, date and short name are suggested from the
   event, the number and the signer only the organizer can fill.
5. **Gửi tài khoản cho đơn vị** — every taking-part unit has an account that was either
   sent a set-password link by e-mail (a ``PasswordToken`` row: the welcome link of
   "gửi liên kết đặt mật khẩu", or a reset) or has already logged in (a ``LoginSession``
   row). An account made with a typed password and never used does not count: the app
   cannot know the password was handed over.

The event is ready (đã sẵn sàng) when every step is done; the card then collapses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from eventapp.accounts.models import LoginSession, PasswordToken, Role, User
from eventapp.events import deadlines, progress
from eventapp.events.models import Event, EventUnit
from eventapp.extensions import db
from eventapp.units.models import Unit


@dataclass(frozen=True)
class Facts:
    """What the checklist reads of one event (names are the ones shown to the organizer)."""

    units: int = 0
    #: Taking-part units with no active account of their own or of their parent.
    without_account: tuple[str, ...] = ()
    #: Units that have an account, none of which was mailed a link or has logged in.
    not_sent: tuple[str, ...] = ()
    #: Labels of the deadline kinds needed but not set.
    missing_deadlines: tuple[str, ...] = ()
    question_minimum: int = 0
    sessions: int = 0
    #: ``(id, name)`` of the sessions with no seat capacity.
    sessions_without_capacity: tuple[tuple[int, str], ...] = ()
    #: The printed fields left empty, in the print views' own words (``printing.missing``).
    print_missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One line of the checklist: the page ``endpoint`` (with ``args``, and the event's
    ``slug`` when ``in_event``) does the work."""

    key: str
    title: str
    done: bool
    detail: str
    endpoint: str
    args: dict = field(default_factory=dict)
    in_event: bool = True


def _names(names: Sequence[str], limit: int = 3) -> str:
    """"A, B, C và 4 đơn vị khác"."""
    shown = ", ".join(names[:limit])
    return shown + (f" và {len(names) - limit} đơn vị khác" if len(names) > limit else "")


def steps(facts: Facts) -> list[Step]:
    """The five steps in the order an organizer does them, each done or not (see the
    module docstring for the rules)."""
    units = Step("units", "Chọn các đơn vị tham gia", facts.units > 0,
                 f"{facts.units} đơn vị tham gia." if facts.units else
                 "Chưa có đơn vị nào: thêm từng đơn vị hoặc nhập danh sách từ Excel.",
                 "units.index")
    accounts = Step(
        "accounts", "Mỗi đơn vị có tài khoản", facts.units > 0 and not facts.without_account,
        f"Chưa có tài khoản: {_names(facts.without_account)}." if facts.without_account else
        ("Đơn vị nào cũng có tài khoản." if facts.units else "Chọn đơn vị trước."),
        "accounts.new_user", in_event=False)
    missing = list(facts.missing_deadlines)
    if facts.question_minimum < 1:
        missing.append("số câu hỏi tối thiểu mỗi đơn vị")
    if not facts.sessions:
        missing.append("ít nhất một phiên")
    missing += [f"sức chứa của phiên “{name}”" for _, name in facts.sessions_without_capacity]
    if facts.missing_deadlines or facts.question_minimum < 1:
        endpoint, args = "events.edit", {}
    elif not facts.sessions:
        endpoint, args = "events.session_form", {}
    elif facts.sessions_without_capacity:
        endpoint, args = "events.session_form", {
            "session_id": facts.sessions_without_capacity[0][0]}
    else:
        endpoint, args = "events.edit", {}
    quotas = Step("quotas", "Đặt hạn chót và chỉ tiêu", not missing,
                  f"Còn thiếu: {'; '.join(missing)}." if missing else
                  "Đã có hạn chót, chỉ tiêu câu hỏi và sức chứa các phiên.", endpoint, args)
    printing = Step("print", "Điền thông tin in giấy mời", not facts.print_missing,
                    f"Còn trống: {', '.join(facts.print_missing)}." if facts.print_missing else
                    "Giấy mời in đủ số, địa danh, ngày và người ký.", "registration.settings")
    sent = facts.units > 0 and not facts.without_account and not facts.not_sent
    if facts.not_sent:
        detail = f"Chưa gửi liên kết đặt mật khẩu, chưa đăng nhập: {_names(facts.not_sent)}."
    elif sent:
        detail = "Mỗi đơn vị đã nhận liên kết đặt mật khẩu hoặc đã đăng nhập."
    else:
        detail = "Tạo tài khoản cho các đơn vị trước."
    sending = Step("sent", "Gửi tài khoản cho đơn vị", sent, detail, "accounts.users",
                   in_event=False)
    return [units, accounts, quotas, printing, sending]


def is_ready(found: Sequence[Step]) -> bool:
    """Every step done: the card collapses to "Đã sẵn sàng"."""
    return all(step.done for step in found)


# --- The database's side ------------------------------------------------------------------

def facts(event: Event) -> Facts:
    """Read what ``steps`` decides on: a handful of set-based queries, none per unit."""
    # The other domains' own readers, imported here: they import this package's modules.
    from eventapp.questions.settings import of as question_settings
    from eventapp.registration.printing import missing, settings_for

    taking_part = db.session.execute(
        sa.select(EventUnit.unit_id, EventUnit.name, Unit.parent_id)
        .join(Unit, Unit.id == EventUnit.unit_id).where(EventUnit.event_id == event.id)
        .order_by(EventUnit.name)).all()
    without, not_sent = _accounts(taking_part)
    invitation = settings_for(event)
    return Facts(
        units=len(taking_part), without_account=without, not_sent=not_sent,
        missing_deadlines=_missing_deadlines(event, bool(taking_part)),
        question_minimum=question_settings(event).min_per_unit or 0,
        sessions=len(event.sessions),
        sessions_without_capacity=tuple((s.id, s.name) for s in event.sessions
                                        if not s.capacity),
        print_missing=tuple(missing(invitation)))


def _accounts(taking_part) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The units with no account (own or parent's), and those whose accounts were never
    mailed a link nor logged in."""
    holders = {r.unit_id for r in taking_part} | {
        r.parent_id for r in taking_part if r.parent_id}
    mailed = sa.exists().where(PasswordToken.user_id == User.id)
    logged_in = sa.exists().where(LoginSession.user_id == User.id)
    accounts: dict[int, bool] = {}
    for unit_id, reached in db.session.execute(
            sa.select(User.unit_id, sa.or_(mailed, logged_in))
            .where(User.role == Role.unit, User.active, User.unit_id.in_(holders))):
        accounts[unit_id] = accounts.get(unit_id, False) or bool(reached)
    without, not_sent = [], []
    for row in taking_part:
        own = [accounts[u] for u in (row.unit_id, row.parent_id) if u in accounts]
        if not own:
            without.append(row.name)
        elif not any(own):
            not_sent.append(row.name)
    return tuple(without), tuple(not_sent)


def _missing_deadlines(event: Event, has_units: bool) -> tuple[str, ...]:
    """Labels of the deadline kinds that concern some taking-part unit (every kind while
    there is none) and have no deadline."""
    missing = []
    for kind in deadlines.kinds():
        if kind.deadline_of(event) is not None:
            continue
        concerned = progress.deliveries(event, kind.key, instants=False) if has_units else None
        if concerned is None or concerned:
            missing.append(f"hạn “{kind.label.lower()}”")
    return tuple(missing)
