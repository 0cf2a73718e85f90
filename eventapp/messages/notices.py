"""Notices on actions (thông báo tự động): what a unit or the organizers are told when
something happens to them, written in the same transaction as the change.

A domain calls ``notify(kind, event=…, unit_id=…, values=…)`` from the service that makes the
change, after the change is checked and made: a refused change raises before it, a rolled-back
one takes the rows with it. The texts live here, one table of kinds; each kind can be switched
off per event (``NoticeSetting``, edited on the event form through ``messages/settings.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from eventapp.accounts.models import Role, User
from eventapp.extensions import db
from eventapp.messages import outbox
from eventapp.messages.models import Message, NoticeSetting
from eventapp.units.models import Unit

GREETING = "Kính gửi {don_vi},\n\n"
SIGNATURE = "\n\nXem chi tiết: {lien_ket}\n\nBan tổ chức {su_kien}"


@dataclass(frozen=True)
class Kind:
    """One kind of notice: its label on the event form, its subject and body (``str.format``
    placeholders filled from the caller's ``values`` plus ``don_vi``, ``su_kien`` and
    ``lien_ket``), who receives it, and the page its link opens (``endpoint`` with ``slug``
    and the ``args`` taken from ``values``)."""

    label: str
    subject: str
    body: str
    endpoint: str
    args: tuple[str, ...] = ()
    to_organizers: bool = False


KINDS: dict[str, Kind] = {
    "extension_granted": Kind(
        "Gia hạn cho đơn vị", "Đơn vị được gia hạn: {han_muc}",
        GREETING + "Ban tổ chức đã gia hạn “{han_muc}” cho đơn vị đến {han_moi}.\n"
        "Lý do: {ly_do}" + SIGNATURE, "events.overview"),
    "extension_revoked": Kind(
        "Hủy gia hạn", "Hủy gia hạn: {han_muc}",
        GREETING + "Ban tổ chức đã hủy gia hạn “{han_muc}” của đơn vị; hạn chung của sự kiện "
        "được áp dụng trở lại." + SIGNATURE, "events.overview"),
    "dossier_returned": Kind(
        "Hồ sơ vinh danh bị trả lại", "Hồ sơ vinh danh được trả lại để sửa: {ho_ten}",
        GREETING + "Hồ sơ đề nghị vinh danh {ho_ten} được Ban tổ chức trả lại để đơn vị sửa.\n"
        "Lý do: {ly_do}" + SIGNATURE, "nominations.detail", ("nomination_id",)),
    "dossier_decided": Kind(
        "Kết quả xét hồ sơ vinh danh", "Kết quả xét hồ sơ vinh danh: {ho_ten}",
        GREETING + "Hồ sơ đề nghị vinh danh {ho_ten}: {ket_qua}.\nGhi chú: {ly_do}" + SIGNATURE,
        "nominations.detail", ("nomination_id",)),
    "question_selected": Kind(
        "Câu hỏi được chọn đối thoại", "Câu hỏi của đơn vị được chọn đối thoại",
        GREETING + "Câu hỏi #{cau_hoi} của đơn vị được chọn đưa vào buổi đối thoại:\n"
        "“{noi_dung}”" + SIGNATURE, "questions.detail", ("question_id",)),
    "question_merged": Kind(
        "Câu hỏi được gộp", "Câu hỏi của đơn vị được gộp với câu hỏi khác",
        GREETING + "Câu hỏi #{cau_hoi} của đơn vị được gộp vào câu hỏi #{gop_vao} có cùng nội "
        "dung:\n“{noi_dung}”" + SIGNATURE, "questions.detail", ("question_id",)),
    "question_answered": Kind(
        "Câu hỏi đã được trả lời", "Câu hỏi của đơn vị đã được trả lời",
        GREETING + "Câu hỏi #{cau_hoi} của đơn vị đã được trả lời:\n“{noi_dung}”\n\n"
        "Trả lời: {tra_loi}" + SIGNATURE, "questions.detail", ("question_id",)),
    "attendee_cancelled": Kind(
        "Ban tổ chức hủy đăng ký đại biểu", "Hủy đăng ký đại biểu: {ho_ten}",
        GREETING + "Ban tổ chức đã hủy đăng ký đại biểu {ho_ten}; mã check-in của người này "
        "không còn dùng được." + SIGNATURE, "registration.index"),
    "code_reissued": Kind(
        "Cấp lại mã check-in", "Cấp lại mã check-in: {ho_ten}",
        GREETING + "Ban tổ chức đã cấp mã check-in mới cho đại biểu {ho_ten}; giấy mời và thẻ "
        "in trước đây không còn dùng được, hãy in lại." + SIGNATURE,
        "registration.edit", ("attendee_id",)),
    "attendees_approved": Kind(
        "Ban tổ chức duyệt đăng ký đại biểu", "Đã duyệt {so_luong} đại biểu",
        GREETING + "Ban tổ chức đã duyệt đăng ký {so_luong} đại biểu của đơn vị:\n{danh_sach}\n"
        "Giấy mời, thẻ đại biểu và mã check-in của những người này đã dùng được."
        + SIGNATURE, "registration.index"),
    "attendees_rejected": Kind(
        "Ban tổ chức từ chối đăng ký đại biểu", "Bị từ chối {so_luong} đăng ký đại biểu",
        GREETING + "Ban tổ chức đã từ chối đăng ký {so_luong} đại biểu của đơn vị:\n{danh_sach}\n"
        "Lý do: {ly_do}\nĐơn vị có thể sửa rồi gửi lại để duyệt, hoặc hủy đăng ký."
        + SIGNATURE, "registration.index"),
    "extension_requested": Kind(
        "Đơn vị xin gia hạn (gửi Ban tổ chức)", "{don_vi} xin gia hạn: {han_muc}",
        "{don_vi} xin gia hạn “{han_muc}”.\nLý do: {ly_do}" + SIGNATURE, "events.extensions",
        to_organizers=True),
    "dossier_submitted": Kind(
        "Đơn vị gửi hồ sơ vinh danh (gửi Ban tổ chức)", "{don_vi} gửi hồ sơ vinh danh: {ho_ten}",
        "{don_vi} đã gửi hồ sơ đề nghị vinh danh {ho_ten}." + SIGNATURE, "nominations.detail",
        ("nomination_id",), to_organizers=True),
}


def switched_off(event) -> set[str]:
    """The kinds the organizer switched off for ``event`` (none by default)."""
    row = db.session.get(NoticeSetting, event.id)
    return set(row.off) if row else set()


def store(event, off) -> None:
    """Switch off exactly ``off`` (unknown kinds are dropped) and switch the rest on."""
    row = db.session.get(NoticeSetting, event.id)
    if row is None:
        row = NoticeSetting(event_id=event.id)
        db.session.add(row)
    row.off = sorted(set(off) & set(KINDS))
    db.session.flush()


def link(endpoint: str, **args) -> str:
    """An absolute link to a page, for a message: at ``PUBLIC_URL`` when it is configured
    (the address units reach; main's ``reminders.unit_link`` follows the same rule), else
    at the address the request came in on; outside a request, ``http://localhost:5000``."""
    base = current_app.config.get("PUBLIC_URL")
    if has_request_context():  # no second request context inside this one
        return (base.rstrip("/") + url_for(endpoint, **args) if base
                else url_for(endpoint, _external=True, **args))
    with current_app.test_request_context(base_url=base or "http://localhost:5000"):
        return url_for(endpoint, _external=True, **args)


def organizers() -> list[outbox.Recipient]:
    users = db.session.scalars(sa.select(User).where(
        User.role == Role.organizer, User.active.is_(True)).order_by(User.id))
    return [outbox.for_user(user) for user in users]


def notify(kind: str, *, event, unit_id: int | None = None, values: dict | None = None,
           ref: str | None = None, user=None) -> list[Message]:
    """Write the ``kind`` notice about ``unit_id`` into the outbox (to the unit's accounts and
    contacts, or to the organizers), unless the event has it switched off."""
    notice = KINDS[kind]
    if kind in switched_off(event):
        return []
    if notice.to_organizers:
        recipients = organizers()
    else:
        recipients = outbox.unit_recipients([unit_id])[unit_id] if unit_id else []
    if not recipients:
        return []
    values = dict(values or {})
    if unit_id is not None and "don_vi" not in values:
        values["don_vi"] = db.session.get(Unit, unit_id).name
    values.setdefault("don_vi", "Đơn vị")
    values["su_kien"] = event.title
    href = link(notice.endpoint, slug=event.slug, **{a: values[a] for a in notice.args})
    values["lien_ket"] = href
    body = notice.body.format(**values)
    return outbox.enqueue(recipients, subject=notice.subject.format(**values), body=body,
                          cause=f"notice.{kind}", event_id=event.id,
                          unit_id=unit_id, cause_ref=ref,
                          created_by_id=getattr(user, "id", None))
