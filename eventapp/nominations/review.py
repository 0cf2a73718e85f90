"""The organizer's side: return (trả lại), decide, order the honoree list, certificate text.

The automatic result never decides alone: the organizer's decision does, and going
against the automatic result needs a written reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from eventapp import audit
from eventapp.clock import now
from eventapp.database import lock
from eventapp.errors import Changed, Invalid
from eventapp.events import letterhead
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.messages import notices
from eventapp.nominations import eligibility as el
from eventapp.nominations.models import (
    CertificateSettings,
    Nomination,
    NominationStatus,
)
from eventapp.nominations.services import assess, log_status, reference_date
from eventapp.text import fold
from eventapp.units.models import Unit

DECIDABLE = {NominationStatus.submitted, NominationStatus.approved, NominationStatus.rejected}


def return_dossier(nomination: Nomination, reason: str, user) -> Nomination:
    """Send a dossier back to its unit with a reason; any decision on it is cleared."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": "Cần ghi lý do trả lại để đơn vị biết cần sửa gì."})
    lock(nomination)  # the unit's withdrawal waits, or is seen here
    if nomination.status not in DECIDABLE:
        raise Changed("Chỉ trả lại được hồ sơ đơn vị đã gửi; hồ sơ vừa được thay đổi. "
                      "Vui lòng tải lại trang.")
    before = {"status": nomination.status}
    log_status(nomination, NominationStatus.returned, user, reason)
    nomination.review_reason = reason
    nomination.decided_at = nomination.decided_by_id = None
    nomination.decision_auto_eligible = None
    audit.record("nomination.return", obj=nomination, event_id=nomination.event_id,
                 summary=f"Trả lại hồ sơ {nomination.full_name} ({nomination.unit.name})",
                 before=before, after={"status": nomination.status, "reason": reason}, user=user)
    db.session.flush()
    notices.notify("dossier_returned", event=nomination.event, unit_id=nomination.unit_id,
                   ref=f"nomination:{nomination.id}", user=user,
                   values={"nomination_id": nomination.id, "ho_ten": nomination.full_name,
                           "ly_do": reason})
    return nomination


def decide(nomination: Nomination, decision: str, reason: str, checks: dict[str, bool], user
           ) -> Nomination:
    """Record the manual criteria and the decision: "approved", "rejected" or "" (undecided,
    which takes a decided dossier back to "submitted"). Approving needs every manual
    criterion ticked; rejecting needs a reason; going against the automatic result too.
    """
    lock(nomination)  # the unit's withdrawal waits, or is seen here
    if nomination.status not in DECIDABLE:
        raise Changed("Hồ sơ chưa được gửi, đã được rút về hoặc đang trả lại đơn vị; chưa xét "
                      "được. Vui lòng tải lại trang.")
    reason = (reason or "").strip()
    checks = {code: bool(checks.get(code)) for code in el.MANUAL_CRITERIA}
    before = {"status": nomination.status, "manual_checks": dict(nomination.manual_checks or {}),
              "reason": nomination.review_reason}
    if decision not in ("", "approved", "rejected"):
        raise Invalid({"decision": "Chọn: vinh danh hoặc không vinh danh."})
    result = assess(nomination)
    errors = {}
    if decision == "approved" and not all(checks.values()):
        errors["decision"] = ("Cần đánh dấu đủ 4 tiêu chí do Ban tổ chức xét trước khi đồng ý "
                              "vinh danh.")
    if decision == "rejected" and not reason:
        errors["reason"] = "Cần ghi lý do không vinh danh."
    against = (decision == "approved" and not result.eligible) or \
        (decision == "rejected" and result.eligible)
    if against and not reason:
        errors.setdefault("reason", "Quyết định khác với kết quả xét tự động; cần ghi rõ lý do.")
    if errors:
        raise Invalid(errors)
    nomination.manual_checks = checks
    if not decision and nomination.status != NominationStatus.submitted:
        log_status(nomination, NominationStatus.submitted, user, reason or "Hủy quyết định")
        nomination.decided_at = nomination.decided_by_id = None
        nomination.decision_auto_eligible = None
    decided = bool(decision) and (decision != nomination.status
                                  or reason != nomination.review_reason)
    if decided:
        log_status(nomination, NominationStatus(decision), user, reason)
    if decision:
        nomination.review_reason = reason
        nomination.decision_auto_eligible = result.eligible
        nomination.decided_at, nomination.decided_by_id = now(), getattr(user, "id", None)
    after = {"status": nomination.status, "manual_checks": checks,
             "reason": nomination.review_reason, "auto_eligible": result.eligible}
    audit.record("nomination.decide" if decision else "nomination.review", obj=nomination,
                 event_id=nomination.event_id,
                 summary=(f"{NominationStatus(decision).label if decision else 'Đánh giá'}: "
                          f"{nomination.full_name} ({nomination.unit.name})"
                          + (" — trái với kết quả tự động" if against else "")),
                 before=before, after=after, user=user)
    db.session.flush()
    if decided:  # the unit hears of a decision once, not of each re-save of the same one
        notices.notify("dossier_decided", event=nomination.event, unit_id=nomination.unit_id,
                       ref=f"nomination:{nomination.id}", user=user,
                       values={"nomination_id": nomination.id, "ho_ten": nomination.full_name,
                               "ket_qua": NominationStatus(decision).label,
                               "ly_do": reason or "không có"})
    return nomination


@dataclass
class ReviewRow:
    """One sent dossier in the organizer's list: its automatic result, how many manual
    criteria are ticked, and whether the decision went against the automatic result."""

    nomination: Nomination
    result: el.Assessment

    @property
    def ticked(self) -> int:
        return sum(1 for value in (self.nomination.manual_checks or {}).values() if value)

    @property
    def against_automatic(self) -> bool:
        auto = self.nomination.decision_auto_eligible
        return auto is not None and \
            (self.nomination.status == NominationStatus.approved.value) != auto


def review_rows(nominations) -> list[ReviewRow]:
    return [ReviewRow(n, assess(n)) for n in nominations]


# --- Honoree list -------------------------------------------------------------------------------

def honorees(event: Event) -> list[Nomination]:
    """Approved dossiers in reading order: numbered ones first, then by unit and name."""
    rows = db.session.scalars(sa.select(Nomination).join(Unit).where(
        Nomination.event_id == event.id,
        Nomination.status == NominationStatus.approved.value)).all()
    return sorted(rows, key=lambda n: (n.reading_order is None, n.reading_order or 0,
                                       fold(n.unit.name), fold(n.full_name), n.id))


def set_reading_order(event: Event, orders: dict[int, str], user) -> None:
    """Renumber the honoree list from the positions typed by the organizer (1, 2, …)."""
    people = honorees(event)
    errors = {}
    wanted = {}
    for person in people:
        raw = (orders.get(person.id) or "").strip()
        if not raw:
            continue
        if not raw.isdecimal() or len(raw) > 6 or int(raw) < 1:
            errors[f"order-{person.id}"] = f"Thứ tự của {person.full_name} phải là số từ 1."
        else:
            wanted[person.id] = int(raw)
    if errors:
        raise Invalid(errors)
    # Stable renumbering 1..n: typed positions first, ties and blanks keep the current order.
    ranked = sorted(enumerate(people), key=lambda ip: (wanted.get(ip[1].id, 10**6), ip[0]))
    before = {p.id: p.reading_order for p in people}
    for number, (_, person) in enumerate(ranked, start=1):
        person.reading_order = number
    audit.record("nomination.reading_order", event_id=event.id,
                 summary="Sắp xếp thứ tự đọc danh sách vinh danh", before=before,
                 after={p.id: p.reading_order for p in people}, user=user)
    db.session.flush()


@dataclass
class HonoreeRow:
    """One line of the honoree list, with the engine's result for the export: ``position``
    in the list (1, 2 …), ``number`` the reading order typed, else the position."""

    nomination: Nomination
    result: el.Assessment
    position: int

    @property
    def number(self) -> int:
        return self.nomination.reading_order or self.position

    @property
    def service_text(self) -> str:
        span = self.result.seniority.span
        return f"{span.years} năm {span.months} tháng"


def honoree_rows(event: Event) -> list[HonoreeRow]:
    return [HonoreeRow(n, assess(n), position)
            for position, n in enumerate(honorees(event), start=1)]


# --- Certificate text ---------------------------------------------------------------------------

def default_certificate(event: Event) -> CertificateSettings:
    """Wording from the seed's plan, the issuer and place read from the sessions' venues
    (``events/letterhead.py``); the organizer edits it once per event."""
    place = letterhead.first_locality(s.venue for s in event.sessions)
    level = place.level.upper() if place else "TỈNH ĐOÀN"
    return CertificateSettings(
        event_id=event.id,
        issuer=letterhead.certificate_issuer(place),
        heading="GIẤY CHỨNG NHẬN",
        citation=("Đã có nhiều năm cống hiến cho công tác Đội và phong trào thiếu nhi, là tấm "
                  "gương sáng về tinh thần yêu nghề, mến trẻ."),
        place=place.name if place else "", signed_on=reference_date(event),
        signer_title=f"TM. BAN THƯỜNG VỤ {level}\nBÍ THƯ" if place else "TM. BAN TỔ CHỨC",
        signer_name="")


def certificate_missing(settings: CertificateSettings) -> list[str]:
    """What the printed certificates lack (a warning above them, never printed)."""
    return letterhead.missing({"place": settings.place, "signer_name": settings.signer_name})


def certificate_settings(event: Event) -> CertificateSettings:
    found = db.session.scalar(sa.select(CertificateSettings).where(
        CertificateSettings.event_id == event.id))
    return found or default_certificate(event)


CERTIFICATE_FIELDS = ["issuer", "heading", "citation", "place", "signed_on", "signer_title",
                      "signer_name"]


def save_certificate_settings(event: Event, values: dict, user) -> CertificateSettings:
    errors = {key: "Không được để trống." for key in ("issuer", "heading", "citation", "place",
                                                      "signer_title")
              if not (values.get(key) or "").strip()}
    if errors:
        raise Invalid(errors)
    settings = certificate_settings(event)
    before = audit.snapshot(settings, CERTIFICATE_FIELDS) if settings.id else None
    for key in CERTIFICATE_FIELDS:
        value = values.get(key)
        setattr(settings, key, value.strip() if isinstance(value, str) else value)
    if settings.id is None:
        db.session.add(settings)
    db.session.flush()
    audit.record("nomination.certificate", obj=settings, event_id=event.id,
                 summary="Sửa nội dung giấy chứng nhận vinh danh", before=before,
                 after=audit.snapshot(settings, CERTIFICATE_FIELDS), user=user)
    db.session.flush()
    return settings


def signed_date_text(settings: CertificateSettings) -> str:
    day: date | None = settings.signed_on
    if day is None:
        return f"{settings.place}, ngày … tháng … năm …"
    return f"{settings.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
