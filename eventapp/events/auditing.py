"""How the audit log reads this domain's entries: events, sessions, extensions (gia hạn).

Also the names other domains show for the keys they store: a session's or a category's key
reads as its name, a topic's id as its title (``session_name``, ``category_name``,
``topic_name``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from eventapp.audit import phrases
from eventapp.audit.phrases import Field
from eventapp.events import deadlines, settings
from eventapp.events.models import Category, Event, EventSession, RequestStatus, Topic
from eventapp.extensions import db


@phrases.cached
def session_name(key, event_id: int | None) -> str | None:
    """``so-ket`` → "Hội nghị sơ kết…" (None when the event has no such session)."""
    return db.session.scalar(sa.select(EventSession.name).where(
        EventSession.event_id == event_id, EventSession.key == key))


@phrases.cached
def session_name_by_id(session_id, event_id: int | None) -> str | None:
    return db.session.scalar(sa.select(EventSession.name).where(EventSession.id == session_id))


@phrases.cached
def category_name(key, event_id: int | None) -> str | None:
    """``lanh-dao`` → "Lãnh đạo" (None when the event has no such category)."""
    return db.session.scalar(sa.select(Category.name).where(
        Category.event_id == event_id, Category.key == key))


@phrases.cached
def topic_name(topic_id, event_id: int | None) -> str | None:
    return db.session.scalar(sa.select(Topic.name).where(Topic.id == topic_id))


@phrases.cached
def event_title(slug, event_id: int | None = None) -> str | None:
    return db.session.scalar(sa.select(Event.title).where(Event.slug == slug))


def deadline_label(key, event_id: int | None) -> str | None:
    """A deadline kind (``questions``) → its name ("Gửi câu hỏi")."""
    return dict(deadlines.choices()).get(key) if isinstance(key, str) else None


def _settings_field(key: str) -> Field | None:
    """An event setting a domain's part adds: named by the label of its form field."""
    for part in settings.parts():
        unbound = getattr(part.form, key, None)
        if unbound is not None and getattr(unbound, "args", None):
            return Field(str(unbound.args[0]))
        if unbound is not None and "label" in getattr(unbound, "kwargs", {}):
            return Field(str(unbound.kwargs["label"]))
    return None


_REQUEST_STATUS = phrases.choices({s.value: s.label for s in RequestStatus})


def contribute(app: Flask) -> None:
    phrases.describe(app, "event", noun="sự kiện", actions={
        "create": ("Tạo sự kiện", "đã tạo sự kiện", phrases.rest_of("Tạo sự kiện ")),
        "update": ("Sửa sự kiện", "đã sửa thông tin sự kiện",
                   phrases.rest_of("Sửa thông tin sự kiện ")),
        "import": ("Nhập định nghĩa sự kiện", "đã nhập định nghĩa sự kiện",
                   phrases.rest_of("Nhập định nghĩa sự kiện ")),
        "clone": ("Nhân bản sự kiện", "đã nhân bản sự kiện",
                  phrases.rest_of("Nhân bản sự kiện ")),
    }, fields={
        "title": "Tên sự kiện", "theme": "Chủ đề", "source": Field("Sự kiện gốc", event_title),
        "starts_on": "Ngày bắt đầu mới", "days": "Dời ngày (số ngày)",
    }, find_field=_settings_field)
    phrases.describe(app, "session", noun="buổi", actions={
        "create": ("Thêm buổi", "đã thêm buổi", lambda r: r.after("name")),
        "update": ("Sửa buổi", "đã sửa buổi", lambda r: r.after("name")),
    }, fields={"name": "Tên buổi", "starts_at": "Bắt đầu", "ends_at": "Kết thúc",
               "venue": "Địa điểm", "capacity": "Sức chứa"})
    phrases.describe(app, "extension", noun="gia hạn", actions={
        "grant": ("Gia hạn cho đơn vị", "đã gia hạn", phrases.rest_of("Gia hạn ")),
        "revoke": ("Hủy gia hạn", "đã hủy gia hạn", phrases.rest_of("Hủy gia hạn ")),
    }, fields={"deadline": "Hạn mới", "reason": "Lý do"})
    phrases.describe(app, "extension_request", noun="đơn xin gia hạn", actions={
        "create": ("Đơn xin gia hạn", "đã gửi đơn xin gia hạn"),
        "granted": ("Chấp nhận đơn xin gia hạn", "đã chấp nhận đơn xin gia hạn"),
        "refused": ("Từ chối đơn xin gia hạn", "đã từ chối đơn xin gia hạn"),
    }, fields={"kind": Field("Hạn", deadline_label), "reason": "Lý do",
               "until": "Xin gia hạn đến", "note": "Ghi chú",
               "status": Field("Trạng thái", _REQUEST_STATUS)})
