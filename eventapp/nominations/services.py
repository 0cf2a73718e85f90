"""Operations on dossiers: the only module that writes the nominations tables.

Decisions where the issue is silent:
- Drafts are the unit's own work: organizers see dossiers once submitted.
- A unit may submit a dossier the engine finds not eligible (the organizer decides), but
  only before its effective deadline; before it, a submitted dossier not yet decided can be
  withdrawn to draft for changes. After the deadline everything is read-only for the unit.
- The organizer may return (trả lại) a submitted or decided dossier with a reason; the unit
  fixes it and resubmits before its deadline (an extension reopens it after).
- Approval needs all four manual criteria ticked; rejection always needs a reason, and any
  decision against the automatic result needs one too.
- One unit-level submission letter (tờ trình) covers every dossier of the unit.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from eventapp import audit
from eventapp.api import load
from eventapp.clock import now
from eventapp.database import after_commit, after_rollback, lock
from eventapp.errors import Changed, Conflict, Forbidden, Invalid, NotFound
from eventapp.events import services as events
from eventapp.events.models import Event, EventUnit
from eventapp.extensions import db
from eventapp.formatting import local, zone
from eventapp.messages import notices
from eventapp.nominations import access, settings, uploads
from eventapp.nominations import eligibility as el
from eventapp.nominations.models import (
    EDITABLE,
    SENT,
    Nomination,
    NominationFile,
    NominationStatus,
    NominationStatusChange,
)
from eventapp.nominations.schemas import DossierSchema, nominee_from
from eventapp.units.models import Unit

KIND = settings.DEADLINE
MAX_FILES = 20
DOSSIER_FIELDS = ["full_name", "birth_date", "gender", "school", "position", "service_status",
                  "retired_on", "service_periods", "titles", "disciplines", "note"]


# --- Reading ---------------------------------------------------------------------------------

def may_nominate(event: Event, unit: Unit | None) -> bool:
    """Only unit kinds in the event's rules (district unions) file dossiers."""
    return access.unit_may_nominate(settings.of(event), unit)


def ensure_may_nominate(event: Event, unit: Unit | None) -> None:
    if not may_nominate(event, unit):
        raise Forbidden("Chỉ Huyện, Thành đoàn (các loại đơn vị Ban tổ chức cho phép) được gửi "
                        "hồ sơ đề nghị vinh danh.")


def get_nomination(event: Event, nomination_id: int) -> Nomination:
    """A dossier of ``event`` (who may see it: ``access.may_see_nomination``)."""
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.event_id != event.id:
        raise NotFound("Không tìm thấy hồ sơ.")
    return nomination


def unit_nominations(event: Event, unit_id: int) -> list[Nomination]:
    return list(db.session.scalars(sa.select(Nomination).where(
        Nomination.event_id == event.id, Nomination.unit_id == unit_id).order_by(Nomination.id)))


def sent_nominations(event: Event, unit_id: int | None = None, status: str | None = None
                     ) -> list[Nomination]:
    """Dossiers the organizer sees (submitted, decided; returned ones too), by unit and name."""
    query = sa.select(Nomination).join(Unit).where(
        Nomination.event_id == event.id, Nomination.status != NominationStatus.draft.value)
    if unit_id:
        query = query.where(Nomination.unit_id == unit_id)
    if status:
        query = query.where(Nomination.status == status)
    return list(db.session.scalars(query.order_by(Unit.name, Nomination.full_name,
                                                  Nomination.id)))


def unit_letters(event: Event, unit_id: int) -> list[NominationFile]:
    return list(db.session.scalars(sa.select(NominationFile).where(
        NominationFile.event_id == event.id, NominationFile.unit_id == unit_id,
        NominationFile.nomination_id.is_(None)).order_by(NominationFile.id)))


def documents_of(nomination: Nomination) -> set[str]:
    """Dossier parts present: the dossier's own files plus the unit's letter."""
    present = {kind for f in nomination.files for kind in (f.kinds or [])}
    if unit_letters(nomination.event, nomination.unit_id):
        present.add("to_trinh")
    return present


def reference_date(event: Event) -> date:
    return settings.reference_date(event) or local(now(), event).date()


def rules_for(event: Event, unit_id: int | None) -> el.Rules:
    """The event's numbers, with the unit's own deadline (an extension counts)."""
    rules = settings.of(event)
    return el.Rules(reference_date=reference_date(event),
                    **{name: getattr(rules, name) for name in settings.YEARS},
                    deadline=events.effective_deadline(event, unit_id, KIND), zone=zone(event))


def as_schema_data(nomination: Nomination) -> dict:
    """The stored record in the shape ``DossierSchema`` produces (dates as ``date``)."""
    day = date.fromisoformat
    return {"status": nomination.service_status, "retired_on": nomination.retired_on,
            "full_name": nomination.full_name,
            "service_periods": [{"start": day(p["start"]),
                                 "end": day(p["end"]) if p.get("end") else None}
                                for p in nomination.service_periods or []],
            "titles": list(nomination.titles or []),
            "disciplines": [{"date": day(d["date"]), "level": d["level"]}
                            for d in nomination.disciplines or []]}


def assess(nomination: Nomination) -> el.Assessment:
    """The automatic result now. A dossier not yet (re)sent is judged as if sent now."""
    sent_at = nomination.submitted_at if nomination.status in SENT else now()
    nominee = nominee_from(as_schema_data(nomination), documents=documents_of(nomination),
                           submitted_at=sent_at)
    return el.assess(nominee, rules_for(nomination.event, nomination.unit_id))


def preview(event: Event, unit: Unit, raw: dict, nomination: Nomination | None = None
            ) -> el.Assessment:
    """The live result for a form being edited (raises ``Invalid`` while it is incomplete)."""
    data = load(DossierSchema, raw)
    documents = documents_of(nomination) if nomination else (
        {"to_trinh"} if unit_letters(event, unit.id) else set())
    sent_at = nomination.submitted_at if nomination and nomination.status in SENT else now()
    nominee = nominee_from(data, documents=documents, submitted_at=sent_at)
    return el.assess(nominee, rules_for(event, unit.id))


def is_open(event: Event, unit_id: int) -> bool:
    return events.is_open_for(event, unit_id, KIND)


def can_edit(nomination: Nomination) -> bool:
    return nomination.status in EDITABLE and is_open(nomination.event, nomination.unit_id)


# --- The unit's changes -------------------------------------------------------------------------

def _ensure_editable(nomination: Nomination) -> None:
    """Lock the dossier, then check it may still change: an organizer's decision on it
    waits, or has already happened and is seen here (409 ``changed``)."""
    events.ensure_open(nomination.event, nomination.unit_id, KIND)
    lock(nomination)
    if nomination.status not in EDITABLE:
        raise Changed("Hồ sơ đã gửi nên không sửa được; hãy rút hồ sơ về (khi chưa có kết quả) "
                      "hoặc chờ Ban tổ chức trả lại.")


def log_status(nomination: Nomination, to: NominationStatus, user, reason: str = "") -> None:
    """Move the dossier to ``to`` and keep the step in its history (lock it first)."""
    nomination.history.append(NominationStatusChange(
        from_status=None if nomination.id is None else nomination.status, to_status=to,
        by_id=getattr(user, "id", None), reason=reason, at=now()))
    nomination.status = to


def save_dossier(event: Event, unit: Unit, nomination: Nomination | None, raw: dict, user
                 ) -> Nomination:
    """Create or edit a dossier from form data; ``Invalid`` lists every bad field."""
    ensure_may_nominate(event, unit)
    if nomination is None:
        events.ensure_open(event, unit.id, KIND)
    else:
        _ensure_editable(nomination)
    data = load(DossierSchema, raw)
    values = {
        "full_name": data["full_name"].strip(), "birth_date": data["birth_date"],
        "gender": data["gender"], "school": data["school"].strip(),
        "position": (data["position"] or "").strip(),
        "service_status": el.ServiceStatus(data["status"]),
        "retired_on": data["retired_on"], "note": (data["note"] or "").strip(),
        "service_periods": [{"start": p["start"].isoformat(),
                             "end": p["end"].isoformat() if p["end"] else None}
                            for p in data["service_periods"]],
        "titles": [{"year": t["year"], "title": t["title"]}
                   for t in sorted(data["titles"], key=lambda t: t["year"])],
        "disciplines": [{"date": d["date"].isoformat(), "level": d["level"]}
                        for d in sorted(data["disciplines"], key=lambda d: d["date"])],
    }
    created = nomination is None
    if created:
        nomination = Nomination(event_id=event.id, unit_id=unit.id, event=event)
        log_status(nomination, NominationStatus.draft, user)
        db.session.add(nomination)
        before = None
    else:
        before = audit.snapshot(nomination, DOSSIER_FIELDS)
    for key, value in values.items():
        setattr(nomination, key, value)
    db.session.flush()
    after = audit.snapshot(nomination, DOSSIER_FIELDS)
    if before is not None:
        before, after = audit.changed(before, after)
    audit.record("nomination.create" if created else "nomination.update", obj=nomination,
                 event_id=event.id, summary=f"Hồ sơ vinh danh {nomination.full_name} "
                                            f"({unit.name})", before=before, after=after,
                 user=user)
    db.session.flush()
    return nomination


def submit(nomination: Nomination, user) -> Nomination:
    """Send the dossier to the organizer; the instant counts for "on time"."""
    _ensure_editable(nomination)
    resent = nomination.status == NominationStatus.returned
    nomination.submitted_at = now()
    log_status(nomination, NominationStatus.submitted, user,
               "Gửi lại sau khi sửa" if resent else "")
    audit.record("nomination.submit", obj=nomination, event_id=nomination.event_id,
                 summary=f"{'Gửi lại' if resent else 'Gửi'} hồ sơ {nomination.full_name}",
                 after={"submitted_at": nomination.submitted_at}, user=user)
    db.session.flush()
    notices.notify("dossier_submitted", event=nomination.event, unit_id=nomination.unit_id,
                   ref=f"nomination:{nomination.id}", user=user,
                   values={"nomination_id": nomination.id, "ho_ten": nomination.full_name})
    return nomination


def withdraw(nomination: Nomination, user) -> Nomination:
    """Take a submitted, undecided dossier back to draft (before the deadline)."""
    events.ensure_open(nomination.event, nomination.unit_id, KIND)
    lock(nomination)
    if nomination.status != NominationStatus.submitted:
        raise Changed("Chỉ rút về được hồ sơ đã gửi và chưa có kết quả xét; hồ sơ vừa được "
                      "thay đổi. Vui lòng tải lại trang.")
    log_status(nomination, NominationStatus.draft, user, "Đơn vị rút hồ sơ về để sửa")
    audit.record("nomination.withdraw", obj=nomination, event_id=nomination.event_id,
                 summary=f"Rút hồ sơ {nomination.full_name} về để sửa", user=user)
    db.session.flush()
    return nomination


def delete_dossier(nomination: Nomination, user) -> None:
    """Delete a draft (never sent, or withdrawn) with its files, before the deadline."""
    events.ensure_open(nomination.event, nomination.unit_id, KIND)
    lock(nomination)
    if nomination.status != NominationStatus.draft:
        raise Changed("Chỉ xóa được hồ sơ nháp; hồ sơ đã gửi cần rút về trước.")
    names = [f.stored_name for f in nomination.files]
    audit.record("nomination.delete", obj=nomination, event_id=nomination.event_id,
                 summary=f"Xóa hồ sơ nháp {nomination.full_name}",
                 before=audit.snapshot(nomination, DOSSIER_FIELDS), user=user)
    db.session.delete(nomination)
    db.session.flush()
    for name in names:
        after_commit(db.session, lambda name=name: uploads.remove(name))


def add_file(event: Event, unit: Unit, nomination: Nomination | None, storage, kinds: list[str],
             user) -> NominationFile:
    """Attach a checked upload to a dossier (or, with no dossier, as the unit's letter)."""
    ensure_may_nominate(event, unit)
    if nomination is None:
        events.ensure_open(event, unit.id, KIND)
        kinds = ["to_trinh"]
    else:
        _ensure_editable(nomination)
        kinds = [k for k in el.DOCUMENTS if k in set(kinds or [])]
        if not kinds:
            raise Invalid({"kinds": "Chọn ít nhất một thành phần hồ sơ mà tệp này chứa."})
        if len(nomination.files) >= MAX_FILES:
            raise Invalid({"file": f"Mỗi hồ sơ có tối đa {MAX_FILES} tệp; hãy xóa bớt tệp cũ."})
    checked = uploads.check(storage)
    uploads.ensure_room(event.id, unit.id, nomination.id if nomination else None,
                        len(checked.data))
    stored, digest = uploads.store(checked)
    after_rollback(db.session, lambda: uploads.remove(stored))  # the row was not saved
    row = NominationFile(event_id=event.id, unit_id=unit.id,
                         nomination_id=nomination.id if nomination else None, kinds=kinds,
                         original_name=checked.name, stored_name=stored,
                         content_type=checked.content_type, size=len(checked.data),
                         sha256=digest, uploaded_by_id=getattr(user, "id", None),
                         uploaded_at=now())
    db.session.add(row)
    db.session.flush()
    audit.record("nomination.file_add", obj=row, event_id=event.id,
                 summary=f"Tải lên {checked.name}"
                         + (f" cho hồ sơ {nomination.full_name}" if nomination else
                            f" (tờ trình của {unit.name})"),
                 after={"kinds": kinds, "size": len(checked.data)}, user=user)
    return row


def delete_file(file: NominationFile, user) -> None:
    event = db.session.get(Event, file.event_id)
    if file.nomination is not None:
        _ensure_editable(file.nomination)
    else:
        events.ensure_open(event, file.unit_id, KIND)
        relying = [n for n in unit_nominations(event, file.unit_id) if n.status not in EDITABLE]
        if relying and len(unit_letters(event, file.unit_id)) == 1:
            raise Conflict("Tờ trình đang dùng cho hồ sơ đã gửi; hãy tải tờ trình mới lên "
                           "trước, hoặc rút các hồ sơ về rồi mới xóa.", code="letter_in_use")
    audit.record("nomination.file_delete", obj=file, event_id=file.event_id,
                 summary=f"Xóa tệp {file.original_name}", before={"kinds": file.kinds}, user=user)
    name = file.stored_name
    db.session.delete(file)
    db.session.flush()
    after_commit(db.session, lambda: uploads.remove(name))


def get_file(event: Event, file_id: int) -> NominationFile:
    """A file of ``event`` (who may download it: ``access.may_see_file``)."""
    file = db.session.get(NominationFile, file_id)
    if file is None or file.event_id != event.id:
        raise NotFound("Không tìm thấy tệp.")
    return file


# --- Audiences of reminders (messages/audiences.py) ----------------------------------------

def _nominating_units(event: Event) -> sa.Select:
    """The event's units of a kind that files dossiers."""
    return (sa.select(Unit.id).join(EventUnit, EventUnit.unit_id == Unit.id)
            .where(EventUnit.event_id == event.id,
                   Unit.kind.in_(settings.of(event).unit_kinds or [])))


def units_not_submitted(event: Event, _now) -> dict[int, dict]:
    """Units that may nominate and have no dossier sent (submitted or decided)."""
    sent = sa.select(Nomination.unit_id).where(Nomination.event_id == event.id,
                                               Nomination.status.in_(SENT))
    ids = db.session.scalars(_nominating_units(event).where(Unit.id.not_in(sent)))
    return {unit_id: {} for unit_id in ids}


def units_with_returned(event: Event, _now) -> dict[int, dict]:
    """Units with a dossier returned to them (trả lại) and not yet sent again."""
    returned = sa.select(Nomination.unit_id).where(
        Nomination.event_id == event.id, Nomination.status == NominationStatus.returned)
    ids = db.session.scalars(_nominating_units(event).where(Unit.id.in_(returned)))
    return {unit_id: {} for unit_id in ids}
