"""Searching the audit log (nhật ký thay đổi) for the organizer page and its Excel export.

Filters come from the page's query string and are checked here (``parse_filters``, pure);
the text search ignores case and Vietnamese diacritics on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from eventapp import formatting
from eventapp.accounts.models import Role, User
from eventapp.audit import phrases
from eventapp.audit.models import AuditEntry
from eventapp.database import contains
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.spreadsheets import Column, XlsxBuilder, spooled_xlsx
from eventapp.text import clean, fold

PER_PAGE = 50
#: Filter value for entries made outside any event, or by nobody (the command line).
NONE = "none"
MAX_QUERY = 200



@dataclass(frozen=True)
class AuditFilters:
    """What the organizer asked for; ``event``/``user`` are an id, ``NONE`` or None (all)."""

    event: int | str | None = None
    user: int | str | None = None
    action: str = ""
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    def query_args(self, **changes) -> dict[str, str]:
        """The filters as query-string arguments (for links: pages, export)."""
        values = {**asdict(self), **changes}
        out = {"event": values["event"], "user": values["user"], "action": values["action"],
               "q": values["q"], "from": values["date_from"], "to": values["date_to"],
               "page": values["page"] if values["page"] != 1 else None}
        return {k: str(v) for k, v in out.items() if v not in (None, "")}


def parse_filters(args: Mapping[str, str]) -> tuple[AuditFilters, dict[str, str]]:
    """Filters from a query string, and Vietnamese messages for every bad one."""
    errors: dict[str, str] = {}
    event = _id_or_none(args.get("event"), "event", "Sự kiện không hợp lệ.", errors)
    user = _id_or_none(args.get("user"), "user", "Người thực hiện không hợp lệ.", errors)
    action = clean(args.get("action"))
    if len(action) > 64 or (action and not re.fullmatch(r"[a-z0-9_.]+", action)):
        errors["action"] = "Hành động không hợp lệ."
        action = ""
    q = clean(args.get("q"))
    if len(q) > MAX_QUERY:
        errors["q"] = f"Từ khóa tối đa {MAX_QUERY} ký tự."
        q = q[:MAX_QUERY]
    date_from = _date(args.get("from"), "from", errors)
    date_to = _date(args.get("to"), "to", errors)
    if date_from and date_to and date_to < date_from:
        errors["to"] = "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."
    page = args.get("page", "1")
    page_number = int(page) if page.isdecimal() and 0 < int(page) < 10**6 else 1
    return AuditFilters(event, user, action, q, date_from, date_to, page_number), errors


def _id_or_none(raw: str | None, field: str, message: str, errors: dict) -> int | str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw == NONE:
        return NONE
    if raw.isdecimal() and len(raw) < 12:
        return int(raw)
    errors[field] = message
    return None


def _date(raw: str | None, field: str, errors: dict) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 2100:  # the day's bounds in local time must exist
            return day
        errors[field] = "Ngày phải trong khoảng 1900–2100."
        return None
    errors[field] = "Ngày không hợp lệ (dd/mm/yyyy)."
    return None


def action_label(action: str) -> str:
    """``nomination.decide`` → ``Quyết định hồ sơ vinh danh`` (as its domain names it)."""
    return phrases.label(action)


# --- Query ------------------------------------------------------------------------------------

def search(filters: AuditFilters, tz: str | tzinfo) -> sa.Select:
    """The matching entries, newest first, with their user loaded."""
    stmt = (sa.select(AuditEntry).outerjoin(User, AuditEntry.user_id == User.id)
            .options(contains_eager(AuditEntry.user)))
    for column, value in ((AuditEntry.event_id, filters.event),
                          (AuditEntry.user_id, filters.user)):
        if value == NONE:
            stmt = stmt.where(column.is_(None))
        elif value is not None:
            stmt = stmt.where(column == value)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    zone = formatting.zone(tz)
    if filters.date_from:
        stmt = stmt.where(AuditEntry.at >= _start_of(filters.date_from, zone))
    if filters.date_to:
        stmt = stmt.where(AuditEntry.at < _start_of(filters.date_to + timedelta(days=1), zone))
    words = fold(filters.q).split()
    if words:
        folded = _folder()
        fields = (AuditEntry.summary, User.email, User.full_name)
        labels = {action: fold(p.label) for action, p in phrases.actions().items()}
        for word in words:
            # The action is searched by its Vietnamese name, as the page shows it.
            named = [action for action, label in labels.items() if word in label]
            stmt = stmt.where(sa.or_(*(contains(folded(f), word) for f in fields),
                                     AuditEntry.action.in_(named)))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _start_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


def _folder():
    """An SQL function folding a column like ``eventapp.text.fold`` does."""
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        # SQLite has no translate(): use our own fold() on this connection.
        conn.connection.driver_connection.create_function(
            "ea_fold", 1, fold, deterministic=True)
        return lambda column: sa.func.ea_fold(column)
    source, target = _FOLD_TABLE
    return lambda column: sa.func.lower(sa.func.translate(column, source, target))


def _fold_table() -> tuple[str, str]:
    """Every accented Latin letter (Vietnamese included) and the ASCII letter it folds to."""
    pairs = [(ch, fold(ch)) for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
             if (ch := chr(code)).isalpha()]
    pairs = [(ch, base) for ch, base in pairs if len(base) == 1 and base.isascii()]
    return "".join(ch for ch, _ in pairs), "".join(base for _, base in pairs)


_FOLD_TABLE = _fold_table()


def filter_choices() -> dict:
    """Events, the people who appear in the log, and the actions recorded."""
    events = db.session.scalars(sa.select(Event).order_by(Event.created_at.desc())).all()
    users = db.session.scalars(
        sa.select(User).where(User.id.in_(sa.select(AuditEntry.user_id).distinct()))
        .order_by(User.role, User.email)).all()
    actions = db.session.scalars(
        sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return {"events": events, "users": users,
            "actions": [(a, action_label(a)) for a in actions]}


# --- Reading an entry -------------------------------------------------------------------------

def role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return "tài khoản"


def sentence(entry: AuditEntry, tz: str | tzinfo) -> str:
    """The entry as one Vietnamese sentence: who, did what, when."""
    return phrases.sentence(entry, tz, role_label)


def changes(entry: AuditEntry, tz: str | tzinfo) -> list[tuple[str, str, str]]:
    """``(field, before, after)`` of the entry, named and translated by its domain."""
    return phrases.changes(entry.action, entry.before, entry.after, entry.event_id, tz)


# --- Excel -------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    Column("Thời điểm", 18, "datetime"), Column("Người thực hiện", 26),
    Column("Email", 28), Column("Sự kiện", 30, wrap=True), Column("Hành động", 26),
    Column("Diễn giải", 60, wrap=True), Column("Tóm tắt", 50, wrap=True),
    Column("Trước", 40, wrap=True), Column("Sau", 40, wrap=True),
]


def export(filters: AuditFilters, tz: str | tzinfo):
    """Every matching entry as an .xlsx file (spooled, rewound)."""
    builder = XlsxBuilder(tz)
    builder.add_sheet("Nhật ký thay đổi", EXPORT_COLUMNS, _export_rows(filters, tz))
    return spooled_xlsx(builder)


def _export_rows(filters: AuditFilters, tz) -> Iterator[list]:
    titles = dict(db.session.execute(sa.select(Event.id, Event.title)).all())
    result = db.session.execute(search(filters, tz).execution_options(yield_per=500))
    for entry in result.scalars():
        rows = changes(entry, tz)
        yield [entry.at,
               entry.user.display_name if entry.user else "(hệ thống)",
               entry.user.email if entry.user else "",
               titles.get(entry.event_id, ""),
               action_label(entry.action), sentence(entry, tz), entry.summary,
               "\n".join(f"{k}: {b}" if k else b for k, b, _ in rows if b),
               "\n".join(f"{k}: {a}" if k else a for k, _, a in rows if a)]
