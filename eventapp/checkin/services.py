"""Check-in operations — the only code that writes the ``checkin`` table (with the
statements of ``checkin.queries``).

One scan is: find the attendee by code (or by id, for name search and manual check-in),
check status and invitation, then ``INSERT … ON CONFLICT DO NOTHING`` against the partial
unique index. Concurrent scans of one code at several doors therefore give exactly one
``checked_in``; the others read the winner's row and answer ``already_checked_in``.

Decisions (reception desk practice): the first recorded check-in wins, also against an
offline scan with an earlier time (the offline one is reported as a conflict); scans are
not written to the audit log (the check-in row itself records who, when, which door and
how) but undo and the organizer's manual check-in are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple, Protocol

from eventapp import audit
from eventapp.accounts.models import User
from eventapp.checkin import failed
from eventapp.checkin.models import CheckIn, Method
from eventapp.checkin.queries import (
    BY_ID,
    SCAN,
    Card,
    EventLike,
    SessionLike,
    card_of,
    find_event_for_staff,
    find_session,
    insert_checkin,
    lookup_one,
    replacement_name,
    run_core,
)
from eventapp.checkin.rules import (
    MAX_CODE_LENGTH,
    Outcome,
    arrival_time,
    clean_label,
    extract_code,
)
from eventapp.clock import now
from eventapp.database import has_written, lock, write_lock
from eventapp.errors import Conflict, Invalid, NotFound
from eventapp.events.models import Event, EventSession
from eventapp.extensions import db
from eventapp.formatting import local_time
from eventapp.prepared import PooledConnection, Prepared, request_connection
from eventapp.registration.codes import code_key, is_genuine, split_code
from eventapp.registration.models import AttendeeStatus
from eventapp.text import clean


class ScanResult(NamedTuple):
    """The answer to one scan; ``to_json`` is the API's body, ``outcome.http_status`` its status.

    Named tuples, not frozen dataclasses, for the values a scan builds: the dataclass
    ``__init__`` sets each field through ``object.__setattr__``, a cost every scan paid.
    """

    outcome: Outcome
    tz: str = ""  # the event's zone; empty: the configured one (formatting.zone)
    attendee: Card | None = None
    checked_in_at: datetime | None = None
    by: str | None = None
    device: str = ""
    checkin_id: int | None = None
    from_offline_queue: bool = False
    replacement: str | None = None  # the substitute's name, for a ``substituted`` code

    @property
    def http_status(self) -> int:
        return self.outcome.http_status

    def to_json(self) -> dict:
        data: dict = {"result": self.outcome.value, "message": self.outcome.message,
                      "colour": self.outcome.colour}
        if self.http_status >= 400:
            data["error"] = self.outcome.value
        if self.attendee is not None:
            data["attendee"] = self.attendee.to_json()
        if self.checked_in_at is not None:
            data["checked_in_at"] = self.checked_in_at.astimezone(UTC).isoformat()
            data["checked_in_time"] = local_time(self.checked_in_at, self.tz)
            data["by"] = self.by or ""
            data["device"] = self.device
            data["from_offline_queue"] = self.from_offline_queue
            data["checkin_id"] = self.checkin_id
        if self.replacement is not None:
            data["replacement"] = {"full_name": self.replacement}
        return data


# --- Checking in ----------------------------------------------------------------------------

class Staff(Protocol):
    """Who records a check-in: a logged-in ``User`` or an API token's holder."""

    id: int
    display_name: str


class _Context(NamedTuple):
    """Plain values captured before the ORM transaction ends (which expires ORM objects)."""

    event_id: int
    session_id: int
    tz: str
    session_starts_at: datetime
    staff_id: int | None
    staff_name: str


def _who(staff: Staff | None) -> tuple[int | None, str]:
    return (staff.id, staff.display_name) if staff else (None, "")


def scan(slug: str, session_key: str, raw_code: str, *, staff: Staff | None,
         device: str = "", scanned_at: datetime | None = None, scan_id: str | None = None,
         offline: bool | None = None) -> ScanResult:
    """Check in whoever ``raw_code`` belongs to, in session ``session_key`` of event ``slug``.

    The app's hottest request: one read (``queries.scan_select``) and one insert, as
    prepared statements on the request's autocommit connection (``eventapp.prepared``).
    The code's MAC is checked once the read has given the event id; a code of another
    event, a forged one and garbage are all ``unknown_code``. An unknown event is a 404
    and an unknown session a 422 — worked out only when the read finds nothing.
    """
    code = extract_code(raw_code)
    parts = split_code(code)
    params = {"slug": slug, "session_key": session_key, "nonce": parts[0] if parts else ""}
    who = _who(staff)  # read before the ORM transaction ends and expires ``staff``
    if parts:
        _end_orm_transaction()
        connection = request_connection()
        row = SCAN.first(connection, params)
        if row is not None and is_genuine(code_key(), row.event_id, *parts):
            ctx = _Context(row.event_id, row.session_id, row.timezone, row.session_starts_at,
                           *who)
            if offline is None:
                offline = scanned_at is not None
            values = _values(ctx, row, Method.scan, device, scanned_at, scan_id, offline)
            refused = _answer_without_insert(ctx, row, scan_id)
            if refused is None:
                return _insert(connection, ctx, row, SCAN, params, values)
            if refused.http_status >= 400:
                _log_refusal(refused, ctx, values["checked_in_at"], device, code)
            return refused
    event = find_event_for_staff(slug)
    session = find_session(event, session_key)
    ctx = _Context(event.id, session.id, event.timezone, session.starts_at, *who)
    result = ScanResult(Outcome.unknown_code, event.timezone)
    at = arrival_time(scanned_at, now(), session.starts_at)[0]
    _log_refusal(result, ctx, at, device, code or clean(raw_code or "")[:MAX_CODE_LENGTH])
    return result


def _log_refusal(result: ScanResult, ctx: _Context, at: datetime, device: str,
                 code: str | None) -> None:
    """Record a refused scan in the failed-scan log (``checkin.failed``), committed on the
    scan's own connection whatever the request does next."""
    _end_orm_transaction()
    failed.record(request_connection(), result.outcome, event_id=ctx.event_id,
                  session_id=ctx.session_id, at=at, device=device, staff_id=ctx.staff_id,
                  code=code)


def check_in_code(event: EventLike, session: SessionLike, raw_code: str,
                  **options) -> ScanResult:
    """``scan`` for an event and a session the caller has already loaded."""
    return scan(event.slug, session.key, raw_code, **options)


def check_in_attendee(event: Event, session: SessionLike, attendee_id: int, *,
                      staff: Staff | None, method: str = Method.search, device: str = "",
                      note: str = "", scan_id: str | None = None,
                      scanned_at: datetime | None = None, offline: bool = False) -> ScanResult:
    """Check in by name search at the door, or an organizer's manual check-in (audited)."""
    ctx = _Context(event.id, session.id, event.timezone, session.starts_at, *_who(staff))
    note = clean(note)
    if len(note) > 500:
        raise Invalid({"note": "Ghi chú tối đa 500 ký tự."})
    params = {"session_id": ctx.session_id, "event_id": ctx.event_id, "key": attendee_id}
    if method in (Method.manual, Method.walk_in):
        row = run_core(lookup_one("id"), params).first()
        if row is None:
            return ScanResult(Outcome.unknown_code, ctx.tz)
        values = _values(ctx, row, method, device, scanned_at, scan_id, offline, note)
        return (_answer_without_insert(ctx, row, scan_id)
                or _insert_audited(ctx, row, params, values))
    _end_orm_transaction()
    connection = request_connection()
    row = BY_ID.first(connection, params)
    if row is None:
        return ScanResult(Outcome.unknown_code, ctx.tz)
    values = _values(ctx, row, method, device, scanned_at, scan_id, offline, note)
    return (_answer_without_insert(ctx, row, scan_id)
            or _insert(connection, ctx, row, BY_ID, params, values))


def _end_orm_transaction() -> None:
    """End the request's ORM transaction, if it has one that only read, before a scan
    writes on its own connection: on SQLite a writing request's transaction holds the
    write lock the scan's insert would wait for, and a reader would go on seeing its old
    snapshot. The API's scan has none (nothing to do).

    Changes the caller made in it are refused, not committed on its behalf: the request's
    unit of work commits them, after the scan or without it.
    """
    if not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction():
        return
    if has_written(session):
        raise RuntimeError("a scan runs on its own connection: call it before changing "
                           "anything in the request's ORM session")
    session.rollback()


def _answer_without_insert(ctx: _Context, row, scan_id: str | None) -> ScanResult | None:
    """Revoked, not invited or already checked in; None if the person may come in now."""
    if row.status != AttendeeStatus.active:
        return _revoked(ctx, row)
    if not row.invited:
        return ScanResult(Outcome.not_invited, ctx.tz, card_of(row))
    if row.checkin_id is not None:
        return _existing(ctx, row, scan_id)
    return None


def _revoked(ctx: _Context, row) -> ScanResult:
    """A cancelled or substituted delegate's code, or a registration not approved; the
    refusal path alone asks for the substitute's name."""
    if row.status == AttendeeStatus.substituted:
        return ScanResult(Outcome.substituted, ctx.tz, card_of(row),
                          replacement=replacement_name(row.id))
    if row.status in (AttendeeStatus.pending, AttendeeStatus.rejected):
        return ScanResult(Outcome.not_approved, ctx.tz, card_of(row))
    return ScanResult(Outcome.revoked, ctx.tz, card_of(row))


def _values(ctx: _Context, row, method: str, device: str, scanned_at: datetime | None,
            scan_id: str | None, offline: bool, note: str = "") -> dict:
    """The new check-in row; an offline scan time that cannot be believed is replaced by
    the server's and flagged for review (``rules.arrival_time``)."""
    moment = now()
    arrived, needs_review = arrival_time(scanned_at, moment, ctx.session_starts_at)
    return {"event_id": ctx.event_id, "attendee_id": row.id, "session_id": ctx.session_id,
            "checked_in_at": arrived, "recorded_at": moment, "scanned_at": scanned_at,
            "staff_id": ctx.staff_id, "device": clean_label(device), "method": method,
            "from_offline_queue": bool(offline), "scan_id": scan_id or None, "note": note,
            "undo_reason": "", "needs_review": needs_review}


def _checked_in(ctx: _Context, row, values: dict, new_id: int) -> ScanResult:
    return ScanResult(Outcome.checked_in, ctx.tz, card_of(row), values["checked_in_at"],
                      ctx.staff_name, values["device"], new_id, values["from_offline_queue"])


def _insert(connection: PooledConnection, ctx: _Context, row, read: Prepared, params: dict,
            values: dict) -> ScanResult:
    """``INSERT … ON CONFLICT DO NOTHING``; if another door won, its check-in.

    One autocommitted statement, so the write lock (SQLite) or the index entry (PostgreSQL)
    is held only inside it: doors do not queue behind each other's Python.
    """
    for _attempt in range(3):
        inserted = insert_checkin(connection.dialect.name).first(connection, values)
        if inserted is not None:
            return _checked_in(ctx, row, values, inserted.id)
        # Another door won the race, or the code was revoked meanwhile: read why.
        winner = read.first(connection, params)
        if winner is not None and (refused := _answer_without_insert(ctx, winner,
                                                                     values["scan_id"])):
            return refused
    raise Conflict("Check-in đang bị thay đổi đồng thời; vui lòng quét lại.", code="busy")


def _insert_audited(ctx: _Context, row, params: dict, values: dict) -> ScanResult:
    """The organizer's manual check-in: the insert and its audit entry in the request's
    transaction (its unit of work commits both)."""
    write_lock(db.session, EventSession, ctx.session_id)
    statement = insert_checkin(db.session.get_bind().dialect.name).statement
    new_id = db.session.execute(statement, values).scalar()
    if new_id is None:  # someone checked the person in since the read
        winner = run_core(lookup_one("id"), params).first()
        if winner is not None and (refused := _answer_without_insert(ctx, winner,
                                                                     values["scan_id"])):
            return refused
        raise Conflict("Check-in đang bị thay đổi đồng thời; vui lòng thử lại.", code="busy")
    note = values["note"]
    how = "thủ công" if values["method"] == Method.manual else "khách đăng ký tại cửa"
    audit.record(f"checkin.{values['method']}", obj=db.session.get(CheckIn, new_id),
                 event_id=ctx.event_id,
                 summary=f"Check-in {how}: {row.full_name}" + (f" — {note}" if note else ""),
                 after={"checkin_id": new_id, "attendee_id": row.id,
                        "session_id": ctx.session_id, "note": note})
    db.session.flush()
    return _checked_in(ctx, row, values, new_id)


def _existing(ctx: _Context, row, scan_id: str | None) -> ScanResult:
    """The active check-in in ``row``; a retried upload of the same scan is no conflict."""
    outcome = Outcome.already_checked_in
    if scan_id and row.scan_id == scan_id:
        outcome = Outcome.checked_in
    return ScanResult(outcome, ctx.tz, card_of(row), row.checked_in_at,
                      row.staff_name or row.staff_email or "", row.device or "",
                      row.checkin_id, bool(row.from_offline_queue))


# --- Undo -----------------------------------------------------------------------------------

def undo(event: Event, checkin_id: int, reason: str, user: User) -> CheckIn:
    """Undo a check-in (hủy check-in) with a reason; the row stays as history, audited."""
    reason = clean(reason)
    if not reason:
        raise Invalid({"reason": "Vui lòng ghi lý do hủy check-in."})
    if len(reason) > 500:
        raise Invalid({"reason": "Lý do tối đa 500 ký tự."})
    row = db.session.get(CheckIn, checkin_id)
    if row is None or row.event_id != event.id:
        raise NotFound("Không tìm thấy lượt check-in.")
    lock(row)
    if row.undone_at is not None:
        raise Conflict("Lượt check-in này đã được hủy trước đó.", code="already_undone")
    moment = now()
    row.undone_at, row.undone_by_id, row.undo_reason = moment, user.id, reason
    audit.record("checkin.undo", obj=row, event_id=event.id,
                 summary=f"Hủy check-in của {row.attendee.full_name} "
                         f"({row.session.name}): {reason}",
                 before={"checked_in_at": row.checked_in_at, "device": row.device},
                 after={"undone_at": moment, "reason": reason})
    db.session.flush()
    return row
